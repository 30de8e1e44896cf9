//! Runs a [`RuleSet`] over one file and resolves findings into located [`Diagnostic`]s.

use crate::checks::{Finding, find_column, key_columns, row_keys};
use crate::document::{Document, LineIndex, Verdicts};
use crate::exceptions::{Exception, Subject};
use crate::rules::{RuleSet, RuleSpec, Severity};
use crate::suppress::Suppressions;
use rayon::prelude::*;
use std::borrow::Cow;
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

/// The rules of a run and the exceptions its config accepts.
pub struct Linter {
    pub rules: RuleSet,
    pub exceptions: Vec<Exception>,
}

impl Linter {
    /// Lints one file's source, with the link checker's verdicts when links were checked.
    pub fn lint(
        &self,
        path: String,
        source: Arc<String>,
        verdicts: Option<&Verdicts>,
    ) -> FileReport {
        lint_with(path, source, &self.rules, &self.exceptions, verdicts)
    }
}

/// Lints one file's source with `rules` alone: no exceptions, no link verdicts.
pub fn lint(path: String, source: Arc<String>, rules: &RuleSet) -> FileReport {
    lint_with(path, source, rules, &[], None)
}

fn lint_with(
    path: String,
    source: Arc<String>,
    rules: &RuleSet,
    exceptions: &[Exception],
    verdicts: Option<&Verdicts>,
) -> FileReport {
    let mut doc = Document::parse(&source);
    doc.verdicts = verdicts;
    lint_document(path, &source, doc, rules, exceptions)
}

impl Linter {
    /// Lints a document already parsed from `source` (with its link verdicts, if any).
    pub fn lint_parsed(&self, path: String, source: &Arc<String>, doc: Document<'_>) -> FileReport {
        lint_document(path, source, doc, &self.rules, &self.exceptions)
    }
}

/// Findings that inline comments suppress or that match an accepted exception are dropped.
fn lint_document(
    path: String,
    source: &Arc<String>,
    doc: Document<'_>,
    rules: &RuleSet,
    exceptions: &[Exception],
) -> FileReport {
    let suppressions = Suppressions::new(&doc);
    let keys = (!exceptions.is_empty()).then(|| RowKeys::new(&doc));
    // Rules are independent and share the parsed document: they run in parallel.
    let mut diagnostics: Vec<Diagnostic> = rules
        .rules
        .par_iter()
        .flat_map_iter(|rule| {
            let mut findings = Vec::new();
            rule.check.check(&doc, &mut findings);
            let spec = &rule.spec;
            findings.retain(|f| {
                let line = doc.lines.line(f.span.start);
                if suppressions.suppresses(spec, f.span.start, line) {
                    return false;
                }
                let Some(keys) = &keys else { return true };
                let subject = Subject {
                    rule_name: &spec.name,
                    rule_code: &spec.code,
                    key: keys.key_at(&doc, f.span.start),
                    url: f.url.as_deref(),
                };
                !exceptions.iter().any(|e| e.matches(&subject))
            });
            let (doc, source) = (&doc, source);
            findings.into_iter().map(move |finding| {
                locate(&doc.lines, source, spec.clone(), rule.severity, finding)
            })
        })
        .collect();
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

/// The normalized key of every row, for naming rows in exceptions.
struct RowKeys<'d> {
    /// Per table: the keys of its rows, when it has a key column.
    keys: Vec<Option<Cow<'d, [Option<String>]>>>,
}

impl<'d> RowKeys<'d> {
    fn new(doc: &'d Document<'_>) -> RowKeys<'d> {
        let aliases = key_columns();
        let keys = (doc.tables.iter().enumerate())
            .map(|(t, table)| {
                let column = find_column(doc.source, table, &aliases)?;
                Some(row_keys(doc, t, column))
            })
            .collect();
        RowKeys { keys }
    }

    fn key_at(&self, doc: &Document<'_>, offset: usize) -> Option<&str> {
        let place = doc.place_of(offset)?;
        self.keys
            .get(place.table)?
            .as_ref()?
            .get(place.row)?
            .as_deref()
    }
}
