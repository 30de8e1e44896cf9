//! Baselines, for adopting survey-lint on a survey that already has findings:
//! `check --write-baseline FILE` records today's findings, `check --baseline FILE` reports only
//! the findings it does not hold.
//!
//! A finding is recorded by its rule, its file and what it is about — the key of its row and
//! the text of its cell (the whole row, cell by cell, for a finding about a row), or the URL
//! of a link finding — never by its line, so that rows inserted above keep it matched. Equal
//! findings (three copies of one row) are recorded once with a count: a fourth copy is new.
//! Paths are relative to the baseline's folder, so a baseline works from any folder.

use crate::document::split_row;
use crate::engine::{Diagnostic, FileReport};
use crate::fields::text::normalize_cell;
use crate::files;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

const VERSION: u32 = 1;

/// The baseline file as written.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(flatten)]
    identity: Identity,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    count: usize,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

/// What makes two findings the same finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
struct Identity {
    rule: String,
    path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    /// The URL of a link finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    /// The normalized text of the cell, or of the row's cells joined by ` | `; not kept for a
    /// link finding, whose URL says what it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

/// A baseline that cannot be used: the run stops with exit status 2.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum BaselineError {
    #[error("{path}: cannot read the baseline: {reason}")]
    #[diagnostic(code(survey_lint::baseline))]
    Unreadable { path: String, reason: String },
    #[error("{path}: not a survey-lint baseline: {reason}")]
    #[diagnostic(
        code(survey_lint::baseline),
        help("write one with `survey-lint check --write-baseline FILE`")
    )]
    Invalid { path: String, reason: String },
    #[error("{path}: cannot write the baseline: {reason}")]
    #[diagnostic(code(survey_lint::baseline))]
    Unwritable { path: String, reason: String },
}

/// Recorded findings, by identity, with their counts.
#[derive(Debug, Clone)]
pub struct Baseline {
    counts: HashMap<Identity, usize>,
    /// The baseline's folder (absolute, lexically normalized): paths are relative to it.
    base: PathBuf,
    /// The folder the run's relative paths are relative to.
    cwd: PathBuf,
}

/// What matching one file against a baseline did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Matched {
    /// Findings dropped because the baseline holds them.
    pub known: usize,
    /// Recorded findings of the file that were not found: fixed since.
    pub gone: usize,
}

impl std::ops::AddAssign for Matched {
    fn add_assign(&mut self, other: Matched) {
        self.known = self.known.saturating_add(other.known);
        self.gone = self.gone.saturating_add(other.gone);
    }
}

impl Baseline {
    /// Reads a baseline; `cwd` is the folder the run's relative paths start from.
    pub fn read(path: &Path, cwd: &Path) -> Result<Baseline, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Unreadable {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let file: BaselineFile =
            serde_json::from_str(&text).map_err(|e| BaselineError::Invalid {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
        if file.version != VERSION {
            return Err(BaselineError::Invalid {
                path: shown,
                reason: format!(
                    "version {} (this survey-lint reads {VERSION})",
                    file.version
                ),
            });
        }
        let mut baseline = Baseline::empty(path, cwd);
        for entry in file.findings {
            // Counts come from a file anyone can edit: added without wrapping around.
            let count = baseline.counts.entry(entry.identity).or_default();
            *count = count.saturating_add(entry.count);
        }
        Ok(baseline)
    }

    /// The findings of `files`, to be written to `path`.
    pub fn record(files: &[FileReport], path: &Path, cwd: &Path) -> Baseline {
        let mut baseline = Baseline::empty(path, cwd);
        for file in files {
            let relative = baseline.relative(&file.path);
            for d in &file.diagnostics {
                *baseline
                    .counts
                    .entry(identity(&file.source, &relative, &d))
                    .or_default() += 1;
            }
        }
        baseline
    }

    fn empty(path: &Path, cwd: &Path) -> Baseline {
        let folder = path.parent().unwrap_or(Path::new(""));
        Baseline {
            counts: HashMap::new(),
            base: files::normalize(&cwd.join(folder)),
            cwd: cwd.to_path_buf(),
        }
    }

    /// The number of findings recorded.
    pub fn len(&self) -> usize {
        self.counts.values().fold(0, |a, &b| a.saturating_add(b))
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the baseline as JSON, entries sorted, so that its diff in review is small.
    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let sorted: BTreeMap<&Identity, usize> = self.counts.iter().map(|(i, &n)| (i, n)).collect();
        let file = BaselineFile {
            version: VERSION,
            findings: sorted
                .into_iter()
                .map(|(identity, count)| Entry {
                    identity: identity.clone(),
                    count,
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        files::write_atomically(path, text.as_bytes()).map_err(|e| BaselineError::Unwritable {
            path: path.display().to_string(),
            reason: e.to_string(),
        })
    }

    /// Drops from `file` the findings the baseline holds, in source order: when a finding is
    /// recorded twice and found three times, the last one found is new.
    pub fn filter(&self, file: &mut FileReport) -> Matched {
        let relative = self.relative(&file.path);
        let mut left: HashMap<&Identity, usize> = self
            .counts
            .iter()
            .filter(|(i, _)| i.path == relative)
            .map(|(i, &n)| (i, n))
            .collect();
        let mut known = 0;
        let source = &file.source;
        file.diagnostics.retain(|d| {
            let found = identity(source, &relative, d);
            match left.get_mut(&found) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    known += 1;
                    false
                }
                _ => true,
            }
        });
        Matched {
            known,
            gone: left.values().fold(0, |a, &b| a.saturating_add(b)),
        }
    }

    /// A path of the run as the baseline names it: relative to the baseline's folder, with
    /// `/` between its parts; absolute when it is outside that folder.
    fn relative(&self, path: &str) -> String {
        let absolute = files::normalize(&self.cwd.join(path));
        match absolute.strip_prefix(&self.base) {
            Ok(relative) => {
                let parts: Vec<_> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect();
                parts.join("/")
            }
            Err(_) => absolute.to_string_lossy().into_owned(),
        }
    }
}

fn identity(source: &str, relative: &str, d: &Diagnostic) -> Identity {
    let url = d.finding.url.clone();
    let text = url.is_none().then(|| subject_text(source, d));
    Identity {
        rule: d.rule.name.clone(),
        path: relative.to_string(),
        key: d.about.key.clone(),
        url,
        text,
    }
}

/// The normalized text a finding is about: its cell, or its row's cells joined by ` | ` (so
/// that re-aligning a table changes nothing).
fn subject_text(source: &str, d: &Diagnostic) -> String {
    let span = d.about.span.clone();
    let Some(text) = source.get(span.clone()) else {
        return String::new();
    };
    if !d.about.row {
        return normalize_cell(text).into_owned();
    }
    let cells = split_row(source, span);
    let cells: Vec<_> = cells
        .iter()
        .map(|c| normalize_cell(&source[c.span()]))
        .collect();
    cells.join(" | ")
}
