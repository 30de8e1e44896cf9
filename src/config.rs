//! `survey-lint.toml` → [`Config`]. Errors point at the line and column of the mistake.
//! A config never runs commands and never expands environment variables.

use crate::document::floor_char_boundary;
use crate::exceptions::{Exception, ExceptionSpec};
use crate::links::LinkConfig;
use crate::rules::{RuleLevel, RuleSpec};
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const FILE_NAME: &str = "survey-lint.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Severity or `off`, by rule name or code.
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, RuleLevel>,
    /// Rule files of the user's own, in the format of the built-in `rules/`, relative to the config.
    #[serde(default)]
    pub rule_files: Vec<Spanned<String>>,
    #[serde(default)]
    pub links: LinkConfig,
    /// Accepted exceptions, by rule and row key or by URL pattern.
    #[serde(default)]
    pub exceptions: Vec<Spanned<ExceptionSpec>>,
}

/// A config or rule file that cannot be used: the run stops with exit status 2.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    #[error("{path}: cannot read: {reason}")]
    #[diagnostic(code(survey_lint::config))]
    Unreadable { path: String, reason: String },
    /// A mistake in a rule file, at its line and column. The file's text is not quoted: a rule
    /// file is named by a config that may come from a stranger's pull request, and whatever
    /// file it names, the error must not print it.
    #[error("{path}:{line}:{column}: {message}")]
    #[diagnostic(code(survey_lint::config))]
    InvalidRuleFile {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<InvalidFile>),
}

/// A config or rule file with a mistake, shown at its line and column.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(survey_lint::config))]
pub struct InvalidFile {
    message: String,
    #[source_code]
    source_code: FileText,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[help]
    help: Option<String>,
}

impl ConfigError {
    pub fn invalid(
        path: &Path,
        text: &str,
        message: impl Into<String>,
        span: Option<std::ops::Range<usize>>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> ConfigError {
        ConfigError::Invalid(Box::new(InvalidFile {
            message: format!("{}: {}", path.display(), shortened(message.into())),
            source_code: FileText {
                name: path.display().to_string(),
                text: text.to_string(),
            },
            // A label under a whole megabyte value says no more than one under its start.
            span: span.map(|s| {
                let end = s.end.max(s.start).min(s.start + MESSAGE_CHARS);
                SourceSpan::from(s.start..floor_char_boundary(text, end.min(text.len())))
            }),
            label: label.into(),
            help,
        }))
    }
}

/// A message of at most [`MESSAGE_CHARS`] characters: the parser's messages quote the value
/// they refuse, and a value can be a megabyte long.
fn shortened(message: String) -> String {
    match message.char_indices().nth(MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message,
    }
}

const MESSAGE_CHARS: usize = 400;

/// A config or rule file as an error shows it: whole, but a line longer than a terminal shows
/// is cut to the part around the error, with its line and column as in the file. (Drawing the
/// whole line pads to the error's column, which panics past 65,535.)
#[derive(Debug)]
struct FileText {
    name: String,
    text: String,
}

/// Bytes of a line shown on each side of an error before the line is cut.
const SHOWN_AROUND: usize = 120;

impl SourceCode for FileText {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let whole = self.text.read_span(span, before, after)?;
        let (line, column, lines) = (whole.line(), whole.column(), whole.line_count());
        if whole.data().len() <= 4 * SHOWN_AROUND {
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                whole.data(),
                *whole.span(),
                line,
                column,
                lines,
            )));
        }
        // The error's own line only, from a little before the span to a little after it.
        let text = self.text.as_str();
        let at = span.offset().min(text.len());
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let end = (at + span.len()).min(line_end);
        let start = floor_char_boundary(text, at.saturating_sub(SHOWN_AROUND).max(line_start));
        let stop = floor_char_boundary(text, (end + SHOWN_AROUND).min(line_end));
        let line = text[..line_start].matches('\n').count();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &text.as_bytes()[start..stop],
            (start..stop).into(),
            line,
            start - line_start,
            1,
        )))
    }
}

/// A loaded config and where it came from.
#[derive(Debug, Default)]
pub struct Loaded {
    pub config: Config,
    /// The config file, if one was found or given.
    pub path: Option<PathBuf>,
    /// The user's own rules, read from `rule_files`.
    pub user_rules: Vec<RuleSpec>,
    pub exceptions: Vec<Exception>,
}

/// Loads `--config FILE`, or discovers `survey-lint.toml` from `start` up to the git root.
pub fn load(explicit: Option<&Path>, start: &Path) -> Result<Loaded, ConfigError> {
    let path = match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => discover(start),
    };
    let Some(path) = path else {
        return Ok(Loaded::default());
    };
    let text = read(&path)?;
    let mut config: Config = toml::from_str(&text).map_err(|e| toml_error(&path, &text, &e))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let repository = repository_root(base);
    if let Some(dir) = &config.links.cache_dir {
        let inside = folder_inside(start, &repository, dir).map_err(|why| {
            let help = "leave `links.cache_dir` out to use the user's cache folder".to_string();
            ConfigError::invalid(&path, &text, why, None, "", Some(help))
        })?;
        config.links.cache_dir = Some(inside);
    }
    let config_error = |message: String, entry: &Spanned<String>, label: &str| {
        ConfigError::invalid(&path, &text, message, Some(entry.span()), label, None)
    };
    let user_rules = config
        .rule_files
        .iter()
        .map(|entry| {
            let file = rule_file_path(base, &repository, entry.get_ref())
                .map_err(|why| config_error(why, entry, "this rule file"))?;
            load_rule_file(&file, &base.join(entry.get_ref()), entry.get_ref())
                .map_err(|why| why.unwrap_or_else(|why| config_error(why, entry, "this rule file")))
        })
        .collect::<Result<_, _>>()?;
    let exceptions = config
        .exceptions
        .iter()
        .map(|spec| {
            Exception::new(spec.get_ref()).map_err(|message| {
                ConfigError::invalid(
                    &path,
                    &text,
                    message,
                    Some(spec.span()),
                    "this exception",
                    None,
                )
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Loaded {
        config,
        path: Some(path),
        user_rules,
        exceptions,
    })
}

/// The most a rule file may hold.
pub const MAX_RULE_FILE_BYTES: u64 = 1 << 20;

/// The folder a config speaks for: the nearest folder at or above `config_dir` that holds
/// `.git`, or `config_dir` itself outside a repository.
fn repository_root(config_dir: &Path) -> PathBuf {
    let dir = config_dir
        .canonicalize()
        .unwrap_or_else(|_| config_dir.to_path_buf());
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&dir)
        .to_path_buf()
}

/// Where a `rule_files` entry points, if a config may name it: a path relative to the config,
/// to a regular `*.toml` file inside the repository (symbolic links resolved), not inside
/// `.git`, of at most [`MAX_RULE_FILE_BYTES`]. The reason otherwise, naming only the entry.
fn rule_file_path(base: &Path, repository: &Path, entry: &str) -> Result<PathBuf, String> {
    let given = Path::new(entry);
    let outside =
        || format!("rule file `{entry}` is outside the repository; rule files must be inside it");
    if given.is_absolute() || given.has_root() {
        return Err(format!(
            "rule file `{entry}` is an absolute path; give it relative to the config, inside the repository"
        ));
    }
    let path = base.join(given).canonicalize().map_err(|e| {
        if lexically_inside(given) {
            format!("cannot read rule file `{entry}`: {e}")
        } else {
            outside()
        }
    })?;
    let inside = path
        .strip_prefix(repository)
        .map_err(|_| outside())?
        .to_path_buf();
    if inside.components().any(|c| c.as_os_str() == ".git") {
        return Err(format!("rule file `{entry}` is inside `.git`"));
    }
    if path.extension().is_none_or(|e| e != "toml") {
        return Err(format!("rule file `{entry}` is not a `.toml` file"));
    }
    let meta =
        std::fs::metadata(&path).map_err(|e| format!("cannot read rule file `{entry}`: {e}"))?;
    if !meta.is_file() {
        return Err(format!("rule file `{entry}` is not a regular file"));
    }
    if meta.len() > MAX_RULE_FILE_BYTES {
        return Err(format!(
            "rule file `{entry}` is larger than {} KiB",
            MAX_RULE_FILE_BYTES / 1024
        ));
    }
    Ok(path)
}

/// `links.cache_dir` (relative to the working directory `cwd`) as an absolute path, if it lies
/// inside the repository: a config must not make survey-lint write elsewhere. The folder need
/// not exist yet; its nearest existing parent is resolved, symbolic links included.
fn folder_inside(cwd: &Path, repository: &Path, dir: &Path) -> Result<PathBuf, String> {
    use std::path::Component;
    let shown = dir.display();
    let outside = || format!("links.cache_dir `{shown}` is outside the repository");
    if dir.components().any(|c| c == Component::ParentDir) {
        return Err(format!("links.cache_dir `{shown}` must not contain `..`"));
    }
    let full = cwd.join(dir);
    let (existing, rest) = full
        .ancestors()
        .find_map(|a| Some((a.canonicalize().ok()?, full.strip_prefix(a).ok()?)))
        .ok_or_else(outside)?;
    let resolved = existing.join(rest);
    if resolved.starts_with(repository) {
        Ok(resolved)
    } else {
        Err(outside())
    }
}

/// Whether a relative path stays below where it starts, by its components alone.
fn lexically_inside(path: &Path) -> bool {
    use std::path::Component;
    let mut depth: usize = 0;
    for component in path.components() {
        match component {
            Component::ParentDir => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

/// Reads and parses a rule file that [`rule_file_path`] allowed. `Err(Ok(_))` is an error in
/// the file, at its line and column and without its text; `Err(Err(why))` is a reason to show
/// at the file's entry in the config.
fn load_rule_file(
    path: &Path,
    shown: &Path,
    entry: &str,
) -> Result<RuleSpec, Result<ConfigError, String>> {
    use std::io::Read;
    let cannot_read = |e: std::io::Error| Err(format!("cannot read rule file `{entry}`: {e}"));
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let mut bytes = Vec::new();
    file.take(MAX_RULE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > MAX_RULE_FILE_BYTES {
        return Err(Err(format!(
            "rule file `{entry}` is larger than {} KiB",
            MAX_RULE_FILE_BYTES / 1024
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Err(format!(
            "rule file `{entry}` is not valid UTF-8 (at byte {at})"
        ))
    })?;
    RuleSpec::parse(&text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start.min(text.len()));
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        Ok(ConfigError::InvalidRuleFile {
            path: shown.display().to_string(),
            line: text[..offset].matches('\n').count() + 1,
            column: text[line_start..offset].chars().count() + 1,
            message: without_quotes_from_the_file(e.message()),
        })
    })
}

/// A TOML or settings error without what it quotes from the file, which may be any file a
/// stranger's config named: quoted text before `, expected` is the file's (`unknown variant
/// `x``, `invalid type: string "x"`), the names after it are survey-lint's own, as is the
/// field of `missing field`; lines after the first (a regular expression shown with a caret)
/// are dropped.
fn without_quotes_from_the_file(message: &str) -> String {
    let first_line = message.lines().next().unwrap_or_default();
    if first_line.starts_with("missing field") {
        return first_line.to_string();
    }
    let (from_file, expected) = match first_line.find(", expected") {
        Some(at) => first_line.split_at(at),
        None => (first_line, ""),
    };
    let mut out = String::with_capacity(first_line.len());
    let mut quote: Option<char> = None;
    for c in from_file.chars() {
        match quote {
            Some(q) if c == q => {
                out.push('…');
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if matches!(c, '`' | '"') {
                    quote = Some(c);
                }
            }
        }
    }
    if let Some(q) = quote {
        out.push('…');
        out.push(q);
    }
    out.push_str(expected);
    out
}

/// A TOML error, at its line and column in the file.
fn toml_error(path: &Path, text: &str, error: &toml::de::Error) -> ConfigError {
    ConfigError::invalid(
        path,
        text,
        error.message().to_string(),
        error.span(),
        "here",
        None,
    )
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// The nearest `survey-lint.toml` in `start` or a parent, stopping at the git root.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

impl Loaded {
    /// Checks that every rule named in `[rules]` exists among `specs`, and returns the level
    /// function for [`crate::rules::RuleSet::new`].
    pub fn levels(&self, specs: &[RuleSpec]) -> Result<BTreeMap<String, RuleLevel>, ConfigError> {
        let mut levels = BTreeMap::new();
        for (name, level) in &self.config.rules {
            let Some(spec) = crate::rules::find(specs, name.get_ref()) else {
                let path = self.path.clone().unwrap_or_default();
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let known: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
                return Err(ConfigError::invalid(
                    &path,
                    &text,
                    format!("unknown rule `{}`", name.get_ref()),
                    Some(name.span()),
                    "no rule has this name or code",
                    Some(format!("known rules: {}", known.join(", "))),
                ));
            };
            levels.insert(spec.name.clone(), *level);
        }
        Ok(levels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_file_errors_keep_survey_lints_words_and_drop_the_files() {
        assert_eq!(
            without_quotes_from_the_file(
                "unknown variant `SECRET`, expected one of `info`, `warning`, `error`"
            ),
            "unknown variant `…`, expected one of `info`, `warning`, `error`"
        );
        assert_eq!(
            without_quotes_from_the_file("invalid type: string \"ghp_x\", expected a sequence"),
            "invalid type: string \"…\", expected a sequence"
        );
        assert_eq!(
            without_quotes_from_the_file("missing field `code`"),
            "missing field `code`"
        );
        assert_eq!(
            without_quotes_from_the_file("invalid string\nexpected `\"`, `'`"),
            "invalid string"
        );
        assert_eq!(
            without_quotes_from_the_file(
                "invalid regular expression: regex parse error:\n    ([a-z SECRET\n    ^"
            ),
            "invalid regular expression: regex parse error:"
        );
        assert_eq!(
            without_quotes_from_the_file("`SECRET` is not a duration like \"30s\""),
            "`…` is not a duration like \"…\""
        );
    }
}
