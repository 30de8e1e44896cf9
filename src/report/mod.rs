//! Output formats: one file each. Every format reads the same [`Outcome`].

mod github;
mod human;
mod json;
mod junit;
mod sarif;

pub use github::{render_github, write_github};
pub use human::{HumanOptions, render_human, render_summary, write_human};
pub use json::{render_json, write_json};
pub use junit::{render_junit, write_junit};
pub use sarif::{render_sarif, write_sarif};

use crate::diagnostic::Severity;
use crate::engine::FileReport;
use crate::files::FileError;

/// Everything a `check` run found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<FileReport>,
    pub errors: Vec<FileError>,
}

/// Counts of findings by severity.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Outcome {
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for d in self.files.iter().flat_map(|f| &f.diagnostics) {
            match d.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Info => counts.infos += 1,
            }
        }
        counts
    }
}
