//! Rules are data: one TOML file each, in the top-level `rules/` folder (embedded in the
//! binary) or in the user's own rule files. A rule names a check *kind* implemented in
//! [`crate::checks`] and listed in [`registry`], and gives it its settings.

pub mod registry;
mod spec;

pub use registry::CheckSpec;
pub use spec::{Example, RuleLevel, RuleSpec};

use crate::checks::Check;
use crate::diagnostic::Severity;
use std::sync::Arc;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

/// The file name and text of every built-in rule.
pub fn builtin_files() -> &'static [(&'static str, &'static str)] {
    embedded::BUILTIN_RULE_FILES
}

/// The built-in rules, parsed. The files are checked by the test suite, so a parse error here
/// is a bug in survey-lint, reported as such rather than as the user's fault.
pub fn builtin_specs() -> Vec<RuleSpec> {
    builtin_files()
        .iter()
        .map(|(file, text)| {
            RuleSpec::parse(text)
                .unwrap_or_else(|e| panic!("built-in rule file rules/{file} is invalid: {e}"))
        })
        .collect()
}

/// A rule ready to run: its spec, the severity in force, and its check.
pub struct Rule {
    pub spec: Arc<RuleSpec>,
    pub severity: Severity,
    pub check: Box<dyn Check>,
}

/// The rules of one run.
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// Every rule in `specs` that is not turned off, at the severity the config gives it.
    pub fn new(specs: Vec<RuleSpec>, level: impl Fn(&RuleSpec) -> RuleLevel) -> RuleSet {
        let rules = specs
            .into_iter()
            .filter_map(|spec| {
                let severity = match level(&spec) {
                    RuleLevel::Off => return None,
                    RuleLevel::Severity(s) => s,
                };
                Some(Rule {
                    check: spec.check.build(),
                    spec: Arc::new(spec),
                    severity,
                })
            })
            .collect();
        RuleSet { rules }
    }

    /// The built-in rules at their default levels (rules off by default left out).
    pub fn builtin() -> RuleSet {
        RuleSet::new(builtin_specs(), RuleSpec::default_level)
    }
}

/// Finds a rule by name or code, in any case.
pub fn find<'a>(specs: &'a [RuleSpec], query: &str) -> Option<&'a RuleSpec> {
    specs
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(query) || s.code.eq_ignore_ascii_case(query))
}
