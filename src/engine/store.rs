//! The diagnostics of one file, kept compactly: a survey can have a million findings, and most
//! of what they say is the same for each of them (their rule's message, label and help; a fix
//! that deletes the row's line; the row a thousand copies repeat). What findings share is kept
//! once, as a [`Diagnostic`] whose own spans are relative to its finding's start (its
//! *shape*); each finding is a record of where it starts and which shape it has, 8 bytes. Lines and columns are found as the diagnostics are
//! read, in one sweep over the source, since they are read in order.

use super::Diagnostic;
use crate::document::{LineCol, floor_char_boundary};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

/// A file's diagnostics, sorted by position, then rule. [`Diagnostics::iter`] gives each as
/// a whole [`Diagnostic`], made when it is reached.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    source: Arc<String>,
    records: Vec<Record>,
    shapes: Vec<Diagnostic>,
    /// Where the related spans start, record after record: each record has as many as its
    /// shape has related spans.
    related: Vec<Position>,
}

/// One finding: where it starts and its shape (which holds the span's length). Offsets are
/// `u32`, like a cell's (files are at most 4 GiB).
#[derive(Debug, Clone, Copy)]
struct Record {
    start: u32,
    shape: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Position {
    line: u32,
    column: u32,
}

impl Diagnostics {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Each diagnostic, made whole as it is reached.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            diagnostics: self,
            next: 0,
            related: 0,
            cursor: Cursor::default(),
        }
    }

    /// Keeps the diagnostics `keep` accepts, in their order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Diagnostic) -> bool) {
        let mut iter = self.iter();
        let mut kept = Vec::new();
        let mut related = Vec::new();
        while let Some(d) = iter.next() {
            if keep(&d) {
                let at = iter.related - d.related.len();
                kept.push(self.records[iter.next - 1]);
                related.extend_from_slice(&self.related[at..iter.related]);
            }
        }
        self.records = kept;
        self.related = related;
    }

    /// Appends `other`'s diagnostics (before either is sorted: no related positions yet).
    fn append(&mut self, other: Diagnostics) {
        let shapes = self.shapes.len() as u32;
        self.shapes.extend(other.shapes);
        (self.records).extend(other.records.into_iter().map(|r| Record {
            shape: r.shape + shapes,
            ..r
        }));
    }

    /// Sorts by position, then rule, then span, stably, with one index per diagnostic as the
    /// only buffer: the order is found on indices (ties by index, which makes it stable without
    /// a stable sort's scratch buffer), then applied by swaps; diagnostics already in order (one
    /// rule's, found in reading order) are left as they are. A later offset is never an earlier
    /// position, so offsets (at character boundaries) order as positions do.
    fn sort(&mut self) {
        let source = self.source.as_str();
        let key = |r: &Record| {
            let start = floor_char_boundary(source, (r.start as usize).min(source.len()));
            (
                start,
                self.shapes[r.shape as usize].rule.name.as_str(),
                r.start,
            )
        };
        let records = &self.records;
        if records.is_sorted_by(|a, b| key(a) <= key(b)) {
            return;
        }
        let mut order: Vec<u32> = (0..records.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            let (x, y) = (&records[a as usize], &records[b as usize]);
            key(x).cmp(&key(y)).then(a.cmp(&b))
        });
        let records = &mut self.records;
        // Position i takes the record at order[i]: each cycle of the permutation is walked
        // once, and a walked position is marked by pointing at itself.
        for start in 0..order.len() {
            let mut current = start;
            loop {
                let next = order[current] as usize;
                order[current] = current as u32;
                if next == start {
                    break;
                }
                records.swap(current, next);
                current = next;
            }
        }
    }
}

/// The diagnostics in order, each made whole; positions are found by a cursor that moves
/// forward through the source.
pub struct Iter<'a> {
    diagnostics: &'a Diagnostics,
    next: usize,
    related: usize,
    cursor: Cursor,
}

impl Iterator for Iter<'_> {
    type Item = Diagnostic;

    fn next(&mut self) -> Option<Diagnostic> {
        let all = self.diagnostics;
        let record = all.records.get(self.next)?;
        self.next += 1;
        let source = all.source.as_str();
        let shape = &all.shapes[record.shape as usize];
        let mut d = shape.clone();
        let base = record.start as usize;
        map_spans(&mut d, |offset| offset.wrapping_add(base));
        d.start = self.cursor.advance(source, record.start as usize);
        let mut end = self.cursor;
        d.end = end.advance(source, d.finding.span.end.max(base));
        let count = shape.finding.related.len();
        let related = all.related.get(self.related..self.related + count);
        d.related = related.unwrap_or_default().iter().map(|p| p.at()).collect();
        self.related += count;
        Some(d)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.diagnostics.records.len() - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = Diagnostic;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl Position {
    fn at(self) -> LineCol {
        LineCol {
            line: self.line as usize,
            column: self.column as usize,
        }
    }
}

/// A byte offset of the source and its position.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    offset: usize,
    at: LineCol,
}

impl Default for Cursor {
    fn default() -> Cursor {
        Cursor {
            offset: 0,
            at: LineCol { line: 1, column: 1 },
        }
    }
}

impl Cursor {
    /// Moves to `offset` (floored to a character boundary, at most the end of the source) and
    /// gives its position, as [`crate::document::LineIndex`] does: lines end at `\n`, `\r\n`
    /// or a lone `\r`, columns count characters. An offset before the cursor is found from the
    /// start of the source.
    fn advance(&mut self, source: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        if offset < self.offset {
            *self = Cursor::default();
        }
        let bytes = source.as_bytes();
        let (from, mut line, mut line_start) = (self.offset, self.at.line, None);
        for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[from..offset]) {
            let i = from + i;
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                line += 1;
                line_start = Some(i + 1);
            }
        }
        let column = match line_start {
            None => self.at.column + source[from..offset].chars().count(),
            Some(start) => source[start..offset].chars().count() + 1,
        };
        self.offset = offset;
        self.at = LineCol { line, column };
        self.at
    }
}

/// Applies `f` to every offset of the spans that move with a finding: its own, its fix's and
/// what it is about. Related spans are kept as they are: they point elsewhere, mostly at one
/// place many findings share (the first occurrence of a row pasted a thousand times).
fn map_spans(d: &mut Diagnostic, f: impl Fn(usize) -> usize) {
    let map = |span: &mut crate::document::Span| *span = f(span.start)..f(span.end);
    let finding = &mut d.finding;
    map(&mut finding.span);
    if let Some(fix) = &mut finding.fix {
        fix.edits.iter_mut().for_each(|e| map(&mut e.span));
    }
    map(&mut d.about.span);
}

/// Gathers the diagnostics of one rule, sharing each shape between the findings that have it.
#[derive(Default)]
pub struct Collector {
    diagnostics: Diagnostics,
    /// Shapes by their hash: the first shape of each hash.
    shapes: HashMap<u64, u32>,
}

impl Collector {
    /// Adds a diagnostic (its positions are found when it is read).
    pub fn push(&mut self, mut d: Diagnostic) {
        let start = d.finding.span.start;
        map_spans(&mut d, |offset| offset.wrapping_sub(start));
        d.related.clear();
        let hash = shape_hash(&d);
        let shapes = &mut self.diagnostics.shapes;
        let known = self.shapes.get(&hash).copied();
        let shape = match known {
            Some(i) if same_shape(&shapes[i as usize], &d) => i,
            _ => {
                let i = shapes.len() as u32;
                self.shapes.entry(hash).or_insert(i);
                shapes.push(d);
                i
            }
        };
        self.diagnostics.records.push(Record {
            start: start as u32,
            shape,
        });
    }

    /// The diagnostics of every collector in one, sorted by position, then rule; `locate`
    /// gives the positions of sorted offsets (of the related spans, which may be anywhere).
    pub fn finish(
        collectors: Vec<Collector>,
        source: &Arc<String>,
        locate: impl FnOnce(&mut dyn ExactSizeIterator<Item = usize>) -> Vec<LineCol>,
    ) -> Diagnostics {
        let mut parts: Vec<Diagnostics> = collectors.into_iter().map(|c| c.diagnostics).collect();
        // The largest part is not copied.
        let largest = (0..parts.len()).max_by_key(|&i| parts[i].len());
        let mut all = largest.map_or_else(Diagnostics::default, |i| std::mem::take(&mut parts[i]));
        (all.records).reserve_exact(parts.iter().map(Diagnostics::len).sum());
        parts.into_iter().for_each(|part| all.append(part));
        all.source = source.clone();
        all.sort();
        // The related spans' offsets, in record order, then sorted for `locate`.
        let mut queries: Vec<(usize, u32)> = Vec::new();
        for r in &all.records {
            for related in &all.shapes[r.shape as usize].finding.related {
                queries.push((related.span.start, queries.len() as u32));
            }
        }
        queries.sort_unstable();
        let positions = locate(&mut queries.iter().map(|q| q.0));
        all.related = vec![Position::default(); queries.len()];
        for (&(_, index), at) in queries.iter().zip(positions) {
            all.related[index as usize] = Position {
                line: at.line as u32,
                column: at.column as u32,
            };
        }
        all
    }
}

/// A hash of everything [`same_shape`] compares but the data (which has no hash).
fn shape_hash(d: &Diagnostic) -> u64 {
    let mut h = DefaultHasher::new();
    d.rule.code.hash(&mut h);
    d.severity.hash(&mut h);
    let f = &d.finding;
    (&f.span, &f.label, &f.message, &f.help).hash(&mut h);
    for r in &f.related {
        (&r.span, &r.message).hash(&mut h);
    }
    if let Some(fix) = &f.fix {
        fix.safe.hash(&mut h);
        for e in &fix.edits {
            (&e.span, &e.replacement).hash(&mut h);
        }
    }
    (&f.url, &f.via, f.caused_by_change).hash(&mut h);
    (&d.about.key, &d.about.span, d.about.row).hash(&mut h);
    h.finish()
}

/// Two shapes that make the same diagnostics wherever they stand.
fn same_shape(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.rule.code == b.rule.code
        && a.severity == b.severity
        && a.finding == b.finding
        && a.about == b.about
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Finding, Fix, Severity};
    use crate::document::LineIndex;
    use crate::engine::About;
    use crate::rules::RuleSet;

    fn diagnostic(finding: Finding) -> Diagnostic {
        let rule = RuleSet::builtin().rules[0].spec.clone();
        Diagnostic {
            rule,
            severity: Severity::Error,
            about: About {
                key: None,
                span: finding.span.clone(),
                row: false,
            },
            finding,
            start: LineCol::default(),
            end: LineCol::default(),
            related: Vec::new(),
        }
    }

    fn finish(source: &str, findings: Vec<Finding>) -> Diagnostics {
        let source = Arc::new(source.to_string());
        let lines = LineIndex::new(&source);
        let mut collector = Collector::default();
        findings
            .into_iter()
            .for_each(|f| collector.push(diagnostic(f)));
        Collector::finish(vec![collector], &source, |offsets| {
            offsets.map(|o| lines.line_col(&source, o)).collect()
        })
    }

    #[test]
    fn positions_are_those_of_the_line_index() {
        let source = "a\r\nbé\rc\n\n日本語 x\r\r\ny";
        let lines = LineIndex::new(source);
        let mut findings = Vec::new();
        for start in 0..=source.len() + 2 {
            for end in start..=(start + 4).min(source.len() + 2) {
                findings.push(Finding::new(start..end, "m").related(end..end, "r"));
            }
        }
        let diagnostics = finish(source, findings);
        for d in &diagnostics {
            let span = &d.finding.span;
            assert_eq!(d.start, lines.line_col(source, span.start), "{span:?}");
            assert_eq!(d.end, lines.line_col(source, span.end), "{span:?}");
            let related = d.finding.related[0].span.start;
            assert_eq!(d.related, [lines.line_col(source, related)]);
        }
    }

    #[test]
    fn findings_that_differ_only_in_place_share_one_shape() {
        let row = "| | |\n";
        let source = row.repeat(1000);
        let findings = (0..1000)
            .map(|i| {
                let line = i * row.len()..(i + 1) * row.len();
                Finding::new(line.start..line.end - 1, "empty row")
                    .help("delete it")
                    .fix(Fix::delete(line))
            })
            .collect();
        let diagnostics = finish(&source, findings);
        assert_eq!((diagnostics.len(), diagnostics.shapes.len()), (1000, 1));
        let last = diagnostics.iter().last().unwrap();
        let edit = &last.finding.fix.unwrap().edits[0];
        assert_eq!(edit.span, source.len() - row.len()..source.len());
        assert_eq!((last.start.line, last.end.column), (1000, 6));
    }

    #[test]
    fn diagnostics_are_sorted_by_position_then_rule_keeping_the_order_of_ties() {
        let source = Arc::new("abcdef".to_string());
        let rules = RuleSet::builtin();
        let (a, b) = (&rules.rules[0].spec, &rules.rules[1].spec);
        let collect = |rule: &Arc<crate::rules::RuleSpec>, findings: &[(usize, &'static str)]| {
            let mut collector = Collector::default();
            for &(at, message) in findings {
                let mut d = diagnostic(Finding::new(at..at + 1, message));
                d.rule = rule.clone();
                collector.push(d);
            }
            collector
        };
        let first = collect(b, &[(4, "b4"), (1, "b1"), (1, "b1 again")]);
        let second = collect(a, &[(1, "a1"), (0, "a0")]);
        let lines = LineIndex::new(&source);
        let diagnostics = Collector::finish(vec![first, second], &source, |offsets| {
            offsets.map(|o| lines.line_col(&source, o)).collect()
        });
        let order: Vec<String> = diagnostics
            .iter()
            .map(|d| d.finding.message.into())
            .collect();
        let mut names = [(a.name.as_str(), "a1"), (b.name.as_str(), "b1")];
        names.sort();
        let at_one: Vec<&str> = names.iter().map(|(_, m)| *m).collect();
        let expected: Vec<&str> = ["a0"]
            .into_iter()
            .chain(at_one.iter().flat_map(|m| match *m {
                "b1" => vec!["b1", "b1 again"],
                other => vec![other],
            }))
            .chain(["b4"])
            .collect();
        assert_eq!(order, expected);
    }

    #[test]
    fn copies_of_one_row_share_one_shape() {
        let row = "| x | y |\n";
        let source = row.repeat(1000);
        let findings = (1..1000)
            .map(|i| {
                let at = i * row.len()..(i + 1) * row.len() - 1;
                Finding::new(at, "row duplicates row 1").related(0..row.len() - 1, "first")
            })
            .collect();
        let diagnostics = finish(&source, findings);
        assert_eq!((diagnostics.len(), diagnostics.shapes.len()), (999, 1));
        let last = diagnostics.iter().last().unwrap();
        assert_eq!(last.finding.related[0].span, 0..row.len() - 1);
        assert_eq!(last.related, [LineCol { line: 1, column: 1 }]);
        assert_eq!(last.start.line, 1000);
    }

    #[test]
    fn retain_keeps_each_diagnostic_with_its_related_positions() {
        let source = "one\ntwo\nthree\nfour\n";
        let findings = vec![
            Finding::new(4..7, "b").related(0..3, "one"),
            Finding::new(8..13, "c"),
            Finding::new(14..18, "d").related(8..13, "three"),
        ];
        let mut diagnostics = finish(source, findings);
        diagnostics.retain(|d| d.finding.message != "b");
        let kept: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.start.line, d.related))
            .collect();
        assert_eq!(
            kept,
            [(3, vec![]), (4, vec![LineCol { line: 3, column: 1 }])]
        );
    }
}
