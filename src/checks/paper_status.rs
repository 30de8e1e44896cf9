//! `withdrawn-paper`: what the arXiv export API said of the paper a link names. The link
//! checker asks (always, for arXiv links) and hands the answer over with the verdict; without
//! it (`--offline`, a link settled by a page request) this rule finds nothing.

use super::link_status::{verdict_for, where_};
use super::{Check, CheckContext, Kind};
use crate::diagnostic::{Finding, Sink};
use crate::links::Verdict;
use serde::Deserialize;

/// Which state of a paper a rule reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaperCondition {
    /// Its latest version withdraws it.
    Withdrawn,
}

/// The settings of a paper-status rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperStatusSettings {
    pub status: PaperCondition,
}

pub struct PaperStatus {
    condition: PaperCondition,
}

impl Kind for PaperStatus {
    type Settings = PaperStatusSettings;

    fn new(settings: &PaperStatusSettings) -> PaperStatus {
        PaperStatus {
            condition: settings.status,
        }
    }
}

impl Check for PaperStatus {
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
                let (Some(paper), false) = (
                    settled.paper(),
                    matches!(settled.verdict, Verdict::Dead { .. }),
                ) else {
                    continue;
                };
                let PaperCondition::Withdrawn = self.condition;
                let Some(comment) = &paper.withdrawn else {
                    continue;
                };
                let place = doc
                    .place_of(link.span().start)
                    .map(|p| where_(cx, p))
                    .unwrap_or_default();
                let finding = Finding::new(
                    url.span(),
                    format!(
                        "arXiv {} (\u{201c}{}\u{201d}) has been withdrawn (its comment: \u{201c}{}\u{201d}){place}",
                        paper.id, paper.title, comment
                    ),
                )
                .label("withdrawn")
                .help("say in the row that the paper was withdrawn, or link the work that replaces it")
                .url(text)
                .via(settled.via.as_str());
                out.push(finding);
            }
        }
    }
}
