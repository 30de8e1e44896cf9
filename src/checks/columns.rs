//! Binding rules to columns by header aliases.

use super::text::normalize_key;
use crate::document::{Document, Table};
use std::borrow::Cow;
use std::sync::OnceLock;

/// Header aliases of a table's key column (what a row is about), tried in order. A table with
/// none of them has no key column: the first column is never taken blindly.
pub const KEY_COLUMNS: &[&str] = &[
    "模型名称",
    "模型",
    "大模型",
    "名称",
    "模型名",
    "项目",
    "项目名称",
    "数据集",
    "数据集名称",
    "model",
    "model name",
    "language model",
    "name",
    "project",
    "dataset",
    "dataset name",
    "paper",
    "title",
    "paper title",
];

/// [`KEY_COLUMNS`] as owned strings, the default of rule settings.
pub fn key_columns() -> Vec<String> {
    KEY_COLUMNS.iter().map(|s| s.to_string()).collect()
}

/// The index of the header cell that matches the earliest of `aliases`, in any case and width.
/// A header matches an alias when it is the alias, or the alias followed by a parenthetical
/// (`Params (B)`, `微调代码是否开源(SFT或RLHF)`).
pub fn find_column(source: &str, table: &Table, aliases: &[String]) -> Option<usize> {
    let headers: Vec<String> = table
        .header
        .cells
        .iter()
        .map(|c| normalize_header(&source[c.span()]))
        .collect();
    aliases.iter().find_map(|alias| {
        let alias = normalize_header(alias);
        headers.iter().position(|h| header_matches(h, &alias))
    })
}

/// The normalized key ([`normalize_key`]) of every row of table `table` in column `column`,
/// `None` for a row without that cell. Computed once per document: duplicate-key,
/// unresolved-reference and the exceptions filter key rows alike (a rule configured with
/// another key column gets its own).
pub fn row_keys<'d>(
    doc: &'d Document<'_>,
    table: usize,
    column: usize,
) -> Cow<'d, [Option<String>]> {
    let compute = || -> Vec<Option<String>> {
        let rows = doc.tables[table].rows.iter();
        rows.map(|r| Some(normalize_key(doc.text(&r.cells.get(column)?.span()))))
            .collect()
    };
    let tables = doc.tables.iter();
    let slots = doc
        .shared
        .keys
        .get_or_init(|| tables.map(|_| OnceLock::new()).collect());
    match slots[table].get_or_init(|| (column, compute())) {
        (cached, keys) if *cached == column => Cow::Borrowed(keys),
        _ => Cow::Owned(compute()),
    }
}

/// A header as compared with aliases: `Model_name` reads as `model name`.
pub(crate) fn normalize_header(text: &str) -> String {
    normalize_key(&text.replace('_', " "))
}

fn header_matches(header: &str, alias: &str) -> bool {
    header_match(header, alias).is_some()
}

/// Whether a normalized header matches a normalized alias, and if so whether a parenthetical
/// follows it (`Params (B)`: `Some(true)`).
pub(crate) fn header_match(header: &str, alias: &str) -> Option<bool> {
    let rest = header.strip_prefix(alias)?.trim_start();
    if rest.is_empty() {
        Some(false)
    } else {
        rest.starts_with(['(', '[']).then_some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_keys_are_shared_per_column_and_computed_for_another() {
        let source = "| Model | Org |\n|---|---|\n| **Vicuna** | LMSYS |\n| ＡＢ |\n";
        let doc = Document::parse(source);
        let first = row_keys(&doc, 0, 0);
        assert!(matches!(first, Cow::Borrowed(_)));
        assert_eq!(
            first.as_ref(),
            [Some("vicuna".to_string()), Some("ab".to_string())]
        );
        assert!(matches!(row_keys(&doc, 0, 0), Cow::Borrowed(_)));
        let other = row_keys(&doc, 0, 1);
        assert_eq!(other.as_ref(), [Some("lmsys".to_string()), None]);
    }

    #[test]
    fn aliases_match_whole_headers_or_with_a_parenthetical() {
        assert!(header_matches("params (b)", "params"));
        assert!(header_matches(
            "微调代码是否开源(sft或rlhf)",
            "微调代码是否开源"
        ));
        assert!(header_matches("model", "model"));
        assert!(!header_matches("model_size", "model"));
        assert!(!header_matches("models used", "model"));
    }
}
