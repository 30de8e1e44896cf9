//! Runs a [`RuleSet`] over one file and resolves findings into located [`Diagnostic`]s.

use crate::checks::Finding;
use crate::document::{Document, LineIndex};
use crate::rules::{RuleSet, RuleSpec, Severity};
use std::sync::Arc;

/// A finding of one rule, located in its file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: Arc<RuleSpec>,
    pub severity: Severity,
    pub finding: Finding,
    /// 1-based (line, column) of the span's start and end; columns count chars, the end is
    /// the position just past the span.
    pub start: (usize, usize),
    pub end: (usize, usize),
    /// 1-based (line, column) of each related span.
    pub related: Vec<(usize, usize)>,
}

/// What linting one file found.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path as the user gave it (or as found under a folder they gave).
    pub path: String,
    pub source: Arc<String>,
    pub diagnostics: Vec<Diagnostic>,
    pub tables: usize,
    pub rows: usize,
    pub links: usize,
}

/// Lints one file's source.
pub fn lint(path: String, source: Arc<String>, rules: &RuleSet) -> FileReport {
    let doc = Document::parse(&source);
    let mut diagnostics = Vec::new();
    let mut findings = Vec::new();
    for rule in &rules.rules {
        rule.check.check(&doc, &mut findings);
        diagnostics.extend(findings.drain(..).map(|finding| {
            locate(
                &doc.lines,
                &source,
                rule.spec.clone(),
                rule.severity,
                finding,
            )
        }));
    }
    diagnostics.sort_by(|a, b| {
        (a.start, &a.rule.name, a.finding.span.start).cmp(&(
            b.start,
            &b.rule.name,
            b.finding.span.start,
        ))
    });
    FileReport {
        path,
        tables: doc.tables.len(),
        rows: doc.tables.iter().map(|t| t.rows.len()).sum(),
        links: doc.links.len(),
        diagnostics,
        source: source.clone(),
    }
}

fn locate(
    lines: &LineIndex,
    source: &str,
    rule: Arc<RuleSpec>,
    severity: Severity,
    finding: Finding,
) -> Diagnostic {
    Diagnostic {
        start: lines.line_col(source, finding.span.start),
        end: lines.line_col(source, finding.span.end),
        related: finding
            .related
            .iter()
            .map(|r| lines.line_col(source, r.span.start))
            .collect(),
        rule,
        severity,
        finding,
    }
}
