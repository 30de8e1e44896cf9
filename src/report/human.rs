//! `--format human`: miette's graphical diagnostics, one per finding, with the source line and
//! labels; a summary line goes to stderr.
//!
//! Survey rows are often hundreds of characters long, so each snippet is an [`Excerpt`]: only
//! the lines the labels are on, each cut a little after its last label. Lines keep their
//! numbers and columns, since only line ends are cut; lines of the file that are not in the
//! excerpt are never shown, so miette's context lines only ever show the excerpt's own. A related span far from the primary one
//! gets a snippet of its own instead of dragging every line between into view.

use super::Outcome;
use crate::diagnostic::plural;
use crate::diagnostic::{Severity, Text};
use crate::document::{LineCol, LineIndex, Span, floor_char_boundary};
use crate::engine::{Diagnostic, FileReport};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use rayon::prelude::*;
use std::fmt;

/// How human output is drawn.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

/// Labels longer than this are drawn shorter: a label under a whole 600-character row says no more.
const LABEL_CHARS: usize = 40;
/// Characters kept after the end of the last label on a line.
const TAIL_CHARS: usize = 24;
/// Characters kept before the first label on a line that starts far into it.
const LEAD_CHARS: usize = 24;
/// Lines are never cut shorter than this.
const MIN_LINE_CHARS: usize = 60;
/// A related span within this many lines shares the primary snippet…
const NEARBY_LINES: usize = 3;
/// … and within this many columns of it: one farther along a line (a duplicate in a one-line
/// HTML table, a heading 16 KB of tabs away) gets a snippet of its own, so that no snippet
/// holds the line between them.
const NEARBY_COLUMNS: usize = 120;

/// The human report as one string (see [`write_human`]).
pub fn render_human(outcome: &Outcome, options: HumanOptions) -> String {
    let mut out = Vec::new();
    // Writing to memory fails only when memory does.
    let _ = write_human(outcome, options, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Findings drawn at once (in parallel) before they are written: the output is never held
/// whole.
const DRAWN_AT_ONCE: usize = 4096;

/// Writes the human report to `out`.
pub fn write_human(
    outcome: &Outcome,
    options: HumanOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use std::io::Write;
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_context_lines(1)
        .with_links(false);
    let mut out = std::io::BufWriter::new(out);
    for file in &outcome.files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let lines = LineIndex::new(&file.source);
        let mut diagnostics = file.diagnostics.iter();
        loop {
            let batch: Vec<Diagnostic> = diagnostics.by_ref().take(DRAWN_AT_ONCE).collect();
            if batch.is_empty() {
                break;
            }
            // Drawing is independent per finding: in parallel, then written in order.
            let drawn: Vec<String> = batch
                .par_iter()
                .with_min_len(64)
                .map(|d| {
                    let mut one = String::new();
                    // Writing to a String cannot fail.
                    let _ = handler.render_report(&mut one, &to_human(file, &lines, d));
                    one.push('\n');
                    one
                })
                .collect();
            drawn
                .iter()
                .try_for_each(|one| out.write_all(one.as_bytes()))?;
        }
    }
    for error in &outcome.errors {
        let mut one = String::new();
        let _ = handler.render_report(&mut one, error);
        out.write_all(one.as_bytes())?;
    }
    out.flush()
}

fn to_human(file: &FileReport, lines: &LineIndex, d: &Diagnostic) -> HumanDiagnostic {
    let f = &d.finding;
    let primary_line = d.start.line;
    let mut labels = vec![(f.span.clone(), f.label.clone(), true, d.start)];
    let mut related = Vec::new();
    for (r, &at) in f.related.iter().zip(&d.related) {
        if at.line.abs_diff(primary_line) <= NEARBY_LINES
            && at.column.abs_diff(d.start.column) <= NEARBY_COLUMNS
        {
            labels.push((r.span.clone(), Some(r.message.clone()), false, at));
        } else {
            related.push(HumanDiagnostic {
                message: r.message.clone(),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                excerpt: Excerpt::new(
                    file,
                    lines,
                    &[(r.span.clone(), Some(r.message.clone()), true, at)],
                ),
                related: Vec::new(),
            });
        }
    }
    HumanDiagnostic {
        message: f.message.clone(),
        code: Some(format!("{}/{}", d.rule.code, d.rule.name)),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help: f.help.clone(),
        excerpt: Excerpt::new(file, lines, &labels),
        related,
    }
}

/// A label to draw: its span, its text, whether it is the primary one, and where it starts.
type Label = (Span, Option<Text>, bool, LineCol);

/// The lines of a file that some labels are on, each cut after its last label, and before its
/// first one when that stands far into the line (a glued run of URLs is one line of a megabyte:
/// each finding shows its own part of it, not everything before).
struct Excerpt {
    name: String,
    text: String,
    /// 0-based line number of the excerpt's first line in the file.
    first_line: usize,
    /// Per line of the excerpt: how many characters of the file's line its start leaves out,
    /// minus the `…` that stands for them.
    column_shift: Vec<usize>,
    labels: Vec<LabeledSpan>,
}

impl Excerpt {
    fn new(file: &FileReport, lines: &LineIndex, labels: &[Label]) -> Excerpt {
        let source = file.source.as_str();
        let first = labels
            .iter()
            .map(|l| lines.line(l.0.start))
            .min()
            .unwrap_or(1);
        let last = labels
            .iter()
            .map(|l| lines.line(l.0.start))
            .max()
            .unwrap_or(1);
        // Each label drawn on its first line only, at most LABEL_CHARS long.
        let shown: Vec<(Span, usize)> = labels
            .iter()
            .map(|(span, _, _, _)| {
                let line = lines.line(span.start);
                let line_end = line_end(source, lines, line);
                let end = span.end.min(line_end);
                let end = nth_char_end(source, span.start, end, LABEL_CHARS);
                (span.start..end, line)
            })
            .collect();
        let mut text = String::new();
        let mut offsets = Vec::new(); // (line, file offset the excerpt's line starts at, excerpt offset)
        let mut column_shift = Vec::new();
        for line in first..=last {
            let line_start = lines.line_start(line);
            let end = line_end(source, lines, line);
            let on_line = || labels.iter().zip(&shown).filter(|(_, (_, l))| *l == line);
            let label_end = on_line()
                .map(|(_, (s, _))| s.end)
                .max()
                .unwrap_or(line_start);
            // The first label on the line, and its column, to cut what lies far before it.
            let lead = on_line()
                .map(|((_, _, _, at), (s, _))| (s.start, at.column))
                .min();
            let (start, shift) = match lead {
                Some((label_start, column)) if column > LEAD_CHARS + MIN_LINE_CHARS => {
                    let start = nth_char_start_before(source, label_start, LEAD_CHARS);
                    let kept = source[start..label_start].chars().count();
                    (start, column - 1 - kept - 1)
                }
                _ => (line_start, 0),
            };
            let keep = nth_char_end(source, label_end, end, TAIL_CHARS).max(nth_char_end(
                source,
                start,
                end,
                MIN_LINE_CHARS,
            ));
            if start > line_start {
                text.push('…');
            }
            offsets.push((line, start, text.len()));
            column_shift.push(shift);
            text.push_str(&source[start..keep]);
            if keep < end {
                text.push('…');
            }
            text.push('\n');
        }
        let to_excerpt = |offset: usize, line: usize| {
            let (_, file_start, excerpt_start) = offsets[line - first];
            excerpt_start + (offset - file_start)
        };
        let labels = labels
            .iter()
            .zip(&shown)
            .map(|((_, label, primary, _), (span, line))| {
                let s = to_excerpt(span.start, *line);
                let e = to_excerpt(span.end, *line);
                let span = SourceSpan::from(s..e);
                let label = label.as_ref().map(|l| l.to_string());
                if *primary {
                    LabeledSpan::new_primary_with_span(label, span)
                } else {
                    LabeledSpan::new_with_span(label, span)
                }
            })
            .collect();
        Excerpt {
            name: file.path.clone(),
            text,
            first_line: first - 1,
            column_shift,
            labels,
        }
    }
}

/// Where `line` ends, before its `\n`: from the line index, without walking the line (a line
/// of a megabyte holds thousands of findings).
fn line_end(source: &str, lines: &LineIndex, line: usize) -> usize {
    let start = lines.line_start(line);
    let next = lines.line_start(line + 1);
    if next > start { next - 1 } else { source.len() }
}

/// The byte offset `n` chars before `to` (or the start of its line, if nearer).
fn nth_char_start_before(source: &str, to: usize, n: usize) -> usize {
    let to = floor_char_boundary(source, to.min(source.len()));
    let before = &source[..to];
    let mut start = to;
    for (i, c) in before.char_indices().rev().take(n) {
        if c == '\n' {
            break;
        }
        start = i;
    }
    start
}

/// The byte offset `n` chars after `from`, at most `limit`.
fn nth_char_end(source: &str, from: usize, limit: usize, n: usize) -> usize {
    let from = floor_char_boundary(source, from.min(limit));
    source[from..limit]
        .char_indices()
        .nth(n)
        .map_or(limit, |(i, _)| from + i)
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self.text.read_span(span, before, after)?;
        // The column in characters, as JSON counts it (miette counts bytes), of the file's line:
        // what the excerpt left out of the line's start is added back.
        let offset = floor_char_boundary(&self.text, span.offset().min(self.text.len()));
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..offset].chars().count();
        let shift = self.column_shift.get(contents.line()).copied();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line() + self.first_line,
            column + shift.unwrap_or(0),
            contents.line_count(),
        )))
    }
}

#[derive(Debug)]
struct HumanDiagnostic {
    message: Text,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<Text>,
    excerpt: Excerpt,
    related: Vec<HumanDiagnostic>,
}

impl fmt::Debug for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Excerpt").field("name", &self.name).finish()
    }
}

impl fmt::Display for HumanDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HumanDiagnostic {}

impl miette::Diagnostic for HumanDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.excerpt)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.excerpt.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}

/// `N errors, M warnings in K files`, for stderr.
pub fn render_summary(outcome: &Outcome) -> String {
    let files = outcome.files.len();
    let mut line = outcome.counts().describe(|_, words| words);
    line.push_str(&format!(" in {files} {}", plural(files, "file", "files")));
    if outcome.baselined > 0 {
        line.push_str(&format!(" ({} in the baseline)", outcome.baselined));
    }
    if !outcome.errors.is_empty() {
        let n = outcome.errors.len();
        line.push_str(&format!(
            "; {n} {} could not be checked",
            plural(n, "path", "paths")
        ));
    }
    line.push('\n');
    line
}
