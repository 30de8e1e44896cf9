//! `duplicate-key`: two rows with the same key but different content.

use super::{Check, CheckContext, Kind};
use crate::diagnostic::{Finding, Sink};
use crate::document::{Document, Table};
use crate::fields::columns::bound_columns;
use crate::fields::defaults::key_columns;
use crate::fields::text::{normalize_key, plain_text, shown};
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
    /// Header aliases of columns that tell variants of one name apart (`Size`, `大小`,
    /// `Version`): two rows with the same key whose cells there hold no number in common
    /// (`7B` and `13B`) are two variants, not one thing listed twice.
    #[serde(default)]
    pub variant_columns: Vec<String>,
}

pub struct DuplicateKey {
    key_columns: Vec<String>,
    placeholders: HashSet<String>,
    variant_columns: Vec<String>,
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
            variant_columns: settings.variant_columns.clone(),
        }
    }
}

impl Check for DuplicateKey {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let doc = cx.doc;
        for (t, (table, copies)) in doc.tables.iter().zip(cx.copies()).enumerate() {
            let Some(column) = cx.key_column(t, &self.key_columns) else {
                continue;
            };
            // Exact copies are `duplicate-row`'s findings, not this rule's.
            let copies: HashSet<usize> = copies.iter().map(|&(_, dup)| dup).collect();
            let keys = cx.row_keys(t, column);
            let variants = bound_columns(doc.source, table, &self.variant_columns);
            let mut rows_with_key: HashMap<&str, Vec<usize>> = HashMap::new();
            for (index, key) in keys.iter().enumerate() {
                let (Some(cell), Some(key)) = (table.cell(doc.source, index, column), key) else {
                    continue;
                };
                if key.is_empty() || self.placeholders.contains(key) || copies.contains(&index) {
                    continue;
                }
                let earlier = rows_with_key.entry(key).or_default();
                // The first earlier row this one is not a variant of. An HTML cell that spans
                // rows (`rowspan`) is the key of each: one key for the rows it groups. Such a
                // cell stands before the rows below it that it reaches into.
                let carried = table
                    .row_span(index)
                    .is_some_and(|row| cell.span().start < row.start);
                let same = earlier.iter().copied().find(|&e| {
                    let shared = carried
                        && table.cell(doc.source, e, column).map(|c| c.span()) == Some(cell.span());
                    !shared
                        && !variants
                            .iter()
                            .any(|v| tells_apart(doc, table, (e, index), v.index))
                });
                earlier.push(index);
                let Some(first) = same else {
                    continue;
                };
                let (Some(first_line), Some(first_cell)) = (
                    table.row_line(doc, first),
                    table.cell(doc.source, first, column),
                ) else {
                    continue;
                };
                out.push(
                    Finding::new(
                        cell.span(),
                        format!(
                            "key `{}` is already used by row {} with different content",
                            shown(doc.text(&cell.span())),
                            first_line
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

/// Whether two rows hold numbers in column `column` and none of them in common: `7B` and `13B`,
/// `0.5/1.8B` and `7B` (a `7/13B` row and a `13B` row share 13). Units are not compared, so
/// `7M` and `7B` count as sharing 7: the rows are kept as possibly one thing.
fn tells_apart(doc: &Document<'_>, table: &Table, (a, b): (usize, usize), column: usize) -> bool {
    let numbers = |row: usize| -> Vec<f64> {
        let Some(cell) = table.cell(doc.source, row, column) else {
            return Vec::new();
        };
        let text = plain_text(doc.text(&cell.span()));
        numbers_in(&text)
    };
    let (a, b) = (numbers(a), numbers(b));
    !a.is_empty() && !b.is_empty() && a.iter().all(|x| !b.contains(x))
}

/// The decimal numbers written in `text`, in order (`1.5M/3725` → 1.5, 3725).
fn numbers_in(text: &str) -> Vec<f64> {
    let mut numbers = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let digits = text[start..i].trim_end_matches('.');
        if let Ok(n) = digits.parse::<f64>() {
            numbers.push(n);
        }
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_tell_variants_apart() {
        assert_eq!(numbers_in("255B/A36B"), [255.0, 36.0]);
        assert_eq!(numbers_in("0.5~72B (7档)"), [0.5, 72.0, 7.0]);
        assert_eq!(numbers_in("1.2.3"), Vec::<f64>::new());
        let md = "| M | Size |\n|---|---|\n| a | 7B |\n| a | 13B |\n| a | 7/13B |\n| a | - |\n";
        let doc = crate::document::Document::parse(md);
        let table = &doc.tables[0];
        assert!(tells_apart(&doc, table, (0, 1), 1));
        assert!(!tells_apart(&doc, table, (1, 2), 1));
        assert!(!tells_apart(&doc, table, (0, 3), 1));
    }

    #[test]
    fn a_key_cell_that_spans_rows_is_the_key_of_each() {
        let rows = "<tr><td rowspan=\"2\">Foo</td><td>A</td></tr><tr><td>B</td></tr>";
        let md = format!(
            "<table><tr><th>Model</th><th>Data</th></tr>{rows}<tr><td>Bar</td><td>C</td></tr>\
             <tr><td>Foo</td><td>D</td></tr></table>\n"
        );
        let doc = crate::document::Document::parse(&md);
        let settings: DuplicateKeySettings =
            super::super::settings_of(include_str!("../../rules/duplicate-key.toml"));
        let mut found: Vec<crate::diagnostic::Finding> = Vec::new();
        DuplicateKey::new(&settings).check(&CheckContext::new(&doc, None), &mut found);
        let keys: Vec<&str> = found.iter().map(|f| &md[f.span.clone()]).collect();
        // The two rows of the spanning cell are one key; the `Foo` row after them is again.
        assert_eq!(keys, ["Foo"]);
        assert!(found[0].span.start > md.find("Bar").unwrap());
    }
}
