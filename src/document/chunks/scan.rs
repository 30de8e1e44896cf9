//! What a line starts, read as pulldown-cmark 0.13 reads it (`scanners.rs`, `firstpass.rs`,
//! `linklabel.rs`): the piece splitter must agree with the parser on every block that decides
//! where a piece may end. Each scanner takes the text from where the block would start to the
//! end of the source, as pulldown-cmark's do, and reads no further than the line (or the next
//! one, where pulldown-cmark does).

/// Spaces, tabs, vertical tabs and form feeds (pulldown-cmark's `is_ascii_whitespace_no_nl`).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | 0x0b | 0x0c)
}

/// At a line ending or the end of the text (`scan_eol`).
pub fn at_eol(bytes: &[u8]) -> bool {
    matches!(bytes.first(), None | Some(b'\n' | b'\r'))
}

/// Only spaces, tabs, vertical tabs and form feeds up to the line ending (`scan_blank_line`).
pub fn is_blank(bytes: &[u8]) -> bool {
    at_eol(&bytes[bytes.iter().take_while(|&&b| is_space(b)).count()..])
}

/// The leading spaces and tabs of a line: their width in columns (tab stops every 4) and
/// their length in bytes.
pub fn indent(line: &[u8]) -> (usize, usize) {
    let mut columns = 0;
    let mut bytes = 0;
    for &b in line {
        match b {
            b' ' => columns += 1,
            b'\t' => columns += 4 - columns % 4,
            _ => break,
        }
        bytes += 1;
    }
    (columns, bytes)
}

/// Whether a block quote goes on: at most three columns of indent, then `>`
/// (`scan_containers` with `LineStart::scan_space(3)`, which takes a whole tab even when it
/// needs only part of it).
pub fn continues_quote(line: &[u8]) -> bool {
    let mut columns = 0;
    let mut i = 0;
    while columns < 3 && i < line.len() {
        match line[i] {
            b' ' => columns += 1,
            b'\t' => columns += 4 - columns % 4,
            _ => break,
        }
        i += 1;
    }
    line.get(i) == Some(&b'>')
}

/// A thematic break: three or more of `*`, `-` or `_`, with spaces and tabs between
/// (`scan_hrule`).
pub fn thematic_break(bytes: &[u8]) -> bool {
    let Some(&c) = bytes.first() else {
        return false;
    };
    if bytes.len() < 3 || !matches!(c, b'*' | b'-' | b'_') {
        return false;
    }
    let mut count = 0;
    for &b in bytes {
        match b {
            b'\n' | b'\r' => break,
            b' ' | b'\t' => {}
            _ if b == c => count += 1,
            _ => return false,
        }
    }
    count >= 3
}

/// `#` to `######` followed by whitespace or the end (`scan_atx_heading`).
pub fn atx_heading(bytes: &[u8]) -> bool {
    let level = bytes.iter().take_while(|&&b| b == b'#').count();
    (1..=6).contains(&level)
        && bytes
            .get(level)
            .is_none_or(|&b| b == b' ' || (0x09..=0x0d).contains(&b))
}

/// A setext underline: a run of `=` or `-`, then a blank rest (`scan_setext_heading`).
pub fn setext_underline(bytes: &[u8]) -> bool {
    let Some(&c) = bytes.first().filter(|&&c| c == b'=' || c == b'-') else {
        return false;
    };
    is_blank(&bytes[bytes.iter().take_while(|&&b| b == c).count()..])
}

/// An opening code fence: its character and length (`scan_code_fence`). A backtick fence's
/// info string holds no backtick.
pub fn code_fence(bytes: &[u8]) -> Option<(u8, usize)> {
    let c = *bytes.first().filter(|&&c| c == b'`' || c == b'~')?;
    let run = bytes.iter().take_while(|&&b| b == c).count();
    if run < 3 {
        return None;
    }
    let rest = &bytes[run..];
    let line = &rest[..memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1)];
    (c == b'~' || !line.contains(&b'`')).then_some((c, run))
}

/// Whether a line closes a fence of `len` characters `c`: less than four columns of indent,
/// at least `len` of them, then only spaces (`parse_fenced_code_block`,
/// `scan_closing_code_fence`).
pub fn closes_fence(line: &[u8], c: u8, len: usize) -> bool {
    let (columns, start) = indent(line);
    if columns >= 4 {
        return false;
    }
    let rest = &line[start..];
    let run = rest.iter().take_while(|&&b| b == c).count();
    let spaces = rest[run..].iter().take_while(|&&b| b == b' ').count();
    run >= len && at_eol(&rest[run + spaces..])
}

/// A list item's start (`LineStart::scan_list_marker_with_indent`, `finish_list_marker`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListMarker {
    /// `-`, `+` or `*`; `.` or `)` for an ordered list.
    pub marker: u8,
    /// The column the item's content starts at: what later lines need to belong to it.
    pub content: usize,
    /// Nothing (or only a task box) follows the marker: a blank line right after closes the
    /// item (pulldown-cmark's `begin_list_item`).
    pub empty: bool,
}

/// A list item starting after `line`'s indent, which is less than four columns.
pub fn list_marker(line: &[u8]) -> Option<ListMarker> {
    let (indent, start) = indent(line);
    let bytes = &line[start..];
    let (marker, width) = marker(bytes)?;
    if matches!(marker, b'-' | b'*') && thematic_break(bytes) {
        return None;
    }
    let after = &bytes[width..];
    // Spaces and tabs after the marker, in columns counted from the line's start.
    let column = indent + width;
    let mut end = column;
    let mut spaces = 0;
    for &b in after {
        match b {
            b' ' => end += 1,
            b'\t' => end += 4 - end % 4,
            _ => break,
        }
        spaces += 1;
    }
    let gap = end - column;
    if gap == 0 && !at_eol(after) {
        return None;
    }
    let mut empty = is_blank(after);
    let content = if empty || gap > 4 {
        column + 1
    } else {
        column + gap.max(1)
    };
    if !empty && gap <= 4 {
        empty = task_box_alone(&after[spaces..]);
    }
    Some(ListMarker {
        marker,
        content,
        empty,
    })
}

/// A bullet, or one to nine digits and `.` or `)`: the marker's character and width.
fn marker(bytes: &[u8]) -> Option<(u8, usize)> {
    match *bytes.first()? {
        c @ (b'-' | b'+' | b'*') => Some((c, 1)),
        b'0'..=b'9' => {
            let digits = bytes
                .iter()
                .take(9)
                .take_while(|b| b.is_ascii_digit())
                .count();
            let c = *bytes.get(digits).filter(|&&c| c == b'.' || c == b')')?;
            Some((c, digits + 1))
        }
        _ => None,
    }
}

/// `[ ]`, `[x]` or `[X]` and nothing after it (`LineStart::scan_task_list_marker`).
fn task_box_alone(bytes: &[u8]) -> bool {
    bytes.len() >= 4
        && bytes[0] == b'['
        && (is_space(bytes[1]) || bytes[1] == b'x' || bytes[1] == b'X')
        && bytes[2] == b']'
        && (bytes[3] == b' ' || (0x09..=0x0d).contains(&bytes[3]))
        && is_blank(&bytes[3..])
}

/// A list item that ends a paragraph (`scan_listitem` in `scan_paragraph_interrupt_no_table`):
/// any, when `any` (a lazy line, a table row), else a bullet or `1.`/`1)` with text after it.
fn interrupting_list_item(bytes: &[u8], any: bool) -> bool {
    let Some((_, width)) = marker(bytes) else {
        return false;
    };
    let after = &bytes[width..];
    if !matches!(after.first(), None | Some(b' ' | b'\t' | b'\n' | b'\r')) {
        return false;
    }
    // An ordered list interrupts only from 1 (`01.` is 1 too).
    let digits = &bytes[..width - 1];
    let from_one = match digits.split_last() {
        None => true,
        Some((last, leading)) => *last == b'1' && leading.iter().all(|&b| b == b'0'),
    };
    any || from_one && !is_blank(after)
}

/// How an HTML block ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtmlEnd {
    /// At the line that holds this text (kinds 1 to 5: `<pre>`, `<!--`, `<?`, `<!X`,
    /// `<![CDATA[`).
    Text(&'static str),
    /// Before a blank line (kind 6, a block tag such as `<div>`; kind 7, any complete tag
    /// alone on its line).
    Blank,
}

/// The HTML block that `bytes` (starting with `<`) opens, if any. Kind 7 only when `kind_7`:
/// it cannot interrupt a paragraph.
pub fn html_block(bytes: &[u8], kind_7: bool) -> Option<HtmlEnd> {
    let after = bytes.strip_prefix(b"<")?;
    if let Some(end) = html_end_tag(after) {
        return Some(HtmlEnd::Text(end));
    }
    if block_tag(after) || kind_7 && complete_tag_alone(bytes) {
        return Some(HtmlEnd::Blank);
    }
    None
}

/// `get_html_end_tag`: what ends an HTML block of kinds 1 to 5, from the text after its `<`.
/// The tag names are matched without regard to case, the rest exactly.
fn html_end_tag(after: &[u8]) -> Option<&'static str> {
    const RAW: [(&[u8], &str); 4] = [
        (b"pre", "</pre>"),
        (b"style", "</style>"),
        (b"script", "</script>"),
        (b"textarea", "</textarea>"),
    ];
    for (tag, end) in RAW {
        if after.len() < tag.len() {
            break;
        }
        if after[..tag.len()].eq_ignore_ascii_case(tag)
            && after
                .get(tag.len())
                .is_none_or(|&b| b == b'>' || b == b' ' || (0x09..=0x0d).contains(&b))
        {
            return Some(end);
        }
    }
    for (opener, end) in [(&b"!--"[..], "-->"), (b"?", "?>"), (b"![CDATA[", "]]>")] {
        if after.starts_with(opener) {
            return Some(end);
        }
    }
    (after.len() > 1 && after[0] == b'!' && after[1].is_ascii_alphabetic()).then_some(">")
}

/// `starts_html_block_type_6`: `<` or `</`, a block tag's name, then whitespace, `>`, `/>` or
/// the end.
fn block_tag(after: &[u8]) -> bool {
    const TAGS: [&str; 62] = [
        "address",
        "article",
        "aside",
        "base",
        "basefont",
        "blockquote",
        "body",
        "caption",
        "center",
        "col",
        "colgroup",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "iframe",
        "legend",
        "li",
        "link",
        "main",
        "menu",
        "menuitem",
        "nav",
        "noframes",
        "ol",
        "optgroup",
        "option",
        "p",
        "param",
        "search",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "track",
        "ul",
    ];
    let tail = after.strip_prefix(b"/").unwrap_or(after);
    let name = tail
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let rest = &tail[name..];
    TAGS.iter()
        .any(|t| t.as_bytes().eq_ignore_ascii_case(&tail[..name]))
        && (rest.is_empty()
            || matches!(rest[0], b' ' | b'\t' | b'\r' | b'\n' | b'>')
            || rest.starts_with(b"/>"))
}

/// `scan_html_type_7`: one complete open tag (with attributes on this line only) or closing
/// tag, then nothing but spaces to the end of the line.
fn complete_tag_alone(bytes: &[u8]) -> bool {
    let closing = usize::from(bytes.get(1) == Some(&b'/'));
    let name = bytes[1 + closing..]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    if name == 0 {
        return false;
    }
    let mut i = 1 + closing + name;
    i += bytes[i..]
        .iter()
        .take_while(|&&b| b == b'-' || b.is_ascii_alphanumeric())
        .count();
    if closing == 0 {
        loop {
            let before = i;
            i += bytes[i..].iter().take_while(|&&b| is_space(b)).count();
            if at_eol(&bytes[i..]) {
                return false;
            }
            if matches!(bytes[i], b'/' | b'>') {
                break;
            }
            if before == i {
                return false;
            }
            match attribute(bytes, i) {
                Some(end) => i = end,
                None => return false,
            }
        }
    }
    i += bytes[i..].iter().take_while(|&&b| is_space(b)).count();
    if closing == 0 && bytes.get(i) == Some(&b'/') {
        i += 1;
    }
    bytes.get(i) == Some(&b'>') && is_blank(&bytes[i + 1..])
}

/// `scan_attribute` without line breaks: a name, then optionally `=` and a value. Where the
/// attribute ends.
fn attribute(bytes: &[u8], start: usize) -> Option<usize> {
    let first = *bytes.get(start)?;
    if !(first.is_ascii_alphabetic() || first == b'_' || first == b':') {
        return None;
    }
    let name_end = start
        + 1
        + bytes[start + 1..]
            .iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'))
            .count();
    let mut i = skip_spaces_on_line(bytes, name_end)?;
    if bytes.get(i) != Some(&b'=') {
        return Some(name_end);
    }
    i = skip_spaces_on_line(bytes, i + 1)?;
    match *bytes.get(i)? {
        quote @ (b'"' | b'\'') => {
            let value = &bytes[i + 1..];
            let close = value
                .iter()
                .position(|&b| b == quote || b == b'\n' || b == b'\r')?;
            (value[close] == quote).then_some(i + 1 + close + 1)
        }
        b' ' | b'=' | b'>' | b'<' | b'`' | b'\n' | b'\r' => None,
        _ => Some(
            i + bytes[i..]
                .iter()
                .take_while(|&&b| {
                    !matches!(
                        b,
                        b'\'' | b'"' | b' ' | b'=' | b'>' | b'<' | b'`' | b'\n' | b'\r'
                    )
                })
                .count(),
        ),
    }
}

/// Past ASCII whitespace, failing at a line ending (an HTML block's tag is on one line).
fn skip_spaces_on_line(bytes: &[u8], mut i: usize) -> Option<usize> {
    while let Some(&b) = bytes.get(i) {
        if b == b'\n' || b == b'\r' {
            return None;
        }
        if !(b == b' ' || (0x09..=0x0d).contains(&b)) {
            break;
        }
        i += 1;
    }
    Some(i)
}

/// A footnote definition's start, `[^label]:` (`parse_footnote`): how many bytes it takes.
/// `in_table`: read as in a table row, where `\|` is one character of the label.
pub fn footnote_definition(bytes: &[u8], in_table: bool) -> Option<usize> {
    let rest = bytes.strip_prefix(b"[^")?;
    let len = label_rest(rest, in_table)?;
    (rest.get(len) == Some(&b':')).then_some(2 + len + 1)
}

/// `scan_link_label_rest` with no line break allowed: the length of a label's text and its
/// `]`, from after its `[`.
fn label_rest(bytes: &[u8], in_table: bool) -> Option<usize> {
    let mut i = 0;
    let mut only_space = true;
    let mut codepoints = 0;
    loop {
        if codepoints >= 1000 {
            return None;
        }
        match *bytes.get(i)? {
            b'[' => return None,
            b']' => break,
            b'|' if in_table && i != 0 && bytes[i - 1] == b'\\' => {
                i += 1;
                only_space = false;
            }
            b'\\' if in_table && bytes.get(i + 1) == Some(&b'|') => {
                i += 2;
                codepoints += 1;
                only_space = false;
            }
            b'\\' if bytes.get(i + 1)?.is_ascii_punctuation() => {
                i += 2;
                codepoints += 2;
                only_space = false;
            }
            b if b == b' ' || (0x09..=0x0d).contains(&b) => {
                let start = i;
                let mut weight = 0;
                while let Some(&b) = bytes
                    .get(i)
                    .filter(|&&b| b == b' ' || (0x09..=0x0d).contains(&b))
                {
                    if b == b'\n' || b == b'\r' {
                        return None;
                    }
                    weight += if b == b' ' { 1 } else { 2 };
                    i += 1;
                }
                codepoints += if weight > 1 { i - start } else { 1 };
            }
            b => {
                only_space = false;
                i += 1;
                if b >= 0x80 {
                    codepoints += 1;
                }
            }
        }
    }
    (!only_space).then_some(i + 1)
}

/// Whether a line ends a paragraph of the same container (`scan_paragraph_interrupt` with
/// `current_container`): `bytes` is the line after its indent (less than four columns),
/// `next` the next line whole, for a table's delimiter row.
pub fn interrupts_paragraph(bytes: &[u8], next: Option<&[u8]>) -> bool {
    interrupts(bytes, false, false) || heavy_table(bytes, next).is_some()
}

/// Whether a line that does not belong to an open container cannot continue its paragraph
/// lazily (`scan_paragraph_interrupt` without `current_container`: any list item ends it).
/// A line starting with `|` may also end it, as a table, depending on whether the delimiter
/// row belongs to the container; the caller does not know, and is told `false`.
pub fn interrupts_lazy_line(bytes: &[u8]) -> bool {
    interrupts(bytes, true, false)
}

/// Whether a line ends a table (`parse_table_row`): `bytes` is the line after all its spaces
/// and tabs.
pub fn ends_table(bytes: &[u8]) -> bool {
    interrupts(bytes, true, true)
}

/// `scan_paragraph_interrupt_no_table`.
fn interrupts(bytes: &[u8], any_list_item: bool, in_table: bool) -> bool {
    let Some(&first) = bytes.first() else {
        return true;
    };
    match first {
        b'\n' | b'\r' => true,
        b'*' | b'-' | b'_' if thematic_break(bytes) => true,
        b'#' => atx_heading(bytes),
        b'`' | b'~' => code_fence(bytes).is_some(),
        b'>' => true,
        b'<' => html_block(bytes, false).is_some(),
        b'[' => footnote_definition(bytes, in_table).is_some(),
        b'-' | b'+' | b'*' | b'0'..=b'9' => interrupting_list_item(bytes, any_list_item),
        _ => false,
    }
}

/// A table that starts a paragraph (pulldown-cmark's `parse_line` in `TableParseMode::Scan`):
/// `bytes` is the paragraph's first line (after its indent) to the end of the source, `next`
/// the next line. The number of columns.
pub fn table_start(bytes: &[u8], next: Option<&[u8]>) -> Option<usize> {
    let eol = memchr::memchr2(b'\n', b'\r', bytes)?;
    let line = &bytes[..eol];
    // A line ending in a backslash ends in a hard break, which pulldown-cmark reads first.
    let backslashes = line.iter().rev().take_while(|&&b| b == b'\\').count();
    let eol_len = if bytes[eol..].starts_with(b"\r\n") {
        2
    } else {
        1
    };
    if backslashes % 2 == 1 && eol + eol_len < bytes.len() {
        return None;
    }
    let (pipes, last_pipe) = pipes(line)?;
    let columns = delimiter_row(next?)?;
    (columns == header_columns(bytes, pipes, last_pipe)).then_some(columns)
}

/// A table that interrupts a paragraph: a line starting with `|`, and a delimiter row with as
/// many columns (`scan_paragraph_interrupt`). The number of columns.
fn heavy_table(bytes: &[u8], next: Option<&[u8]>) -> Option<usize> {
    if bytes.first() != Some(&b'|') {
        return None;
    }
    let eol = memchr::memchr2(b'\n', b'\r', bytes)?;
    let (pipes, last_pipe) = pipes(&bytes[..eol])?;
    let columns = delimiter_row(next?)?;
    (columns == header_columns(bytes, pipes, last_pipe)).then_some(columns)
}

/// The pipes of a header line that no backslash escapes, and where the last one is.
fn pipes(line: &[u8]) -> Option<(usize, usize)> {
    let mut count = 0;
    let mut last = 0;
    for i in memchr::memchr_iter(b'|', line) {
        if i == 0 || line[i - 1] != b'\\' {
            count += 1;
            last = i;
        }
    }
    (count > 0).then_some((count, last))
}

/// `count_header_cols`: pipes at the ends of the line bound cells, pipes inside separate them.
fn header_columns(bytes: &[u8], mut pipes: usize, last_pipe: usize) -> usize {
    let start = bytes.iter().take_while(|&&b| is_space(b)).count();
    if bytes.get(start) == Some(&b'|') {
        pipes -= 1;
    }
    if is_blank(&bytes[last_pipe + 1..]) {
        pipes
    } else {
        pipes + 1
    }
}

/// A table's delimiter row, `|---|:--:|` (`scan_table_head`): its number of columns.
pub fn delimiter_row(line: &[u8]) -> Option<usize> {
    let (columns, mut i) = {
        let mut spaces = 0;
        let mut i = 0;
        while let Some(&b) = line.get(i) {
            match b {
                b' ' => spaces += 1,
                b'\t' => spaces += 4 - spaces % 4,
                _ => break,
            }
            if spaces > 3 {
                return None;
            }
            i += 1;
        }
        (spaces, i)
    };
    if columns > 3 || i == line.len() {
        return None;
    }
    let mut cols = 0;
    let mut start_col = true;
    let mut found_pipe = false;
    let mut found_hyphen = false;
    let mut hyphen_in_col = false;
    if line[i] == b'|' {
        i += 1;
        found_pipe = true;
    }
    for &c in &line[i..] {
        match c {
            b'\n' | b'\r' => break,
            b' ' => {}
            b':' => start_col = false,
            b'-' => {
                start_col = false;
                found_hyphen = true;
                hyphen_in_col = true;
            }
            b'|' => {
                start_col = true;
                found_pipe = true;
                cols += 1;
                if !hyphen_in_col {
                    return None;
                }
                hyphen_in_col = false;
            }
            _ => return None,
        }
    }
    if !start_col {
        cols += 1;
    }
    (found_pipe && found_hyphen).then_some(cols)
}

/// The cells pulldown-cmark reads in a table row (`parse_table_row_inner`): `bytes` is the
/// line after all its spaces and tabs. A pipe after a backslash separates nothing.
pub fn row_cells(bytes: &[u8]) -> usize {
    let mut cells = 0;
    let mut i = 0;
    loop {
        if bytes.get(i) == Some(&b'|') {
            i += 1;
        }
        i += bytes[i..].iter().take_while(|&&b| is_space(b)).count();
        if at_eol(&bytes[i..]) {
            return cells;
        }
        cells += 1;
        while let Some(&b) = bytes.get(i) {
            if b == b'\n' || b == b'\r' || b == b'|' && (i == 0 || bytes[i - 1] != b'\\') {
                break;
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_markers_and_their_content_column() {
        let content = |line: &str| list_marker(line.as_bytes()).map(|m| (m.content, m.empty));
        assert_eq!(content("- a\n"), Some((2, false)));
        assert_eq!(content("  10. a\n"), Some((6, false)));
        assert_eq!(content("-    a\n"), Some((5, false)));
        assert_eq!(
            content("-     a\n"),
            Some((2, false)),
            "five spaces: indented code"
        );
        assert_eq!(content("-\ta\n"), Some((4, false)));
        assert_eq!(content("-\n"), Some((2, true)));
        assert_eq!(content("- [ ]\n"), Some((2, true)));
        assert_eq!(content("- [x] done\n"), Some((2, false)));
        assert_eq!(content("-a\n"), None);
        assert_eq!(content("- - -\n"), None, "a thematic break");
        assert_eq!(content("1234567890. a\n"), None);
    }

    #[test]
    fn html_blocks_as_pulldown_cmark_opens_them() {
        let kind = |line: &str| html_block(line.as_bytes(), true);
        assert_eq!(kind("<pre>\n"), Some(HtmlEnd::Text("</pre>")));
        assert_eq!(kind("<PRE class=x>\n"), Some(HtmlEnd::Text("</pre>")));
        assert_eq!(kind("<prefix>\n"), Some(HtmlEnd::Blank), "kind 7, not <pre");
        assert_eq!(kind("<![cdata[\n"), None, "CDATA is matched exactly");
        assert_eq!(kind("<div class=\"a\">x\n"), Some(HtmlEnd::Blank));
        assert_eq!(kind("<span>\n"), Some(HtmlEnd::Blank));
        assert_eq!(kind("</span>  \n"), Some(HtmlEnd::Blank));
        assert_eq!(
            kind("<a href=\"x\" title='y' data-z=w>\n"),
            Some(HtmlEnd::Blank)
        );
        assert_eq!(kind("<span>text\n"), None, "kind 7 is alone on its line");
        assert_eq!(kind("<a href=\"x\n"), None);
        assert_eq!(html_block(b"<span>\n", false), None);
    }

    #[test]
    fn table_rows_and_headers() {
        assert_eq!(row_cells(b"| a | b |\n"), 2);
        assert_eq!(row_cells(b"a | b\n"), 2);
        assert_eq!(row_cells(b"| a \\| b |\n"), 1);
        assert_eq!(
            row_cells(b"| `a | b` |\n"),
            2,
            "code spans do not hide pipes"
        );
        assert_eq!(row_cells(b"||\n"), 1);
        assert_eq!(row_cells(b"|\n"), 0);
        assert_eq!(delimiter_row(b"|---|:-:|\n"), Some(2));
        assert_eq!(delimiter_row(b"--|--\n"), Some(2));
        assert_eq!(delimiter_row(b"---\n"), None);
        assert_eq!(delimiter_row(b"|--||\n"), None);
        let start = |text: &str| {
            let (first, next) = text.split_once('\n').unwrap();
            table_start(text.as_bytes(), Some(next.as_bytes())).filter(|_| !first.is_empty())
        };
        assert_eq!(start("| a | b |\n|---|---|\n"), Some(2));
        assert_eq!(start("a | b\n-|-\n"), Some(2));
        assert_eq!(start("| a |\n|---|---|\n"), None);
        assert_eq!(start("| a |\\\n|---|\n| x |\n"), None, "a hard break");
    }

    #[test]
    fn footnote_definitions() {
        assert_eq!(footnote_definition(b"[^1]: a\n", false), Some(5));
        assert_eq!(footnote_definition(b"[^a b]:\n", false), Some(7));
        assert_eq!(footnote_definition(b"[^ ]: a\n", false), None);
        assert_eq!(footnote_definition(b"[^a\nb]: a\n", false), None);
        assert_eq!(footnote_definition(b"[^a]\n", false), None);
    }
}
