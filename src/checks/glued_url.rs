//! `glued-url`: two URLs run together, so renderers link one address that does not exist.

use super::{Check, CheckContext, Kind};
use crate::diagnostic::{Edit, Finding, Fix, Sink};
use crate::document::{Join, LinkKind, find_scheme_separator};
use serde::Deserialize;

/// The settings of a `glued-url` rule.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GluedUrlSettings {
    /// Services that carry a whole URL in their path (`web.archive.org/web/2020/https://…`,
    /// `r.jina.ai/https://…`): a host (which also covers its subdomains), or a host and the
    /// start of a path (`archive.org/wayback`).
    #[serde(default)]
    pub url_services: Vec<String>,
}

pub struct GluedUrl {
    url_services: Vec<String>,
}

impl Kind for GluedUrl {
    type Settings = GluedUrlSettings;

    fn new(settings: &GluedUrlSettings) -> GluedUrl {
        GluedUrl {
            url_services: settings
                .url_services
                .iter()
                .map(|s| s.trim().trim_end_matches('/').to_ascii_lowercase())
                .collect(),
        }
    }
}

impl Check for GluedUrl {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let doc = cx.doc;
        for link in &doc.links {
            let urls = doc.meant_urls(link);
            for pair in urls.windows(2) {
                let (first, second) = (&pair[0], &pair[1]);
                let (a, b) = (doc.text(&first.span()), doc.text(&second.span()));
                let span = first.span().start..second.span().end;
                let finding = match second.join {
                    Join::Glued => {
                        let finding = Finding::new(
                            span.clone(),
                            format!("two URLs are glued together: `{a}` and `{b}`"),
                        )
                        .label("one link to an address that does not exist")
                        .help("separate the two URLs with a space");
                        // Inside `[text](…)` a space would break the link, so only bare URLs
                        // get the fix.
                        if link.kind == LinkKind::Bare {
                            finding.fix(Fix::safe(vec![Edit {
                                span: second.span().start..second.span().start,
                                replacement: " ".into(),
                            }]))
                        } else {
                            finding
                        }
                    }
                    Join::Doubled => Finding::new(
                        span.clone(),
                        format!("URL is doubled: `{a}` stands in front of `{b}`"),
                    )
                    .label("the site root is repeated")
                    .help(format!("keep only `{b}`"))
                    .fix(Fix::safe(vec![Edit {
                        span: first.span().start..second.span().start,
                        replacement: String::new(),
                    }])),
                    _ => continue,
                };
                // The two URLs, not the whole link: a run of n glued URLs has n - 1 findings,
                // and each must cost what its own two URLs cost, not the whole run.
                out.push(finding.url(doc.text(&span)));
            }
            for url in urls {
                let text = doc.text(&url.span());
                let Some(at) = glued_after_slash(text, &self.url_services) else {
                    continue;
                };
                let (a, b) = text.split_at(at);
                let start = url.span().start;
                let finding = Finding::new(
                    url.span(),
                    format!("two URLs are glued together after a slash: `{a}` and `{b}`"),
                )
                .label("one link to an address that does not exist")
                .help("separate the two URLs, or keep the one meant; if the first site carries whole URLs in its path, add it to the rule's `url_services`");
                // A space splits a bare URL in two, but the first may not be wanted at all: the
                // fix is offered, not applied by `--fix`.
                let finding = if link.kind == LinkKind::Bare {
                    finding.fix(Fix {
                        safe: false,
                        edits: vec![Edit {
                            span: start + at..start + at,
                            replacement: " ".into(),
                        }],
                    })
                } else {
                    finding
                };
                out.push(finding.url(doc.text(&link.span())));
            }
        }
    }
}

/// Where a second URL starts right after a `/` in the path of `url`
/// (`https://example.com/blog/x/https://other.org/y`), unless `url` belongs to one of the
/// `services` that carry URLs in their path. A URL in the query or fragment is carried on
/// purpose (`?next=https://…`), and one after a bare site root is a doubled URL, split
/// already.
fn glued_after_slash(url: &str, services: &[String]) -> Option<usize> {
    let scheme_end = find_scheme_separator(url)? + 3;
    // Most URLs hold one `://`: nothing to look at.
    find_scheme_separator(&url[scheme_end..])?;
    let path_start = scheme_end + url[scheme_end..].find('/')?;
    let path = &url[path_start..];
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    let mut from = 0;
    let inner = loop {
        let colon = from + find_scheme_separator(&path[from..])?;
        from = colon + 3;
        let start = ["https", "http", "ftp"].iter().find_map(|scheme| {
            let start = colon.checked_sub(scheme.len())?;
            let word = path.get(start..colon)?;
            let after_slash = start > 0 && path.as_bytes()[start - 1] == b'/';
            (after_slash && word.eq_ignore_ascii_case(scheme)).then_some(start)
        });
        if let Some(start) = start {
            break path_start + start;
        }
    };
    let carrier = url[scheme_end..inner].to_ascii_lowercase();
    let host = carrier.split('/').next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    let host = host.strip_prefix("www.").unwrap_or(host);
    let carried = services
        .iter()
        .any(|service| match service.split_once('/') {
            Some((service_host, _)) => {
                (host == service_host)
                    && carrier
                        .strip_prefix("www.")
                        .unwrap_or(&carrier)
                        .starts_with(service.as_str())
            }
            None => host == service || host.ends_with(&format!(".{service}")),
        });
    (!carried).then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn services() -> Vec<String> {
        let settings: GluedUrlSettings =
            super::super::settings_of(include_str!("../../rules/glued-url.toml"));
        GluedUrl::new(&settings).url_services
    }

    #[test]
    fn urls_glued_after_a_slash() {
        let s = services();
        assert_eq!(
            glued_after_slash("https://example.com/blog/x/https://other.org/y", &s),
            Some("https://example.com/blog/x/".len())
        );
        for carried in [
            "https://web.archive.org/web/2020/https://example.com/x",
            "https://archive.org/wayback/available/https://example.com",
            "https://r.jina.ai/https://example.com/x",
            "https://mirror.ghproxy.com/https://github.com/a/b",
            "https://example.com/login?next=/https://example.com/x",
            "https://example.com/page#/https://example.com/x",
            "https://huggingface.co/datasets/x",
            "https://example.com/a/http-guide",
        ] {
            assert_eq!(glued_after_slash(carried, &s), None, "{carried}");
        }
        assert!(glued_after_slash("https://archive.org/details/https://x.org/y", &s).is_some());
    }
}
