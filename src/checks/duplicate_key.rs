//! `duplicate-key`: two rows with the same key but different content.

use super::{Check, CheckContext, Kind};
use crate::diagnostic::Finding;
use crate::fields::columns::find_column;
use crate::fields::defaults::key_columns;
use crate::fields::text::{normalize_key, plain_text};
use foldhash::{HashMap, HashMapExt, HashSet};
use serde::Deserialize;

/// The settings of a `duplicate-key` rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuplicateKeySettings {
    /// Header aliases of the key column, e.g. `模型名称`, `Model`.
    #[serde(default = "key_columns")]
    pub key_columns: Vec<String>,
    /// Key values that mean "no value" and are never compared.
    #[serde(default)]
    pub placeholders: Vec<String>,
}

pub struct DuplicateKey {
    key_columns: Vec<String>,
    placeholders: HashSet<String>,
}

impl Kind for DuplicateKey {
    type Settings = DuplicateKeySettings;

    fn new(settings: &DuplicateKeySettings) -> DuplicateKey {
        DuplicateKey {
            key_columns: settings.key_columns.clone(),
            placeholders: settings
                .placeholders
                .iter()
                .map(|p| normalize_key(p))
                .collect(),
        }
    }
}

impl Check for DuplicateKey {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        let doc = cx.doc;
        for (t, (table, copies)) in doc.tables.iter().zip(cx.copies()).enumerate() {
            let Some(column) = find_column(doc.source, table, &self.key_columns) else {
                continue;
            };
            // Exact copies are `duplicate-row`'s findings, not this rule's.
            let copies: HashSet<usize> = copies.iter().map(|&(_, dup)| dup).collect();
            let keys = cx.row_keys(t, column);
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
