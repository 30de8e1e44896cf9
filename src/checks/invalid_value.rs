//! `invalid-value`: a cell outside its column's allowed values.

use super::{Check, CheckContext, Kind};
use crate::diagnostic::{Finding, Sink};
use crate::fields::columns::find_column;
use crate::fields::text::{normalize_key, plain_text};
use regex::Regex;
use serde::{Deserialize, Deserializer};

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
    /// A regular expression the whole value must match, compiled when the rule file is read.
    #[serde(default)]
    pub pattern: Option<WholeMatch>,
    /// Values that mean "not known" and are never reported.
    #[serde(default = "crate::fields::defaults::placeholders")]
    pub placeholders: Vec<String>,
}

/// A regular expression that must match a whole value: the pattern as written, for messages,
/// and compiled anchored at both ends.
#[derive(Debug, Clone)]
pub struct WholeMatch {
    pub written: String,
    regex: Regex,
}

impl<'de> Deserialize<'de> for WholeMatch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let written = String::deserialize(d)?;
        // Checked alone first, so that the error names the pattern as written.
        crate::fields::pattern::regex(&written)
            .and_then(|_| crate::fields::pattern::regex(&format!("^(?:{written})$")))
            .map(|regex| WholeMatch { written, regex })
            .map_err(|e| serde::de::Error::custom(format!("invalid regular expression: {e}")))
    }
}

pub struct InvalidValue {
    settings: ValueSettings,
    allowed: Vec<String>,
    prefixes: Vec<String>,
    placeholders: Vec<String>,
}

impl Kind for InvalidValue {
    type Settings = ValueSettings;

    fn new(settings: &ValueSettings) -> InvalidValue {
        let normalize_all = |v: &[String]| v.iter().map(|s| normalize_key(s)).collect();
        InvalidValue {
            allowed: normalize_all(&settings.allowed),
            prefixes: normalize_all(&settings.allowed_prefixes),
            placeholders: normalize_all(&settings.placeholders),
            settings: settings.clone(),
        }
    }
}

impl InvalidValue {
    fn accepts(&self, value: &str) -> bool {
        if self.placeholders.iter().any(|p| p == value) {
            return true;
        }
        let listed = self.allowed.is_empty() && self.prefixes.is_empty()
            || self.allowed.iter().any(|a| a == value)
            || self.prefixes.iter().any(|p| value.starts_with(p.as_str()));
        let pattern = self.settings.pattern.as_ref();
        listed && pattern.is_none_or(|p| p.regex.is_match(value))
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
            parts.push(format!("match `{}`", p.written));
        }
        parts.join(" or ")
    }
}

impl Check for InvalidValue {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let doc = cx.doc;
        for table in &doc.tables {
            let Some(column) = find_column(doc.source, table, &self.settings.columns) else {
                continue;
            };
            let header = plain_text(doc.text(&table.header.cells[column].span())).into_owned();
            for row in 0..table.row_count() {
                let Some(cell) = table.cell(doc.source, row, column) else {
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
