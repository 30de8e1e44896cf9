//! The binary as CI runs it: exit status, output formats, and what is printed when a file fails.

use crate::support::{check_json, rule_lines, survey_lint};

const TABLE_RULES: [&str; 4] = [
    "duplicate-row",
    "empty-row",
    "column-count",
    "duplicate-key",
];

#[test]
fn seed_survey_has_exactly_its_known_table_defects() {
    let (json, status) = check_json(&["tests/fixtures/open-llm-survey.md"]);
    assert_eq!(status, 1);
    let table_findings: Vec<_> = rule_lines(&json)
        .into_iter()
        .filter(|(rule, _)| TABLE_RULES.contains(&rule.as_str()))
        .collect();
    assert_eq!(
        table_findings,
        [
            ("duplicate-row".to_string(), 19),
            ("duplicate-row".to_string(), 20),
            ("empty-row".to_string(), 25),
        ]
    );
    for d in json["diagnostics"].as_array().unwrap() {
        if d["rule"] == "duplicate-row" {
            assert_eq!(d["related"][0]["line"], 18);
            assert_eq!(d["related"][0]["message"], "first occurrence");
            assert_eq!(d["path"], "tests/fixtures/open-llm-survey.md");
        }
    }
}

#[test]
fn json_output_has_the_documented_shape() {
    let (json, _) = check_json(&["tests/fixtures/open-llm-survey.md"]);
    assert_eq!(json["version"], 1);
    assert_eq!(json["tool"]["name"], "survey-lint");
    let summary = &json["summary"];
    assert_eq!(summary["files"], 1);
    assert_eq!(summary["tables"], 1);
    assert_eq!(summary["rows"], 11);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let d = diagnostics
        .iter()
        .find(|d| d["rule"] == "duplicate-row")
        .expect("a duplicate-row diagnostic");
    for key in [
        "rule",
        "code",
        "severity",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "help",
        "related",
        "fix",
    ] {
        assert!(d.get(key).is_some(), "diagnostic lacks `{key}`: {d}");
    }
    let fix = &d["fix"];
    assert_eq!(fix["safe"], true);
    let edit = &fix["edits"][0];
    assert!(edit["start_byte"].as_u64() < edit["end_byte"].as_u64());
}

#[test]
fn diagnostics_are_sorted_by_path_line_column_rule() {
    let (json, _) = check_json(&["tests/fixtures"]);
    let keys: Vec<(String, u64, u64, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn exit_0_on_a_clean_survey() {
    let output = survey_lint()
        .args(["check", "--offline", "tests/fixtures/clean.md"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "0 errors, 0 warnings in 1 file\n"
    );
}

#[test]
fn exit_1_with_findings_and_a_summary_on_stderr() {
    let output = survey_lint()
        .args(["check", "--offline", "tests/fixtures/open-llm-survey.md"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("row duplicates row 18"), "{stdout}");
    assert!(stdout.contains("open-llm-survey.md:19:1"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(" in 1 file"), "{stderr}");
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let file = "tests/fixtures/duplicate-key/fail.md";
    let plain = survey_lint()
        .args(["check", "--offline", file])
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(0));
    let strict = survey_lint()
        .args(["check", "--offline", "--deny-warnings", file])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn exit_2_for_a_missing_path_with_the_other_findings_printed() {
    let (json, status) = check_json(&["no/such/survey.md", "tests/fixtures/open-llm-survey.md"]);
    assert_eq!(status, 2);
    assert!(rule_lines(&json).contains(&("duplicate-row".to_string(), 19)));
    assert!(
        json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no/such/survey.md")
    );
}

#[test]
fn exit_2_for_a_non_utf8_file_with_the_other_findings_printed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.md"),
        b"| a | b |\n|---|---|\n| \xff | x |\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("good.md"),
        "| a | b |\n|---|---|\n| x | y |\n| x | y |\n",
    )
    .unwrap();
    let output = survey_lint()
        .args(["check", "--offline"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("row duplicates row 3"), "{stdout}");
    assert!(stdout.contains("not valid UTF-8"), "{stdout}");
}

#[test]
fn a_folder_with_no_markdown_is_fine() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "| a |\n").unwrap();
    let output = survey_lint()
        .args(["check", "--offline"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn folders_are_walked_honouring_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    let dup = "| a | b |\n|---|---|\n| x | y |\n| x | y |\n";
    std::fs::write(dir.path().join(".gitignore"), "ignored/\n").unwrap();
    std::fs::create_dir_all(dir.path().join("ignored")).unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("ignored/a.md"), dup).unwrap();
    std::fs::write(dir.path().join("docs/b.markdown"), dup).unwrap();
    let output = survey_lint()
        .args(["check", "--offline", "--format", "json", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["files"], 1);
    assert_eq!(json["diagnostics"][0]["path"], "docs/b.markdown");
}

#[test]
fn bad_arguments_exit_2() {
    let output = survey_lint()
        .args(["check", "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn rules_lists_every_rule_and_explain_works_from_any_directory() {
    let output = survey_lint().arg("rules").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    for rule in TABLE_RULES {
        assert!(stdout.contains(rule), "{stdout}");
    }
    let dir = tempfile::tempdir().unwrap();
    for query in ["duplicate-row", "SL101", "sl101", "DUPLICATE-ROW"] {
        let output = survey_lint()
            .args(["explain", query])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "explain {query}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.starts_with("# duplicate-row (SL101)"), "{stdout}");
        assert!(stdout.contains("## Reported"), "{stdout}");
    }
    let unknown = survey_lint()
        .args(["explain", "no-such-rule"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn a_broken_config_is_reported_with_its_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("survey-lint.toml"),
        "[rules]\nduplicate-row = \"loud\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.md"), "| a |\n|---|\n| x |\n").unwrap();
    let output = survey_lint()
        .args(["check", "--offline", "a.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("survey-lint.toml:2:"), "{stderr}");
}

#[test]
fn config_turns_rules_off_and_changes_severity() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("survey-lint.toml"),
        "[rules]\nduplicate-row = \"off\"\nSL102 = \"warning\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "| a | b |\n|---|---|\n| x | y |\n| x | y |\n| | |\n",
    )
    .unwrap();
    let output = survey_lint()
        .args(["check", "--offline", "--format", "json", "a.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rule_lines(&json), [("empty-row".to_string(), 5)]);
    assert_eq!(json["diagnostics"][0]["severity"], "warning");
}
