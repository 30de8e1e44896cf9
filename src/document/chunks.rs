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
use blocks::{Line, RowOf, State};

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

/// pulldown-cmark gives up on a table once it has added 2^18 cells to rows shorter than the
/// header and reads the rest of the document inside it, where GitHub reads on (to
/// [`blocks::GITHUB_MAX_ADDED_CELLS`]). A top-level table is cut between its rows before a
/// piece would add more than half as many: parsed after a copy of the header, each piece counts
/// from 0. A table that cannot be cut there (read two ways, or one row adds that many) is
/// neither cut nor is anything after it.
const MAX_MISSING_CELLS: usize = 1 << 17;

/// Pieces of `source` of at least `target` bytes (the last may be shorter), in order, covering
/// it exactly from the end of its [`preamble`] on.
///
/// A document of `target` bytes or less is one piece unless it holds a table GitHub ends by
/// its added cells, or whose added cells pulldown-cmark would give up on: those are cut
/// whatever their size.
pub fn split(source: &str, target: usize) -> Vec<Piece> {
    let preamble = preamble_end(source);
    let mut cuts: Vec<(usize, Option<Span>)> = vec![(preamble, None)];
    if source.len() - preamble <= target && !may_add_many_cells(&source[preamble..]) {
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
        let long = start - piece_start >= target;
        if let Some(cut) = table_cut(&mut readings, &line, long) {
            match cut {
                TableCut::Ended => cuts.push((start, None)),
                TableCut::Rows(head) => cuts.push((start, Some(head))),
                TableCut::Impossible(head) => {
                    cuts.retain(|c| c.0 <= head);
                    break;
                }
            }
        } else if long && readings.iter().all(|r| r.may_end_before(&line)) {
            cuts.push((start, None));
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
    }
    pieces(source, cuts)
}

/// Whether a table in `text` could add more than [`MAX_MISSING_CELLS`] cells to its rows: a
/// row is at most a line, and adds fewer cells than its table has columns, at most one more
/// than the pipes of the table's delimiter line.
fn may_add_many_cells(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (mut lines, mut widest, mut pipes) = (1usize, 0usize, 0usize);
    for at in memchr::memchr3_iter(b'\n', b'\r', b'|', bytes) {
        if bytes[at] == b'|' {
            pipes += 1;
        } else {
            lines += 1;
            widest = widest.max(pipes);
            pipes = 0;
        }
    }
    lines.saturating_mul(widest.max(pipes) + 1) > MAX_MISSING_CELLS
}

/// A cut before a row of a top-level table.
enum TableCut {
    /// GitHub ends the table before the row: a piece starts with the row, read as a block of
    /// its own.
    Ended,
    /// Between two rows of the table with this header and delimiter.
    Rows(Span),
    /// The table must be cut here to be read as GitHub reads it, and cannot be; it starts here.
    Impossible(usize),
}

/// Where `line` is a row of a top-level table: the cut before it, if the table is `long`
/// enough to be cut or must be cut (see [`MAX_MISSING_CELLS`]); the reading is then the one
/// after the cut.
fn table_cut(readings: &mut [State], line: &Line, long: bool) -> Option<TableCut> {
    if !long
        && !readings
            .iter()
            .any(|r| r.table_nears_a_limit(MAX_MISSING_CELLS))
    {
        return None;
    }
    if let [reading] = readings
        && let Some(RowOf {
            table,
            cuttable,
            adds,
        }) = reading.table_of_row(line)
    {
        if table.github_ends() {
            reading.end_table();
            return Some(TableCut::Ended);
        }
        let spills = table.missing_cells + adds > MAX_MISSING_CELLS;
        let head = table.head.clone();
        // Cut before a row that would add too many, unless that would not help.
        let helps = cuttable && table.missing_cells > 0 && adds <= MAX_MISSING_CELLS;
        if spills && !helps {
            return Some(TableCut::Impossible(head.start));
        }
        if !(spills || long && cuttable) {
            return None;
        }
        reading.cut_table();
        return Some(TableCut::Rows(head));
    }
    // Read two ways, the table is not cut: unless it has to be.
    readings
        .iter()
        .filter_map(|r| r.table_of_row(line))
        .find(|r| r.table.github_ends() || r.table.missing_cells + r.adds > MAX_MISSING_CELLS)
        .map(|r| TableCut::Impossible(r.table.head.start))
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

    /// A table of `columns` columns whose rows each have one cell.
    fn short_rows(columns: usize, rows: usize) -> (String, String) {
        let head = format!("|{}\n|{}\n", "a|".repeat(columns), "-|".repeat(columns));
        (head.clone(), format!("{head}{}", "| x\n".repeat(rows)))
    }

    #[test]
    fn a_table_with_many_short_rows_is_cut_before_pulldown_cmark_would_give_up_on_it() {
        // 70,000 rows adding 2 cells each: 140,000 added cells, more than a piece may add.
        let (head, table) = short_rows(3, 70_000);
        let text = format!("# A\n\n{table}\n# B\n\ntext\n");
        let got = split(&text, usize::MAX);
        assert_eq!(got.len(), 2, "{:?}", got);
        let head = text.find(&head).map(|h| h..h + head.len());
        assert_eq!(got[1].table_head, head);
        let first_rows = text[got[0].span.clone()].matches("| x\n").count();
        assert_eq!(first_rows * 2, MAX_MISSING_CELLS);
        // A row that alone adds more than a piece may: the table is not cut, nor is anything
        // after it.
        let (_, table) = short_rows(MAX_MISSING_CELLS + 2, 3);
        let text = format!("{}{table}\n# B\n\ntext\n", "intro\n\n".repeat(500));
        let got = split(&text, 1024);
        assert!(got.len() > 1);
        assert!(got.iter().all(|p| p.table_head.is_none()));
        let (last, table) = (got.last().unwrap().span.clone(), text.find("|a|").unwrap());
        assert!(last.start <= table && last.start + 1024 > table && last.end == text.len());
    }

    #[test]
    fn a_short_document_is_scanned_only_if_a_table_could_add_too_many_cells() {
        assert!(!may_add_many_cells(&"| a | b | c |\n".repeat(20_000)));
        assert!(may_add_many_cells(&"| a | b | c |\n".repeat(40_000)));
        let (_, wide) = short_rows(1025, 200);
        assert!(may_add_many_cells(&wide));
        assert!(may_add_many_cells(&wide.replace('\n', "\r")));
    }

    #[test]
    fn a_table_ends_where_github_ends_it_by_its_added_cells() {
        // cmark-gfm: 1025 columns, rows of one cell add 1024 each; after 512 rows exactly
        // 0x80000 are added, which still admits a row; the 514th line starts a block.
        let (_, table) = short_rows(1025, 600);
        let text = format!("{table}\nend\n");
        let got = split(&text, usize::MAX);
        let ended = text.match_indices("| x\n").nth(513).unwrap().0;
        let starts: Vec<(usize, bool)> = got
            .iter()
            .map(|p| (p.span.start, p.table_head.is_some()))
            .collect();
        assert_eq!(starts.last(), Some(&(ended, false)), "{starts:?}");
        // Before it, pieces of at most 2^17 added cells: 128 rows.
        let rows: Vec<usize> = got
            .iter()
            .map(|p| text[p.span.clone()].matches("| x\n").count())
            .collect();
        assert_eq!(rows, [128, 128, 128, 128, 1, 87]);
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
