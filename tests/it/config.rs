//! survey-lint.toml: user rule files, accepted exceptions, broken configs; inline suppression.

use crate::support::{rule_lines, survey_lint};
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn check_in(dir: &Path, args: &[&str]) -> (serde_json::Value, i32, String) {
    let output = survey_lint()
        .args(["check", "--offline", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (json, output.status.code().unwrap_or(-1), stderr)
}

const LICENSE_RULE: &str = r#"
code = "X001"
name = "license-value"
summary = "Licence must be a known identifier"
severity = "error"
docs = "Licences must come from the project's list."

[check]
kind = "invalid-value"
columns = ["License", "Licence"]
allowed = ["Apache-2.0", "MIT", "CC-BY-4.0"]

[[examples]]
invalid = "| Model | License |\n|---|---|\n| X | WTFPL |"
"#;

#[test]
fn a_user_rule_file_declares_a_column_rule_without_rust() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "survey-lint.toml",
        "rule_files = [\"lint/license.toml\"]\n",
    );
    write(dir.path(), "lint/license.toml", LICENSE_RULE);
    write(
        dir.path(),
        "models.md",
        "| Model | License |\n|---|---|\n| Falcon | Apache-2.0 |\n| Llama 2 | Llama 2 Community |\n| Phi | mit |\n",
    );
    let (json, status, stderr) = check_in(dir.path(), &["models.md"]);
    assert_eq!(status, 1, "{stderr}");
    assert_eq!(rule_lines(&json), [("license-value".to_string(), 4)]);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "X001");
    assert!(d["help"].as_str().unwrap().contains("`Apache-2.0`"), "{d}");
}

#[test]
fn a_broken_rule_file_is_reported_at_its_line_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "survey-lint.toml",
        "rule_files = [\"bad.toml\"]\n",
    );
    write(
        dir.path(),
        "bad.toml",
        &LICENSE_RULE.replace("allowed = [", "pattern = '([a-z'\nallowed = ["),
    );
    write(dir.path(), "a.md", "| a |\n|---|\n| x |\n");
    let (_, status, stderr) = check_in(dir.path(), &["a.md"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("invalid regular expression"), "{stderr}");
    // The span of the TOML value, quotes included, as `toml::Spanned` gives it.
    assert!(stderr.contains("bad.toml:11:11"), "{stderr}");
}

#[test]
fn a_missing_rule_file_points_at_its_entry_in_the_config() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "survey-lint.toml",
        "[rules]\n\nrule_files = 3\n",
    );
    let (_, status, stderr) = check_in(dir.path(), &["."]);
    assert_eq!(status, 2);
    assert!(stderr.contains("survey-lint.toml:3:"), "{stderr}");
    write(
        dir.path(),
        "survey-lint.toml",
        "rule_files = [\"nope.toml\"]\n",
    );
    let (_, status, stderr) = check_in(dir.path(), &["."]);
    assert_eq!(status, 2);
    assert!(stderr.contains("cannot read rule file"), "{stderr}");
    assert!(stderr.contains("survey-lint.toml:1:15"), "{stderr}");
}

#[test]
fn unknown_rules_and_keys_in_the_config_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "survey-lint.toml",
        "[rules]\nduplicate-rows = \"off\"\n",
    );
    let (_, status, stderr) = check_in(dir.path(), &["."]);
    assert_eq!(status, 2);
    assert!(stderr.contains("unknown rule `duplicate-rows`"), "{stderr}");
    write(dir.path(), "survey-lint.toml", "[rulez]\n");
    let (_, status, _) = check_in(dir.path(), &["."]);
    assert_eq!(status, 2);
}

#[test]
fn an_explicit_config_wins_over_discovery() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "survey-lint.toml",
        "[rules]\nempty-row = \"off\"\n",
    );
    write(
        dir.path(),
        "strict.toml",
        "[rules]\nempty-row = \"error\"\n",
    );
    write(dir.path(), "a.md", "| a |\n|---|\n| x |\n| |\n");
    let (json, _, _) = check_in(dir.path(), &["a.md"]);
    assert!(rule_lines(&json).is_empty());
    let (json, status, _) = check_in(dir.path(), &["--config", "strict.toml", "a.md"]);
    assert_eq!(status, 1);
    assert_eq!(rule_lines(&json), [("empty-row".to_string(), 4)]);
}

#[test]
fn exceptions_accept_findings_by_rule_and_key_or_by_url() {
    let dir = tempfile::tempdir().unwrap();
    let survey = "| Model | Link |\n|---|---|\n| alpaca-7b | https://crfm.example/alpaca |\n| alpaca-13b | https://crfm.example/alpaca |\n| Vicuna | x |\n| Vicuna | y |\n| Other | https://a.example/bhttps://b.example/c |\n";
    write(dir.path(), "a.md", survey);
    let (json, _, _) = check_in(dir.path(), &["a.md"]);
    let all = rule_lines(&json);
    assert!(all.contains(&("duplicate-link".to_string(), 4)), "{all:?}");
    assert!(all.contains(&("duplicate-key".to_string(), 6)), "{all:?}");
    assert!(all.contains(&("glued-url".to_string(), 7)), "{all:?}");
    write(
        dir.path(),
        "survey-lint.toml",
        "[[exceptions]]\nrule = \"duplicate-link\"\nkey = \"Alpaca-13B\"\nreason = \"no page of its own\"\n\n[[exceptions]]\nrule = \"SL104\"\nkey = \"vicuna\"\n\n[[exceptions]]\nurl = \"https://a.example/*\"\n",
    );
    let (json, status, stderr) = check_in(dir.path(), &["a.md"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(rule_lines(&json).is_empty(), "{json}");
}

#[test]
fn an_exception_by_key_accepts_a_finding_about_the_whole_row() {
    let dir = tempfile::tempdir().unwrap();
    let survey = "| Model | Size |\n|---|---|\n| Vicuna | 7B |\n| Vicuna | 7B |\n| Alpaca | 7B |\n| Alpaca | 7B |\n";
    write(dir.path(), "a.md", survey);
    write(
        dir.path(),
        "survey-lint.toml",
        "[[exceptions]]\nrule = \"duplicate-row\"\nkey = \"vicuna\"\n",
    );
    let (json, _, stderr) = check_in(dir.path(), &["a.md"]);
    assert_eq!(
        rule_lines(&json),
        [("duplicate-row".to_string(), 6)],
        "{stderr}"
    );
}

#[test]
fn an_exception_without_key_or_url_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "survey-lint.toml",
        "[[exceptions]]\nrule = \"duplicate-row\"\n",
    );
    let (_, status, stderr) = check_in(dir.path(), &["."]);
    assert_eq!(status, 2);
    assert!(stderr.contains("needs a `key` or a `url`"), "{stderr}");
}

const DUPLICATES: &str = "| a | b |\n|---|---|\n| x | y |\n| x | y |\n";

fn suppressed(text: &str) -> Vec<(String, u64)> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", text);
    let (json, _, _) = check_in(dir.path(), &["a.md"]);
    rule_lines(&json)
}

#[test]
fn disable_and_enable_comments_suppress_a_region() {
    let text = format!(
        "<!-- survey-lint-disable duplicate-row -->\n\n{DUPLICATES}\n<!-- survey-lint-enable duplicate-row -->\n\n{DUPLICATES}"
    );
    assert_eq!(suppressed(&text), [("duplicate-row".to_string(), 13)]);
    let all = format!("<!-- survey-lint-disable -->\n\n{DUPLICATES}| | |\n");
    assert!(suppressed(&all).is_empty());
    let other = format!("<!-- survey-lint-disable empty-row -->\n\n{DUPLICATES}");
    assert_eq!(suppressed(&other), [("duplicate-row".to_string(), 6)]);
}

#[test]
fn disable_next_line_suppresses_the_line_after_the_comment() {
    let text = "<!-- survey-lint-disable-next-line glued-url -->\nhttps://a.example/xhttps://b.example/y\n\nhttps://a.example/xhttps://b.example/y\n";
    assert_eq!(suppressed(text), [("glued-url".to_string(), 4)]);
}

#[test]
fn disable_line_works_inside_a_rows_last_cell() {
    let text = "| a | b |\n|---|---|\n| x | y |\n| x | y <!-- survey-lint-disable-line SL101 --> |\n| x | y |\n";
    assert_eq!(suppressed(text), [("duplicate-row".to_string(), 5)]);
}

#[test]
fn suppression_comments_in_code_blocks_do_nothing() {
    let text = format!("```\n<!-- survey-lint-disable -->\n```\n\n{DUPLICATES}");
    assert_eq!(suppressed(&text), [("duplicate-row".to_string(), 8)]);
}

const LAB_COMPUTE_RULE: &str = r#"
code = "X002"
name = "lab-compute"
summary = "Compute written with the lab's accelerators"
severity = "warning"
docs = "The lab's own accelerators."

[check]
kind = "malformed-compute"
columns = ["Compute"]
accelerators = { "Z100" = [] }
time_units = { "天" = 24, "h" = 1 }

[[examples]]
invalid = "| Model | Compute |\n|---|---|\n| X | 8 Z 100*3天 |"
"#;

#[test]
fn extract_uses_the_field_settings_of_the_configs_rule_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "lint/compute.toml", LAB_COMPUTE_RULE);
    write(
        dir.path(),
        "survey-lint.toml",
        "rule_files = [\"lint/compute.toml\"]\n",
    );
    write(dir.path(), "empty.toml", "");
    write(
        dir.path(),
        "models.md",
        "| Model | Compute |\n|---|---|\n| Lab-1 | 8 Z100*3天 |\n| Lab-2 | 8 A100*2h |\n",
    );
    let extract = |extra: &[&str]| {
        let output = survey_lint()
            .args(["extract", "--format", "json", "models.md"])
            .args(extra)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        let records: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let hours = |i: usize| records[i]["normalized"]["compute"]["accelerator_hours"].as_f64();
        (hours(0), hours(1))
    };
    // The lab's rule knows Z100; the built-in rule still reads A100.
    assert_eq!(extract(&[]), (Some(576.0), Some(16.0)));
    assert_eq!(extract(&["--config", "empty.toml"]), (None, Some(16.0)));

    write(dir.path(), "broken.toml", "rule_files = 3\n");
    let output = survey_lint()
        .args(["extract", "--config", "broken.toml", "models.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
