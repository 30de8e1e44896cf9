//! Output formats: one file each. Every format reads the same [`Outcome`].

mod github;
mod human;
mod json;
mod junit;
mod markdown;
mod sarif;

pub use github::{render_github, write_github};
pub use human::{HumanOptions, render_human, render_summary, write_human};
pub use json::{render_json, write_json};
pub use junit::{render_junit, write_junit};
pub use markdown::{MarkdownOptions, SourceLinks, render_markdown};
pub use sarif::{render_sarif, write_sarif};

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

impl Counts {
    /// `10 errors, 7 warnings`, with the infos when there are any; `mark` dresses each part
    /// (given its count and its words).
    pub fn describe(&self, mark: impl Fn(usize, String) -> String) -> String {
        use crate::diagnostic::plural;
        let part =
            |n: usize, one: &str, many: &str| mark(n, format!("{n} {}", plural(n, one, many)));
        let mut parts = vec![
            part(self.errors, "error", "errors"),
            part(self.warnings, "warning", "warnings"),
        ];
        if self.infos > 0 {
            parts.push(part(self.infos, "info", "infos"));
        }
        parts.join(", ")
    }
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
