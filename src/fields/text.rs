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
    let mut out = String::with_capacity(cell.len());
    for event in Parser::new_ext(cell, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::InlineHtml(h) if h.to_ascii_lowercase().starts_with("<br") => out.push(' '),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// The text of a cell that is one plain link, `[text](url)`, the commonest key cell.
fn simple_link_text(cell: &str) -> Option<&str> {
    let rest = cell.strip_prefix('[')?;
    let (text, target) = rest.split_once("](")?;
    let plain = |s: &str| !s.contains(['[', ']', '*', '_', '`', '\\', '<', '&', '~', '(', ')']);
    let target = target.strip_suffix(')')?;
    (plain(text) && !target.contains(['(', ')', ' ', '\\'])).then_some(text)
}

/// A key as compared between rows: plain text, NFKC, lowercase, runs of whitespace as one space.
pub fn normalize_key(cell: &str) -> String {
    let plain = plain_text(cell);
    let normalized = normalize_cell(&plain);
    let mut out = String::with_capacity(normalized.len());
    for word in normalized.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            out.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
    out
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
    fn cells_are_trimmed_and_nfkc() {
        assert_eq!(normalize_cell(" 7B\u{200b} "), "7B");
        assert_eq!(normalize_cell("（是）"), "(是)");
    }
}
