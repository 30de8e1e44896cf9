//! Check kinds: pure, synchronous functions from a parsed [`Document`] to [`Finding`]s.
//! Rules (data in `rules/`) choose a kind and give it settings; see [`build`].

mod column_count;
mod columns;
pub mod compute;
mod duplicate_key;
mod duplicate_link;
mod duplicate_row;
mod empty_row;
pub mod fields;
mod glued_url;
pub mod invalid_value;
pub mod lexicon;
pub mod link_status;
pub mod malformed_url;
pub mod quantity;
pub mod text;
mod unresolved_reference;
mod url_runs_into_text;

pub use columns::{KEY_COLUMNS, find_column, key_columns, row_keys};

use crate::document::{Document, Span};
use crate::rules::CheckSpec;

/// What one check kind does: read a document, push findings.
pub trait Check: Send + Sync {
    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>);
}

/// A fact about a span of the source, as a check reports it. The rule, severity and location
/// are added by the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub span: Span,
    /// Label of the primary span, e.g. "duplicated here".
    pub label: Option<String>,
    /// States the fact: lowercase, no period.
    pub message: String,
    /// Says the fix.
    pub help: Option<String>,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    /// Normalized values (e.g. A100-hours), for JSON output and `extract`.
    pub data: Option<serde_json::Value>,
    /// The URL the finding is about, for exceptions by URL pattern.
    pub url: Option<String>,
}

impl Finding {
    pub fn new(span: Span, message: impl Into<String>) -> Finding {
        Finding {
            span,
            label: None,
            message: message.into(),
            help: None,
            related: Vec::new(),
            fix: None,
            data: None,
            url: None,
        }
    }

    pub fn url(mut self, url: impl Into<String>) -> Finding {
        self.url = Some(url.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Finding {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, span: Span, message: impl Into<String>) -> Finding {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }

    pub fn fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(fix);
        self
    }
}

/// Another span a finding points at, e.g. "first occurrence".
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// Edits that repair a finding. Only `safe` fixes are applied by `--fix`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub safe: bool,
    pub edits: Vec<Edit>,
}

/// Replace the bytes of `span` with `replacement`.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Fix {
    pub fn safe(edits: Vec<Edit>) -> Fix {
        Fix { safe: true, edits }
    }

    /// Deletes `span`.
    pub fn delete(span: Span) -> Fix {
        Fix::safe(vec![Edit {
            span,
            replacement: String::new(),
        }])
    }
}

/// Builds the check a rule's `check` table asks for.
pub fn build(spec: &CheckSpec) -> Box<dyn Check> {
    match spec {
        CheckSpec::DuplicateRow => Box::new(duplicate_row::DuplicateRow),
        CheckSpec::EmptyRow => Box::new(empty_row::EmptyRow),
        CheckSpec::ColumnCount => Box::new(column_count::ColumnCount),
        CheckSpec::DuplicateKey {
            key_columns,
            placeholders,
        } => Box::new(duplicate_key::DuplicateKey::new(key_columns, placeholders)),
        CheckSpec::GluedUrl => Box::new(glued_url::GluedUrl),
        CheckSpec::UrlRunsIntoText => Box::new(url_runs_into_text::UrlRunsIntoText),
        CheckSpec::MalformedUrl => Box::new(malformed_url::MalformedUrl),
        CheckSpec::DuplicateLink {
            key_columns,
            link_columns,
            ignore_urls,
        } => Box::new(duplicate_link::DuplicateLink::new(
            key_columns,
            link_columns,
            ignore_urls,
        )),
        CheckSpec::InvalidValue(settings) => Box::new(invalid_value::InvalidValue::new(settings)),
        CheckSpec::UnresolvedReference { key_columns } => {
            Box::new(unresolved_reference::UnresolvedReference::new(key_columns))
        }
        CheckSpec::LinkStatus { verdict } => Box::new(link_status::LinkStatus::new(*verdict)),
        CheckSpec::MalformedCompute(settings) => Box::new(compute::MalformedCompute::new(settings)),
        CheckSpec::MalformedQuantity(settings) => {
            Box::new(quantity::MalformedQuantity::new(settings))
        }
    }
}

/// The normalizers `extract` runs on every row: one per rule of a field kind that has
/// normalized values, built from that rule's settings, in the order of `specs` (a later rule's
/// values replace an earlier one's for the same field).
pub fn normalizers(specs: &[crate::rules::RuleSpec]) -> Vec<Box<crate::extract::Normalizer>> {
    let mut out: Vec<Box<crate::extract::Normalizer>> = Vec::new();
    for spec in specs {
        match &spec.check {
            CheckSpec::MalformedCompute(settings) => {
                out.push(compute::normalizer(settings.clone()))
            }
            CheckSpec::MalformedQuantity(settings) => {
                out.push(quantity::normalizer(settings.clone()))
            }
            _ => {}
        }
    }
    out
}
