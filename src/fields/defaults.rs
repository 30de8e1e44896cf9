//! Defaults that rules share, from `rules/_defaults.toml`: what a rule file that leaves a
//! setting out gets.

use super::lexicon::Lexicon;
use serde::Deserialize;
use std::sync::LazyLock;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Defaults {
    key_columns: Vec<String>,
    link_labels: Vec<String>,
    placeholders: Vec<String>,
    parameter_columns: Vec<String>,
    data_columns: Vec<String>,
    quantity_labels: Vec<String>,
    quantity_other_labels: Vec<String>,
    count_units: Lexicon<f64>,
    byte_units: Lexicon<f64>,
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

/// Header aliases of parameter-count columns (`参数量`, `Params`, `大小`).
pub fn parameter_columns() -> Vec<String> {
    DEFAULTS.parameter_columns.clone()
}

/// Header aliases of data-size columns (`数据量`, `Tokens`).
pub fn data_columns() -> Vec<String> {
    DEFAULTS.data_columns.clone()
}

/// Labels that introduce a quantity inside a cell (`数据量：`).
pub fn quantity_labels() -> Vec<String> {
    DEFAULTS.quantity_labels.clone()
}

/// Labels of other sub-fields, which end a quantity (`运算量：`).
pub fn quantity_other_labels() -> Vec<String> {
    DEFAULTS.quantity_other_labels.clone()
}

/// Count units → multiplier (`B` = 1e9, `万` = 1e4).
pub fn count_units() -> Lexicon<f64> {
    DEFAULTS.count_units.clone()
}

/// Byte units → bytes (`TB` = 1e12).
pub fn byte_units() -> Lexicon<f64> {
    DEFAULTS.byte_units.clone()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_defaults_file_parses() {
        assert!(super::key_columns().contains(&"模型名称".to_string()));
        assert!(super::placeholders().contains(&"未知".to_string()));
        assert!(super::link_labels().contains(&"pdf".to_string()));
        assert!(super::parameter_columns().contains(&"大小".to_string()));
        assert!(
            super::count_units()
                .iter()
                .any(|(u, f)| u == "B" && *f == 1e9)
        );
    }
}
