//! The commands, from parsed arguments to output and an exit status.

use crate::checks::link_status::request_url;
use crate::checks::text::plural;
use crate::cli::{
    CheckArgs, Cli, ColorChoice, Command, ExtractArgs, ExtractFormat, Format, LinksArgs,
    LinksFormat,
};
use crate::config::{self, ConfigError};
use crate::document::Verdicts;
use crate::document::{Document, LinkKind};
use crate::engine::{self, Linter};
use crate::extract;
use crate::files;
use crate::report::{self, HumanOptions, Outcome};
use crate::rules::{self, RuleLevel, RuleSet, RuleSpec};
use std::io::{IsTerminal, Write};
use std::sync::Arc;

/// How a run ended, as SPEC §2 defines the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: nothing that fails the run.
    Clean,
    /// 1: at least one error (or warning, with `--deny-warnings`).
    Findings,
    /// 2: the run was incomplete or invalid.
    Incomplete,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Incomplete => 2,
        }
    }
}

pub fn run(cli: Cli) -> ExitStatus {
    match cli.command {
        Command::Check(args) => check(&args),
        Command::Rules => {
            print_stdout(&rules_table(&rules::builtin_specs()));
            ExitStatus::Clean
        }
        Command::Explain { rule } => explain(&rule),
        Command::Links(args) => links(&args),
        Command::Extract(args) => extract(&args),
    }
}

/// Reads every file under `paths` and hands it to `each`; files that cannot be read are
/// returned as errors, and the others are still handed over.
fn for_each_file(
    paths: &[std::path::PathBuf],
    mut each: impl FnMut(String, String),
) -> Vec<files::FileError> {
    let mut errors = Vec::new();
    for path in files::discover(paths, &mut errors) {
        match files::read(&path) {
            Ok(source) => each(files::display(&path), source),
            Err(err) => errors.push(err),
        }
    }
    errors
}

fn links(args: &LinksArgs) -> ExitStatus {
    #[derive(serde::Serialize)]
    struct Record {
        path: String,
        line: usize,
        column: usize,
        url: String,
        kind: LinkKind,
    }
    let mut records = Vec::new();
    let errors = for_each_file(&args.paths, |path, source| {
        let doc = Document::parse(&source);
        for link in &doc.links {
            for url in doc.meant_urls(link) {
                let (line, column) = doc.lines.line_col(&source, url.span().start);
                records.push(Record {
                    path: path.clone(),
                    line,
                    column,
                    url: doc.text(&url.span()).to_string(),
                    kind: link.kind,
                });
            }
        }
    });
    let out = match args.format {
        LinksFormat::Text => records
            .iter()
            .map(|r| format!("{}:{}:{}\t{}\n", r.path, r.line, r.column, r.url))
            .collect(),
        LinksFormat::Json => {
            serde_json::to_string_pretty(&records).expect("records serialize") + "\n"
        }
    };
    print_stdout(&out);
    report_file_errors(&errors)
}

fn extract(args: &ExtractArgs) -> ExitStatus {
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let specs = match config::load(args.config.as_deref(), &cwd) {
        Ok(loaded) => all_specs(&loaded),
        Err(err) => {
            eprint_report(miette::Report::new(err));
            return ExitStatus::Incomplete;
        }
    };
    // Every rule's settings, whatever its severity: values are data, not findings.
    let normalizers = crate::checks::normalizers(&specs);
    let normalizers: Vec<&extract::Normalizer> = normalizers.iter().map(|n| n.as_ref()).collect();
    let mut records = Vec::new();
    let errors = for_each_file(&args.paths, |path, source| {
        let doc = Document::parse(&source);
        records.extend(extract::records(&path, &doc, &normalizers));
    });
    match args.format {
        ExtractFormat::Json => print_stdout(
            &(serde_json::to_string_pretty(&records).expect("records serialize") + "\n"),
        ),
        ExtractFormat::Csv => match extract::to_csv(&records) {
            Ok(csv) => print_stdout(&csv),
            Err(err) => {
                eprintln!("error: cannot write CSV: {err}");
                return ExitStatus::Incomplete;
            }
        },
    }
    report_file_errors(&errors)
}

/// Prints file errors on stderr; any makes the run incomplete.
fn report_file_errors(errors: &[files::FileError]) -> ExitStatus {
    for error in errors {
        eprint_report(miette::Report::new(error.clone()));
    }
    if errors.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Incomplete
    }
}

fn check(args: &CheckArgs) -> ExitStatus {
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let (linter, link_config) = match load_setup(args.config.as_deref(), &cwd) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprint_report(miette::Report::new(err));
            return ExitStatus::Incomplete;
        }
    };
    let changes = match &args.changed_since {
        Some(reference) => match crate::changes::since(reference, &cwd) {
            Ok(changes) => Some(changes),
            Err(err) => {
                eprintln!("error: --changed-since {reference}: {err}");
                return ExitStatus::Incomplete;
            }
        },
        None => None,
    };
    let keep_sources = args.fix || args.format == Format::Human;
    let options = crate::links::CheckOptions {
        use_cache: !args.no_cache,
        progress: args.format == Format::Human,
        github_token: crate::links::CheckOptions::github_token_from_env(),
    };
    let (mut outcome, verdicts) = if args.offline {
        (lint_paths(&args.paths, &linter, None, keep_sources), None)
    } else {
        let (outcome, verdicts) = lint_paths_online(
            &args.paths,
            &linter,
            &link_config,
            &options,
            changes.as_ref(),
        );
        (outcome, Some(verdicts))
    };
    if let Some(changes) = &changes {
        keep_changed(&mut outcome, changes);
    }
    if args.fix {
        let fixed = fix_files(
            &mut outcome,
            &linter,
            verdicts.as_ref(),
            changes.as_ref(),
            args.diff,
        );
        if fixed.fixes > 0 {
            eprintln!(
                "fixed {} {} in {} {}",
                fixed.fixes,
                plural(fixed.fixes, "finding", "findings"),
                fixed.files,
                plural(fixed.files, "file", "files")
            );
        }
        if args.diff {
            print_stdout(&fixed.diff);
            return exit_status(&outcome, args.deny_warnings);
        }
    }
    match args.format {
        Format::Json => print_stdout(&report::render_json(&outcome)),
        Format::Sarif => {
            let specs: Vec<_> = linter.rules.rules.iter().map(|r| r.spec.clone()).collect();
            print_stdout(&report::render_sarif(&outcome, &specs));
        }
        Format::Github => {
            print_stdout(&report::render_github(&outcome));
            eprint!("{}", report::render_summary(&outcome));
        }
        Format::Junit => print_stdout(&report::render_junit(&outcome)),
        Format::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let width = terminal_width();
            print_stdout(&report::render_human(
                &outcome,
                HumanOptions { color, width },
            ));
            eprint!("{}", report::render_summary(&outcome));
        }
    }
    exit_status(&outcome, args.deny_warnings)
}

/// Drops findings on lines that did not change, and files that did not change at all.
fn keep_changed(outcome: &mut Outcome, changes: &crate::changes::Changes) {
    for file in &mut outcome.files {
        let changed = changes.in_file(std::path::Path::new(&file.path));
        file.diagnostics.retain(|d| changed(d.start.0));
    }
}

/// What `--fix` did.
#[derive(Default)]
struct Fixed {
    fixes: usize,
    files: usize,
    diff: String,
}

/// Applies safe fixes to every file of `outcome` until none is left (a fix can uncover another),
/// writes the files (or, with `diff`, only collects the diff), and leaves in `outcome` what the
/// fixed files still have.
/// Applies the safe fixes of every file, linting again after each pass (a fix can uncover
/// another). With `--changed-since`, only findings on changed lines are fixed and reported; the
/// changed lines are followed through each pass, since a fix moves the lines after it.
fn fix_files(
    outcome: &mut Outcome,
    linter: &Linter,
    verdicts: Option<&Verdicts>,
    changes: Option<&crate::changes::Changes>,
    diff: bool,
) -> Fixed {
    const MAX_PASSES: usize = 8;
    let mut fixed = Fixed::default();
    for report in &mut outcome.files {
        let original = report.source.clone();
        let path = std::path::PathBuf::from(&report.path);
        // Whether each line (1-based) of the current text is one the user changed.
        let mut changed: Option<Vec<bool>> = changes.map(|c| {
            let lines = report.source.split_inclusive('\n').count() + 1;
            (0..=lines).map(c.in_file(&path)).collect()
        });
        let mut file_fixes = 0;
        for _ in 0..MAX_PASSES {
            let fixes: Vec<_> = report
                .diagnostics
                .iter()
                .filter_map(|d| d.finding.fix.as_ref())
                .collect();
            let (text, applied) = crate::fix::apply(&report.source, &fixes);
            if applied == 0 {
                break;
            }
            file_fixes += applied;
            if let Some(changed) = &mut changed {
                *changed = changed_after_fix(&report.source, &text, changed);
            }
            *report = linter.lint(report.path.clone(), Arc::new(text), verdicts);
            if let Some(changed) = &changed {
                let on_changed_line =
                    |d: &engine::Diagnostic| changed.get(d.start.0) == Some(&true);
                report.diagnostics.retain(on_changed_line);
            }
        }
        if file_fixes == 0 {
            continue;
        }
        fixed.fixes += file_fixes;
        fixed.files += 1;
        if diff {
            fixed.diff.push_str(&crate::fix::unified_diff(
                &report.path,
                &original,
                &report.source,
            ));
        } else if let Err(err) =
            write_atomically(std::path::Path::new(&report.path), &report.source)
        {
            outcome.errors.push(files::FileError::Unreadable {
                path: report.path.clone(),
                reason: format!("cannot write the fixed file: {err}"),
            });
        }
    }
    fixed
}

/// Which lines (1-based) of `after` are changed lines, given those of `before`: a line kept
/// from `before` keeps its mark, and a line a fix wrote is changed (fixes touch only changed
/// lines).
fn changed_after_fix(before: &str, after: &str, changed: &[bool]) -> Vec<bool> {
    use similar::DiffOp;
    let lines = after.split_inclusive('\n').count() + 1;
    let mut marks = vec![false; lines + 1];
    for op in similar::TextDiff::from_lines(before, after).ops() {
        match *op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for i in 0..len {
                    marks[new_index + i + 1] = changed.get(old_index + i + 1) == Some(&true);
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            }
            | DiffOp::Replace {
                new_index, new_len, ..
            } => marks[new_index + 1..=new_index + new_len].fill(true),
            DiffOp::Delete { .. } => {}
        }
    }
    marks
}

/// Writes through a temporary file in the same folder, renamed over the original, so a crash
/// never leaves a half-written survey.
fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    tmp.persist(path).map(|_| ()).map_err(|e| e.error)
}

/// Lints every file under `paths`. Unreadable files are recorded and the others still linted.
///
/// Files are linted in parallel, and reported in path order. Unless `keep_sources` (human
/// output and `--fix` need them), a file's text is dropped once it is linted, so memory grows
/// with the largest file rather than with the number of files.
pub fn lint_paths(
    paths: &[std::path::PathBuf],
    linter: &Linter,
    verdicts: Option<&Verdicts>,
    keep_sources: bool,
) -> Outcome {
    use rayon::prelude::*;
    let mut errors = Vec::new();
    let found = files::discover(paths, &mut errors);
    let results: Vec<Result<engine::FileReport, files::FileError>> = found
        .par_iter()
        .map(|path| {
            let source = files::read(path)?;
            let mut report = linter.lint(files::display(path), Arc::new(source), verdicts);
            if !keep_sources {
                report.source = Arc::default();
            }
            Ok(report)
        })
        .collect();
    let mut files = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(report) => files.push(report),
            Err(err) => errors.push(err),
        }
    }
    Outcome { files, errors }
}

/// Lints with link checking: every file is read and parsed once, its URLs are checked (each
/// unique one once, across files), and the same documents are then linted with the verdicts.
/// All documents are held at once, which the offline path avoids.
fn lint_paths_online(
    paths: &[std::path::PathBuf],
    linter: &Linter,
    config: &crate::links::LinkConfig,
    options: &crate::links::CheckOptions,
    changes: Option<&crate::changes::Changes>,
) -> (Outcome, Verdicts) {
    use rayon::prelude::*;
    let mut sources = Vec::new();
    let errors = for_each_file(paths, |path, source| sources.push((path, Arc::new(source))));
    // The link cache is read while the documents are parsed.
    let (mut docs, cache) = rayon::join(
        || -> Vec<Document<'_>> {
            let sources = sources.par_iter();
            sources.map(|(_, s)| Document::parse(s)).collect()
        },
        || crate::links::open_cache(config, options),
    );
    let mut urls = std::collections::BTreeSet::new();
    for ((path, _), doc) in sources.iter().zip(&docs) {
        collect_urls(path, doc, changes, &mut urls);
    }
    let urls: Vec<String> = urls.into_iter().collect();
    let verdicts = crate::links::check_urls_with_cache(&urls, config, options, cache);
    for doc in &mut docs {
        doc.verdicts = Some(&verdicts);
    }
    let files = sources
        .par_iter()
        .zip(docs)
        .map(|((path, source), doc)| linter.lint_parsed(path.clone(), source, doc))
        .collect();
    (Outcome { files, errors }, verdicts)
}

/// The URLs (as requested) of a document's links; with `--changed-since`, only those on changed
/// lines, so that an old dead link is not even requested.
fn collect_urls(
    path: &str,
    doc: &Document<'_>,
    changes: Option<&crate::changes::Changes>,
    urls: &mut std::collections::BTreeSet<String>,
) {
    let changed = changes.map(|c| c.in_file(std::path::Path::new(path)));
    for link in &doc.links {
        for url in doc.meant_urls(link) {
            let line = doc.lines.line(url.span().start);
            if changed.as_ref().is_some_and(|changed| !changed(line)) {
                continue;
            }
            if let Some(request) = request_url(doc.text(&url.span()), link.kind) {
                urls.insert(request);
            }
        }
    }
}

/// The built-in rules and the user's own, at the severities the config sets, the config's
/// accepted exceptions, and its link-checker settings.
pub fn load_setup(
    explicit_config: Option<&std::path::Path>,
    cwd: &std::path::Path,
) -> Result<(Linter, crate::links::LinkConfig), ConfigError> {
    let loaded = config::load(explicit_config, cwd)?;
    let specs = all_specs(&loaded);
    let levels = loaded.levels(&specs)?;
    let rules = RuleSet::new(specs, |spec| {
        levels
            .get(&spec.name)
            .copied()
            .unwrap_or(RuleLevel::Severity(spec.severity))
    });
    let linter = Linter {
        rules,
        exceptions: loaded.exceptions,
    };
    Ok((linter, loaded.config.links))
}

/// The built-in rules, then the rules of the config's rule files.
fn all_specs(loaded: &config::Loaded) -> Vec<RuleSpec> {
    let mut specs = rules::builtin_specs();
    specs.extend(loaded.user_rules.iter().cloned());
    specs
}

fn exit_status(outcome: &Outcome, deny_warnings: bool) -> ExitStatus {
    let counts = outcome.counts();
    if !outcome.errors.is_empty() {
        ExitStatus::Incomplete
    } else if counts.errors > 0 || (deny_warnings && counts.warnings > 0) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    }
}

fn rules_table(specs: &[RuleSpec]) -> String {
    let name_width = specs.iter().map(|s| s.name.len()).max().unwrap_or(4);
    let mut specs: Vec<&RuleSpec> = specs.iter().collect();
    specs.sort_by(|a, b| a.code.cmp(&b.code));
    let mut out = format!(
        "{:<6} {:<name_width$} {:<7} summary\n",
        "code", "name", "default"
    );
    for spec in specs {
        out.push_str(&format!(
            "{:<6} {:<name_width$} {:<7} {}\n",
            spec.code,
            spec.name,
            spec.severity.as_str(),
            spec.summary
        ));
    }
    out
}

fn explain(query: &str) -> ExitStatus {
    let specs = rules::builtin_specs();
    let Some(spec) = rules::find(&specs, query) else {
        eprintln!("error: no rule named `{query}`; `survey-lint rules` lists them");
        return ExitStatus::Incomplete;
    };
    print_stdout(&explain_text(spec));
    ExitStatus::Clean
}

/// A rule's documentation as `explain` prints it.
pub fn explain_text(spec: &RuleSpec) -> String {
    let mut out = format!(
        "# {} ({})\n\n{}.\n\nDefault severity: {}\n\n{}\n",
        spec.name,
        spec.code,
        spec.summary,
        spec.severity,
        spec.docs.trim()
    );
    let examples = |valid: bool| {
        spec.examples.iter().filter_map(move |e| {
            if valid {
                e.valid.as_ref()
            } else {
                e.invalid.as_ref()
            }
        })
    };
    for (title, valid) in [("Reported", false), ("Not reported", true)] {
        let mut list = examples(valid).peekable();
        if list.peek().is_some() {
            out.push_str(&format!("\n## {title}\n"));
            for example in list {
                out.push_str(&format!("\n```markdown\n{}\n```\n", example.trim_end()));
            }
        }
    }
    out
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

/// Writes to stdout; a closed pipe (`survey-lint … | head`) is not an error.
fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
}

fn eprint_report(report: miette::Report) {
    eprintln!("{report:?}");
}
