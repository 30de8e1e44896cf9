use super::registry::CheckSpec;
use crate::diagnostic::Severity;
use serde::Deserialize;

/// One rule file, as written in `rules/*.toml` or a user's own rule file.
#[derive(Debug, Clone)]
pub struct RuleSpec {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub severity: Severity,
    /// Whether the rule runs when the config says nothing of it (`enabled = false` in the rule
    /// file: off until the config gives it a severity).
    pub enabled: bool,
    pub docs: String,
    pub check: CheckSpec,
    pub examples: Vec<Example>,
}

impl RuleSpec {
    /// The level of the rule when the config says nothing of it.
    pub fn default_level(&self) -> RuleLevel {
        if self.enabled {
            RuleLevel::Severity(self.severity)
        } else {
            RuleLevel::Off
        }
    }

    /// The default level as `rules` and `explain` print it: `error`, `warning`, `info`, `off`.
    pub fn default_text(&self) -> &'static str {
        if self.enabled {
            self.severity.as_str()
        } else {
            "off"
        }
    }
    /// Parses a rule file: its check's `kind` first, then the whole file with that kind's
    /// settings type, so that an error in a setting is reported where it stands.
    pub fn parse(text: &str) -> Result<RuleSpec, toml::de::Error> {
        #[derive(Deserialize)]
        struct KindOnly<K> {
            check: CheckKind<K>,
        }
        #[derive(Deserialize)]
        struct CheckKind<K> {
            kind: K,
        }
        /// A kind name that the registry knows; an error at the name otherwise.
        struct KnownKind;
        impl<'de> Deserialize<'de> for KnownKind {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let name = String::deserialize(d)?;
                match CheckSpec::KINDS.contains(&name.as_str()) {
                    true => Ok(KnownKind),
                    false => Err(serde::de::Error::unknown_variant(&name, CheckSpec::KINDS)),
                }
            }
        }
        let Ok(only) = toml::from_str::<KindOnly<String>>(text) else {
            // No kind to choose by: a broken file, or no `[check]` table. Parsing it whole
            // says what is wrong, and where.
            return CheckSpec::parse_rule_file(CheckSpec::KINDS[0], text, build)
                .expect("the first kind is a kind");
        };
        match CheckSpec::parse_rule_file(&only.check.kind, text, build) {
            Some(parsed) => parsed,
            // An unknown kind: read again to have the error at the name.
            None => match toml::from_str::<KindOnly<KnownKind>>(text) {
                Err(unknown_kind) => Err(unknown_kind),
                Ok(_) => CheckSpec::parse_rule_file(CheckSpec::KINDS[0], text, build)
                    .expect("the first kind is a kind"),
            },
        }
    }
}

fn build(check: CheckSpec, head: super::registry::Head) -> RuleSpec {
    RuleSpec {
        code: head.code,
        name: head.name,
        summary: head.summary,
        severity: head.severity,
        enabled: head.enabled,
        docs: head.docs,
        check,
        examples: head.examples,
    }
}

/// A documented example, run as a test: an `invalid` one must fire, a `valid` one must not.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub valid: Option<String>,
    pub invalid: Option<String>,
}

/// A severity, or `off`, as the config sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Off,
    #[serde(untagged)]
    Severity(Severity),
}
