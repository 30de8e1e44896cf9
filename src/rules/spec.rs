use serde::{Deserialize, Serialize};
use std::fmt;

/// One rule file, as written in `rules/*.toml` or a user's own rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub severity: Severity,
    pub docs: String,
    pub check: CheckSpec,
    #[serde(default)]
    pub examples: Vec<Example>,
}

impl RuleSpec {
    pub fn parse(text: &str) -> Result<RuleSpec, toml::de::Error> {
        toml::from_str(text)
    }

    /// Checks what parsing cannot: regular expressions compile. On error, the message and the
    /// text to point at in the file.
    pub fn validate(&self) -> Result<(), (String, Option<String>)> {
        let patterns: Vec<&String> = match &self.check {
            CheckSpec::InvalidValue(settings) => settings.pattern.iter().collect(),
            CheckSpec::DuplicateLink { ignore_urls, .. } => ignore_urls.iter().collect(),
            _ => Vec::new(),
        };
        for pattern in patterns {
            if let Err(e) = regex::Regex::new(pattern) {
                return Err((
                    format!("invalid regular expression: {e}"),
                    Some(pattern.clone()),
                ));
            }
        }
        Ok(())
    }
}

/// A documented example, run as a test: an `invalid` one must fire, a `valid` one must not.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub valid: Option<String>,
    pub invalid: Option<String>,
}

/// The check kind a rule runs, with its settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum CheckSpec {
    DuplicateRow,
    EmptyRow,
    ColumnCount,
    DuplicateKey {
        /// Header aliases of the key column, e.g. `模型名称`, `Model`.
        #[serde(default = "crate::checks::key_columns")]
        key_columns: Vec<String>,
        /// Key values that mean "no value" and are never compared.
        #[serde(default)]
        placeholders: Vec<String>,
    },
    GluedUrl,
    UrlRunsIntoText,
    MalformedUrl,
    DuplicateLink {
        /// Header aliases of the key column, whose links identify the row.
        #[serde(default = "crate::checks::key_columns")]
        key_columns: Vec<String>,
        /// Header aliases of other columns whose links identify the row (`Link`, `官网`).
        #[serde(default)]
        link_columns: Vec<String>,
        /// Regular expressions of URLs that rows share by nature (a paper for a model family).
        #[serde(default)]
        ignore_urls: Vec<String>,
    },
    InvalidValue(crate::checks::invalid_value::ValueSettings),
    UnresolvedReference {
        #[serde(default = "crate::checks::key_columns")]
        key_columns: Vec<String>,
    },
    /// What the link checker found: runs only when links are checked (not `--offline`).
    LinkStatus {
        verdict: crate::checks::link_status::VerdictKind,
    },
    MalformedCompute(crate::checks::compute::ComputeSettings),
    MalformedQuantity(crate::checks::quantity::QuantitySettings),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity, or `off`, as the config sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Off,
    #[serde(untagged)]
    Severity(Severity),
}
