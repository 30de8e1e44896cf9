//! `empty-row`: a row whose cells are all blank.

use super::{Check, Finding, Fix};
use crate::document::Document;

pub struct EmptyRow;

impl Check for EmptyRow {
    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        for table in &doc.tables {
            for row in table.rows.iter().filter(|r| r.is_blank(doc.source)) {
                out.push(
                    Finding::new(row.span.clone(), "row has no content")
                        .label("every cell is blank")
                        .help("delete this row")
                        .fix(Fix::delete(row.line_span.clone())),
                );
            }
        }
    }
}
