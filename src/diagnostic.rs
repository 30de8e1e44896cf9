//! The types every room below the reporters shares: a [`Finding`] a check reports, its
//! [`Fix`], and the [`Severity`] a rule gives it.

use crate::document::Span;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// Text of a finding: most labels and helps, and many messages, are the same for every finding
/// of a rule, and a survey can have a million findings; fixed text is borrowed, not copied.
pub type Text = Cow<'static, str>;

/// A fact about a span of the source, as a check reports it. The rule, severity and location
/// are added by the engine. A finding holds spans of the source, never a copy of more than
/// its own subject: a file can have a million findings.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub span: Span,
    /// Label of the primary span, e.g. "duplicated here".
    pub label: Option<Text>,
    /// States the fact: lowercase, no period.
    pub message: Text,
    /// Says the fix.
    pub help: Option<Text>,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    /// Normalized values (e.g. A100-hours), for JSON output and `extract`. Boxed: few findings
    /// have them.
    pub data: Option<Box<serde_json::Value>>,
    /// The URL the finding is about, for exceptions by URL pattern.
    pub url: Option<String>,
    /// How a link finding's verdict was reached: `http`, `github-api`.
    pub via: Option<&'static str>,
    /// What the finding is about was there at the `--changed-since` base and is broken now (a
    /// heading a link names was renamed): the change caused the finding, wherever the finding
    /// stands, so `--changed-since` reports it even on an unchanged line.
    pub caused_by_change: bool,
}

impl Finding {
    pub fn new(span: Span, message: impl Into<Text>) -> Finding {
        Finding {
            span,
            label: None,
            message: message.into(),
            help: None,
            related: Vec::new(),
            fix: None,
            data: None,
            url: None,
            via: None,
            caused_by_change: false,
        }
    }

    pub fn via(mut self, via: &'static str) -> Finding {
        self.via = Some(via);
        self
    }

    /// Marks the finding as caused by the changes `--changed-since` looks at.
    pub fn caused_by_change(mut self, caused: bool) -> Finding {
        self.caused_by_change = caused;
        self
    }

    pub fn url(mut self, url: impl Into<String>) -> Finding {
        self.url = Some(url.into());
        self
    }

    pub fn label(mut self, label: impl Into<Text>) -> Finding {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<Text>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, span: Span, message: impl Into<Text>) -> Finding {
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

    /// The fix, when there is a safe one.
    pub fn fix_if(mut self, fix: Option<Fix>) -> Finding {
        self.fix = fix;
        self
    }
}

/// Where a check puts its findings: a `Vec` in tests, the engine's filter and store in a run
/// (which keeps each finding compactly as it comes, so a check with a million findings never
/// holds them all as `Finding`s).
pub trait Sink {
    fn push(&mut self, finding: Finding);
}

impl Sink for Vec<Finding> {
    fn push(&mut self, finding: Finding) {
        Vec::push(self, finding);
    }
}

/// Another span a finding points at, e.g. "first occurrence".
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub span: Span,
    pub message: Text,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `one` or `many` as `n` asks, for messages: `plural(1, "cell", "cells")`.
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
