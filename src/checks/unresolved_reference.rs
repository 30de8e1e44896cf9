//! `unresolved-reference`: a `同X` / `same as X` cell that names no row of the table.

use super::text::{normalize_key, plain_text};
use super::{Check, Finding, find_column};
use crate::document::{Document, Span, Table};
use foldhash::HashSet;
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
    /// Key comparisons allowed per table for "did you mean" suggestions: thousands of
    /// unresolved references in a table of thousands of rows must not cost their product.
    suggestion_budget: usize,
}

impl UnresolvedReference {
    pub fn new(key_columns: &[String]) -> UnresolvedReference {
        UnresolvedReference {
            key_columns: key_columns.to_vec(),
            suggestion_budget: 2_000_000,
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
            let mut keys: Option<Keys> = None;
            for row in table.rows.iter().filter(|r| may_refer(doc.text(&r.span))) {
                for (index, cell) in row.cells.iter().enumerate() {
                    if index == key_column {
                        continue;
                    }
                    for (name, span) in references(doc.source, cell.span()) {
                        let keys = keys.get_or_insert_with(|| {
                            Keys::new(doc, table, key_column, self.suggestion_budget)
                        });
                        if keys.resolves(&normalize_key(name)) {
                            continue;
                        }
                        let mut finding =
                            Finding::new(span, format!("`{name}` names no row of this table"))
                                .label("no row has this key");
                        finding = match keys.closest(name) {
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
    let mut found = Vec::new();
    for (re, present) in [
        (&*TONG, text.contains('同')),
        (&*SAME_AS, contains_ignore_ascii_case(text, "same as")),
    ] {
        if present {
            let names = re.captures_iter(text).filter_map(|c| c.get(1));
            found.extend(names.map(|m| (m.as_str(), cell.start + m.start()..cell.start + m.end())));
        }
    }
    found
}

/// The keys of one table, for resolving references and suggesting the closest.
struct Keys {
    normalized: HashSet<String>,
    /// (normalized, as shown) of every row with a key, in row order.
    rows: Vec<(String, String)>,
    /// Key comparisons left for suggestions.
    budget: usize,
}

impl Keys {
    fn new(doc: &Document<'_>, table: &Table, key_column: usize, budget: usize) -> Keys {
        let rows: Vec<(String, String)> = table
            .rows
            .iter()
            .filter_map(|r| r.cells.get(key_column))
            .map(|c| {
                let text = doc.text(&c.span());
                (normalize_key(text), plain_text(text).trim().to_string())
            })
            .filter(|(k, _)| !k.is_empty())
            .collect();
        Keys {
            normalized: rows.iter().map(|(k, _)| k.clone()).collect(),
            rows,
            budget,
        }
    }

    /// A reference resolves when it is a key, or a key followed by a variant (`LLaMa-7B`).
    fn resolves(&self, name: &str) -> bool {
        self.normalized.contains(name)
            || name
                .char_indices()
                .any(|(i, c)| i > 0 && !c.is_alphanumeric() && self.normalized.contains(&name[..i]))
    }

    /// The key most like `name`, as shown, if one is close enough.
    fn closest(&mut self, name: &str) -> Option<&str> {
        self.budget = self.budget.checked_sub(self.rows.len())?;
        let name = name.to_lowercase();
        self.rows
            .iter()
            .map(|(key, shown)| (strsim::normalized_levenshtein(&name, key), shown))
            .filter(|(score, _)| *score >= 0.6)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, shown)| shown.as_str())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_is_reported_and_suggestions_stop_at_the_budget() {
        let rows = 300;
        let mut survey = String::from("| 模型名称 | 模型架构 |\n|---|---|\n");
        for i in 0..rows {
            survey.push_str(&format!("| Model-{i} | 同Modle-{i} |\n"));
        }
        let doc = Document::parse(&survey);
        let mut out = Vec::new();
        let check = UnresolvedReference {
            suggestion_budget: 100 * rows,
            ..UnresolvedReference::new(&["模型名称".to_string()])
        };
        check.check(&doc, &mut out);
        assert_eq!(out.len(), rows);
        let suggested = out
            .iter()
            .filter(|f| {
                f.help
                    .as_deref()
                    .is_some_and(|h| h.starts_with("did you mean"))
            })
            .count();
        assert_eq!(suggested, 100);
        assert_eq!(out[0].help.as_deref(), Some("did you mean `Model-0`?"));
    }

    #[test]
    fn a_key_with_a_variant_resolves() {
        let survey = "| 模型名称 | 模型架构 |\n|---|---|\n| LLaMa | x |\n| A | 同LLaMa-7B |\n| B | 同LLaMa7B |\n";
        let doc = Document::parse(survey);
        let mut out = Vec::new();
        UnresolvedReference::new(&["模型名称".to_string()]).check(&doc, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(&survey[out[0].span.clone()], "LLaMa7B");
    }
}
