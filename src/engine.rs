//! Runs a [`RuleSet`] over one document and resolves findings into located [`Diagnostic`]s.

use crate::checks::CheckContext;
use crate::diagnostic::{Finding, Severity};
use crate::document::{Document, LineCol, LineIndex};
use crate::exceptions::{Exception, Subject};
use crate::fields::columns::find_column;
use crate::fields::defaults::key_columns;
use crate::links::Verdicts;
use crate::rules::{RuleSet, RuleSpec};
use crate::suppress::Suppressions;
use crate::workspace::Workspace;
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::Arc;

/// A finding of one rule, located in its file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: Arc<RuleSpec>,
    pub severity: Severity,
    pub finding: Finding,
    /// Where the span starts and ends; the end is the position just past the span.
    pub start: LineCol,
    pub end: LineCol,
    /// Where each related span starts.
    pub related: Vec<LineCol>,
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

/// The rules of a run, the exceptions its config accepts, and the working tree its files are
/// in (for the rules that look at other files: `missing-file`, `broken-fragment`).
pub struct Linter {
    pub rules: RuleSet,
    pub exceptions: Vec<Exception>,
    /// `None`: each file is linted alone, as if nothing were around it.
    pub workspace: Option<Arc<Workspace>>,
}

impl Linter {
    /// A linter with `rules`, no exceptions and no workspace.
    pub fn new(rules: RuleSet) -> Linter {
        Linter {
            rules,
            exceptions: Vec::new(),
            workspace: None,
        }
    }

    /// The linter with its files in `workspace` (their paths are taken from its working
    /// folder).
    pub fn with_workspace(mut self, workspace: Workspace) -> Linter {
        self.workspace = Some(Arc::new(workspace));
        self
    }

    /// Parses and lints one file's source, with the link checker's verdicts when links were
    /// checked.
    pub fn lint(
        &self,
        path: String,
        source: Arc<String>,
        verdicts: Option<&Verdicts>,
    ) -> FileReport {
        let doc = Document::parse(&source);
        self.lint_document(path, &source, &doc, verdicts)
    }

    /// Lints a document already parsed from `source`. Findings that inline comments suppress
    /// or that match an accepted exception are dropped.
    pub fn lint_document(
        &self,
        path: String,
        source: &Arc<String>,
        doc: &Document<'_>,
        verdicts: Option<&Verdicts>,
    ) -> FileReport {
        let workspace = (self.workspace.as_deref()).map(|w| w.file(std::path::Path::new(&path)));
        let cx = CheckContext::new(doc, verdicts).with_workspace(workspace);
        let suppressions = Suppressions::new(doc);
        let keys = (!self.exceptions.is_empty()).then(|| RowKeys::new(&cx));
        // Rules are independent and share the context: they run in parallel.
        let mut diagnostics: Vec<Diagnostic> = (self.rules.rules)
            .par_iter()
            .flat_map_iter(|rule| {
                let mut findings = Vec::new();
                rule.check.check(&cx, &mut findings);
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
                        key: keys.key_at(doc, f.span.start),
                        url: f.url.as_deref(),
                    };
                    !self.exceptions.iter().any(|e| e.matches(&subject))
                });
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
    fn new(cx: &'d CheckContext<'d>) -> RowKeys<'d> {
        let aliases = key_columns();
        let doc = cx.doc;
        let keys = (doc.tables.iter().enumerate())
            .map(|(t, table)| {
                let column = find_column(doc.source, table, &aliases)?;
                Some(cx.row_keys(t, column))
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
