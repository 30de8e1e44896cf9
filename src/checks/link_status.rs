//! `dead-link`, `unreachable-link`, `redirected-link`, `skipped-link`: what the link checker
//! found for each URL, reported where the URL stands, naming its row and column.
//!
//! The checker (the only I/O in survey-lint, in `crate::links`) runs before the rules and
//! hands its verdicts to the [`CheckContext`]; without them (`--offline`) these rules find
//! nothing.

use super::{Check, CheckContext, Kind};
use crate::diagnostic::{Edit, Finding, Fix, Sink};
use crate::document::{LinkKind, Place, Span, gfm_autolink_end, meant_urls};
use crate::fields::defaults::key_columns;
use crate::fields::text::plain_text;
use crate::links::{Settled, Verdict, Verdicts, request_url};
use serde::Deserialize;

/// Which verdict a rule reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictKind {
    Dead,
    Unreachable,
    Redirected,
    Skipped,
}

/// The settings of a link-status rule: which verdict it reports.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkStatusSettings {
    pub verdict: VerdictKind,
}

pub struct LinkStatus {
    kind: VerdictKind,
}

impl Kind for LinkStatus {
    type Settings = LinkStatusSettings;

    fn new(settings: &LinkStatusSettings) -> LinkStatus {
        LinkStatus {
            kind: settings.verdict,
        }
    }
}

/// The verdict for a link's URL (as [`crate::document::Document::url`] gives it).
pub fn verdict_for<'v>(verdicts: &'v Verdicts, url: &str) -> Option<&'v Settled> {
    verdicts.get(&request_url(url)?)
}

impl Check for LinkStatus {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let (doc, Some(verdicts)) = (cx.doc, cx.verdicts) else {
            return;
        };
        for link in &doc.links {
            for url in doc.meant_urls(link) {
                let text = doc.url(link, url);
                let Some(settled) = verdict_for(verdicts, &text) else {
                    continue;
                };
                let verdict = &settled.verdict;
                let wanted = matches!(
                    (self.kind, verdict),
                    (VerdictKind::Dead, Verdict::Dead { .. })
                        | (VerdictKind::Unreachable, Verdict::Unreachable { .. })
                        | (VerdictKind::Redirected, Verdict::Redirected { .. })
                        | (VerdictKind::Skipped, Verdict::Skipped { .. })
                );
                if !wanted {
                    continue;
                }
                // Naming the row and column is the costly part: only for a finding.
                let place = doc
                    .place_of(link.span().start)
                    .map(|p| where_(cx, p))
                    .unwrap_or_default();
                let finding = match (self.kind, verdict) {
                    (VerdictKind::Dead, Verdict::Dead { reason }) => {
                        Finding::new(url.span(), format!("link is dead ({reason}){place}"))
                            .label("gone")
                            .help("remove the link, or point it at the new home or an archived copy")
                    }
                    (VerdictKind::Unreachable, Verdict::Unreachable { reason }) => Finding::new(
                        url.span(),
                        format!("link could not be confirmed ({reason}){place}"),
                    )
                    .label("not confirmed")
                    .help("check it by hand; if the site blocks checkers, add it to `links.exclude`"),
                    (VerdictKind::Redirected, Verdict::Redirected { target, .. }) => {
                        let renamed = settled.repo().map(|repo| repo.name_with_owner.as_str());
                        redirected(url.span(), target, link.kind, &place, renamed)
                    }
                    (VerdictKind::Skipped, Verdict::Skipped { reason })
                        if verdict.skipped_unasked() =>
                    {
                        Finding::new(
                        url.span(),
                        format!("link was not checked: {reason}{place}"),
                    )
                        .label("not requested")
                        .help("private and loopback addresses are not requested unless `links.allow_private` allows them")
                    }
                    _ => continue,
                };
                out.push(finding.url(text).via(settled.via.as_str()));
            }
        }
    }
}

/// A permanent redirect. Its target is text a remote server chose, written into the survey by
/// the fix: it is written only as [`writable_target`] makes it, and the fix is left out when
/// it cannot be written safely where the link stands.
/// A permanent redirect (or, `renamed`, a GitHub repository renamed or moved), with a fix only
/// when the target can be written where the link stands.
fn redirected(
    span: Span,
    target: &str,
    kind: LinkKind,
    place: &str,
    renamed: Option<&str>,
) -> Finding {
    let writable = writable_target(target, kind);
    let shown = writable.clone().unwrap_or_else(|| shown_target(target));
    let message = match renamed {
        Some(repo) => format!("repository was renamed or moved to `{repo}`{place}"),
        None => format!("link redirects permanently to `{shown}`{place}"),
    };
    let finding = Finding::new(span.clone(), message).label("moved");
    match writable {
        Some(replacement) => finding
            .help(format!("link `{replacement}` directly"))
            .fix(Fix::safe(vec![Edit { span, replacement }])),
        None => finding.help(
            "check the new address by hand: it cannot be written into the link as the server sent it",
        ),
    }
}

/// The longest redirect target the fix writes.
const MAX_TARGET_BYTES: usize = 2048;

/// Bytes a redirect target keeps as they are besides ASCII letters and digits: those of URLs
/// that mean nothing to Markdown or GFM tables where they stand. Everything else (`|` that
/// would split a table cell, `(`, `)`, `[`, `]`, `<`, `>`, `\`, `` ` ``, quotes, spaces,
/// controls) is percent-encoded.
const KEPT: &[u8] = b"-._~!$&'*+,;=:@/?#%";

/// The redirect target as the fix writes it where a link of `kind` stands, or `None` when it
/// cannot be written there without changing the document around it: not an http(s) URL, user
/// credentials in it, longer than [`MAX_TARGET_BYTES`], an HTML entity in it (Markdown would
/// decode it), or, for a bare URL, an end that GFM's autolinker would cut off.
pub fn writable_target(target: &str, kind: LinkKind) -> Option<String> {
    let url = url::Url::parse(target).ok()?;
    let credentials = !url.username().is_empty() || url.password().is_some();
    if !matches!(url.scheme(), "http" | "https") || credentials {
        return None;
    }
    let host = url.host_str()?;
    let plain_host = host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if !plain_host && kind == LinkKind::Bare {
        return None;
    }
    let mut out = format!("{}://{host}", url.scheme());
    if let Some(port) = url.port() {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(&encode(&url[url::Position::BeforePath..]));
    let fits = match kind {
        LinkKind::Bare => gfm_autolink_end(&out) == out.len(),
        _ => true,
    };
    // Read back as the document reads a link: one URL, the whole of it (a second URL inside
    // the target would be taken as glued to the first, and split by the next fix).
    let read_back = meant_urls(&out, 0..out.len(), kind == LinkKind::Bare);
    let fits = fits && matches!(&read_back[..], [one] if one.span() == (0..out.len()));
    let entity = has_entity(&out, kind == LinkKind::Bare);
    (fits && out.len() <= MAX_TARGET_BYTES && !entity).then_some(out)
}

/// A target that cannot be written, as a message may show it: encoded the same way, and cut.
fn shown_target(target: &str) -> String {
    let mut shown = encode(target);
    if shown.len() > MAX_TARGET_BYTES {
        shown.truncate(MAX_TARGET_BYTES);
        shown.push('…');
    }
    shown
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || KEPT.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `&amp;`, `&#124;`, `&#x7C;`: Markdown decodes character references in link destinations.
/// With `open_end`, a reference the text after the link could close (`…&lt` before `;`) counts.
fn has_entity(text: &str, open_end: bool) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        if b != b'&' {
            return false;
        }
        let rest = &bytes[i + 1..];
        let name = rest
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'#')
            .count();
        name > 0 && (rest.get(name) == Some(&b';') || (open_end && name == rest.len()))
    })
}

/// `, in row `LLaMa`, column `参考资料``: where a link stands in its table.
pub(super) fn where_(cx: &CheckContext<'_>, place: Place) -> String {
    let doc = cx.doc;
    let table = &doc.tables[place.table];
    let column = table
        .header
        .cells
        .get(place.cell)
        .map(|c| plain_text(doc.text(&c.span())).trim().to_string())
        .unwrap_or_default();
    let key = cx
        .key_column(place.table, &key_columns())
        .and_then(|k| table.cell(doc.source, place.row, k))
        .map(|c| plain_text(doc.text(&c.span())).trim().to_string());
    match key {
        Some(key) if !key.is_empty() => format!(", in row `{key}`, column `{column}`"),
        _ => format!(
            ", in line {}'s column `{column}`",
            table.row_line(doc, place.row).unwrap_or_default()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_targets_cannot_add_cells_links_or_images() {
        let bare = |t: &str| writable_target(t, LinkKind::Bare);
        let inline = |t: &str| writable_target(t, LinkKind::Inline);
        assert_eq!(
            inline("https://example.com/a|b|c").as_deref(),
            Some("https://example.com/a%7Cb%7Cc")
        );
        assert_eq!(
            inline("https://example.com/x)![pwn](/p.png)").as_deref(),
            Some("https://example.com/x%29!%5Bpwn%5D%28/p.png%29")
        );
        assert_eq!(
            inline("https://example.com/q?a=<b>&c=`d`").as_deref(),
            Some("https://example.com/q?a=%3Cb%3E&c=%60d%60")
        );
        assert_eq!(
            bare("https://example.com/a b").as_deref(),
            Some("https://example.com/a%20b")
        );
        assert_eq!(
            bare("https://例子.example/路径").as_deref(),
            Some("https://xn--fsqu00a.example/%E8%B7%AF%E5%BE%84")
        );
    }

    #[test]
    fn unwritable_redirect_targets_get_no_fix() {
        for target in [
            "javascript:alert(1)",
            "https://user:secret@example.com/",
            "https://example.com/?x=&amp;",
            "https://example.com/&#124;",
            "https://example.com/x)![pwn](https://evil.example/p.png",
        ] {
            assert_eq!(writable_target(target, LinkKind::Inline), None, "{target}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_TARGET_BYTES));
        assert_eq!(writable_target(&long, LinkKind::Inline), None);
        // Bare, a URL GFM's autolinker ends before its trailing `.`, and an IPv6 literal it
        // does not link; a link's destination is read to its end, `.` included.
        let dot = "https://example.com/x.";
        assert_eq!(writable_target(dot, LinkKind::Bare), None);
        assert_eq!(writable_target(dot, LinkKind::Inline).as_deref(), Some(dot));
        let v6 = "https://[2001:db8::1]/";
        assert_eq!(writable_target(v6, LinkKind::Bare), None);
        assert_eq!(writable_target(v6, LinkKind::Inline).as_deref(), Some(v6));
    }
}
