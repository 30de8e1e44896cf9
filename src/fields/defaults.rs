//! Defaults that rules share, from `rules/_defaults.toml`: what a rule file that leaves a
//! setting out gets.

use serde::Deserialize;
use std::sync::LazyLock;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Defaults {
    key_columns: Vec<String>,
    link_labels: Vec<String>,
    placeholders: Vec<String>,
}

static DEFAULTS: LazyLock<Defaults> = LazyLock::new(|| {
    toml::from_str(include_str!("../../rules/_defaults.toml"))
        .unwrap_or_else(|e| panic!("rules/_defaults.toml is invalid: {e}"))
});

/// Header aliases of a table's key column (what a row is about), tried in order: the default
/// of every rule's `key_columns`, and how exceptions and link findings name a row. A table with
/// none of them has no key column: the first column is never taken blindly.
pub fn key_columns() -> Vec<String> {
    DEFAULTS.key_columns.clone()
}

/// Words that label a link rather than name a thing (`pdf`, `code`, `论文`): a key cell of
/// nothing else gives its row no key.
pub fn link_labels() -> Vec<String> {
    DEFAULTS.link_labels.clone()
}

/// Values that mean "not known" in a column of allowed values.
pub fn placeholders() -> Vec<String> {
    DEFAULTS.placeholders.clone()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_defaults_file_parses() {
        assert!(super::key_columns().contains(&"模型名称".to_string()));
        assert!(super::placeholders().contains(&"未知".to_string()));
        assert!(super::link_labels().contains(&"pdf".to_string()));
    }
}
