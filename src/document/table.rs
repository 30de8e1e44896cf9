//! Splitting a table row into cells as written: GFM's rules, without its padding or truncation.

use super::{Cell, Span};

/// Splits the row text at `span` into cells. Pipes escaped with `\` do not split (GFM applies
/// this even inside code spans); one leading and one trailing pipe are optional.
pub fn split_row(source: &str, span: Span) -> Vec<Cell> {
    let bytes = source.as_bytes();
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
    // Pipes and backslashes are the only bytes that matter; memchr finds them.
    let mut cells = Vec::with_capacity(memchr::memchr_iter(b'|', &bytes[start..end]).count() + 1);
    let mut cell_start = start;
    let mut any_pipe = false;
    let mut i = start;
    while let Some(found) = memchr::memchr2(b'|', b'\\', &bytes[i..end]) {
        let at = i + found;
        if bytes[at] == b'\\' {
            let escapes = at + 1 < end && bytes[at + 1].is_ascii_punctuation();
            i = at + if escapes { 2 } else { 1 };
            continue;
        }
        cells.push(cell(bytes, cell_start..at));
        (cell_start, i, any_pipe) = (at + 1, at + 1, true);
    }
    // A pipe that ends the row closes the last cell rather than opening an empty one.
    if !(any_pipe && cell_start == end) {
        cells.push(cell(bytes, cell_start..end));
    }
    cells
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
