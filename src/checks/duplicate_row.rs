//! `duplicate-row`: a row equal to an earlier row of the same table.

use super::text::normalize_cell;
use super::{Check, Finding, Fix};
use crate::document::{Document, Row};
use std::collections::HashMap;

pub struct DuplicateRow;

impl Check for DuplicateRow {
    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        for table in &doc.tables {
            for (first, dup) in duplicate_rows(doc.source, &table.rows) {
                let (first, dup) = (&table.rows[first], &table.rows[dup]);
                out.push(
                    Finding::new(
                        dup.span.clone(),
                        format!("row duplicates row {}", first.line),
                    )
                    .label("duplicated here")
                    .related(first.span.clone(), "first occurrence")
                    .help("delete this row")
                    .fix(Fix::delete(dup.line_span.clone())),
                );
            }
        }
    }
}

/// Pairs of (first occurrence, later duplicate) row indexes; blank rows are left to `empty-row`.
pub fn duplicate_rows(source: &str, rows: &[Row]) -> Vec<(usize, usize)> {
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    let mut pairs = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if row.is_blank(source) {
            continue;
        }
        let key = row_key(source, row);
        match seen.get(&key) {
            Some(&first) => pairs.push((first, index)),
            None => {
                seen.insert(key, index);
            }
        }
    }
    pairs
}

/// The row's cells after trimming and NFKC, joined by a separator that cannot occur in a cell.
fn row_key(source: &str, row: &Row) -> String {
    let mut key = String::with_capacity(row.span.len());
    for cell in &row.cells {
        key.push_str(&normalize_cell(&source[cell.span.clone()]));
        key.push('\u{1f}');
    }
    key
}
