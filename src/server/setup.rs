//! The server's rules and link settings: `survey-lint.toml` read as `check` reads it, and read
//! again when the config, or one of its rule files, changes on disk (or is created).
//!
//! Changes are noticed by the files' sizes and modification times, looked at before each lint
//! (a few `stat`s), so no client support for file watching is needed; a client that sends
//! `workspace/didChangeWatchedFiles` only makes the look immediate.

use crate::config::{self, ConfigError};
use crate::engine::Linter;
use crate::links::LinkConfig;
use crate::rules::RuleSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What linting needs from a config.
pub struct Setup {
    pub linter: Linter,
    pub links: LinkConfig,
    /// The files it was read from: the config and its rule files.
    pub files: Vec<PathBuf>,
}

impl Setup {
    /// The built-in rules at their default severities: what serves without a config (or with
    /// a broken one, until it is mended).
    pub fn builtin() -> Setup {
        Setup {
            linter: Linter::new(RuleSet::builtin()),
            links: LinkConfig::default(),
            files: Vec::new(),
        }
    }
}

/// Reads `--config FILE` (or the config discovered from a folder) as `check` does.
pub type Load = fn(Option<&Path>, &Path) -> Result<Setup, ConfigError>;

/// A file as last seen: its modification time and length, `None` when it does not exist.
type Stamp = Option<(SystemTime, u64)>;

/// The setup in use and the files to watch for a change.
pub struct Watched {
    load: Load,
    explicit: Option<PathBuf>,
    root: PathBuf,
    current: Setup,
    stamps: Vec<(PathBuf, Stamp)>,
    /// The file of the last error, watched so that mending it is noticed.
    broken: Option<PathBuf>,
}

impl Watched {
    /// Loads the setup for the workspace at `root`; a broken config leaves the built-in rules
    /// in use and is returned beside them.
    pub fn new(
        load: Load,
        explicit: Option<PathBuf>,
        root: PathBuf,
    ) -> (Watched, Option<ConfigError>) {
        let mut watched = Watched {
            load,
            explicit,
            root,
            current: Setup::builtin(),
            stamps: Vec::new(),
            broken: None,
        };
        let error = watched.reload().err();
        (watched, error)
    }

    pub fn setup(&self) -> &Setup {
        &self.current
    }

    /// The file the last load failed on, if the last load failed.
    pub fn broken(&self) -> Option<&Path> {
        self.broken.as_deref()
    }

    /// Loads again if a watched file changed: `None` when nothing changed, else what the load
    /// gave. A failed load keeps the setup in use (the last good one).
    pub fn refresh(&mut self) -> Option<Result<(), ConfigError>> {
        let now = self.stamp_all();
        if now == self.stamps {
            return None;
        }
        Some(self.reload())
    }

    fn reload(&mut self) -> Result<(), ConfigError> {
        let result = (self.load)(self.explicit.as_deref(), &self.root);
        let outcome = match result {
            Ok(setup) => {
                self.current = setup;
                self.broken = None;
                Ok(())
            }
            Err(error) => {
                self.broken = Some(error_file(&error).unwrap_or_else(|| self.config_path()));
                Err(error)
            }
        };
        self.stamps = self.stamp_all();
        outcome
    }

    /// The config to read: the one given, else the one discovered from the root.
    fn config_path(&self) -> PathBuf {
        self.explicit
            .clone()
            .or_else(|| config::discover(&self.root))
            .unwrap_or_else(|| self.root.join(config::FILE_NAME))
    }

    fn stamp_all(&self) -> Vec<(PathBuf, Stamp)> {
        let mut paths = vec![self.config_path()];
        paths.extend(self.current.files.iter().cloned());
        paths.extend(self.broken.clone());
        paths.sort();
        paths.dedup();
        paths
            .into_iter()
            .map(|path| {
                let stamp = std::fs::metadata(&path)
                    .ok()
                    .map(|m| (m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()));
                (path, stamp)
            })
            .collect()
    }
}

/// The file a config error is in.
pub fn error_file(error: &ConfigError) -> Option<PathBuf> {
    match error {
        ConfigError::Unreadable { path, .. } | ConfigError::InvalidRuleFile { path, .. } => {
            Some(PathBuf::from(path))
        }
        ConfigError::Invalid(_) => {
            use miette::Diagnostic;
            let source = error.source_code()?;
            let contents = source.read_span(&(0..0).into(), 0, 0).ok()?;
            contents.name().map(PathBuf::from)
        }
    }
}
