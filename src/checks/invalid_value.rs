//! `invalid-value`: a cell outside its column's allowed values.

use super::text::{normalize_key, plain_text};
use super::{Check, Finding, find_column};
use crate::document::Document;
use regex::Regex;
use serde::Deserialize;

/// Settings of an `invalid-value` check: which columns, and what they may hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueSettings {
    /// Header aliases of the columns the rule applies to.
    pub columns: Vec<String>,
    /// Whole values allowed (compared as a reader sees them, in any case and width).
    #[serde(default)]
    pub allowed: Vec<String>,
    /// Prefixes allowed, optionally followed by a qualifier: `是` allows `是，SFT`.
    #[serde(default)]
    pub allowed_prefixes: Vec<String>,
    /// A regular expression the whole value must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Values that mean "not known" and are never reported.
    #[serde(default = "default_placeholders")]
    pub placeholders: Vec<String>,
}

fn default_placeholders() -> Vec<String> {
    [
        "", "-", "--", "—", "/", "n/a", "na", "?", "未知", "todo", "tbd",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

pub struct InvalidValue {
    settings: ValueSettings,
    allowed: Vec<String>,
    prefixes: Vec<String>,
    placeholders: Vec<String>,
    pattern: Option<Regex>,
}

impl InvalidValue {
    /// The pattern was compiled when the rule file was loaded (see `RuleSpec::validate`).
    pub fn new(settings: &ValueSettings) -> InvalidValue {
        let normalize_all = |v: &[String]| v.iter().map(|s| normalize_key(s)).collect();
        InvalidValue {
            allowed: normalize_all(&settings.allowed),
            prefixes: normalize_all(&settings.allowed_prefixes),
            placeholders: normalize_all(&settings.placeholders),
            pattern: settings
                .pattern
                .as_deref()
                .and_then(|p| Regex::new(&format!("^(?:{p})$")).ok()),
            settings: settings.clone(),
        }
    }

    fn accepts(&self, value: &str) -> bool {
        if self.placeholders.iter().any(|p| p == value) {
            return true;
        }
        let listed = self.allowed.is_empty() && self.prefixes.is_empty()
            || self.allowed.iter().any(|a| a == value)
            || self.prefixes.iter().any(|p| value.starts_with(p.as_str()));
        listed && self.pattern.as_ref().is_none_or(|re| re.is_match(value))
    }

    fn expectation(&self) -> String {
        let mut parts = Vec::new();
        let quoted = |v: &[String]| {
            v.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.settings.allowed.is_empty() {
            parts.push(format!("one of {}", quoted(&self.settings.allowed)));
        }
        if !self.settings.allowed_prefixes.is_empty() {
            parts.push(format!(
                "start with {}",
                quoted(&self.settings.allowed_prefixes)
            ));
        }
        if let Some(p) = &self.settings.pattern {
            parts.push(format!("match `{p}`"));
        }
        parts.join(" or ")
    }
}

impl Check for InvalidValue {
    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        for table in &doc.tables {
            let Some(column) = find_column(doc.source, table, &self.settings.columns) else {
                continue;
            };
            let header = plain_text(doc.text(&table.header.cells[column].span())).into_owned();
            for row in &table.rows {
                let Some(cell) = row.cells.get(column) else {
                    continue;
                };
                let value = normalize_key(doc.text(&cell.span()));
                if self.accepts(&value) {
                    continue;
                }
                out.push(
                    Finding::new(
                        cell.span(),
                        format!(
                            "`{}` is not an allowed value of column `{header}`",
                            plain_text(doc.text(&cell.span())).trim()
                        ),
                    )
                    .label("not allowed here")
                    .related(table.header.cells[column].span(), "this column")
                    .help(format!("values of this column must {}", self.expectation())),
                );
            }
        }
    }
}
