//! Precision on tables as real surveys write them: each class of layout that misled a rule has
//! a fixture, `tests/fixtures/RULE/CLASS.{pass,fail}.md`, linted with every built-in rule at
//! its default severity (offline). A pass fixture gives no finding at all; a fail fixture gives
//! exactly the findings listed.

use crate::support::{fixture, read, survey_lint};
use std::sync::Arc;
use survey_lint::engine::Linter;
use survey_lint::rules::{self, RuleLevel, RuleSet};

/// (rule, line, message) of every finding on `tests/fixtures/FILE`.
fn findings(file: &str) -> Vec<(String, usize, String)> {
    let source = read(&fixture(file));
    let rules = RuleSet::new(rules::builtin_specs(), |s| RuleLevel::Severity(s.severity));
    let report = Linter::new(rules).lint(file.into(), Arc::new(source), None);
    report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.rule.name.clone(),
                d.start.line,
                d.finding.message.to_string(),
            )
        })
        .collect()
}

fn assert_silent(file: &str) {
    let found = findings(file);
    assert!(found.is_empty(), "{file}: {found:#?}");
}

/// Asserts the findings of `file` are exactly `expected`: (rule, line, start of the message).
fn assert_finds(file: &str, expected: &[(&str, usize, &str)]) {
    let found = findings(file);
    let matches = found.len() == expected.len()
        && found
            .iter()
            .zip(expected)
            .all(|((rule, line, message), (r, l, m))| {
                rule == r && line == l && message.starts_with(m)
            });
    assert!(matches, "{file}: expected {expected:#?}, found {found:#?}");
}

#[test]
fn a_paper_column_of_pdf_labels_is_not_a_key() {
    let file = "duplicate-key/pdf-labels.pass.md";
    let source = read(&fixture(file));
    assert!(source.matches("[[pdf]]").count() >= 30);
    assert_silent(file);
}

#[test]
fn keys_are_compared_as_a_reader_sees_them() {
    assert_finds(
        "duplicate-key/as-seen.fail.md",
        &[
            (
                "duplicate-key",
                7,
                "key `YOCO You only cache once` is already used by row 5",
            ),
            (
                "duplicate-key",
                12,
                "key `Alaya-Chat` is already used by row 11",
            ),
            (
                "duplicate-key",
                14,
                "key `Vulture` is already used by row 13",
            ),
        ],
    );
}

#[test]
fn sizes_and_versions_of_one_family_are_not_duplicate_keys() {
    assert_silent("duplicate-key/variants.pass.md");
}

#[test]
fn one_paper_under_two_titles_is_a_duplicate_link() {
    assert_finds(
        "duplicate-link/paper-table.fail.md",
        &[
            (
                "duplicate-link",
                6,
                "`https://arxiv.org/pdf/2303.11366v2.pdf` is also linked in row 5, under another title",
            ),
            (
                "duplicate-link",
                8,
                "`https://openreview.net/pdf?id=wGa2plE8ka` is also linked in row 7, under another title",
            ),
            (
                "duplicate-link",
                13,
                "`https://arxiv.org/abs/2306.03091` is also linked in row 12, under another title",
            ),
        ],
    );
}

#[test]
fn links_shared_by_nature_are_not_duplicate_links() {
    let file = "duplicate-link/shared-by-nature.pass.md";
    let found = findings(file);
    // The Mooncake row listed twice is `duplicate-key`'s, not `duplicate-link`'s.
    let rules: Vec<&str> = found.iter().map(|(r, _, _)| r.as_str()).collect();
    assert_eq!(rules, ["duplicate-key"], "{found:#?}");
}

#[test]
fn rows_are_compared_as_a_reader_sees_them() {
    assert_finds(
        "duplicate-row/as-seen.fail.md",
        &[("duplicate-row", 7, "row duplicates row 5")],
    );
    assert_silent("duplicate-row/as-seen.pass.md");
}

#[test]
fn cells_past_the_last_column_that_hold_a_comment_are_not_lost() {
    assert_silent("column-count/hidden-cells.pass.md");
    assert_finds(
        "column-count/hidden-cells.fail.md",
        &[
            ("column-count", 6, "row has 4 cells, header has 3"),
            ("column-count", 7, "row has 4 cells, header has 3"),
        ],
    );
}

#[test]
fn numbers_as_tables_write_them() {
    assert_finds(
        "malformed-quantity/fail.md",
        &[
            (
                "malformed-quantity",
                5,
                "`1.4` has no unit, unlike `1T` before it",
            ),
            ("malformed-quantity", 6, "unit `B` is doubled in `13BB`"),
            (
                "malformed-quantity",
                7,
                "`71.M` has a decimal point with no digits after it",
            ),
            ("malformed-quantity", 8, "range `17-13B` runs downwards"),
        ],
    );
    // Train/test counts parse; spacing-only differences are style, for their own rule (info).
    // (The fixture borrows a compute value with no duration from the founding survey.)
    assert_finds(
        "malformed-quantity/pass.md",
        &[
            ("malformed-compute", 8, "compute `384 A100` has no duration"),
            (
                "inconsistent-unit-spacing",
                31,
                "`7 B` has a space before its unit",
            ),
            (
                "inconsistent-unit-spacing",
                32,
                "`52k` has no space before its unit",
            ),
        ],
    );
}

#[test]
fn urls_glued_after_a_slash_unless_a_service_carries_them() {
    assert_silent("glued-url/pass.md");
    let found = findings("glued-url/fail.md");
    assert!(
        found.iter().any(|(rule, line, message)| rule == "glued-url"
            && *line == 13
            && message.starts_with(
                "two URLs are glued together after a slash: `https://example.com/blog/agents/`"
            )),
        "{found:#?}"
    );
}

#[test]
fn file_sizes_in_size_columns_are_not_parameter_counts() {
    let file = "malformed-quantity/byte-sizes.pass.md";
    assert_silent(file);
    let output = survey_lint()
        .args(["extract", "--format", "json"])
        .arg(fixture(file))
        .output()
        .expect("run survey-lint");
    assert_eq!(output.status.code(), Some(0));
    let records: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let records = records.as_array().expect("records");
    let parameters: Vec<(&str, &serde_json::Value)> = records
        .iter()
        .map(|r| {
            let fields = &r["fields"];
            let size = ["大小", "模型大小", "Size"]
                .iter()
                .find_map(|h| fields[h].as_str())
                .expect("a size cell");
            (size, &r["normalized"]["parameters"])
        })
        .collect();
    let none = serde_json::Value::Null;
    assert_eq!(
        parameters,
        [
            ("24.7 GB", &none),
            ("12.9 GB", &none),
            ("1.5 GB", &none),
            ("12.9 GB", &none),
            ("6.8 GB", &none),
            ("3.7 GB", &none),
            ("13B", &serde_json::json!([13e9])),
            ("500 MB", &none),
            ("3.9 GiB", &none),
            ("512 bytes", &none),
        ]
    );
}
