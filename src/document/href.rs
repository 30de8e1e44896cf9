//! A link's URL as GitHub's `href` reads it, from the text the author wrote: `www.` links get
//! the `http://` GitHub adds, Markdown destinations lose their backslash escapes and entity
//! references, HTML attributes their entity references and the tabs and line breaks a browser
//! drops.

use super::{Document, Link, LinkKind, MeantUrl};
use std::borrow::Cow;

impl<'s> Document<'s> {
    /// The URL `url` of `link` as GitHub links it (see [`link_url`]).
    pub fn url(&self, link: &Link, url: &MeantUrl) -> Cow<'s, str> {
        link_url(self.text(&url.span()), link.kind)
    }
}

/// The URL written as `text` in a link of `kind`, as GitHub's `href` reads it (before
/// percent-encoding, which is the request's business): readable, with no Markdown or HTML
/// escaping left.
pub fn link_url(text: &str, kind: LinkKind) -> Cow<'_, str> {
    match kind {
        LinkKind::Bare if text.starts_with("www.") => Cow::Owned(format!("http://{text}")),
        LinkKind::Bare | LinkKind::Autolink => Cow::Borrowed(text),
        LinkKind::Inline | LinkKind::Reference | LinkKind::Image => {
            decode_entities(unescape_markdown(text))
        }
        LinkKind::Html => without_tabs_and_newlines(decode_entities(Cow::Borrowed(text))),
    }
}

/// Drops the tabs and line breaks of an attribute value, as a browser's URL parser does before
/// it reads `href` or `src` (spaces stay: they are percent-encoded).
fn without_tabs_and_newlines(text: Cow<'_, str>) -> Cow<'_, str> {
    if !text.contains(['\t', '\n', '\r']) {
        return text;
    }
    Cow::Owned(text.replace(['\t', '\n', '\r'], ""))
}

/// Drops the backslash of Markdown's escapes (`\_`, `\(`: a backslash before ASCII
/// punctuation).
fn unescape_markdown(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            continue;
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// Decodes HTML entity references (`&amp;` → `&`).
fn decode_entities(text: Cow<'_, str>) -> Cow<'_, str> {
    if !text.contains('&') {
        return text;
    }
    match html_escape::decode_html_entities(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(decoded) => Cow::Owned(decoded),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_read_as_github_links_them() {
        assert_eq!(
            link_url("www.x.org/a", LinkKind::Bare),
            "http://www.x.org/a"
        );
        assert_eq!(
            link_url("https://x.org/a\\_b", LinkKind::Inline),
            "https://x.org/a_b"
        );
        assert_eq!(
            link_url("https://x.org/?a=1&amp;b=2", LinkKind::Html),
            "https://x.org/?a=1&b=2"
        );
        // A browser keeps an attribute's spaces (and percent-encodes them), and drops its
        // tabs and line breaks, entity references' too.
        assert_eq!(link_url("support os", LinkKind::Html), "support os");
        assert_eq!(
            link_url("https://x.org/a\tb\nc&#9;d", LinkKind::Html),
            "https://x.org/abcd"
        );
        assert_eq!(
            link_url("https://x.org/a\\b", LinkKind::Autolink),
            "https://x.org/a\\b"
        );
        assert!(matches!(
            link_url("https://x.org/", LinkKind::Inline),
            Cow::Borrowed(_)
        ));
    }
}
