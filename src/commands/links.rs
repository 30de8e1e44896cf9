//! `survey-lint links`: every URL as its author meant it.

use super::{ExitStatus, for_each_file, print_stdout, report_file_errors};
use crate::cli::{LinksArgs, LinksFormat};
use crate::document::{Document, LinkKind};

pub fn links(args: &LinksArgs) -> ExitStatus {
    #[derive(serde::Serialize)]
    struct Record {
        path: String,
        line: usize,
        column: usize,
        url: String,
        kind: LinkKind,
        /// The API that settles this URL when its token is set (`github`).
        #[serde(skip_serializing_if = "Option::is_none")]
        api: Option<&'static str>,
    }
    let mut records = Vec::new();
    let errors = for_each_file(&args.paths, |path, source| {
        let doc = Document::parse(&source);
        for link in &doc.links {
            for url in doc.meant_urls(link) {
                let at = doc.lines.line_col(&source, url.span().start);
                let text = doc.url(link, url);
                let api = crate::links::request_url(&text).and_then(|r| crate::links::api_for(&r));
                records.push(Record {
                    path: path.clone(),
                    line: at.line,
                    column: at.column,
                    url: text.into_owned(),
                    kind: link.kind,
                    api,
                });
            }
        }
    });
    let out = match args.format {
        LinksFormat::Text => records
            .iter()
            .map(|r| format!("{}:{}:{}\t{}\n", r.path, r.line, r.column, r.url))
            .collect(),
        LinksFormat::Json => {
            serde_json::to_string_pretty(&records).expect("records serialize") + "\n"
        }
    };
    print_stdout(&out);
    report_file_errors(&errors)
}
