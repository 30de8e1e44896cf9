//! `survey-lint check`: lint, check links unless `--offline`, fix with `--fix`, report.

use super::{
    ExitStatus, current_dir, eprint_report, for_each_file_as_read, load_setup, print_stdout,
    report_file_errors, write_stdout,
};
use crate::changes::Changes;
use crate::cli::{CheckArgs, ColorChoice, Format};
use crate::diagnostic::plural;
use crate::document::Document;
use crate::engine::{FileReport, Linter};
use crate::files;
use crate::links::config::AllowPrivate;
use crate::links::{self, CheckOptions, LinkConfig, Verdicts};
use crate::report::{self, HumanOptions, Outcome};
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub fn check(args: &CheckArgs) -> ExitStatus {
    let cwd = current_dir();
    let (linter, mut link_config) = match load_setup(args.config.as_deref(), &cwd) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprint_report(miette::Report::new(err));
            return ExitStatus::Incomplete;
        }
    };
    match allow_private_override(args.allow_private.as_deref()) {
        Ok(Some(allow)) => link_config.allow_private = allow,
        Ok(None) => {}
        Err(err) => {
            eprintln!("error: {err}");
            return ExitStatus::Incomplete;
        }
    }
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
    let options = CheckOptions {
        use_cache: !args.no_cache,
        progress: args.format == Format::Human,
        github_token: CheckOptions::github_token_from_env(),
    };
    let (mut outcome, verdicts) = if args.offline {
        (lint_paths(&args.paths, &linter, keep_sources), None)
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
        let fixed = crate::fix::fix_files(
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
            report_file_errors(&outcome.errors);
            return exit_status(&outcome, args.deny_warnings);
        }
    }
    print_report(args, &outcome, &linter);
    exit_status(&outcome, args.deny_warnings)
}

/// The report in the format asked for: on stdout, with the summary line on stderr for the
/// formats a person reads.
fn print_report(args: &CheckArgs, outcome: &Outcome, linter: &Linter) {
    match args.format {
        Format::Json => write_stdout(|out| report::write_json(outcome, out)),
        Format::Sarif => {
            let specs: Vec<_> = linter.rules.rules.iter().map(|r| r.spec.clone()).collect();
            write_stdout(|out| report::write_sarif(outcome, &specs, out));
        }
        Format::Github => {
            write_stdout(|out| report::write_github(outcome, out));
            eprint!("{}", report::render_summary(outcome));
        }
        Format::Junit => write_stdout(|out| report::write_junit(outcome, out)),
        Format::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let width = terminal_width();
            let options = HumanOptions { color, width };
            write_stdout(|out| report::write_human(outcome, options, out));
            eprint!("{}", report::render_summary(outcome));
        }
    }
}

/// The environment variable with which CI decides about private addresses, whatever a
/// committed config says.
pub const ALLOW_PRIVATE_ENV: &str = "SURVEY_LINT_ALLOW_PRIVATE";

/// `--allow-private`, else `SURVEY_LINT_ALLOW_PRIVATE`, else nothing (the config decides).
fn allow_private_override(flag: Option<&str>) -> Result<Option<AllowPrivate>, String> {
    let (value, from) = match flag {
        Some(value) => (value.to_string(), "--allow-private"),
        None => match std::env::var(ALLOW_PRIVATE_ENV) {
            Ok(value) => (value, ALLOW_PRIVATE_ENV),
            Err(_) => return Ok(None),
        },
    };
    value.parse().map(Some).map_err(|e| format!("{from}: {e}"))
}

/// Drops findings on lines that did not change, and files that did not change at all.
fn keep_changed(outcome: &mut Outcome, changes: &Changes) {
    for file in &mut outcome.files {
        let changed = changes.in_file(Path::new(&file.path));
        file.diagnostics.retain(|d| changed(d.start.line));
    }
}

/// Lints every file under `paths`. Unreadable files are recorded and the others still linted.
///
/// Files are linted in parallel, and reported in path order. Unless `keep_sources` (human
/// output and `--fix` need them), a file's text is dropped once it is linted, so memory grows
/// with the largest file rather than with the number of files.
fn lint_paths(paths: &[PathBuf], linter: &Linter, keep_sources: bool) -> Outcome {
    use rayon::prelude::*;
    let mut errors = Vec::new();
    let found = files::discover(paths, &mut errors);
    let results: Vec<Result<FileReport, files::FileError>> = found
        .par_iter()
        .map(|path| {
            let (source, read_as) = files::read_with_fingerprint(path)?;
            let mut report = linter.lint(files::display(path), Arc::new(source), None);
            report.read_as = Some(read_as);
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
    paths: &[PathBuf],
    linter: &Linter,
    config: &LinkConfig,
    options: &CheckOptions,
    changes: Option<&Changes>,
) -> (Outcome, Verdicts) {
    use rayon::prelude::*;
    let mut sources = Vec::new();
    let errors = for_each_file_as_read(paths, |path, source, read_as| {
        sources.push((path, Arc::new(source), read_as))
    });
    // The link cache is read while the documents are parsed.
    let (docs, cache) = rayon::join(
        || -> Vec<Document<'_>> {
            let sources = sources.par_iter();
            sources.map(|(_, s, _)| Document::parse(s)).collect()
        },
        || links::open_cache(config, options),
    );
    let mut urls = BTreeSet::new();
    for ((path, _, _), doc) in sources.iter().zip(&docs) {
        collect_urls(path, doc, changes, &mut urls);
    }
    let urls: Vec<String> = urls.into_iter().collect();
    let verdicts = links::check_urls_with_cache(&urls, config, options, cache);
    let files = sources
        .par_iter()
        .zip(docs)
        .map(|((path, source, read_as), doc)| {
            let mut report = linter.lint_document(path.clone(), source, &doc, Some(&verdicts));
            report.read_as = Some(*read_as);
            report
        })
        .collect();
    (Outcome { files, errors }, verdicts)
}

/// The URLs (as requested) of a document's links; with `--changed-since`, only those on changed
/// lines, so that an old dead link is not even requested.
fn collect_urls(
    path: &str,
    doc: &Document<'_>,
    changes: Option<&Changes>,
    urls: &mut BTreeSet<String>,
) {
    let changed = changes.map(|c| c.in_file(Path::new(path)));
    for link in &doc.links {
        for url in doc.meant_urls(link) {
            let line = doc.lines.line(url.span().start);
            if changed.as_ref().is_some_and(|changed| !changed(line)) {
                continue;
            }
            if let Some(request) = links::request_url(doc.text(&url.span()), link.kind) {
                urls.insert(request);
            }
        }
    }
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

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}
