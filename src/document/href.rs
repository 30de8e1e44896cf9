//! A link's URL as GitHub's `href` reads it, from the text the author wrote: `www.` links get
//! the `http://` GitHub adds, Markdown destinations lose their backslash escapes and entity
//! references, HTML attributes their entity references.

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
        LinkKind::Html => decode_entities(Cow::Borrowed(text)),
    }
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
