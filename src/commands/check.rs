//! `survey-lint check`: lint, check links unless `--offline`, fix with `--fix`, report.

use super::{
    ExitStatus, current_dir, eprint_report, for_each_file_as_read, load_setup, print_stdout,
    report_file_errors, write_stdout,
};
use crate::baseline::{Baseline, BaselineError, Matched};
use crate::changes::Changes;
use crate::cli::{CheckArgs, ColorChoice, Format};
use crate::diagnostic::plural;
use crate::document::Document;
use crate::engine::{FileReport, Linter};
use crate::files;
use crate::links::config::AllowPrivate;
use crate::links::{self, CheckOptions, LinkConfig, Verdicts};
use crate::report::{self, HumanOptions, MarkdownOptions, Outcome, SourceLinks};
use crate::workspace::{Workspace, is_github_url};
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub fn check(args: &CheckArgs) -> ExitStatus {
    let cwd = current_dir();
    let Some(Inputs {
        linter,
        link_config,
        changes,
        baseline,
    }) = inputs(args, &cwd)
    else {
        return ExitStatus::Incomplete;
    };
    // A baseline names findings by the text of their cells.
    let keep_sources = args.fix
        || wants(args, Format::Human)
        || args.baseline.is_some()
        || args.write_baseline.is_some();
    let options = CheckOptions {
        use_cache: !args.no_cache,
        progress: args.format == Format::Human,
        github_token: CheckOptions::github_token_from_env(),
        ..CheckOptions::default()
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
    if outcome.unchecked_links > 0 {
        eprintln!("notice: {}", report::no_network(outcome.unchecked_links));
    }
    // Without --fix the baseline sees every finding, before --changed-since drops those on
    // other lines: a new copy of a recorded duplicate row is then new wherever it stands.
    // With --fix it sees what the fixes left.
    if let (Some(baseline), false) = (&baseline, args.fix) {
        apply_baseline(&mut outcome, baseline, changes.is_none());
    }
    if let Some(changes) = &changes {
        keep_changed(&mut outcome, changes);
    }
    if args.fix {
        let diff = fix(
            args,
            &mut outcome,
            &linter,
            verdicts.as_ref(),
            changes.as_ref(),
        );
        if let Some(diff) = diff {
            print_stdout(&diff);
            report_file_errors(&outcome.errors);
            return exit_status(&outcome, args.deny_warnings);
        }
        if let Some(baseline) = &baseline {
            apply_baseline(&mut outcome, baseline, changes.is_none());
        }
    }
    if let Some(path) = &args.write_baseline
        && let Err(err) = write_baseline(path, &mut outcome, &cwd)
    {
        eprint_report(miette::Report::new(err));
        return ExitStatus::Incomplete;
    }
    let written = print_report(args, &outcome, &linter);
    // Without a token, one line at the end says what the GitHub API would have done.
    if let Some(verdicts) = &verdicts
        && options.github_token.is_none()
        && let Some(hint) = links::github::hint(verdicts)
    {
        eprintln!("{hint}");
    }
    exit_status(&outcome, args.deny_warnings).max(written)
}

/// What a run needs before it reads a file: the rules, the link settings, the changed lines
/// and the baseline. `None` (after saying why) when one of them cannot be had.
struct Inputs {
    linter: Linter,
    link_config: LinkConfig,
    changes: Option<Changes>,
    baseline: Option<Baseline>,
}

fn inputs(args: &CheckArgs, cwd: &Path) -> Option<Inputs> {
    let (mut linter, mut link_config) = load_setup(args.config.as_deref(), cwd)
        .map_err(|err| eprint_report(miette::Report::new(err)))
        .ok()?;
    match allow_private_override(args.allow_private.as_deref()) {
        Ok(Some(allow)) => link_config.allow_private = allow,
        Ok(None) => {}
        Err(err) => {
            eprintln!("error: {err}");
            return None;
        }
    }
    let changes = match &args.changed_since {
        Some(reference) => match crate::changes::since(reference, cwd) {
            Ok(changes) => Some(changes),
            Err(err) => {
                eprintln!("error: --changed-since {reference}: {err}");
                return None;
            }
        },
        None => None,
    };
    let base = changes.as_ref().and_then(|c| c.base()).map(str::to_string);
    linter.workspace = Some(Arc::new(Workspace::new(cwd).with_base(base)));
    let baseline = match &args.baseline {
        Some(path) => Some(
            Baseline::read(path, cwd)
                .map_err(|err| eprint_report(miette::Report::new(err)))
                .ok()?,
        ),
        None => None,
    };
    Some(Inputs {
        linter,
        link_config,
        changes,
        baseline,
    })
}

/// `--fix`: fixes, says how many; with `--diff`, the diff to print instead of the report.
fn fix(
    args: &CheckArgs,
    outcome: &mut Outcome,
    linter: &Linter,
    verdicts: Option<&Verdicts>,
    changes: Option<&Changes>,
) -> Option<String> {
    let fixed = crate::fix::fix_files(outcome, linter, verdicts, changes, args.diff);
    if fixed.fixes > 0 {
        eprintln!(
            "fixed {} {} in {} {}",
            fixed.fixes,
            plural(fixed.fixes, "finding", "findings"),
            fixed.files,
            plural(fixed.files, "file", "files")
        );
    }
    args.diff.then_some(fixed.diff)
}

/// `--write-baseline`: records every finding left, then leaves them out of the report.
fn write_baseline(path: &Path, outcome: &mut Outcome, cwd: &Path) -> Result<(), BaselineError> {
    let written = Baseline::record(&outcome.files, path, cwd);
    written.write(path)?;
    eprintln!(
        "wrote {} {} to {}",
        written.len(),
        plural(written.len(), "finding", "findings"),
        path.display()
    );
    apply_baseline(outcome, &written, false);
    Ok(())
}

/// The report in the format asked for on stdout, with the summary line on stderr for the
/// formats a person reads; then each `--output` file. A file that cannot be written makes the
/// run incomplete.
fn print_report(args: &CheckArgs, outcome: &Outcome, linter: &Linter) -> ExitStatus {
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    // Reports are written as they are made: a million findings are never one string.
    write_stdout(|out| write_report(args.format, outcome, linter, args, color, out));
    if matches!(args.format, Format::Github | Format::Human) {
        eprint!("{}", report::render_summary(outcome));
    }
    let mut status = ExitStatus::Clean;
    for output in &args.output {
        let written = std::fs::File::create(&output.path).and_then(|file| {
            let mut file = std::io::BufWriter::new(file);
            write_report(output.format, outcome, linter, args, false, &mut file)?;
            std::io::Write::flush(&mut file)
        });
        if let Err(err) = written {
            eprintln!("error: --output {}: {err}", output.path.display());
            status = ExitStatus::Incomplete;
        }
    }
    status
}

fn write_report(
    format: Format,
    outcome: &Outcome,
    linter: &Linter,
    args: &CheckArgs,
    color: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => report::write_json(outcome, out),
        Format::Sarif => {
            let specs: Vec<_> = linter.rules.rules.iter().map(|r| r.spec.clone()).collect();
            report::write_sarif(outcome, &specs, out)
        }
        Format::Github => report::write_github(outcome, out),
        Format::Junit => report::write_junit(outcome, out),
        Format::Markdown => {
            out.write_all(report::render_markdown(outcome, &markdown_options(args)).as_bytes())
        }
        Format::Human => {
            let width = terminal_width();
            report::write_human(outcome, HumanOptions { color, width }, out)
        }
    }
}

/// Line links on GitHub when the Actions variables say where the files are.
fn markdown_options(args: &CheckArgs) -> MarkdownOptions {
    let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
    let links = match (
        var("GITHUB_SERVER_URL"),
        var("GITHUB_REPOSITORY"),
        var("GITHUB_SHA"),
    ) {
        (Some(server), Some(repository), Some(sha)) => {
            let cwd = current_dir();
            Some(SourceLinks {
                blob: format!("{}/{repository}/blob/{sha}", server.trim_end_matches('/')),
                root: var("GITHUB_WORKSPACE").map_or_else(|| cwd.clone(), PathBuf::from),
                cwd,
            })
        }
        _ => None,
    };
    let mut options = MarkdownOptions {
        links,
        ..MarkdownOptions::default()
    };
    if let Some(max) = args.markdown_max_bytes {
        options.max_bytes = max;
    }
    options
}

/// Drops the findings the baseline records; says how many recorded ones were not found
/// when every finding was looked at (`complete`).
fn apply_baseline(outcome: &mut Outcome, baseline: &Baseline, complete: bool) {
    let mut matched = Matched::default();
    for file in &mut outcome.files {
        matched += baseline.filter(file);
    }
    outcome.baselined += matched.known;
    if complete && matched.gone > 0 {
        eprintln!(
            "{} {} of the baseline {} no longer found: --write-baseline again to drop {}",
            matched.gone,
            plural(matched.gone, "finding", "findings"),
            plural(matched.gone, "was", "were"),
            plural(matched.gone, "it", "them"),
        );
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
    Outcome {
        files,
        errors,
        ..Outcome::default()
    }
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
        collect_urls(path, doc, changes, linter.workspace.as_deref(), &mut urls);
    }
    let urls: Vec<String> = urls.into_iter().collect();
    let mut verdicts = links::check_urls_with_cache(&urls, config, options, cache);
    // Links no host could be asked about are not reported one by one, but counted once.
    let before = verdicts.len();
    verdicts.retain(|_, settled| !settled.verdict.no_network());
    let unchecked_links = before - verdicts.len();
    let files = sources
        .par_iter()
        .zip(docs)
        .map(|((path, source, read_as), doc)| {
            let mut report = linter.lint_document(path.clone(), source, &doc, Some(&verdicts));
            report.read_as = Some(*read_as);
            report
        })
        .collect();
    let outcome = Outcome {
        files,
        errors,
        unchecked_links,
        ..Outcome::default()
    };
    (outcome, verdicts)
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

/// Whether `format` is written, on stdout or by `--output`.
fn wants(args: &CheckArgs, format: Format) -> bool {
    args.format == format || args.output.iter().any(|o| o.format == format)
}

/// Links that could not be checked count as the warnings they would have been, so that the
/// exit status does not depend on whether the network was down or slow.
fn exit_status(outcome: &Outcome, deny_warnings: bool) -> ExitStatus {
    let counts = outcome.counts();
    if !outcome.errors.is_empty() {
        ExitStatus::Incomplete
    } else if counts.errors > 0
        || (deny_warnings && (counts.warnings > 0 || outcome.unchecked_links > 0))
    {
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
