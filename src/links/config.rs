use serde::Deserialize;

/// The `[links]` table of `survey-lint.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkConfig {
    /// `true`, or a list of addresses / CIDRs that may be requested although private.
    #[serde(default)]
    pub allow_private: AllowPrivate,
}

/// `links.allow_private`: `false` (the default), `true`, or a list of addresses and CIDRs.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum AllowPrivate {
    All(bool),
    List(Vec<String>),
}

impl Default for AllowPrivate {
    fn default() -> Self {
        AllowPrivate::All(false)
    }
}
