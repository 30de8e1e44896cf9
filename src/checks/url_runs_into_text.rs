//! `url-runs-into-text`: a bare URL followed by text with no separator.

use super::{Check, CheckContext, Kind, NoSettings};
use crate::diagnostic::{Edit, Finding, Fix, Sink};

pub struct UrlRunsIntoText;

impl Kind for UrlRunsIntoText {
    type Settings = NoSettings;

    fn new(_: &NoSettings) -> UrlRunsIntoText {
        UrlRunsIntoText
    }
}

impl Check for UrlRunsIntoText {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let doc = cx.doc;
        for link in &doc.links {
            for url in doc.meant_urls(link) {
                let Some(run_on) = url.run_on() else {
                    continue;
                };
                let text = doc.text(&run_on);
                let shown: String = text.chars().take(12).collect();
                let ellipsis = if shown.len() < text.len() { "…" } else { "" };
                out.push(
                    Finding::new(
                        run_on.clone(),
                        format!(
                            "text runs into the URL `{}`: renderers make `{shown}{ellipsis}` part of the link",
                            doc.text(&url.span())
                        ),
                    )
                    .url(doc.text(&url.span()))
                    .label("this text is linked too")
                    .related(url.span(), "the URL ends here")
                    .help("put a space between the URL and the text, or write the URL as `<…>`")
                    // A space changes the rendered sentence, so the fix is offered, not applied.
                    .fix(Fix {
                        safe: false,
                        edits: vec![Edit {
                            span: run_on.start..run_on.start,
                            replacement: " ".into(),
                        }],
                    }),
                );
            }
        }
    }
}
