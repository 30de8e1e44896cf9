//! `survey-lint.toml` → [`Config`]. Errors point at the line and column of the mistake.
//! A config never runs commands and never expands environment variables.

use crate::exceptions::{Exception, ExceptionSpec};
use crate::links::LinkConfig;
use crate::rules::{RuleLevel, RuleSpec};
use miette::{NamedSource, SourceSpan};
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
    source_code: NamedSource<String>,
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
            message: format!("{}: {}", path.display(), message.into()),
            source_code: NamedSource::new(path.display().to_string(), text.to_string()),
            span: span.map(|s| SourceSpan::from(s.start..s.end.max(s.start))),
            label: label.into(),
            help,
        }))
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
    let config: Config = toml::from_str(&text).map_err(|e| toml_error(&path, &text, &e))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let user_rules = config
        .rule_files
        .iter()
        .map(|file| load_rule_file(&base.join(file.get_ref()), &path, &text, file.span()))
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

/// Reads and checks a user's rule file; errors point into the rule file, or at its entry in
/// the config when it cannot be read.
fn load_rule_file(
    rule_path: &Path,
    config_path: &Path,
    config_text: &str,
    entry: std::ops::Range<usize>,
) -> Result<RuleSpec, ConfigError> {
    let text = std::fs::read_to_string(rule_path).map_err(|e| {
        let message = format!("cannot read rule file {}: {e}", rule_path.display());
        ConfigError::invalid(
            config_path,
            config_text,
            message,
            Some(entry),
            "this rule file",
            None,
        )
    })?;
    RuleSpec::parse(&text).map_err(|e| toml_error(rule_path, &text, &e))
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
