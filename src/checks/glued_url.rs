//! `glued-url`: two URLs run together, so renderers link one address that does not exist.

use super::{Check, CheckContext, Kind, NoSettings};
use crate::diagnostic::{Edit, Finding, Fix};
use crate::document::{Join, LinkKind};

pub struct GluedUrl;

impl Kind for GluedUrl {
    type Settings = NoSettings;

    fn new(_: &NoSettings) -> GluedUrl {
        GluedUrl
    }
}

impl Check for GluedUrl {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Finding>) {
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
        }
    }
}
