//! `survey-lint check`: lint, check links unless `--offline`, fix with `--fix`, report.

use super::{ExitStatus, current_dir, eprint_report, for_each_file, load_setup, print_stdout};
use crate::changes::Changes;
use crate::cli::{CheckArgs, ColorChoice, Format};
use crate::diagnostic::plural;
use crate::document::Document;
use crate::engine::{FileReport, Linter};
use crate::files;
use crate::links::{self, CheckOptions, LinkConfig, Verdicts};
use crate::report::{self, HumanOptions, Outcome};
use crate::workspace::{Workspace, is_github_url};
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub fn check(args: &CheckArgs) -> ExitStatus {
    let cwd = current_dir();
    let (mut linter, link_config) = match load_setup(args.config.as_deref(), &cwd) {
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
    let base = changes.as_ref().and_then(|c| c.base()).map(str::to_string);
    linter.workspace = Some(Arc::new(Workspace::new(&cwd).with_base(base)));
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
        Format::Json => print_stdout(&report::render_json(outcome)),
        Format::Sarif => {
            let specs: Vec<_> = linter.rules.rules.iter().map(|r| r.spec.clone()).collect();
            print_stdout(&report::render_sarif(outcome, &specs));
        }
        Format::Github => {
            print_stdout(&report::render_github(outcome));
            eprint!("{}", report::render_summary(outcome));
        }
        Format::Junit => print_stdout(&report::render_junit(outcome)),
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
                outcome,
                HumanOptions { color, width },
            ));
            eprint!("{}", report::render_summary(outcome));
        }
    }
}

/// Drops findings on lines that did not change, and files that did not change at all, but
/// keeps the findings a change caused elsewhere (a link whose heading was renamed).
fn keep_changed(outcome: &mut Outcome, changes: &Changes) {
    for file in &mut outcome.files {
        let changed = changes.in_file(Path::new(&file.path));
        file.diagnostics
            .retain(|d| changed(d.start.line) || d.finding.caused_by_change);
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
            let source = files::read(path)?;
            let mut report = linter.lint(files::display(path), Arc::new(source), None);
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
    let errors = for_each_file(paths, |path, source| sources.push((path, Arc::new(source))));
    // The link cache is read while the documents are parsed.
    let (docs, cache) = rayon::join(
        || -> Vec<Document<'_>> {
            let sources = sources.par_iter();
            sources.map(|(_, s)| Document::parse(s)).collect()
        },
        || links::open_cache(config, options),
    );
    let mut urls = BTreeSet::new();
    for ((path, _), doc) in sources.iter().zip(&docs) {
        collect_urls(path, doc, changes, linter.workspace.as_deref(), &mut urls);
    }
    let urls: Vec<String> = urls.into_iter().collect();
    let verdicts = links::check_urls_with_cache(&urls, config, options, cache);
    let files = sources
        .par_iter()
        .zip(docs)
        .map(|((path, source), doc)| {
            linter.lint_document(path.clone(), source, &doc, Some(&verdicts))
        })
        .collect();
    (Outcome { files, errors }, verdicts)
}

/// The URLs (as requested) of a document's links; with `--changed-since`, only those on changed
/// lines, so that an old dead link is not even requested. The repository's own GitHub URLs
/// that the working tree settles (`missing-file`, `broken-fragment`) are not requested.
fn collect_urls(
    path: &str,
    doc: &Document<'_>,
    changes: Option<&Changes>,
    workspace: Option<&Workspace>,
    urls: &mut BTreeSet<String>,
) {
    let changed = changes.map(|c| c.in_file(Path::new(path)));
    let file = workspace.map(|w| w.file(Path::new(path)));
    for link in &doc.links {
        for url in doc.meant_urls(link) {
            let line = doc.lines.line(url.span().start);
            if changed.as_ref().is_some_and(|changed| !changed(line)) {
                continue;
            }
            let url = doc.url(link, url);
            let local =
                is_github_url(&url) && file.as_ref().is_some_and(|f| f.resolve(&url).is_some());
            if local {
                continue;
            }
            if let Some(request) = links::request_url(&url) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir)
            .status()
            .expect("run git");
        assert!(status.success(), "git {args:?}");
    }

    /// The repository's own GitHub URLs on its branch are settled by the working tree, so the
    /// link checker never requests them; other refs, other repositories and other pages of the
    /// repository are requested as usual.
    #[test]
    fn the_repositorys_own_files_on_github_are_not_requested() {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        git(d, &["init", "-q", "-b", "main"]);
        git(
            d,
            &["remote", "add", "origin", "git@github.com:acme/survey.git"],
        );
        let source = "\
[a](https://github.com/acme/survey/blob/main/docs/x.md)
[b](https://raw.githubusercontent.com/acme/survey/main/a.png)
[c](https://github.com/acme/survey/blob/v1/docs/x.md)
[d](https://github.com/acme/other/blob/main/docs/x.md)
[e](https://github.com/acme/survey/issues)
";
        let doc = Document::parse(source);
        let workspace = Workspace::new(d);
        let mut urls = BTreeSet::new();
        collect_urls("README.md", &doc, None, Some(&workspace), &mut urls);
        assert_eq!(
            urls.into_iter().collect::<Vec<_>>(),
            [
                "https://github.com/acme/other/blob/main/docs/x.md",
                "https://github.com/acme/survey/blob/v1/docs/x.md",
                "https://github.com/acme/survey/issues",
            ]
        );
        let mut without = BTreeSet::new();
        collect_urls("README.md", &doc, None, None, &mut without);
        assert_eq!(without.len(), 5);
    }
}
