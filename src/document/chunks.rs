//! Splitting a document into pieces that parse the same alone as together.
//!
//! A piece ends where pulldown-cmark has nothing open: before a line in column 0 after a
//! blank line, which closes every container (lists need indent, block quotes need `>`) and
//! every paragraph and table, unless it is an item of the open list, or the blank line is
//! inside fenced code or an HTML block that a blank line does not end. [`blocks`] follows the
//! top-level blocks line by line as pulldown-cmark does, reading each line's start with its
//! scanners ([`scan`]).
//!
//! A long top-level table is cut between its rows too: the piece after the cut is parsed with
//! the table's header and delimiter lines before it ([`Piece::table_head`]), so that its rows
//! are rows of the same table.

mod blocks;
mod scan;

use super::Span;
use blocks::{Line, State};

/// A piece of the source to parse alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub span: Span,
    /// For a piece that starts inside a table: the table's header and delimiter lines, to be
    /// parsed before the piece and then dropped.
    pub table_head: Option<Span>,
}

/// More readings than this at once and the splitter stops cutting: only contrived text
/// keeps so many apart for long.
const MAX_READINGS: usize = 16;

/// pulldown-cmark ends a table once it has added 2^18 cells to rows shorter than the header,
/// counting from the table's start, and reads the rest of the document inside it; a piece
/// that starts inside or after the table would know nothing of this. Neither a table that adds
/// half as many nor anything after it is cut.
const MAX_MISSING_CELLS: usize = 1 << 17;

/// Pieces of `source` of at least `target` bytes (the last may be shorter), in order, covering
/// it exactly from the end of its [`preamble`] on.
pub fn split(source: &str, target: usize) -> Vec<Piece> {
    let preamble = preamble_end(source);
    let mut cuts: Vec<(usize, Option<Span>)> = vec![(preamble, None)];
    if source.len() - preamble <= target {
        return pieces(source, cuts);
    }
    let mut readings = vec![State::default()];
    let (mut after, mut one) = (Vec::new(), Vec::new());
    let bytes = source.as_bytes();
    let mut lines = LineStarts::new(bytes, preamble)
        .map(|(start, end)| Line::new(bytes, start, end))
        .peekable();
    while let Some(line) = lines.next() {
        let next = lines.peek();
        // A lone `\r` ends a line for pulldown-cmark, but not inside code or HTML blocks:
        // nothing after it is cut.
        if has_lone_cr(line.text) || next.is_some_and(|n| has_lone_cr(n.text)) {
            break;
        }
        let start = line.start;
        let piece_start = cuts.last().map_or(preamble, |c| c.0);
        if start - piece_start >= target {
            if readings.iter().all(|r| r.may_end_before(&line)) {
                cuts.push((start, None));
            } else if let [reading] = &readings[..]
                && let Some(table) = reading.table_of_row(&line)
            {
                cuts.push((start, Some(table.head.clone())));
            }
        }
        after.clear();
        for reading in &readings {
            reading.step(&line, next, &mut one);
            for state in one.drain(..) {
                if !after.contains(&state) {
                    after.push(state);
                }
            }
        }
        std::mem::swap(&mut readings, &mut after);
        if readings.len() > MAX_READINGS {
            break;
        }
        if let Some(table) = readings
            .iter()
            .filter_map(State::table)
            .find(|t| t.missing_cells > MAX_MISSING_CELLS)
        {
            cuts.retain(|c| c.0 <= table.head.start);
            break;
        }
    }
    pieces(source, cuts)
}

/// The pieces from each cut to the next.
fn pieces(source: &str, cuts: Vec<(usize, Option<Span>)>) -> Vec<Piece> {
    let ends: Vec<usize> = cuts
        .iter()
        .skip(1)
        .map(|c| c.0)
        .chain([source.len()])
        .collect();
    cuts.into_iter()
        .zip(ends)
        .map(|((start, table_head), end)| Piece {
            span: start..end,
            table_head,
        })
        .collect()
}

/// The lines of `source` from `at`: where each starts and ends (after its `\n`).
struct LineStarts<'s> {
    source: &'s [u8],
    at: usize,
}

impl<'s> LineStarts<'s> {
    fn new(source: &'s [u8], at: usize) -> Self {
        LineStarts { source, at }
    }
}

impl Iterator for LineStarts<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        if self.at >= self.source.len() {
            return None;
        }
        let start = self.at;
        self.at = memchr::memchr(b'\n', &self.source[start..])
            .map_or(self.source.len(), |i| start + i + 1);
        Some((start, self.at))
    }
}

/// A `\r` not followed by `\n`.
fn has_lone_cr(line: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', line).any(|i| line.get(i + 1) != Some(&b'\n'))
}

/// Where what GitHub does not render as Markdown ends: a UTF-8 byte order mark, then front
/// matter (`---` … `---` or `...`), only at the very start of the file. Nothing further on is
/// ever front matter, however it looks.
pub fn preamble_end(source: &str) -> usize {
    let bom = if source.starts_with('\u{feff}') { 3 } else { 0 };
    bom + front_matter_end(&source[bom..])
}

/// Where front matter (`---` … `---` or `...` at the very start) ends.
fn front_matter_end(source: &str) -> usize {
    let Some(rest) = source
        .strip_prefix("---\n")
        .or_else(|| source.strip_prefix("---\r\n"))
    else {
        return 0;
    };
    let mut offset = source.len() - rest.len();
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return offset;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        split(text, 1).into_iter().map(|p| &text[p.span]).collect()
    }

    #[test]
    fn pieces_cover_the_text_and_end_before_a_block_in_column_0() {
        let text = "# A\n\n> quote\n\n- item\n\n  continued\n\n- item\n\n* other list\n\nend\n";
        assert_eq!(
            pieces(text),
            [
                "# A\n\n",
                "> quote\n\n",
                "- item\n\n  continued\n\n- item\n\n",
                "* other list\n\n",
                "end\n"
            ]
        );
    }

    #[test]
    fn a_long_table_is_cut_between_its_rows() {
        let head = "| a | b |\n|---|---|\n";
        let rows = "| x | https://a.example |\n".repeat(1000);
        let text = format!("# Title\n\n{head}{rows}\nend\n");
        let target = 1024;
        let got = split(&text, target);
        assert!(got.len() > 20, "{} pieces", got.len());
        let mut end = 0;
        for piece in &got {
            assert_eq!(piece.span.start, end);
            end = piece.span.end;
            assert!(piece.span.len() < target + 64, "{:?}", piece.span);
            let inside = piece.span.start > text.find(head).unwrap()
                && piece.span.start < text.find("\nend").unwrap();
            let expected_head = text.find(head).map(|h| h..h + head.len());
            assert_eq!(piece.table_head, expected_head.filter(|_| inside));
        }
        assert_eq!(end, text.len());
        // The same table in a list item is not cut.
        let in_list = format!(
            "- item\n\n  {}",
            format!("{head}{rows}").replace('\n', "\n  ")
        );
        assert!(
            split(&in_list, target)
                .iter()
                .all(|p| p.table_head.is_none())
        );
    }

    #[test]
    fn a_table_with_many_short_rows_is_not_cut_nor_anything_after_it() {
        // pulldown-cmark ends such a table after 2^18 added cells and reads the rest of the
        // document inside it.
        let rows = "| x |\n".repeat(70_000);
        let text = format!("# A\n\n| a | b | c |\n|---|---|---|\n{rows}\n# B\n\ntext\n");
        let text = format!("{}{text}", "intro\n\n".repeat(500));
        let got = split(&text, 1024);
        let table = text.find("| a |").unwrap();
        assert!(got.len() > 1);
        let last = got.last().unwrap().span.clone();
        assert!(last.start <= table && last.start + 1024 > table && last.end == text.len());
        assert!(got.iter().all(|p| p.table_head.is_none()));
    }

    #[test]
    fn fences_and_comments_are_never_split_and_front_matter_is_no_piece() {
        let front = "---\na: 1\n\nb: 2\n---\n";
        let text = format!("{front}\n```\ncode\n\nmore\n```\n\n<!--\n\nx\n\n-->\n\ny\n");
        let got = pieces(&text);
        assert_eq!(got.concat(), text[front.len()..]);
        assert!(got.iter().any(|p| p.contains("```\ncode\n\nmore\n```")));
        assert!(got.iter().any(|p| p.contains("<!--\n\nx\n\n-->")));
        assert_eq!(preamble_end(&text), front.len());
        assert_eq!(preamble_end(&format!("\u{feff}{text}")), 3 + front.len());
    }

    #[test]
    fn front_matter_is_only_at_the_very_start() {
        assert_eq!(preamble_end("text\n---\ntitle: x\n---\n"), 0);
        assert_eq!(preamble_end("\n---\ntitle: x\n---\n"), 0);
        assert_eq!(preamble_end("---\nno end\n"), 0);
        assert_eq!(preamble_end("\u{feff}| a |\n"), 3);
    }
}
