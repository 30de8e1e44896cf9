//! Binding rules to columns by header aliases: the key column of a table, and the columns a
//! field rule reads.

use super::text::normalize_key;
use crate::document::{Span, Table};

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

/// A header as compared with aliases: `Model_name` reads as `model name`.
fn normalize_header(text: &str) -> String {
    normalize_key(&text.replace('_', " "))
}

fn header_matches(header: &str, alias: &str) -> bool {
    header_match(header, alias).is_some()
}

/// Whether a normalized header matches a normalized alias, and if so whether a parenthetical
/// follows it (`Params (B)`: `Some(true)`).
fn header_match(header: &str, alias: &str) -> Option<bool> {
    let rest = header.strip_prefix(alias)?.trim_start();
    if rest.is_empty() {
        Some(false)
    } else {
        rest.starts_with(['(', '[']).then_some(true)
    }
}

/// A column a field rule reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundColumn {
    pub index: usize,
    /// The header's parenthetical after the alias, e.g. the span of `B` in `Params (B)`, where
    /// surveys put the unit shared by the column.
    pub note: Option<Span>,
}

/// Every column of `table` whose header matches one of `aliases` (a table may hold both a
/// `参数量` and a `训练细节` column that one rule reads).
pub fn bound_columns(source: &str, table: &Table, aliases: &[String]) -> Vec<BoundColumn> {
    if aliases.is_empty() {
        return Vec::new();
    }
    let aliases: Vec<String> = aliases.iter().map(|a| normalize_header(a)).collect();
    let mut bound = Vec::new();
    for (index, cell) in table.header.cells.iter().enumerate() {
        let header = normalize_header(&source[cell.span()]);
        if let Some(has_note) = aliases.iter().find_map(|a| header_match(&header, a)) {
            let note = has_note
                .then(|| header_note(source, &cell.span()))
                .flatten();
            bound.push(BoundColumn { index, note });
        }
    }
    bound
}

/// The span inside the last `(…)`/`[…]`/`（…）` of a header cell, trimmed.
fn header_note(source: &str, header: &Span) -> Option<Span> {
    let text = &source[header.clone()];
    let open = text.rfind(['(', '[', '（'])?;
    let inner_start = open + text[open..].chars().next()?.len_utf8();
    let close = text[inner_start..].find([')', ']', '）'])? + inner_start;
    let inner = &text[inner_start..close];
    let lead = inner.len() - inner.trim_start().len();
    let start = header.start + inner_start + lead;
    Some(start..start + inner.trim().len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
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

    #[test]
    fn columns_bind_by_alias_with_a_note() {
        let source =
            "| Model | Params (B) | 训练细节 | Size |\n|---|---|---|---|\n| a | 7 | x | y |\n";
        let doc = Document::parse(source);
        let bound = bound_columns(source, &doc.tables[0], &strings(&["params", "训练细节"]));
        assert_eq!(bound.len(), 2);
        assert_eq!(bound[0].index, 1);
        assert_eq!(bound[0].note.clone().map(|n| &source[n]), Some("B"));
        assert_eq!(bound[1].index, 2);
        assert_eq!(bound[1].note, None);
        assert!(bound_columns(source, &doc.tables[0], &strings(&["model_size"])).is_empty());
    }
}
