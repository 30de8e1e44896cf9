//! `dead-link`, `unreachable-link`, `redirected-link`, `skipped-link`: what the link checker
//! found for each URL, reported where the URL stands, naming its row and column.
//!
//! The checker (the only I/O in survey-lint, in `crate::links`) runs before the rules and
//! leaves its verdicts on the document; without them (`--offline`) these rules find nothing.

use super::text::plain_text;
use super::{Check, Edit, Finding, Fix, find_column, key_columns};
use crate::document::{Document, LinkKind, Place, Verdicts, starts_with_ignore_case};
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
    if is_http(text) {
        Some(text.to_string())
    } else if kind == LinkKind::Bare && starts_with_ignore_case(text, "www.") {
        Some(format!("http://{text}"))
    } else {
        None
    }
}

/// The verdict for a link as written, without building its request URL when it is one.
fn verdict_for<'v>(verdicts: &'v Verdicts, text: &str, kind: LinkKind) -> Option<&'v Verdict> {
    if is_http(text) {
        verdicts.get(text)
    } else {
        verdicts.get(&request_url(text, kind)?)
    }
}

fn is_http(text: &str) -> bool {
    starts_with_ignore_case(text, "http://") || starts_with_ignore_case(text, "https://")
}

impl Check for LinkStatus {
    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let Some(verdicts) = doc.verdicts else { return };
        for link in &doc.links {
            for url in doc.meant_urls(link) {
                let text = doc.text(&url.span());
                let Some(verdict) = verdict_for(verdicts, text, link.kind) else {
                    continue;
                };
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
                    .map(|p| where_(doc, p))
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
                    (VerdictKind::Redirected, Verdict::Redirected { target, .. }) => Finding::new(
                        url.span(),
                        format!("link redirects permanently to `{target}`{place}"),
                    )
                    .label("moved")
                    .help(format!("link `{target}` directly"))
                    .fix(Fix::safe(vec![Edit {
                        span: url.span(),
                        replacement: target.clone(),
                    }])),
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
    let key = find_column(doc.source, table, &key_columns())
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
