//! Cell text as a reader sees it, and normalized for comparison.

use std::borrow::Cow;
use unicode_normalization::{UnicodeNormalization, is_nfkc_quick};

/// NFKC, trimmed of Unicode whitespace (including NBSP and zero-width spaces), for comparing
/// cells. Borrows when nothing changes, which is the common case.
pub fn normalize_cell(text: &str) -> Cow<'_, str> {
    let trimmed = trim(text);
    if trimmed.chars().all(nfkc_stable)
        || is_nfkc_quick(trimmed.chars()) == unicode_normalization::IsNormalized::Yes
    {
        Cow::Borrowed(trimmed)
    } else {
        let normalized: String = trimmed.nfkc().collect();
        Cow::Owned(trim(&normalized).to_owned())
    }
}

/// Characters NFKC leaves alone whatever surrounds them: ASCII and the CJK Unified Ideographs,
/// which is most of what survey cells hold. A fast path before the full quick-check.
fn nfkc_stable(c: char) -> bool {
    c.is_ascii() || matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// Trims Unicode whitespace and zero-width characters.
pub fn trim(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}')
}

/// The text a reader sees in a cell: links reduced to their text, emphasis and code marks
/// dropped, `<br>` as a space. Fast path: text with no Markdown punctuation is returned as is.
pub fn plain_text(cell: &str) -> Cow<'_, str> {
    if !cell.contains(['[', '*', '_', '`', '\\', '<', '&', '~']) {
        return Cow::Borrowed(cell);
    }
    if let Some(text) = simple_link_text(cell) {
        return Cow::Borrowed(text);
    }
    use pulldown_cmark::{Event, Options, Parser};
    let inline = inline_only(cell);
    let mut out = String::with_capacity(cell.len());
    for event in Parser::new_ext(&inline, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::InlineHtml(h) if h.to_ascii_lowercase().starts_with("<br") => out.push(' '),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// A cell's content with nothing pulldown-cmark would read as the start of a block but HTML: a
/// table cell holds no headings, quotes or lists, so a leading `#`, `>` or list marker is text
/// (`# of params`, `- see [paper](…)`), on every line of an HTML cell too.
fn inline_only(cell: &str) -> Cow<'_, str> {
    let plain =
        |line: &str| !line.starts_with([' ', '\t']) && block_marker(line.as_bytes()).is_none();
    if cell.split('\n').all(plain) {
        return Cow::Borrowed(cell);
    }
    let mut out = String::new();
    let mut changed = false;
    for (i, line) in cell.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let body = line.trim_start_matches([' ', '\t']);
        changed |= body.len() < line.len();
        match block_marker(body.as_bytes()) {
            Some(at) => {
                changed = true;
                out.push_str(&body[..at]);
                out.push('\\');
                out.push_str(&body[at..]);
            }
            None => out.push_str(body),
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(cell)
    }
}

/// Where a line starts a heading, a block quote or a list item: the byte to escape.
fn block_marker(bytes: &[u8]) -> Option<usize> {
    let spaced = |at: usize| {
        bytes
            .get(at)
            .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\r'))
    };
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    match bytes.first()? {
        b'#' | b'>' => Some(0),
        b'-' | b'+' | b'*' if spaced(1) => Some(0),
        b'0'..=b'9' if digits <= 9 && matches!(bytes.get(digits), Some(b'.' | b')')) => {
            spaced(digits + 1).then_some(digits)
        }
        _ => None,
    }
}

/// A cell's text for a message: [`plain_text`], with each run of whitespace (`&nbsp;` and
/// `<br>` included) as one space.
pub fn shown(cell: &str) -> String {
    let plain = plain_text(cell);
    let words: Vec<&str> = plain.split_whitespace().collect();
    words.join(" ")
}

/// The text of a cell that is one plain link, `[text](url)`, the commonest key cell.
fn simple_link_text(cell: &str) -> Option<&str> {
    let rest = cell.strip_prefix('[')?;
    let (text, target) = rest.split_once("](")?;
    let plain = |s: &str| !s.contains(['[', ']', '*', '_', '`', '\\', '<', '&', '~', '(', ')']);
    let target = target.strip_suffix(')')?;
    (plain(text) && !target.contains(['(', ')', ' ', '\\'])).then_some(text)
}

/// A value as compared with others (a header, an allowed value): plain text, NFKC, lowercase,
/// runs of whitespace as one space.
pub fn normalize_key(cell: &str) -> String {
    let plain = plain_text(cell);
    let mut out = String::with_capacity(plain.len());
    push_normalized(&plain, false, &mut out);
    out
}

/// A name as compared between rows (a row's key): [`normalize_key`], with emoji and other
/// pictographs ([`is_decoration`]) dropped too, so `🔥🔥[YOCO]` is `[yoco]`.
pub fn normalize_name(cell: &str) -> String {
    let plain = plain_text(cell);
    let mut out = String::with_capacity(plain.len());
    push_normalized(&plain, true, &mut out);
    out
}

/// Appends `text` to `out` normalized as [`normalize_key`] (or, with `drop_decorations`,
/// [`normalize_name`]) normalizes plain text; `out` may already hold text, which a space then
/// separates from this.
fn push_normalized(text: &str, drop_decorations: bool, out: &mut String) {
    let normalized = normalize_cell(text);
    let mut words = normalized
        .split(|c: char| c.is_whitespace() || drop_decorations && is_decoration(c))
        .filter(|w| !w.is_empty())
        .peekable();
    if words.peek().is_some() && !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
    let mut first = true;
    for word in words {
        if !first {
            out.push(' ');
        }
        first = false;
        if word.is_ascii() {
            out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            out.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
}

/// Emoji and pictographs that decorate text (`🔥`, `⭐️`, `⚠️`, `✅`, medals, flags) and the
/// invisible characters that build emoji sequences (variation selectors, the zero-width
/// joiner, keycaps, tags). A reader does not read them as part of a name.
pub fn is_decoration(c: char) -> bool {
    matches!(c,
        '\u{1f000}'..='\u{1faff}' // mahjong, cards, emoji, pictographs, flags, skin tones
        | '\u{2600}'..='\u{27bf}' // miscellaneous symbols and dingbats (☀, ⚠, ✅, ✔, ✘)
        | '\u{2b00}'..='\u{2bff}' // ⭐, ⬆ and other arrows and symbols
        | '\u{2300}'..='\u{23ff}' // ⌚, ⏰, ⏳
        | '\u{fe00}'..='\u{fe0f}' // variation selectors
        | '\u{200d}' | '\u{20e3}' // zero-width joiner, keycap
        | '\u{e0020}'..='\u{e007f}' // tags
    )
}

/// A cell as a reader meets it, for comparing rows: the visible text normalized as names are
/// ([`normalize_name`]: case, width, whitespace, decorations), with every link and image target
/// kept as written and other inline HTML (`<img …>`, `<a …>`) kept with its whitespace
/// collapsed, so that two cells that look the same but lead to different places differ.
/// `<br>`, `<br/>`, `&nbsp;` and runs of spaces all read as one space.
pub fn cell_as_seen(cell: &str) -> String {
    if !cell.contains(['[', '*', '_', '`', '\\', '<', '&', '~', '!']) {
        return normalize_name(cell);
    }
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let mut out = String::with_capacity(cell.len());
    for event in Parser::new_ext(cell, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) => push_normalized(&t, true, &mut out),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                out.push_str(" <");
                out.push_str(dest_url.trim());
                out.push_str("> ");
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                let h = h.trim();
                if h.starts_with("<!--") || is_line_break(h) {
                    out.push(' ');
                } else {
                    out.push(' ');
                    out.extend(h.split_whitespace().flat_map(|w| [w, " "]));
                }
            }
            _ => {}
        }
    }
    let collapsed: Vec<&str> = out.split(' ').filter(|w| !w.is_empty()).collect();
    collapsed.join(" ")
}

/// `<br>`, `<br/>`, `<BR />`.
fn is_line_break(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    let inner = lower.trim_start_matches('<').trim_end_matches('>');
    inner.trim_end_matches('/').trim() == "br"
}

/// True when a normalized key names no thing of its own: it has no letter or digit (`-`,
/// `⚠️`, `...`), or every word of it is a generic link label from `labels` (`[pdf]`,
/// `[code] [blog]`, `论文`), compared in normalized form.
pub fn is_label_only(key: &str, labels: &foldhash::HashSet<String>) -> bool {
    let mut words = key
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_none() || words.all(|w| labels.contains(w))
}

/// Work a "did you mean" search may do: character pairs compared by edit distance. A search
/// takes one and spends from it; when it runs out, the rest of the search suggests nothing.
pub struct Budget(usize);

impl Budget {
    /// About a tenth of a second of comparisons.
    pub fn new() -> Budget {
        Budget(20_000_000)
    }

    /// Whether nothing is left: a search may stop at once.
    pub fn spent(&self) -> bool {
        self.0 == 0
    }

    /// How alike `a` and `b` are (1 the same, 0 nothing in common: normalized Levenshtein), if
    /// they can be at least `at_least` alike and the budget pays for the comparison. Lengths
    /// alone rule most pairs out; text of more than 256 characters is never compared.
    pub fn likeness(&mut self, a: &str, b: &str, at_least: f64) -> Option<f64> {
        const LONGEST: usize = 256;
        let (la, lb) = (a.chars().count(), b.chars().count());
        let longer = la.max(lb);
        if longer > LONGEST {
            return None;
        }
        // Levenshtein distance is at least the difference of the lengths.
        if longer > 0 && 1.0 - (la.abs_diff(lb) as f64 / longer as f64) < at_least {
            return None;
        }
        match self.0.checked_sub((la * lb).max(1)) {
            Some(left) => self.0 = left,
            None => {
                self.0 = 0;
                return None;
            }
        }
        Some(strsim::normalized_levenshtein(a, b))
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new()
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_compare_by_what_a_reader_sees() {
        assert_eq!(
            normalize_key("[LianjiaTech/BELLE](https://x)"),
            "lianjiatech/belle"
        );
        assert_eq!(normalize_key(" **Vicuna**\u{a0}"), "vicuna");
        assert_eq!(normalize_key("ＬＬａＭＡ  2"), "llama 2");
        assert_ne!(normalize_key("palm-2-s"), normalize_key("palm-2-s*"));
    }

    #[test]
    fn a_cell_holds_no_blocks() {
        assert_eq!(plain_text("# of<br />params"), "# of params");
        assert_eq!(plain_text("- see [paper](https://a.org)"), "- see paper");
        assert_eq!(plain_text("> **quoted**"), "> quoted");
        assert_eq!(plain_text("1. [first](https://a.org)"), "1. first");
        assert_eq!(plain_text("2023) [x](https://a.org)"), "2023) x");
        assert_eq!(plain_text("    **indented**"), "indented");
        assert_eq!(plain_text("ViT-L\n# **big**"), "ViT-L # big");
        assert_eq!(plain_text("<a href=\"x\">\n  <img src=\"y\"></a><br>"), "");
        // Emphasis at the start is still emphasis.
        assert_eq!(plain_text("**bold** and *it*"), "bold and it");
        assert_eq!(plain_text("#1 [x](https://a.org)"), "#1 x");
    }

    #[test]
    fn decorations_and_markup_do_not_change_a_name() {
        assert_eq!(normalize_name("🔥🔥[YOCO]"), "[yoco]");
        assert_eq!(normalize_name("⭐️ **Vicuna**"), "vicuna");
        assert_eq!(normalize_name("LLaMA<br>2"), "llama 2");
        assert_eq!(normalize_name("LLaMA&nbsp;2"), "llama 2");
        assert_eq!(normalize_name("⚠️"), "");
        assert_ne!(normalize_name("GPT-4"), normalize_name("GPT-4o"));
        // A value keeps its marks: `✔` is an answer in a column of allowed values.
        assert_eq!(normalize_key("✔ SFT"), "✔ sft");
    }

    #[test]
    fn cells_as_seen_keep_their_targets() {
        assert_eq!(
            cell_as_seen("**[Vicuna](https://a/B)**<br/>7B"),
            cell_as_seen("[vicuna](https://a/B) 7b")
        );
        assert_ne!(
            cell_as_seen("[pdf](https://a/1)"),
            cell_as_seen("[pdf](https://a/2)")
        );
        assert_ne!(
            cell_as_seen("[pdf](https://a/B)"),
            cell_as_seen("[pdf](https://a/b)")
        );
        assert_eq!(cell_as_seen("🔥 ＡＢ  c"), cell_as_seen("ab c"));
        assert_eq!(cell_as_seen("a&nbsp;b"), cell_as_seen("a b"));
        assert_ne!(
            cell_as_seen(r#"<img src="x.png">"#),
            cell_as_seen(r#"<img src="y.png">"#)
        );
    }

    #[test]
    fn label_only_keys() {
        let labels: foldhash::HashSet<String> = ["pdf", "code", "论文"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for key in ["[pdf]", "[pdf] [code]", "", "-", "论文"] {
            assert!(is_label_only(key, &labels), "{key}");
        }
        for key in ["[yoco] yoco", "pdf parser", "llama"] {
            assert!(!is_label_only(key, &labels), "{key}");
        }
    }

    #[test]
    fn cells_are_trimmed_and_nfkc() {
        assert_eq!(normalize_cell(" 7B\u{200b} "), "7B");
        assert_eq!(normalize_cell("（是）"), "(是)");
    }
}
