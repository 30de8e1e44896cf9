//! What the author meant by a link: the URLs inside the span GFM links.
//!
//! GFM's autolinker runs a bare URL on until whitespace, so `…/bloomhttps://arxiv.org/…` is one
//! link and `https://lmsys.org/vicuna_eval/提供了…` swallows the sentence after it. Here a link's
//! text is split where a second URL starts (glued URLs) and, for bare URLs, cut where prose runs
//! into it, giving the URLs a human meant and the defects between them.

use super::autolink::without_trailing_punctuation;
use super::{Document, Link, LinkKind, Span, find_scheme_separator, gfm_autolink_end};

/// One URL the author meant, and how it was joined to what came before it. Offsets are `u32`,
/// like a link's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeantUrl {
    span: (u32, u32),
    /// The end of the text that runs on from the URL; the URL's own end when none does.
    run_on_end: u32,
    /// How this URL is joined to the text before it within the same link.
    pub join: Join,
}

impl MeantUrl {
    fn new(span: Span, join: Join, run_on_end: usize) -> MeantUrl {
        MeantUrl {
            span: (span.start as u32, span.end as u32),
            run_on_end: run_on_end.max(span.end) as u32,
            join,
        }
    }

    /// The URL as meant, in source bytes.
    pub fn span(&self) -> Span {
        self.span.0 as usize..self.span.1 as usize
    }

    /// Text that runs on from the URL (a bare URL only): from the URL's end to where the next
    /// URL starts or the link ends.
    pub fn run_on(&self) -> Option<Span> {
        (self.run_on_end > self.span.1).then_some(self.span.1 as usize..self.run_on_end as usize)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// The first URL of the link.
    Start,
    /// Glued straight to the previous URL: `…/bloomhttps://…`.
    Glued,
    /// The previous URL is only a site root repeated in front: `https://hf.co/https://hf.co/x`.
    Doubled,
    /// After text that ran on from the previous URL (reported as run-on text, not as glued).
    AfterText,
    /// After `](`: Markdown link syntax that did not parse, a `)` or `]` is missing.
    BrokenLink,
}

impl Document<'_> {
    /// The URLs the author meant by `link` (computed once, when the document is parsed).
    pub fn meant_urls(&self, link: &Link) -> &[MeantUrl] {
        &self.meant[link.meant()]
    }
}

/// The URLs meant by each link, appended to `out`; each link's `meant` range is set.
pub(super) fn fill(source: &str, links: &mut [Link], out: &mut Vec<MeantUrl>) {
    for link in links {
        let start = out.len();
        push_meant_urls(source, link.span(), link.kind == LinkKind::Bare, out);
        link.set_meant(start..out.len());
    }
}

/// Splits the link text at `span` into the URLs it holds; `bare` also cuts run-on prose.
pub fn meant_urls(source: &str, span: Span, bare: bool) -> Vec<MeantUrl> {
    let mut urls = Vec::new();
    push_meant_urls(source, span, bare, &mut urls);
    urls
}

/// [`meant_urls`], appended to `out`. Allocates nothing for a link that holds one URL.
fn push_meant_urls(source: &str, span: Span, bare: bool, out: &mut Vec<MeantUrl>) {
    let text = &source[span.clone()];
    let first = out.len();
    let inner = inner_url_starts(text);
    let start_of = |i: usize| {
        if i == 0 {
            (0, Join::Start)
        } else {
            inner[i - 1]
        }
    };
    let count = inner.len() + 1;
    for i in 0..count {
        let (start, join) = start_of(i);
        let is_last = i + 1 == count;
        let end = if is_last {
            text.len()
        } else {
            start_of(i + 1).0
        };
        let part = &text[start..end];
        let part = part.strip_suffix("](").unwrap_or(part);
        let cut = if bare {
            run_on_cut(part, is_last)
        } else {
            None
        };
        let meant = &part[..cut.unwrap_or(part.len())];
        let meant_len = url_len(meant, bare, count == 1);
        if meant_len == 0 {
            continue;
        }
        let url_end = span.start + start + meant_len;
        let part_end = span.start + start + part.len();
        let join = match join {
            Join::Glued if out[first..].last().is_some_and(|u| u.run_on().is_some()) => {
                Join::AfterText
            }
            other => other,
        };
        let run_on_end = if cut.is_some() { part_end } else { url_end };
        out.push(MeantUrl::new(span.start + start..url_end, join, run_on_end));
    }
}

/// The length of the URL that starts `part`. A bare URL ends where GFM's autolinker ends it, at
/// whitespace, without trailing punctuation; a link's destination (`<a href="support os">`,
/// `[x](<my file.md>)`) keeps its inner whitespace, as GitHub's `href` does (a request
/// percent-encodes it). A destination that is one URL is that URL to its end, trailing `.`, `_`
/// or `)` included (`[x](https://a.org/y_)` links `y_`); the URLs of a destination that holds
/// several glued together end as GFM ends a bare URL, without the punctuation between them.
fn url_len(part: &str, bare: bool, whole: bool) -> usize {
    if bare {
        return gfm_autolink_end(part);
    }
    let end = part.find('<').unwrap_or(part.len());
    let end = part[..end]
        .trim_end_matches(|c: char| c.is_ascii_whitespace())
        .len();
    if whole {
        end
    } else {
        without_trailing_punctuation(part.as_bytes(), end)
    }
}

/// Where another URL starts inside `text`, and how it is joined to what precedes it.
fn inner_url_starts(text: &str) -> Vec<(usize, Join)> {
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    let mut from = 1;
    while let Some(found) = text.get(from..).and_then(find_scheme_separator) {
        let colon = from + found;
        from = colon + 3;
        let scheme_start = ["https", "http", "ftp"].iter().find_map(|scheme| {
            let start = colon.checked_sub(scheme.len())?;
            let word = text.get(start..colon)?;
            (start > 0 && word.eq_ignore_ascii_case(scheme)).then_some(start)
        });
        let Some(start) = scheme_start else { continue };
        let prev = bytes[start - 1];
        let join = match prev {
            b'(' if start >= 2 && bytes[start - 2] == b']' => Join::BrokenLink,
            b'/' if is_site_root(&text[..start]) && same_host(&text[..start], &text[start..]) => {
                Join::Doubled
            }
            // A URL carried inside another one: a query value, a path (web archives), a fragment.
            b'/' | b'=' | b'?' | b'&' | b'#' | b'%' | b':' | b'(' | b'[' | b'"' | b'\'' => continue,
            _ => Join::Glued,
        };
        starts.push((start, join));
    }
    starts
}

/// Whether two URLs name the same host, in any case: `https://hf.co/` and `https://hf.co/x`.
/// A site root followed by another host's URL is a service carrying it (`r.jina.ai/https://…`)
/// or a glued URL, which the glued-url rule tells apart.
fn same_host(a: &str, b: &str) -> bool {
    let host = |url: &str| {
        let rest = url.split_once("://").map_or("", |(_, rest)| rest);
        rest.split(['/', '?', '#'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    host(a) == host(b)
}

/// `https://huggingface.co/`: a scheme, a host and a lone `/`.
fn is_site_root(prefix: &str) -> bool {
    let Some((_, rest)) = prefix.split_once("://") else {
        return false;
    };
    rest.ends_with('/') && !rest[..rest.len() - 1].contains('/') && rest.len() > 1
}

/// Where prose runs into a bare URL, as a byte offset into `part`.
///
/// Non-ASCII text right after the URL's path is cut off when it cannot be part of the address:
/// it follows a letter or digit (`oasst1开源`), holds CJK or full-width punctuation (`，`, `：`)
/// or a Chinese function word that titles do not use (`提供了`, `基于`), or another URL follows
/// it. A whole CJK path segment such as Wikipedia's `/wiki/大语言模型` is kept: it is a real
/// address.
fn run_on_cut(part: &str, is_last: bool) -> Option<usize> {
    let path_start = find_scheme_separator(part).map_or(0, |i| i + 3);
    let path_start = path_start + part[path_start..].find('/')?;
    let (offset, _) = part[path_start..]
        .char_indices()
        .find(|(_, c)| !c.is_ascii())?;
    let cut = path_start + offset;
    let prev = part[..cut].chars().next_back()?;
    let tail = &part[cut..];
    let prose = prev.is_ascii_alphanumeric()
        || tail.chars().any(is_cjk_punctuation)
        || PROSE_MARKERS.iter().any(|m| tail.contains(m))
        || !is_last
        || tail.chars().filter(|c| !c.is_ascii()).count() > 24;
    prose.then_some(cut)
}

/// Chinese words that mark a sentence rather than a page title.
const PROSE_MARKERS: &[&str] = &[
    "了", "的", "是", "在", "与", "及", "并", "也", "提供", "基于", "开源", "详见", "参见", "可以",
    "地址", "包括", "支持",
];

fn is_cjk_punctuation(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ff65}' | '\u{2014}'..='\u{2027}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meant(text: &str) -> Vec<(String, Join, Option<String>)> {
        meant_urls(text, 0..text.len(), true)
            .into_iter()
            .map(|u| {
                (
                    text[u.span()].to_string(),
                    u.join,
                    u.run_on().map(|r| text[r].to_string()),
                )
            })
            .collect()
    }

    #[test]
    fn glued_urls_are_split() {
        assert_eq!(
            meant("https://huggingface.co/bigscience/bloomhttps://arxiv.org/pdf/2211.05100.pdf"),
            [
                (
                    "https://huggingface.co/bigscience/bloom".into(),
                    Join::Start,
                    None
                ),
                (
                    "https://arxiv.org/pdf/2211.05100.pdf".into(),
                    Join::Glued,
                    None
                ),
            ]
        );
    }

    #[test]
    fn prose_running_into_a_url_is_cut_off() {
        let text = "https://lmsys.org/vicuna_eval/提供了分布式模型部署架构AlpaServehttps://huggingface.co/datasets/x";
        assert_eq!(
            meant(text),
            [
                (
                    "https://lmsys.org/vicuna_eval/".into(),
                    Join::Start,
                    Some("提供了分布式模型部署架构AlpaServe".into())
                ),
                (
                    "https://huggingface.co/datasets/x".into(),
                    Join::AfterText,
                    None
                ),
            ]
        );
        assert_eq!(
            meant("https://lmsys.org/vicuna_eval/提供了分布式部署")[0]
                .2
                .as_deref(),
            Some("提供了分布式部署")
        );
        assert_eq!(
            meant("https://huggingface.co/datasets/OpenAssistant/oasst1开源完整的模型")[0].0,
            "https://huggingface.co/datasets/OpenAssistant/oasst1"
        );
    }

    #[test]
    fn real_addresses_are_kept_whole() {
        for url in [
            "https://zh.wikipedia.org/wiki/大语言模型",
            "https://web.archive.org/web/2020/https://example.com/x",
            "https://r.jina.ai/https://example.com/x",
            "https://example.com/login?next=https://example.com/x",
            "http://🍄.ga/",
        ] {
            assert_eq!(meant(url), [(url.to_string(), Join::Start, None)], "{url}");
        }
    }

    #[test]
    fn a_destination_keeps_its_spaces_where_a_bare_url_ends() {
        let text = "docs/support os.md ";
        let spans = |bare| {
            meant_urls(text, 0..text.len(), bare)
                .into_iter()
                .map(|u| &text[u.span()])
                .collect::<Vec<_>>()
        };
        assert_eq!(spans(false), ["docs/support os.md"]);
        let text = "https://a.org/x https://b.org/y";
        let urls = meant_urls(text, 0..text.len(), false);
        assert_eq!(
            urls.iter().map(|u| &text[u.span()]).collect::<Vec<_>>(),
            ["https://a.org/x", "https://b.org/y"]
        );
        assert_eq!(
            gfm_autolink_end("https://a.org/x y"),
            "https://a.org/x".len()
        );
    }

    #[test]
    fn a_destination_of_one_url_keeps_its_trailing_punctuation() {
        // GitHub's href is the destination to its end: a Google Drive folder id ending in `_`,
        // a path ending in `.`; a bare URL ends without them, as GFM's autolinker ends it.
        let spans = |text: &str, bare| -> Vec<String> {
            meant_urls(text, 0..text.len(), bare)
                .into_iter()
                .map(|u| text[u.span()].to_string())
                .collect()
        };
        let drive = "https://drive.google.com/drive/folders/1gCeg4_";
        assert_eq!(spans(drive, false), [drive]);
        assert_eq!(spans("https://a.org/y.", false), ["https://a.org/y."]);
        assert_eq!(spans("https://a.org/y.", true), ["https://a.org/y"]);
        // Glued URLs in one destination end as bare URLs do.
        let glued = "https://a.org/x/](https://b.org/y)";
        assert_eq!(spans(glued, false), ["https://a.org/x/", "https://b.org/y"]);
    }

    #[test]
    fn doubled_site_roots_and_broken_links_are_told_apart() {
        let doubled = meant("https://huggingface.co/https://huggingface.co/Qwen/Qwen3");
        assert_eq!(doubled[1].1, Join::Doubled);
        let broken =
            meant("https://huggingface.co/01-ai/Yi-9B](https://huggingface.co/01-ai/Yi-34B");
        assert_eq!(broken[0].0, "https://huggingface.co/01-ai/Yi-9B");
        assert_eq!(broken[1].1, Join::BrokenLink);
    }
}
