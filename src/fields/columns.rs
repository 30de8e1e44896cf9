//! Binding rules to columns by header aliases: the key column of a table, and the columns a
//! field rule reads.

use super::defaults;
use super::text::{is_label_only, normalize_key, normalize_name};
use crate::document::{Span, Table};
use foldhash::{HashSet, HashSetExt};
use std::sync::LazyLock;

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

/// The key column of `table`, the column that says what each row is about, with the key of
/// every row ([`row_key`]; `None` for a row without that cell). The headers are matched with
/// `aliases` in order (as [`find_column`] does), and a matching column is the key only if its
/// cells identify the rows ([`identifies_rows`]); otherwise the next match is tried. `None`
/// when no column qualifies: the first column is never taken blindly.
pub fn key_column(
    source: &str,
    table: &Table,
    aliases: &[String],
) -> Option<(usize, Vec<Option<String>>)> {
    let headers: Vec<String> = table
        .header
        .cells
        .iter()
        .map(|c| normalize_header(&source[c.span()]))
        .collect();
    let mut tried = Vec::new();
    for alias in aliases {
        let alias = normalize_header(alias);
        let exact = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| header_matches(h, &alias));
        // `Title & Authors`, `Model / Link`: a column of two fields, named first.
        let joined = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| joined_match(h, &alias));
        for (index, _) in exact.chain(joined) {
            if tried.contains(&index) {
                continue;
            }
            tried.push(index);
            let cells: Vec<Option<KeyCell>> = (0..table.row_count())
                .map(|r| Some(KeyCell::of(&source[table.cell(source, r, index)?.span()])))
                .collect();
            if identifies_rows(&cells) {
                let keys = cells.into_iter().map(|c| c.map(KeyCell::into_key));
                return Some((index, keys.collect()));
            }
        }
    }
    None
}

/// The key of every row of `table` in column `column` ([`row_key`]), `None` for a row without
/// that cell.
pub fn row_keys(source: &str, table: &Table, column: usize) -> Vec<Option<String>> {
    (0..table.row_count())
        .map(|r| Some(row_key(&source[table.cell(source, r, column)?.span()])))
        .collect()
}

/// A row's key as compared between rows: the cell as a reader sees it, normalized
/// ([`normalize_name`]); empty when the cell names nothing of its own: blank, a placeholder
/// (`-`, `n/a`), a mark with no letter or digit (`⚠️`), or only link labels (`[pdf]`, `[code]`).
pub fn row_key(cell: &str) -> String {
    KeyCell::of(cell).into_key()
}

/// What a cell of a candidate key column holds.
enum KeyCell {
    /// Blank, a placeholder or a mark: says nothing either way.
    Blank,
    /// Only words of [`defaults::link_labels`].
    Label,
    /// A name, normalized.
    Name(String),
}

impl KeyCell {
    fn of(cell: &str) -> KeyCell {
        let key = normalize_name(cell);
        if !key.contains(char::is_alphanumeric) || PLACEHOLDERS.contains(key.as_str()) {
            KeyCell::Blank
        } else if is_label_only(&key, &LINK_LABELS) {
            KeyCell::Label
        } else {
            KeyCell::Name(key)
        }
    }

    fn into_key(self) -> String {
        match self {
            KeyCell::Name(key) => key,
            KeyCell::Blank | KeyCell::Label => String::new(),
        }
    }
}

static LINK_LABELS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut set = HashSet::new();
    set.extend(defaults::link_labels().iter().map(|l| normalize_key(l)));
    set
});

static PLACEHOLDERS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut set = HashSet::new();
    set.extend(defaults::placeholders().iter().map(|p| normalize_key(p)));
    set
});

/// Whether a column's cells identify their rows: more of them hold a name than a link label
/// (a `Paper` column of `[pdf]` links does not), and at least half of the names differ (a
/// column that mostly repeats a few values groups rows rather than naming them), and not all
/// of them are one name (a table comparing settings of one model). Blank cells, placeholders
/// and marks count for neither.
fn identifies_rows(cells: &[Option<KeyCell>]) -> bool {
    let mut names: Vec<&str> = Vec::new();
    let mut labels = 0usize;
    for cell in cells.iter().flatten() {
        match cell {
            KeyCell::Blank => {}
            KeyCell::Label => labels += 1,
            KeyCell::Name(name) => names.push(name),
        }
    }
    if names.len() <= labels {
        return false;
    }
    let distinct: HashSet<&str> = names.iter().copied().collect();
    distinct.len() * 2 >= names.len() && (distinct.len() > 1 || names.len() == 1)
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

/// Whether a normalized header names two fields joined by `&`, `/`, `+`, `、` or `and`, the
/// first being `alias` (`title & authors`).
fn joined_match(header: &str, alias: &str) -> bool {
    let Some(rest) = header.strip_prefix(alias) else {
        return false;
    };
    let joined = rest.trim_start();
    joined.len() < rest.len() && joined.starts_with("and ")
        || joined.starts_with(['&', '/', '+', '、', '＆'])
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
        assert!(joined_match("title & authors", "title"));
        assert!(joined_match("model / link", "model"));
        assert!(joined_match("name and link", "name"));
        assert!(!joined_match("names & links", "name"));
        assert!(!joined_match("title", "title"));
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
