//! The commands: from parsed arguments to output and an exit status. One file each; wiring
//! only, the work is done by the rooms below.

mod check;
mod extract;
mod links;
mod rules;

use crate::cli::{Cli, Command};
use crate::config::{self, ConfigError};
use crate::engine::Linter;
use crate::files;
use crate::rules::{RuleLevel, RuleSet, RuleSpec};
use std::io::Write;
use std::path::{Path, PathBuf};

/// How a run ended: the exit status scripts rely on.
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

/// Runs one command.
pub fn run(cli: Cli) -> ExitStatus {
    match cli.command {
        Command::Check(args) => check::check(&args),
        Command::Rules => rules::rules(),
        Command::Explain { rule } => rules::explain(&rule),
        Command::Links(args) => links::links(&args),
        Command::Extract(args) => extract::extract(&args),
    }
}

/// Reads every file under `paths` and hands it to `each`; files that cannot be read are
/// returned as errors, and the others are still handed over.
fn for_each_file(paths: &[PathBuf], mut each: impl FnMut(String, String)) -> Vec<files::FileError> {
    let mut errors = Vec::new();
    for path in files::discover(paths, &mut errors) {
        match files::read(&path) {
            Ok(source) => each(files::display(&path), source),
            Err(err) => errors.push(err),
        }
    }
    errors
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

/// The built-in rules and the user's own, at the severities the config sets, the config's
/// accepted exceptions, and its link-checker settings.
fn load_setup(
    explicit_config: Option<&Path>,
    cwd: &Path,
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
        workspace: None,
    };
    Ok((linter, loaded.config.links))
}

/// The built-in rules, then the rules of the config's rule files.
fn all_specs(loaded: &config::Loaded) -> Vec<RuleSpec> {
    let mut specs = crate::rules::builtin_specs();
    specs.extend(loaded.user_rules.iter().cloned());
    specs
}

fn current_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| ".".into())
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
