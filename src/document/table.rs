//! Splitting a table row into cells as written: GFM's rules, without its padding or truncation.

use super::{Cell, Span};

/// Splits the row text at `span` into cells. Pipes escaped with `\` do not split (GFM applies
/// this even inside code spans); one leading and one trailing pipe are optional.
pub fn split_row(source: &str, span: Span) -> Vec<Cell> {
    let bytes = source.as_bytes();
    let (start, end) = row_text(bytes, span);
    Cells::new(bytes, start, end).collect()
}

/// Cell `index` of the row text at `span`, found without splitting the cells after it.
pub fn nth_cell(source: &str, span: Span, index: usize) -> Option<Cell> {
    let (start, end) = row_text(source.as_bytes(), span);
    Cells::new(source.as_bytes(), start, end).nth(index)
}

/// The row's text between its optional leading pipe and its trailing spaces.
fn row_text(bytes: &[u8], span: Span) -> (usize, usize) {
    let (mut start, mut end) = (span.start, span.end);
    while start < end && is_gfm_space(bytes[start]) {
        start += 1;
    }
    while end > start && (is_gfm_space(bytes[end - 1]) || matches!(bytes[end - 1], b'\r' | b'\n')) {
        end -= 1;
    }
    if start < end && bytes[start] == b'|' {
        start += 1;
    }
    (start, end)
}

/// The cells of a row's text, in order.
struct Cells<'b> {
    bytes: &'b [u8],
    end: usize,
    cell_start: usize,
    i: usize,
    any_pipe: bool,
    done: bool,
}

impl<'b> Cells<'b> {
    fn new(bytes: &'b [u8], start: usize, end: usize) -> Cells<'b> {
        Cells {
            bytes,
            end,
            cell_start: start,
            i: start,
            any_pipe: false,
            done: false,
        }
    }
}

impl Iterator for Cells<'_> {
    type Item = Cell;

    fn next(&mut self) -> Option<Cell> {
        let (bytes, end) = (self.bytes, self.end);
        if self.done {
            return None;
        }
        // Pipes and backslashes are the only bytes that matter; memchr finds them.
        while let Some(found) = memchr::memchr2(b'|', b'\\', &bytes[self.i..end]) {
            let at = self.i + found;
            if bytes[at] == b'\\' {
                let escapes = at + 1 < end && bytes[at + 1].is_ascii_punctuation();
                self.i = at + if escapes { 2 } else { 1 };
                continue;
            }
            let found = cell(bytes, self.cell_start..at);
            (self.cell_start, self.i, self.any_pipe) = (at + 1, at + 1, true);
            return Some(found);
        }
        self.done = true;
        // A pipe that ends the row closes the last cell rather than opening an empty one.
        (!(self.any_pipe && self.cell_start == end)).then(|| cell(bytes, self.cell_start..end))
    }
}

fn cell(bytes: &[u8], raw: Span) -> Cell {
    let (mut s, mut e) = (raw.start, raw.end);
    while s < e && is_gfm_space(bytes[s]) {
        s += 1;
    }
    while e > s && is_gfm_space(bytes[e - 1]) {
        e -= 1;
    }
    Cell::new(raw, s..e)
}

fn is_gfm_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(row: &str) -> Vec<&str> {
        split_row(row, 0..row.len())
            .into_iter()
            .map(|c| &row[c.span()])
            .collect()
    }

    #[test]
    fn leading_and_trailing_pipes_are_optional() {
        assert_eq!(cells("| a | b |"), ["a", "b"]);
        assert_eq!(cells("a | b"), ["a", "b"]);
        assert_eq!(cells("| a | b"), ["a", "b"]);
        assert_eq!(cells("a | b |  "), ["a", "b"]);
    }

    #[test]
    fn escaped_pipes_do_not_split_even_in_code() {
        assert_eq!(cells(r"| f\|oo |"), [r"f\|oo"]);
        assert_eq!(cells(r"| b `\|` az | x |"), [r"b `\|` az", "x"]);
        assert_eq!(cells(r"| a \\| b |"), [r"a \\", "b"]);
    }

    #[test]
    fn empty_cells_are_kept_as_written() {
        assert_eq!(cells("| | |"), ["", ""]);
        assert_eq!(cells("|x||y|"), ["x", "", "y"]);
        assert_eq!(cells("|"), [""]);
    }

    #[test]
    fn nbsp_is_not_trimmed_like_gfm() {
        assert_eq!(cells("| a\u{a0}| b |"), ["a\u{a0}", "b"]);
    }
}
