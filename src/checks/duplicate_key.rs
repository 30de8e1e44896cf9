//! `duplicate-key`: two rows with the same key but different content.

use super::duplicate_row::copies;
use super::text::{normalize_key, plain_text};
use super::{Check, Finding, find_column, row_keys};
use crate::document::Document;
use foldhash::{HashMap, HashMapExt, HashSet};

pub struct DuplicateKey {
    key_columns: Vec<String>,
    placeholders: HashSet<String>,
}

impl DuplicateKey {
    pub fn new(key_columns: &[String], placeholders: &[String]) -> DuplicateKey {
        DuplicateKey {
            key_columns: key_columns.to_vec(),
            placeholders: placeholders.iter().map(|p| normalize_key(p)).collect(),
        }
    }
}

impl Check for DuplicateKey {
    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        for (t, (table, copies)) in doc.tables.iter().zip(copies(doc)).enumerate() {
            let Some(column) = find_column(doc.source, table, &self.key_columns) else {
                continue;
            };
            // Exact copies are `duplicate-row`'s findings, not this rule's.
            let copies: HashSet<usize> = copies.iter().map(|&(_, dup)| dup).collect();
            let keys = row_keys(doc, t, column);
            let mut first_with_key: HashMap<&str, usize> = HashMap::new();
            for (index, (row, key)) in table.rows.iter().zip(keys.iter()).enumerate() {
                let (Some(cell), Some(key)) = (row.cells.get(column), key) else {
                    continue;
                };
                if key.is_empty() || self.placeholders.contains(key) || copies.contains(&index) {
                    continue;
                }
                let Some(&first) = first_with_key.get(key.as_str()) else {
                    first_with_key.insert(key, index);
                    continue;
                };
                let first_row = &table.rows[first];
                let first_cell = &first_row.cells[column];
                out.push(
                    Finding::new(
                        cell.span(),
                        format!(
                            "key `{}` is already used by row {} with different content",
                            plain_text(doc.text(&cell.span())).trim(),
                            first_row.line
                        ),
                    )
                    .label("used again here")
                    .related(first_cell.span(), "first used here")
                    .help("merge the two rows, or make the keys distinct (add the version, size or organisation)"),
                );
            }
        }
    }
}
