//! Output formats: one file each. Every format reads the same [`Outcome`].

mod github;
mod human;
mod json;
mod junit;
mod markdown;
mod sarif;

pub use github::render_github;
pub use human::{HumanOptions, render_human, render_summary};
pub use json::render_json;
pub use junit::render_junit;
pub use markdown::{MarkdownOptions, SourceLinks, render_markdown};
pub use sarif::render_sarif;

use crate::diagnostic::Severity;
use crate::engine::FileReport;
use crate::files::FileError;

/// Everything a `check` run found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<FileReport>,
    pub errors: Vec<FileError>,
    /// Findings left out because the baseline records them.
    pub baselined: usize,
    /// Links not checked because no host answered at all: one notice, not a warning each.
    pub unchecked_links: usize,
}

/// The notice for links that could not be checked because the network is down.
pub fn no_network(unchecked_links: usize) -> String {
    format!(
        "no network: {unchecked_links} {} not checked",
        crate::diagnostic::plural(unchecked_links, "link", "links")
    )
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
        Outcome::counts_of(&self.files)
    }

    /// Counts of the findings of `files`.
    pub fn counts_of(files: &[FileReport]) -> Counts {
        let mut counts = Counts::default();
        for d in files.iter().flat_map(|f| &f.diagnostics) {
            match d.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Info => counts.infos += 1,
            }
        }
        counts
    }
}
