//! `malformed-url`: a link target that is not a valid URL.

use super::link_status::verdict_for;
use super::{Check, CheckContext, Kind};
use crate::diagnostic::{Edit, Finding, Fix, Sink};
use crate::document::{
    Document, Join, Link, LinkKind, find_scheme_separator, starts_with_ignore_case,
};
use crate::links::{Verdicts, arxiv};
use serde::Deserialize;

/// The settings of a `malformed-url` rule.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MalformedUrlSettings {
    /// The schemes a link may have (`http`, `https`, `mailto`): GitHub drops the target of a
    /// link with any other (`arXiv:2308.03281`). Empty: any scheme.
    #[serde(default)]
    pub schemes: Vec<String>,
}

pub struct MalformedUrl {
    schemes: Vec<String>,
}

impl Kind for MalformedUrl {
    type Settings = MalformedUrlSettings;

    fn new(settings: &MalformedUrlSettings) -> MalformedUrl {
        let schemes = settings.schemes.iter();
        MalformedUrl {
            schemes: schemes.map(|s| s.trim().to_ascii_lowercase()).collect(),
        }
    }
}

impl Check for MalformedUrl {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let doc = cx.doc;
        for link in &doc.links {
            let urls = doc.meant_urls(link);
            // Link syntax that did not parse explains every odd part of the link: one finding.
            if urls.iter().any(|u| u.join == Join::BrokenLink) {
                out.push(
                    Finding::new(
                        link.span(),
                        "Markdown link syntax did not parse: `](` stands inside a URL",
                    )
                    .url(doc.text(&link.span()))
                    .label(if link.kind == LinkKind::Bare {
                        "rendered as plain text"
                    } else {
                        "the target is itself a Markdown link"
                    })
                    .help("close the link: `[text](url)` needs its `)`, and its target must be one URL"),
                );
                continue;
            }
            if link.kind == LinkKind::Bare
                && let Some(finding) = broken_syntax(doc, link)
            {
                out.push(finding);
                continue;
            }
            for url in urls {
                let text = doc.text(&url.span());
                if let Some(finding) = self.unlinked_scheme(text, link.kind, url.span()) {
                    out.push(finding);
                    continue;
                }
                if let Some(problem) = problem(text, link.kind) {
                    out.push(
                        Finding::new(
                            url.span(),
                            format!("`{text}` is not a valid URL: {problem}"),
                        )
                        .url(text)
                        .label("not a valid URL")
                        .help("correct the address; relative links must not contain `://`"),
                    );
                } else if let Some((problem, via)) =
                    paper_problem(text, &doc.url(link, url), cx.verdicts)
                {
                    let finding = Finding::new(
                        url.span(),
                        format!("`{text}` names no arXiv paper: {problem}"),
                    )
                    .url(text)
                    .label("not an arXiv identifier")
                    .help("correct the identifier: YYMM.NNNNN (since 2015), YYMM.NNNN (2007 to 2014) or archive/YYMMNNN, with an optional vN");
                    out.push(match via {
                        Some(via) => finding.via(via),
                        None => finding,
                    });
                }
            }
        }
    }
}

/// Why an arXiv abstract, PDF or HTML link names no paper: its identifier is outside arXiv's
/// scheme (found without a network), or the export API refused it (then also how that was
/// found).
fn paper_problem(
    text: &str,
    href: &str,
    verdicts: Option<&Verdicts>,
) -> Option<(String, Option<&'static str>)> {
    // Only links that mention arXiv are parsed: this runs for every link of a survey.
    let mentions = text
        .as_bytes()
        .windows(ARXIV.len())
        .any(|w| w.eq_ignore_ascii_case(ARXIV));
    if !mentions {
        return None;
    }
    if let Ok(url) = url::Url::parse(href.trim())
        && let Some(arxiv::Target::Malformed(reason)) = arxiv::target(&url)
    {
        return Some((reason, None));
    }
    let settled = verdict_for(verdicts?, href)?;
    let reason = settled.verdict.malformed()?;
    Some((reason.to_string(), Some(settled.via.as_str())))
}

const ARXIV: &[u8] = b"arxiv.org/";

/// Link syntax around a bare URL that GitHub shows as text, where the author clearly meant a
/// link: `[text](url "unclosed`, `[text] (url)`, `[[text(url)]]`.
fn broken_syntax(doc: &Document<'_>, link: &Link) -> Option<Finding> {
    let span = link.span();
    let source = doc.source;
    // Only the bytes next to the URL are read unless they look like link syntax: this runs for
    // every bare URL of a survey.
    let before = &source[..span.start];
    let after = &source[span.end..];
    let url = &source[span.clone()];
    let finding = |message: String, label: &'static str, help: String| {
        Finding::new(span.clone(), message)
            .url(url)
            .label(label)
            .help(help)
    };
    if before.ends_with("](") {
        return Some(finding(
            "Markdown link syntax did not parse: GitHub shows `[…](` as text".into(),
            "linked alone, not as the link meant",
            "close the link: `[text](url)` needs its `)`, and a title its closing quote".into(),
        ));
    }
    let trimmed = before.strip_suffix('(')?;
    let closed = trimmed.trim_end_matches([' ', '\t']);
    if closed.len() < trimmed.len() && closed.ends_with(']') && after.starts_with(')') {
        return Some(
            finding(
                "a space between `]` and `(` breaks the link: GitHub shows the text and the URL apart".into(),
                "linked alone",
                "remove the space: `[text](url)`".into(),
            )
            .fix(Fix::safe(vec![Edit {
                span: closed.len()..trimmed.len(),
                replacement: String::new(),
            }])),
        );
    }
    if !after.starts_with(")]") {
        return None;
    }
    let line_start = doc.lines.line_start(doc.lines.line(span.start));
    let on_line = &trimmed[line_start.min(trimmed.len())..];
    let open = on_line.rfind('[')?;
    let text = &on_line[open + 1..];
    (!text.contains(']')).then(|| {
        finding(
            format!("`[{text}(…)]` is not a link: GitHub shows it as text"),
            "not linked",
            format!("write `[{text}]({url})`"),
        )
    })
}

impl MalformedUrl {
    /// A link (not an image) whose scheme is not one of the rule's `schemes`.
    fn unlinked_scheme(
        &self,
        text: &str,
        kind: LinkKind,
        span: crate::document::Span,
    ) -> Option<Finding> {
        let web =
            starts_with_ignore_case(text, "https://") || starts_with_ignore_case(text, "http://");
        if web || self.schemes.is_empty() || kind == LinkKind::Image || !has_scheme(text) {
            return None;
        }
        let (scheme, _) = text.split_once(':')?;
        if self.schemes.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
            return None;
        }
        let known = self.schemes.iter().map(|s| format!("`{s}:`"));
        let known: Vec<String> = known.collect();
        Some(
            Finding::new(
                span,
                format!("`{text}` is not a link a browser follows: `{scheme}:` is not a web address scheme"),
            )
            .url(text)
            .label("shown as a link to nowhere")
            .help(format!(
                "write the full address (e.g. `https://arxiv.org/abs/…` for an arXiv ID); links may use {}",
                known.join(", ")
            )),
        )
    }
}

/// Why `text` is not a valid link target, if it is not. Relative references (`docs/x.md`,
/// `#section`) are valid targets and are not checked.
pub fn problem(text: &str, kind: LinkKind) -> Option<String> {
    let absolute = find_scheme_separator(text).is_some() || has_scheme(text);
    if !absolute || plainly_valid(text) {
        return None;
    }
    let candidate = if kind == LinkKind::Bare && starts_with_ignore_case(text, "www.") {
        format!("http://{text}")
    } else {
        text.to_string()
    };
    match url::Url::parse(&candidate) {
        Err(err) => Some(err.to_string()),
        Ok(url)
            if matches!(url.scheme(), "http" | "https" | "ftp")
                && url.host_str().is_none_or(str::is_empty) =>
        {
            Some("it has no host".into())
        }
        Ok(url)
            if !candidate
                .to_ascii_lowercase()
                .starts_with(&format!("{}://", url.scheme()))
                && text.contains("://") =>
        {
            Some("the scheme is not followed by `://`".into())
        }
        Ok(url) => match url.host() {
            Some(url::Host::Domain(host)) => tld_problem(host),
            _ => None,
        },
    }
}

/// A domain whose last label cannot be a top-level domain: TLDs are letters (or `xn--…`), so
/// `github.commay2333` lost the `/` after `github.com`.
fn tld_problem(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.');
    let (_, tld) = host.rsplit_once('.')?;
    let letters = tld.bytes().all(|b| b.is_ascii_alphabetic());
    if letters || tld.starts_with("xn--") {
        return None;
    }
    let known = [
        "com", "org", "net", "io", "ai", "edu", "gov", "cn", "co", "dev",
    ];
    let glued = known.iter().find(|k| {
        tld.len() > k.len()
            && tld
                .get(..k.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(k))
    });
    Some(match glued {
        Some(k) => format!("`{tld}` is not a top-level domain: a `/` may be missing after `.{k}`"),
        None => format!("`{tld}` is not a top-level domain"),
    })
}

/// The common case, valid without a full parse: `http(s)://` and a host of letters, digits,
/// dots and hyphens ending in a label of letters (with an optional port), then a path of
/// printable ASCII that needs no escaping. Anything else goes to the URL parser.
fn plainly_valid(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let (host, port) = authority.split_once(':').unwrap_or((authority, "80"));
    let host_ok = !host.is_empty()
        && !host.starts_with(['.', '-'])
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && host
            .trim_end_matches('.')
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_alphabetic()));
    let port_ok = !port.is_empty() && port.len() <= 5 && port.parse::<u16>().is_ok();
    let path_ok = path.bytes().all(|b| {
        b.is_ascii_graphic()
            && !matches!(
                b,
                b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
            )
    });
    host_ok && port_ok && path_ok
}

/// `scheme:` at the start, as in `mailto:` or `https:`.
fn has_scheme(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once(':') else {
        return false;
    };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_targets_are_told_from_relative_ones() {
        assert!(problem("[https://a.com/x](https://b.com/y)", LinkKind::Inline).is_some());
        assert!(problem("https://", LinkKind::Inline).is_some());
        assert!(problem("https://exa mple.com", LinkKind::Inline).is_some());
        assert!(problem("docs/guide.md", LinkKind::Inline).is_none());
        assert!(problem("#install", LinkKind::Inline).is_none());
        assert!(problem("https://a.com/x?q=文本", LinkKind::Inline).is_none());
        assert!(problem("www.commonmark.org/help", LinkKind::Bare).is_none());
        assert!(problem("mailto:a@b.org", LinkKind::Inline).is_none());
        assert!(problem("https://example.com:99999/x", LinkKind::Inline).is_some());
        assert!(problem("https://a..b/", LinkKind::Inline).is_none());
        assert!(problem("https://github.com/org/repo#readme", LinkKind::Bare).is_none());
        assert!(problem("http://127.0.0.1:8080/x", LinkKind::Inline).is_none());
        assert!(problem("https://xn--fiqs8s.xn--fiqs8s/", LinkKind::Inline).is_none());
        assert!(problem("http://localhost/x", LinkKind::Inline).is_none());
        assert_eq!(
            problem("https://github.comMay2333/FDCA", LinkKind::Inline).as_deref(),
            Some("`commay2333` is not a top-level domain: a `/` may be missing after `.com`")
        );
    }

    #[test]
    fn schemes_browsers_do_not_follow() {
        let rule = MalformedUrl::new(&super::super::settings_of(include_str!(
            "../../rules/malformed-url.toml"
        )));
        let unlinked = |text: &str, kind| rule.unlinked_scheme(text, kind, 0..text.len());
        let found = unlinked("arXiv:2308.03281", LinkKind::Inline).expect("a finding");
        assert_eq!(
            found.message,
            "`arXiv:2308.03281` is not a link a browser follows: `arXiv:` is not a web address scheme"
        );
        for ok in [
            "https://a.org",
            "mailto:a@b.org",
            "docs/x.md",
            "#top",
            "C:x",
        ] {
            assert!(unlinked(ok, LinkKind::Inline).is_none(), "{ok}");
        }
        assert!(unlinked("data:image/png;base64,AAAA", LinkKind::Image).is_none());
    }
}
