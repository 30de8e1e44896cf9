//! `unresolved-reference`: a `同X` / `same as X` cell that names no row of the table.

use super::{Check, CheckContext, Kind};
use crate::diagnostic::{Finding, Sink};
use crate::document::{Document, Span, Table};
use crate::fields::defaults::key_columns;
use crate::fields::text::{normalize_key, plain_text};
use foldhash::HashSet;
use regex::Regex;
use serde::Deserialize;
use std::borrow::Cow;
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

/// The settings of an `unresolved-reference` rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnresolvedReferenceSettings {
    /// Header aliases of the key column, whose values references name.
    #[serde(default = "key_columns")]
    pub key_columns: Vec<String>,
}

impl Kind for UnresolvedReference {
    type Settings = UnresolvedReferenceSettings;

    fn new(settings: &UnresolvedReferenceSettings) -> UnresolvedReference {
        UnresolvedReference {
            key_columns: settings.key_columns.clone(),
            suggestion_budget: 2_000_000,
        }
    }
}

impl Check for UnresolvedReference {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let doc = cx.doc;
        for (t, table) in doc.tables.iter().enumerate() {
            let Some(key_column) = cx.key_column(t, &self.key_columns) else {
                continue;
            };
            let mut found = Vec::new();
            let referring = (0..table.row_count())
                .filter(|&i| (table.row_span(i)).is_some_and(|span| may_refer(doc.text(&span))));
            for row in referring.filter_map(|i| table.row(doc, i)) {
                for (index, cell) in row.cells.iter().enumerate() {
                    if index != key_column {
                        found.extend(references(doc.source, cell.span()));
                    }
                }
            }
            // Keys are gathered only for a table that has references.
            if found.is_empty() {
                continue;
            }
            let keys = Keys::new(cx, t, key_column);
            let known: HashSet<&str> = keys.keyed().map(|(k, _)| k).collect();
            let mut budget = self.suggestion_budget;
            for (name, span) in found {
                if resolves(&known, &normalize_key(name)) {
                    continue;
                }
                let finding = Finding::new(span, format!("`{name}` names no row of this table"))
                    .label("no row has this key");
                out.push(match keys.closest(name, &mut budget) {
                    Some(best) => finding.help(format!("did you mean `{best}`?")),
                    None => finding.help("name the key of an existing row, or write the value out"),
                });
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
struct Keys<'d> {
    doc: &'d Document<'d>,
    table: &'d Table,
    column: usize,
    /// The normalized key of every row (see [`CheckContext::row_keys`]).
    keys: Cow<'d, [Option<String>]>,
}

impl<'d> Keys<'d> {
    fn new(cx: &'d CheckContext<'d>, table: usize, column: usize) -> Keys<'d> {
        Keys {
            doc: cx.doc,
            table: &cx.doc.tables[table],
            column,
            keys: cx.row_keys(table, column),
        }
    }

    /// The key and row index of every row with a key, in row order.
    fn keyed(&self) -> impl Iterator<Item = (&str, usize)> {
        let keys = self.keys.iter().enumerate();
        keys.filter_map(|(row, key)| Some((key.as_deref().filter(|k| !k.is_empty())?, row)))
    }

    /// The key most like `name`, as shown in its row, if one is close enough and `budget` (key
    /// comparisons) allows looking.
    fn closest(&self, name: &str, budget: &mut usize) -> Option<String> {
        *budget = budget.checked_sub(self.keys.len())?;
        let name = name.to_lowercase();
        let (_, row) = self
            .keyed()
            .map(|(key, row)| (strsim::normalized_levenshtein(&name, key), row))
            .filter(|(score, _)| *score >= 0.6)
            .max_by(|a, b| a.0.total_cmp(&b.0))?;
        let cell = self
            .table
            .row(self.doc, row)?
            .cells
            .get(self.column)?
            .span();
        Some(plain_text(self.doc.text(&cell)).trim().to_string())
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
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    memchr::memchr2_iter(lower, upper, bytes).any(|i| {
        bytes
            .get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

/// A reference resolves when it is a key, or a key followed by a variant (`LLaMa-7B`).
fn resolves(known: &HashSet<&str>, name: &str) -> bool {
    known.contains(name)
        || name
            .char_indices()
            .any(|(i, c)| i > 0 && !c.is_alphanumeric() && known.contains(&name[..i]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> UnresolvedReferenceSettings {
        UnresolvedReferenceSettings {
            key_columns: vec!["模型名称".to_string()],
        }
    }

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
            ..UnresolvedReference::new(&settings())
        };
        check.check(&CheckContext::new(&doc, None), &mut out);
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
        UnresolvedReference::new(&settings()).check(&CheckContext::new(&doc, None), &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(&survey[out[0].span.clone()], "LLaMa7B");
    }
}
