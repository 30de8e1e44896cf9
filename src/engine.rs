//! Runs a [`RuleSet`] over one document and resolves findings into located [`Diagnostic`]s.

use crate::checks::CheckContext;
use crate::diagnostic::{Finding, Severity};
use crate::document::{Document, LineCol, LineIndex, Span, floor_char_boundary};
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
        let keys = RowKeys::new(&cx);
        let (keys, suppressions) = (&keys, &suppressions);
        // Rules are independent and share the context: they run in parallel.
        let per_rule: Vec<Vec<Diagnostic>> = (self.rules.rules)
            .par_iter()
            .map(|rule| {
                let mut findings = Vec::new();
                rule.check.check(&cx, &mut findings);
                let spec = &rule.spec;
                let kept = findings.into_iter().filter_map(|finding| {
                    let line = doc.lines.line(finding.span.start);
                    if suppressions.suppresses(spec, finding.span.start, line) {
                        return None;
                    }
                    let about = keys.about(&finding.span);
                    let subject = Subject {
                        rule_name: &spec.name,
                        rule_code: &spec.code,
                        key: about.key.as_deref(),
                        url: finding.url.as_deref(),
                    };
                    if self.exceptions.iter().any(|e| e.matches(&subject)) {
                        return None;
                    }
                    Some((finding, about))
                });
                into_diagnostics(kept.collect(), spec, rule.severity)
            })
            .collect();
        let mut diagnostics = concat_largest_first(per_rule);
        locate_all(&mut diagnostics, &doc.lines, source);
        sort_in_place(&mut diagnostics);
        FileReport {
            path,
            tables: doc.tables.len(),
            rows: doc.tables.iter().map(|t| t.rows.len()).sum(),
            links: doc.links.len(),
            diagnostics,
            source: source.clone(),
            read_as: None,
        }
    }
}

/// Findings handed over in pieces from the end, whose buffer shrinks as the diagnostics grow:
/// a rule with a million findings does not hold both at full size at once.
fn into_diagnostics(
    mut findings: Vec<(Finding, About)>,
    spec: &Arc<RuleSpec>,
    severity: Severity,
) -> Vec<Diagnostic> {
    const PIECE: usize = 1 << 16;
    let mut diagnostics = Vec::with_capacity(findings.len());
    while !findings.is_empty() {
        let piece = findings.len().saturating_sub(PIECE);
        diagnostics.extend(
            findings
                .drain(piece..)
                .rev()
                .map(|(finding, about)| Diagnostic {
                    rule: spec.clone(),
                    severity,
                    start: LineCol::default(),
                    end: LineCol::default(),
                    related: vec![LineCol::default(); finding.related.len()],
                    finding,
                    about,
                }),
        );
        findings.shrink_to_fit();
    }
    diagnostics.reverse();
    diagnostics
}

/// Sorts by position, then rule, stably, without the buffer of half the diagnostics that a
/// stable sort of them takes: the order is found on indices, then applied by swaps.
fn sort_in_place(diagnostics: &mut [Diagnostic]) {
    fn key(d: &Diagnostic) -> (LineCol, &str, usize) {
        (d.start, d.rule.name.as_str(), d.finding.span.start)
    }
    let mut order: Vec<u32> = (0..diagnostics.len() as u32).collect();
    order.sort_by(|&a, &b| key(&diagnostics[a as usize]).cmp(&key(&diagnostics[b as usize])));
    // Position i takes the diagnostic at order[i]: each cycle of the permutation is walked
    // once, and a walked position is marked by pointing at itself.
    for start in 0..order.len() {
        let mut current = start;
        loop {
            let next = order[current] as usize;
            order[current] = current as u32;
            if next == start {
                break;
            }
            diagnostics.swap(current, next);
            current = next;
        }
    }
}

/// The rules' diagnostics in one vector, grown from the largest: the largest is not copied.
fn concat_largest_first(mut per_rule: Vec<Vec<Diagnostic>>) -> Vec<Diagnostic> {
    let largest = (0..per_rule.len()).max_by_key(|&i| per_rule[i].len());
    let mut all = largest.map_or_else(Vec::new, |i| std::mem::take(&mut per_rule[i]));
    all.reserve_exact(per_rule.iter().map(Vec::len).sum());
    per_rule.into_iter().for_each(|rest| all.extend(rest));
    all
}

/// Sets where every diagnostic starts and ends, and where its related spans start. The offsets
/// are sorted and swept once, each column counted from the offset before it on the same line:
/// a line that holds thousands of findings (a glued run of URLs) is walked once, not once per
/// finding.
fn locate_all(diagnostics: &mut [Diagnostic], lines: &LineIndex, source: &str) {
    // (offset, diagnostic, which): which 0 is the start, 1 the end, 2 + k related span k.
    let mut queries: Vec<(usize, u32, u32)> = Vec::with_capacity(diagnostics.len() * 2);
    for (i, d) in diagnostics.iter().enumerate() {
        let i = i as u32;
        queries.push((d.finding.span.start, i, 0));
        queries.push((d.finding.span.end, i, 1));
        for (k, r) in d.finding.related.iter().enumerate() {
            queries.push((r.span.start, i, 2 + k as u32));
        }
    }
    queries.sort_unstable();
    let mut cursor: Option<(usize, LineCol)> = None;
    for (offset, i, which) in queries {
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
        let d = &mut diagnostics[i as usize];
        match which {
            0 => d.start = at,
            1 => d.end = at,
            k => d.related[k as usize - 2] = at,
        }
    }
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
    fn about(&self, span: &Span) -> About {
        let doc = self.cx.doc;
        let Some((table, index)) = row_at(doc, span.start) else {
            return About {
                key: None,
                span: span.clone(),
                row: false,
            };
        };
        let row = &doc.tables[table].rows[index];
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
    let row = t.rows.partition_point(|r| r.span.end < offset);
    t.rows.get(row).filter(|r| offset >= r.span.start)?;
    Some((table, row))
}
