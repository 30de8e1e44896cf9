//! `unresolved-reference`: a `同X` / `same as X` cell that names no row of the table.

use super::text::{normalize_key, plain_text};
use super::{Check, Finding, find_column};
use crate::document::{Document, Span};
use regex::Regex;
use std::sync::LazyLock;

/// `同LLaMa` at the start of a cell or sub-field (`数据量：同Alpaca`). Only a Latin name counts:
/// `同时`, `同样` are ordinary words.
static TONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[：:，,；;、\s])同\s*([A-Za-z][A-Za-z0-9._+\-]*(?: [A-Za-z0-9][A-Za-z0-9._+\-]*)*)",
    )
    .expect("valid regex")
});
static SAME_AS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bsame as\s+([A-Za-z0-9][A-Za-z0-9._+\-]*(?: [A-Za-z0-9][A-Za-z0-9._+\-]*)*)")
        .expect("valid regex")
});

pub struct UnresolvedReference {
    key_columns: Vec<String>,
}

impl UnresolvedReference {
    pub fn new(key_columns: &[String]) -> UnresolvedReference {
        UnresolvedReference {
            key_columns: key_columns.to_vec(),
        }
    }
}

impl Check for UnresolvedReference {
    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        for table in &doc.tables {
            let Some(key_column) = find_column(doc.source, table, &self.key_columns) else {
                continue;
            };
            // Keys are gathered only for a table that has references.
            let mut keys: Option<Vec<(String, String)>> = None;
            for row in table.rows.iter().filter(|r| may_refer(doc.text(&r.span))) {
                for (index, cell) in row.cells.iter().enumerate() {
                    if index == key_column {
                        continue;
                    }
                    for (name, span) in references(doc.source, cell.span()) {
                        let keys = keys.get_or_insert_with(|| {
                            table
                                .rows
                                .iter()
                                .filter_map(|r| r.cells.get(key_column))
                                .map(|c| {
                                    let text = doc.text(&c.span());
                                    (normalize_key(text), plain_text(text).trim().to_string())
                                })
                                .filter(|(k, _)| !k.is_empty())
                                .collect()
                        });
                        if resolves(&normalize_key(name), keys) {
                            continue;
                        }
                        let mut finding =
                            Finding::new(span, format!("`{name}` names no row of this table"))
                                .label("no row has this key");
                        finding = match closest(name, keys) {
                            Some(best) => finding.help(format!("did you mean `{best}`?")),
                            None => finding
                                .help("name the key of an existing row, or write the value out"),
                        };
                        out.push(finding);
                    }
                }
            }
        }
    }
}

/// The names referred to in a cell, with their spans.
fn references(source: &str, cell: Span) -> Vec<(&str, Span)> {
    let text = &source[cell.clone()];
    if !may_refer(text) {
        return Vec::new();
    }
    [&*TONG, &*SAME_AS]
        .iter()
        .flat_map(|re| re.captures_iter(text))
        .filter_map(|c| c.get(1))
        .map(|m| (m.as_str(), cell.start + m.start()..cell.start + m.end()))
        .collect()
}

/// A cheap test that `text` may hold a reference: most rows of a survey hold none.
fn may_refer(text: &str) -> bool {
    text.contains('同') || contains_ignore_ascii_case(text, "same as")
}

/// Case-insensitive (ASCII) substring test; `needle` starts with an ASCII letter. Only the
/// places where its first letter stands are compared, found with memchr.
fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    let (bytes, needle) = (text.as_bytes(), needle.as_bytes());
    let first = needle[0];
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        bytes,
    )
    .any(|i| {
        bytes
            .get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

/// A reference resolves when it is a key, or a key followed by a variant (`LLaMa-7B`).
fn resolves(name: &str, keys: &[(String, String)]) -> bool {
    keys.iter().any(|(key, _)| {
        name == key
            || name
                .strip_prefix(key.as_str())
                .is_some_and(|rest| rest.starts_with(|c: char| !c.is_alphanumeric()))
    })
}

fn closest<'k>(name: &str, keys: &'k [(String, String)]) -> Option<&'k str> {
    let name = name.to_lowercase();
    keys.iter()
        .map(|(key, shown)| (strsim::normalized_levenshtein(&name, key), shown))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, shown)| shown.as_str())
}
