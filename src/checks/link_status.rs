//! `dead-link`, `unreachable-link`, `redirected-link`, `skipped-link`: what the link checker
//! found for each URL, reported where the URL stands, naming its row and column.
//!
//! The checker (the only I/O in survey-lint, in `crate::links`) runs before the rules and
//! hands its verdicts to the [`CheckContext`]; without them (`--offline`) these rules find
//! nothing.

use super::{Check, CheckContext, Kind};
use crate::diagnostic::{Edit, Finding, Fix};
use crate::document::Place;
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
    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Finding>) {
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
                        let message = match settled.repo() {
                            Some(repo) => format!(
                                "repository was renamed or moved to `{}`{place}",
                                repo.name_with_owner
                            ),
                            None => format!("link redirects permanently to `{target}`{place}"),
                        };
                        Finding::new(url.span(), message)
                            .label("moved")
                            .help(format!("link `{target}` directly"))
                            .fix(Fix::safe(vec![Edit {
                                span: url.span(),
                                replacement: target.clone(),
                            }]))
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
