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
    // GFM links `www.` in lower case only.
    static WWW: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("www."));
    let www = || WWW.find(text.as_bytes()).is_some();
    if find_scheme_separator(text).is_none() && !www() {
        return;
    }
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]).url_must_have_scheme(false);
    let bytes = source.as_bytes();
    let mut next_free = 0;
    // linkify's candidates, and every `http(s)://`, `ftp://` and `www.` it passed over (it
    // rejects a host that runs straight into `&` or `_`, where GFM links). Both lists are in
    // order: merged in one pass, never searched.
    let found: Vec<usize> = finder.links(text).map(|c| c.start()).collect();
    let mut passed_over = Vec::new();
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(find_scheme_separator) {
        let colon = from + at;
        from = colon + 3;
        let letters = text[..colon]
            .bytes()
            .rev()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        let scheme_start = colon - letters;
        if has_web_scheme(&text[scheme_start..]) && valid_domain(&text[colon + 3..]) {
            passed_over.push(scheme_start);
        }
    }
    if www() {
        let at = text.match_indices("www.").map(|(at, _)| at);
        passed_over.extend(at.filter(|&at| valid_domain(&text[at..])));
        passed_over.sort_unstable();
    }
    let mut candidates = Vec::with_capacity(found.len() + passed_over.len());
    let (mut i, mut j) = (0, 0);
    while i < found.len() || j < passed_over.len() {
        let next = match (found.get(i), passed_over.get(j)) {
            (Some(&f), Some(&p)) if f <= p => {
                i += 1;
                j += usize::from(f == p);
                f
            }
            (_, Some(&p)) => {
                j += 1;
                p
            }
            (Some(&f), None) => {
                i += 1;
                f
            }
            (None, None) => break,
        };
        candidates.push(next);
    }
    for start in candidates {
        let mut start = start;
        if start < next_free {
            continue;
        }
        // linkify accepts any scheme: `AlpaServehttps://…` starts at `AlpaServe`. Only the
        // schemes GFM links count, and only when nothing alphabetic is glued before them.
        // What stands before the candidate in the source, not only in this text run.
        let rest = &text[start..];
        let before = (run.start + start).checked_sub(1).map(|i| bytes[i]);
        let accepted = if has_web_scheme(rest) {
            before.is_none_or(|b| !b.is_ascii_alphabetic())
        } else if rest.starts_with("www.") {
            before.is_none_or(|b| {
                matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'*' | b'_' | b'~' | b'(')
            })
        } else {
            false
        };
        if !accepted {
            continue;
        }
        let mut len = gfm_autolink_end(&text[start..]);
        if len == 0 {
            continue;
        }
        // Inside brackets that did not make a link (`[see https://x.org]`, `[[data(https://…)]]`)
        // the author's URL ends at the bracket: GitHub links none of it.
        if memchr::memchr(b']', &bytes[run.start + start..run.start + start + len]).is_some() {
            let line_start =
                memchr::memrchr(b'\n', &bytes[..run.start + start]).map_or(0, |i| i + 1);
            if memchr::memchr(b'[', &bytes[line_start..run.start + start]).is_some() {
                len = bracket_end(&text[start..start + len]).unwrap_or(len);
            }
        }
        let end = start + len;
        next_free = end;
        start += run.start;
        out.push(start..run.start + end);
    }
}

/// Where a URL written inside brackets ends: at the first `]` (an IPv6 host's brackets
/// excepted), or at the `)` right before it.
fn bracket_end(url: &str) -> Option<usize> {
    let host_end = find_scheme_separator(url).map_or(0, |i| {
        let after = i + 3;
        match url[after..].strip_prefix('[') {
            Some(rest) => rest.find(']').map_or(after, |close| after + 2 + close),
            None => after,
        }
    });
    let close = host_end + url[host_end..].find(']')?;
    let end = if url[..close].ends_with(')') {
        close - 1
    } else {
        close
    };
    (end > host_end).then_some(end)
}

/// GFM's valid domain at the start of `s`: segments of letters, digits, `_` and `-` (any
/// non-ASCII character counts as a letter) separated by periods, at least one period, and no
/// `_` in the last two segments.
fn valid_domain(s: &str) -> bool {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || !c.is_ascii() || matches!(c, '_' | '-' | '.')))
        .unwrap_or(s.len());
    // Checked on the link as GFM ends it: when only trailing punctuation follows the domain
    // (`http://x.io_`), the domain loses its own trailing `_` and `.` too. Only the next few
    // bytes are looked at: a run of glued URLs must not be read again for each of them.
    let after = s.as_bytes()[end..]
        .iter()
        .find(|b| !b"?!.,:*_~'\"".contains(b));
    let ends_here = after.is_none_or(|b| b.is_ascii_whitespace() || *b == b'<');
    let domain = if ends_here {
        s[..end].trim_end_matches(['_', '.'])
    } else {
        s[..end].trim_end_matches('.')
    };
    let segments: Vec<&str> = domain.split('.').collect();
    segments.len() >= 2
        && segments.iter().all(|seg| !seg.is_empty())
        && segments.iter().rev().take(2).all(|seg| !seg.contains('_'))
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
    let end = bytes
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'<')
        .unwrap_or(bytes.len());
    without_trailing_punctuation(bytes, end)
}

/// Where the URL `bytes[..end]` ends once it loses the trailing punctuation GFM's autolinker
/// drops (see [`gfm_autolink_end`]).
pub(super) fn without_trailing_punctuation(bytes: &[u8], mut end: usize) -> usize {
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
