//! Accepted exceptions from `survey-lint.toml`: findings a maintainer has looked at and accepts,
//! by rule and row key, or by URL pattern.
//!
//! ```toml
//! [[exceptions]]
//! rule = "duplicate-link"                 # name or code; all rules when left out
//! key = "alpaca-13b"                      # the row's key (Model, 模型名称 …)
//! reason = "the 13B model has no page of its own"
//!
//! [[exceptions]]
//! url = "https://vicuna.lmsys.org/*"      # a glob on the finding's URL
//! ```

use crate::fields::text::normalize_key;
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use toml::Spanned;

/// One `[[exceptions]]` entry as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionSpec {
    pub rule: Option<String>,
    pub key: Option<String>,
    pub url: Option<Spanned<String>>,
    /// Why it is accepted; for the reader of the config.
    pub reason: Option<String>,
}

/// An exception ready to match findings.
#[derive(Debug, Clone)]
pub struct Exception {
    rule: Option<String>,
    key: Option<String>,
    url: Option<GlobMatcher>,
}

/// What a finding is about, for matching exceptions.
pub struct Subject<'a> {
    pub rule_name: &'a str,
    pub rule_code: &'a str,
    /// The normalized key of the row the finding is in.
    pub key: Option<&'a str>,
    pub url: Option<&'a str>,
}

impl Exception {
    pub fn new(spec: &ExceptionSpec) -> Result<Exception, String> {
        if spec.key.is_none() && spec.url.is_none() {
            return Err("an exception needs a `key` or a `url`".into());
        }
        let url = match &spec.url {
            Some(pattern) => Some(
                Glob::new(pattern.get_ref())
                    .map_err(|e| format!("invalid URL pattern: {e}"))?
                    .compile_matcher(),
            ),
            None => None,
        };
        Ok(Exception {
            rule: spec.rule.clone(),
            key: spec.key.as_deref().map(normalize_key),
            url,
        })
    }

    pub fn matches(&self, subject: &Subject<'_>) -> bool {
        let rule = self.rule.as_deref().is_none_or(|r| {
            r.eq_ignore_ascii_case(subject.rule_name) || r.eq_ignore_ascii_case(subject.rule_code)
        });
        let key = self.key.as_deref().is_none_or(|k| subject.key == Some(k));
        let url = self
            .url
            .as_ref()
            .is_none_or(|glob| subject.url.is_some_and(|u| glob.is_match(u)));
        rule && key && url
    }
}
