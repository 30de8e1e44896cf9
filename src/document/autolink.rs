//! Bare URLs in text, found by `linkify` and cut where GFM's autolink extension cuts them.

use super::Span;
use linkify::{LinkFinder, LinkKind};
use memchr::memmem::Finder;
use std::sync::LazyLock;

/// The offset of the first `://` in `text`. Called for every text run and link of a survey, so
/// the searcher is built once.
pub fn find_scheme_separator(text: &str) -> Option<usize> {
    static SEPARATOR: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("://"));
    SEPARATOR.find(text.as_bytes())
}

/// Finds the bare URLs GFM would link in `source[run]` and appends their spans to `out`.
///
/// `linkify` finds the candidates; GFM's rules then decide whether a candidate starts a link
/// (the scheme must be the whole run of letters before `://`; `www.` must follow whitespace
/// or `*`, `_`, `~`, `(`) and where it ends (see [`gfm_autolink_end`]).
pub fn find_bare_urls(source: &str, run: Span, out: &mut Vec<Span>) {
    let text = &source[run.clone()];
    static WWW: LazyLock<[Finder<'static>; 2]> =
        LazyLock::new(|| [Finder::new("www."), Finder::new("WWW.")]);
    let www = || WWW.iter().any(|f| f.find(text.as_bytes()).is_some());
    if find_scheme_separator(text).is_none() && !www() {
        return;
    }
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]).url_must_have_scheme(false);
    let bytes = text.as_bytes();
    let mut next_free = 0;
    for candidate in finder.links(text) {
        let mut start = candidate.start();
        if start < next_free {
            continue;
        }
        // linkify accepts any scheme: `AlpaServehttps://…` starts at `AlpaServe`. Only the
        // schemes GFM links count, and only when nothing alphabetic is glued before them.
        let rest = &text[start..];
        let accepted = if has_web_scheme(rest) {
            start == 0 || !bytes[start - 1].is_ascii_alphabetic()
        } else if starts_with_ignore_case(rest, "www.") {
            start == 0
                || matches!(
                    bytes[start - 1],
                    b' ' | b'\t' | b'\n' | b'*' | b'_' | b'~' | b'('
                )
        } else {
            false
        };
        if !accepted {
            continue;
        }
        let len = gfm_autolink_end(&text[start..]);
        if len == 0 {
            continue;
        }
        let end = start + len;
        next_free = end;
        start += run.start;
        out.push(start..run.start + end);
    }
}

fn has_web_scheme(s: &str) -> bool {
    ["http://", "https://", "ftp://"]
        .iter()
        .any(|scheme| starts_with_ignore_case(s, scheme))
}

/// `s` starts with `prefix`, ASCII case ignored.
pub fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// The length of the autolink that starts `s`, by GFM's rules: it runs to the first space or
/// `<`, then loses trailing `?!.,:*_~'"`, a trailing `)` that is not balanced, and a trailing
/// entity reference such as `&hl;`.
pub fn gfm_autolink_end(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut end = bytes
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'<')
        .unwrap_or(bytes.len());
    while end > 0 {
        match bytes[end - 1] {
            b'?' | b'!' | b'.' | b',' | b':' | b'*' | b'_' | b'~' | b'\'' | b'"' => end -= 1,
            b';' => {
                let mut i = end - 1;
                while i > 0 && bytes[i - 1].is_ascii_alphanumeric() {
                    i -= 1;
                }
                if i > 0 && i < end - 1 && bytes[i - 1] == b'&' {
                    end = i - 1;
                } else {
                    end -= 1;
                }
            }
            b')' => {
                let open = bytes[..end].iter().filter(|&&b| b == b'(').count();
                let close = bytes[..end].iter().filter(|&&b| b == b')').count();
                if close > open {
                    end -= 1;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find_bare_urls(text, 0..text.len(), &mut out);
        out.into_iter().map(|s| &text[s]).collect()
    }

    #[test]
    fn gfm_trailing_punctuation_and_parens() {
        assert_eq!(urls("see www.commonmark.org."), ["www.commonmark.org"]);
        assert_eq!(urls("(https://a.com/q=(b))"), ["https://a.com/q=(b)"]);
        assert_eq!(urls("https://a.com/q=(b)))"), ["https://a.com/q=(b)"]);
        assert_eq!(urls("http://x.org/?q=a&hl; and"), ["http://x.org/?q=a"]);
        assert_eq!(urls("www.commonmark.org/he<lp"), ["www.commonmark.org/he"]);
    }

    #[test]
    fn gfm_links_through_text_until_whitespace() {
        assert_eq!(
            urls("评估：https://lmsys.org/vicuna_eval/提供了分布式 next"),
            ["https://lmsys.org/vicuna_eval/提供了分布式"]
        );
        assert_eq!(
            urls("https://huggingface.co/bigscience/bloomhttps://arxiv.org/pdf/2211.05100.pdf"),
            ["https://huggingface.co/bigscience/bloomhttps://arxiv.org/pdf/2211.05100.pdf"]
        );
    }

    #[test]
    fn letters_glued_before_the_scheme_stop_gfm() {
        assert!(urls("AlpaServehttps://huggingface.co/x").is_empty());
        assert!(urls("xwww.example.com").is_empty());
        assert!(urls("example.com").is_empty());
    }
}
