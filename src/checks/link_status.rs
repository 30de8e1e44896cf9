//! `dead-link`, `unreachable-link`, `redirected-link`, `skipped-link`: what the link checker
//! found for each URL, reported where the URL stands, naming its row and column.
//!
//! The checker (the only I/O in survey-lint, in `crate::links`) runs before the rules and
//! leaves its verdicts on the document; without them (`--offline`) these rules find nothing.

use super::text::plain_text;
use super::{Check, Edit, Finding, Fix, KEY_COLUMNS, find_column};
use crate::document::{Document, LinkKind, Place};
use crate::links::Verdict;
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

pub struct LinkStatus {
    kind: VerdictKind,
}

impl LinkStatus {
    pub fn new(kind: VerdictKind) -> LinkStatus {
        LinkStatus { kind }
    }
}

/// The URL to request for a link as written: `www.` links are `http://` links.
pub fn request_url(text: &str, kind: LinkKind) -> Option<String> {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        Some(text.to_string())
    } else if kind == LinkKind::Bare && lower.starts_with("www.") {
        Some(format!("http://{text}"))
    } else {
        None
    }
}

impl Check for LinkStatus {
    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let Some(verdicts) = doc.verdicts else { return };
        for link in &doc.links {
            for url in doc.meant_urls(link) {
                let text = doc.text(&url.span);
                let Some(request) = request_url(text, link.kind) else {
                    continue;
                };
                let Some(verdict) = verdicts.get(&request) else {
                    continue;
                };
                let place = doc
                    .place_of(link.span.start)
                    .map(|p| where_(doc, p))
                    .unwrap_or_default();
                let finding = match (self.kind, verdict) {
                    (VerdictKind::Dead, Verdict::Dead { reason }) => {
                        Finding::new(url.span.clone(), format!("link is dead ({reason}){place}"))
                            .label("gone")
                            .help("remove the link, or point it at the new home or an archived copy")
                    }
                    (VerdictKind::Unreachable, Verdict::Unreachable { reason }) => Finding::new(
                        url.span.clone(),
                        format!("link could not be confirmed ({reason}){place}"),
                    )
                    .label("not confirmed")
                    .help("check it by hand; if the site blocks checkers, add it to `links.exclude`"),
                    (VerdictKind::Redirected, Verdict::Redirected { target, .. }) => Finding::new(
                        url.span.clone(),
                        format!("link redirects permanently to `{target}`{place}"),
                    )
                    .label("moved")
                    .help(format!("link `{target}` directly"))
                    .fix(Fix::safe(vec![Edit {
                        span: url.span.clone(),
                        replacement: target.clone(),
                    }])),
                    (VerdictKind::Skipped, Verdict::Skipped { reason })
                        if !reason.starts_with("excluded by pattern")
                            && !reason.starts_with("not an http") =>
                    {
                        Finding::new(
                        url.span.clone(),
                        format!("link was not checked: {reason}{place}"),
                    )
                        .label("not requested")
                        .help("private and loopback addresses are not requested unless `links.allow_private` allows them")
                    }
                    _ => continue,
                };
                out.push(finding.url(text));
            }
        }
    }
}

/// `, in row `LLaMa`, column `参考资料``: where a link stands in its table.
fn where_(doc: &Document<'_>, place: Place) -> String {
    let table = &doc.tables[place.table];
    let column = table
        .header
        .cells
        .get(place.cell)
        .map(|c| plain_text(doc.text(&c.span())).trim().to_string())
        .unwrap_or_default();
    let aliases: Vec<String> = KEY_COLUMNS.iter().map(|s| s.to_string()).collect();
    let key = find_column(doc.source, table, &aliases)
        .and_then(|k| table.rows[place.row].cells.get(k))
        .map(|c| plain_text(doc.text(&c.span())).trim().to_string());
    match key {
        Some(key) if !key.is_empty() => format!(", in row `{key}`, column `{column}`"),
        _ => format!(
            ", in line {}'s column `{column}`",
            table.rows[place.row].line
        ),
    }
}
