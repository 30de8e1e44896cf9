//! Splitting a document into pieces that parse the same alone as together.
//!
//! A piece ends at a blank line followed by a line that starts in column 0 with a character
//! other than a space: in CommonMark such a line closes every container (lists need indent,
//! block quotes need `>` on every line, tables and paragraphs end at the blank line). What a
//! blank line does not close is tracked: fenced code, HTML comments and the raw HTML blocks
//! (`<pre>`, `<script>`, `<style>`, `<textarea>`), and front matter at the start of the file.

use super::Span;

/// Pieces of `source` of at least `target` bytes (the last may be shorter), in order, covering
/// it exactly from the end of its [`preamble`] on.
pub fn split(source: &str, target: usize) -> Vec<Span> {
    let preamble = preamble_end(source);
    if source.len() - preamble <= target {
        return std::iter::once(preamble..source.len()).collect();
    }
    let mut pieces = Vec::new();
    let mut start = preamble;
    let mut scanner = Scanner::default();
    let mut offset = preamble;
    let mut previous_blank = false;
    for line in source[offset..].split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let blank = is_blank(line);
        let starts_block = line.starts_with(|c: char| !c.is_whitespace());
        if previous_blank && starts_block && !scanner.open() && line_start - start >= target {
            pieces.push(start..line_start);
            start = line_start;
        }
        scanner.line(line);
        previous_blank = blank;
    }
    pieces.push(start..source.len());
    pieces
}

/// A blank line as pulldown-cmark reads one: spaces, tabs, vertical tabs and form feeds
/// only. Other whitespace (U+3000, a no-break space) is text.
fn is_blank(line: &str) -> bool {
    line.trim_end_matches(['\n', '\r'])
        .bytes()
        .all(|b| matches!(b, b' ' | b'\t' | 0x0b | 0x0c))
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

/// The blocks a blank line does not close.
#[derive(Default)]
struct Scanner {
    /// An open code fence: its character and length.
    fence: Option<(u8, usize)>,
    /// The text that closes an open HTML block: `-->`, `</pre>` …
    html_end: Option<&'static str>,
    /// In an HTML block that a blank line ends (`<table>`, `<div>` …): a fence in it is text.
    html_until_blank: bool,
}

impl Scanner {
    fn open(&self) -> bool {
        self.fence.is_some() || self.html_end.is_some() || self.html_until_blank
    }

    fn line(&mut self, line: &str) {
        if self.html_until_blank {
            self.html_until_blank = !is_blank(line);
            return;
        }
        // With nothing open, only a line starting with `` ` ``, `~` or `<` can open something.
        if !self.open() {
            let first = line.bytes().find(|&b| b != b' ');
            if !matches!(first, Some(b'`' | b'~' | b'<')) {
                return;
            }
        }
        if let Some(end) = self.html_end {
            if line.to_ascii_lowercase().contains(end) {
                self.html_end = None;
            }
            return;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = line.trim_start_matches(' ').trim_end();
        if let Some((c, n)) = self.fence {
            // A closing fence is followed by spaces only (pulldown-cmark's `scan_closing_code_fence`):
            // not a tab, a vertical tab or a form feed, which `trim` would take away.
            let rest = line.trim_start_matches(' ');
            let run = rest.bytes().take_while(|&b| b == c).count();
            let after = rest[run..].trim_end_matches(['\n', '\r']);
            if indent < 4 && run >= n && after.bytes().all(|b| b == b' ') {
                self.fence = None;
            }
            return;
        }
        if indent >= 4 {
            return;
        }
        for c in [b'`', b'~'] {
            let run = body.bytes().take_while(|&b| b == c).count();
            if run >= 3 && !(c == b'`' && body[run..].contains('`')) {
                self.fence = Some((c, run));
                return;
            }
        }
        self.html_end = html_block_end(body);
        self.html_until_blank = self.html_end.is_none() && opens_block_tag(body);
    }
}

/// Whether a line opens an HTML block that a blank line ends and that may interrupt a
/// paragraph (CommonMark's kind 6): `<` or `</`, one of these tag names, then a space, `>`,
/// `/>` or the end of the line.
fn opens_block_tag(body: &str) -> bool {
    const TAGS: &[&str] = &[
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
    let Some(rest) = body.strip_prefix('<') else {
        return false;
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let (name, after) = rest.split_at(name_len);
    let ends = after.is_empty()
        || after.starts_with(|c: char| c.is_ascii_whitespace() || c == '>')
        || after.starts_with("/>");
    ends && TAGS.iter().any(|t| t.eq_ignore_ascii_case(name))
}

/// For a line that opens an HTML block a blank line does not close, the text that closes it.
fn html_block_end(body: &str) -> Option<&'static str> {
    if !body.starts_with('<') {
        return None;
    }
    // Bytes, not a `str` slice: the tenth byte may fall inside a character.
    let lower = body.as_bytes()[..10.min(body.len())].to_ascii_lowercase();
    let (end, opener) = if lower.starts_with(b"<!--") {
        ("-->", "<!--")
    } else if lower.starts_with(b"<![cdata[") {
        ("]]>", "<![CDATA[")
    } else if lower.starts_with(b"<?") {
        ("?>", "<?")
    } else if lower.starts_with(b"<!") && lower.get(2).is_some_and(u8::is_ascii_alphabetic) {
        // A declaration (`<!DOCTYPE …`), ended by the first `>`.
        (">", "<!")
    } else {
        let tag = ["pre", "script", "style", "textarea"]
            .into_iter()
            .find(|t| {
                lower
                    .strip_prefix(b"<")
                    .is_some_and(|r| r.starts_with(t.as_bytes()))
            })?;
        let end = match tag {
            "pre" => "</pre>",
            "script" => "</script>",
            "style" => "</style>",
            _ => "</textarea>",
        };
        (end, "<")
    };
    // Closed on its own line already?
    (!body[opener.len()..].to_ascii_lowercase().contains(end)).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        split(text, 1).into_iter().map(|s| &text[s]).collect()
    }

    #[test]
    fn pieces_cover_the_text_and_end_before_a_block_in_column_0() {
        let text = "# A\n\n| a |\n|---|\n| x |\n\n- item\n\n  continued\n\nend\n";
        assert_eq!(
            pieces(text),
            [
                "# A\n\n",
                "| a |\n|---|\n| x |\n\n",
                "- item\n\n  continued\n\n",
                "end\n"
            ]
        );
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
