//! The commands: from parsed arguments to output and an exit status. One file each; wiring
//! only, the work is done by the rooms below.

mod check;
mod extract;
mod links;
mod rules;
mod server;

use crate::cli::{Cli, Command};
use crate::config::{self, ConfigError};
use crate::engine::Linter;
use crate::files;
use crate::rules::{RuleSet, RuleSpec};
use crate::server::Setup;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How a run ended: the exit status scripts rely on.
/// Ordered by precedence: the highest status of a run's parts wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
        Command::Server(args) => server::server(&args),
    }
}

/// Reads every file under `paths` and hands it to `each`; files that cannot be read are
/// returned as errors, and the others are still handed over.
fn for_each_file(paths: &[PathBuf], mut each: impl FnMut(String, String)) -> Vec<files::FileError> {
    for_each_file_as_read(paths, |path, source, _| each(path, source))
}

/// [`for_each_file`], with each file's fingerprint when it was read (for `--fix`).
fn for_each_file_as_read(
    paths: &[PathBuf],
    mut each: impl FnMut(String, String, files::Fingerprint),
) -> Vec<files::FileError> {
    let mut errors = Vec::new();
    for path in files::discover(paths, &mut errors) {
        match files::read_with_fingerprint(&path) {
            Ok((source, read_as)) => each(files::display(&path), source, read_as),
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
    setup(explicit_config, cwd).map(|setup| (setup.linter, setup.links))
}

/// [`load_setup`], with the files it was read from (for the server, which reads them again
/// when they change).
fn setup(explicit_config: Option<&Path>, cwd: &Path) -> Result<Setup, ConfigError> {
    let loaded = config::load(explicit_config, cwd)?;
    let specs = all_specs(&loaded);
    let levels = loaded.levels(&specs)?;
    let rules = RuleSet::new(specs, |spec| {
        levels
            .get(&spec.name)
            .copied()
            .unwrap_or_else(|| spec.default_level())
    });
    let mut files = Vec::new();
    if let Some(path) = &loaded.path {
        let base = path.parent().unwrap_or(Path::new("."));
        files.extend(
            loaded
                .config
                .rule_files
                .iter()
                .map(|f| base.join(f.get_ref())),
        );
        files.push(path.clone());
    }
    let linter = Linter {
        rules,
        exceptions: loaded.exceptions,
        workspace: None,
    };
    Ok(Setup {
        linter,
        links: loaded.config.links,
        files,
    })
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

/// Writes a report to stdout as it is made; a closed pipe is not an error.
fn write_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    let mut stdout = std::io::stdout().lock();
    let _ = write(&mut stdout).and_then(|_| stdout.flush());
}

fn eprint_report(report: miette::Report) {
    eprintln!("{report:?}");
}
