//! `empty-row`: a row whose cells are all blank.

use super::{Check, CheckContext, Kind, NoSettings};
use crate::diagnostic::{Finding, Fix, Sink};

pub struct EmptyRow;

impl Kind for EmptyRow {
    type Settings = NoSettings;

    fn new(_: &NoSettings) -> EmptyRow {
        EmptyRow
    }
}

impl Check for EmptyRow {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let doc = cx.doc;
        for table in &doc.tables {
            for row in table.rows(doc).filter(|r| r.is_blank(doc.source)) {
                let finding = Finding::new(row.span.clone(), "row has no content")
                    .label("every cell is blank")
                    .help("delete this row");
                out.push(finding.fix_if(row.delete_span().map(Fix::delete)));
            }
        }
    }
}
