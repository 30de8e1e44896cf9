//! Check kinds: thin, pure, synchronous readers of a [`CheckContext`] that push [`Finding`]s.
//! Rules (data in `rules/`) choose a kind and give it settings; the one list of kinds is
//! [`crate::rules::registry`]. Value parsing lives in [`crate::fields`].

mod broken_fragment;
mod column_count;
mod context;
mod duplicate_key;
mod duplicate_link;
mod duplicate_row;
mod empty_row;
mod glued_url;
mod invalid_value;
mod link_status;
mod malformed_compute;
mod malformed_quantity;
mod malformed_url;
mod mismatched_paper;
mod missing_file;
mod paper_status;
mod repo_status;
mod targets;
mod unresolved_reference;
mod url_runs_into_text;

pub use broken_fragment::BrokenFragment;
pub use column_count::ColumnCount;
pub use context::CheckContext;
pub use duplicate_key::{DuplicateKey, DuplicateKeySettings};
pub use duplicate_link::{DuplicateLink, DuplicateLinkSettings};
pub use duplicate_row::DuplicateRow;
pub use empty_row::EmptyRow;
pub use glued_url::{GluedUrl, GluedUrlSettings};
pub use invalid_value::{InvalidValue, ValueSettings};
pub use link_status::{LinkStatus, LinkStatusSettings, VerdictKind};
pub use malformed_compute::MalformedCompute;
pub use malformed_quantity::MalformedQuantity;
pub use malformed_url::{MalformedUrl, MalformedUrlSettings};
pub use mismatched_paper::{MismatchedPaper, MismatchedPaperSettings};
pub use missing_file::MissingFile;
pub use paper_status::{PaperCondition, PaperStatus, PaperStatusSettings};
pub use repo_status::{RepoCondition, RepoStatus, RepoStatusSettings};
pub use targets::{LinkTarget, Pointee};
pub use unresolved_reference::{UnresolvedReference, UnresolvedReferenceSettings};
pub use url_runs_into_text::UrlRunsIntoText;

use crate::diagnostic::Sink;
use crate::document::Document;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// What one check kind does: read a document (with its context), push findings.
pub trait Check: Send + Sync {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink);

    /// Adds the normalized values of this kind's field to the rows of table `table` (by row
    /// index), for `extract`. Only field kinds have any.
    fn normalize(&self, _doc: &Document<'_>, _table: usize, _rows: &mut [Map<String, Value>]) {}
}

/// A check kind as the registry knows it: the settings its rule's `[check]` table holds
/// (parsed once, into their final types) and how to build the check from them.
pub trait Kind: Check + Sized + 'static {
    type Settings: DeserializeOwned + Clone + std::fmt::Debug;
    fn new(settings: &Self::Settings) -> Self;
}

/// The settings of a kind that takes none: `check = { kind = "empty-row" }`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoSettings {}

/// The settings of a built-in rule file's check, read as type `S` (for tests of one kind).
#[cfg(test)]
fn settings_of<S: DeserializeOwned>(rule_file: &str) -> S {
    let mut file: toml::Table = toml::from_str(rule_file).expect("rule file parses");
    let Some(toml::Value::Table(mut check)) = file.remove("check") else {
        panic!("rule file has a [check] table");
    };
    check.remove("kind");
    check.try_into().expect("settings of this kind")
}
