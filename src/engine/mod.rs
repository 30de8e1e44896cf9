//! Runs a [`RuleSet`] over one document and resolves findings into located [`Diagnostic`]s.

mod store;

pub use store::Diagnostics;

use crate::checks::CheckContext;
use crate::diagnostic::{Finding, Severity, Sink};
use crate::document::{Document, LineCol, LineIndex, Row, Span, floor_char_boundary};
use crate::exceptions::{Exception, Subject};
use crate::fields::defaults::key_columns;
use crate::files::Fingerprint;
use crate::links::Verdicts;
use crate::rules::{RuleSet, RuleSpec};
use crate::suppress::Suppressions;
use crate::workspace::Workspace;
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};
use store::Collector;

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
    /// What the finding is about, apart from where it is.
    pub about: About,
}

/// What a finding is about, apart from its line: baselines match findings by it (with the
/// rule, the file and the URL), so that rows inserted above a finding keep it matched.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct About {
    /// The normalized key of the row the finding is in, when its table has a key column.
    pub key: Option<String>,
    /// The cell the finding is in (trimmed); the whole row for a finding about a row; the
    /// finding's own span outside the body of a table.
    pub span: Span,
    /// `span` is a whole row, to be compared cell by cell rather than by its spacing.
    pub row: bool,
}

/// What linting one file found.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path as the user gave it (or as found under a folder they gave).
    pub path: String,
    pub source: Arc<String>,
    /// The file's size and modification time when `source` was read from it, if it was:
    /// `--fix` writes only a file that still matches.
    pub read_as: Option<Fingerprint>,
    pub diagnostics: Diagnostics,
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
        let keys = RowKeys::new(&cx);
        // Rules are independent and share the context: they run in parallel.
        let collectors: Vec<Collector> = (self.rules.rules)
            .par_iter()
            .map(|rule| {
                let mut sink = RuleSink {
                    spec: &rule.spec,
                    severity: rule.severity,
                    lines: &doc.lines,
                    suppressions: &suppressions,
                    keys: &keys,
                    exceptions: &self.exceptions,
                    row: None,
                    kept: Collector::default(),
                };
                rule.check.check(&cx, &mut sink);
                sink.kept
            })
            .collect();
        let diagnostics = Collector::finish(collectors, source, |offsets| {
            locate_all(offsets, &doc.lines, source)
        });
        FileReport {
            path,
            tables: doc.tables.len(),
            rows: doc.tables.iter().map(|t| t.row_count()).sum(),
            links: doc.links.len(),
            diagnostics,
            source: source.clone(),
            read_as: None,
        }
    }
}

/// Where a rule's findings go: those that inline comments suppress or that match an accepted
/// exception are dropped, the rest kept as diagnostics as they come.
struct RuleSink<'a, 'd> {
    spec: &'a Arc<RuleSpec>,
    severity: Severity,
    lines: &'a LineIndex,
    suppressions: &'a Suppressions,
    keys: &'a RowKeys<'d>,
    exceptions: &'a [Exception],
    /// The row the last finding was in: a rule's findings come row after row, and a row can
    /// hold thousands of them (a glued run of URLs).
    row: Option<((usize, usize), Row)>,
    kept: Collector,
}

impl Sink for RuleSink<'_, '_> {
    fn push(&mut self, finding: Finding) {
        let (spec, start) = (self.spec, finding.span.start);
        if (self.suppressions).suppresses(spec, start, self.lines.line(start)) {
            return;
        }
        let about = self.keys.about(&finding.span, &mut self.row);
        let subject = Subject {
            rule_name: &spec.name,
            rule_code: &spec.code,
            key: about.key.as_deref(),
            url: finding.url.as_deref(),
        };
        if self.exceptions.iter().any(|e| e.matches(&subject)) {
            return;
        }
        self.kept.push(Diagnostic {
            rule: spec.clone(),
            severity: self.severity,
            finding,
            start: LineCol::default(),
            end: LineCol::default(),
            related: Vec::new(),
            about,
        });
    }
}

/// The position of each of `offsets`, which are sorted: they are swept once, each column
/// counted from the offset before it on the same line, so a line that holds thousands of
/// findings (a glued run of URLs) is walked once, not once per finding.
fn locate_all(
    offsets: &mut dyn ExactSizeIterator<Item = usize>,
    lines: &LineIndex,
    source: &str,
) -> Vec<LineCol> {
    let mut positions = Vec::with_capacity(offsets.len());
    let mut cursor: Option<(usize, LineCol)> = None;
    for offset in offsets {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line = lines.line(offset);
        let column = match cursor {
            Some((before, at)) if at.line == line && before <= offset => {
                at.column + source[before..offset].chars().count()
            }
            _ => source[lines.line_start(line)..offset].chars().count() + 1,
        };
        let at = LineCol { line, column };
        cursor = Some((offset, at));
        positions.push(at);
    }
    positions
}

/// The normalized key of every row, for naming rows in exceptions and baselines; a table's
/// keys are computed when one of its findings first asks.
struct RowKeys<'d> {
    cx: &'d CheckContext<'d>,
    aliases: Vec<String>,
    /// Per table: the keys of its rows, when it has a key column.
    keys: Vec<OnceLock<Option<TableKeys<'d>>>>,
}

/// The normalized key of each row of a table, `None` for a row without the key cell.
type TableKeys<'d> = Cow<'d, [Option<String>]>;

impl<'d> RowKeys<'d> {
    fn new(cx: &'d CheckContext<'d>) -> RowKeys<'d> {
        RowKeys {
            cx,
            aliases: key_columns(),
            keys: cx.doc.tables.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    fn key(&self, table: usize, row: usize) -> Option<String> {
        let keys = self.keys.get(table)?.get_or_init(|| {
            let column = self.cx.key_column(table, &self.aliases)?;
            Some(self.cx.row_keys(table, column))
        });
        keys.as_ref()?.get(row)?.clone().filter(|k| !k.is_empty())
    }

    /// What a finding at `span` is about: its row's key, and its cell or whole row.
    /// `read` is the row read last, kept for the next finding.
    fn about(&self, span: &Span, read: &mut Option<((usize, usize), Row)>) -> About {
        let doc = self.cx.doc;
        let place = row_at(doc, span.start);
        let Some((table, index)) = place else {
            return About {
                key: None,
                span: span.clone(),
                row: false,
            };
        };
        if read.as_ref().is_none_or(|(at, _)| *at != (table, index)) {
            *read = (doc.tables[table].row(doc, index)).map(|row| ((table, index), row));
        }
        let Some((_, row)) = read.as_ref() else {
            return About {
                key: None,
                span: span.clone(),
                row: false,
            };
        };
        let key = self.key(table, index);
        if span.start <= row.span.start && span.end >= row.span.end {
            return About {
                key,
                span: row.span.clone(),
                row: true,
            };
        }
        let cell = row.cell_at(span.start).map(|c| row.cells[c].span());
        About {
            key,
            span: cell.unwrap_or_else(|| span.clone()),
            row: false,
        }
    }
}

/// The (table, row) of the body row whose text holds `offset`, pipes included.
fn row_at(doc: &Document<'_>, offset: usize) -> Option<(usize, usize)> {
    let table = doc.tables.partition_point(|t| t.span.end < offset);
    let t = doc.tables.get(table).filter(|t| offset >= t.span.start)?;
    Some((table, t.row_at(offset)?))
}
