//! `--changed-since`: only findings on lines added or changed since a git ref.

use crate::support::{git, rule_lines, survey_lint};

/// The survey of the first commit: row 4 copies row 3.
const OLD: &str =
    "| Model | Size |\n|---|---|\n| Vicuna | 7B |\n| Vicuna | 7B |\n| Alpaca | 7B |\n";

/// A repository where `survey.md` was committed as [`OLD`], then as `OLD` plus `added`.
fn repository(added: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    std::fs::write(d.join("survey.md"), OLD).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "old defect"]);
    std::fs::write(d.join("survey.md"), format!("{OLD}{added}")).unwrap();
    git(d, &["commit", "-q", "-am", "new defects"]);
    dir
}

#[test]
fn changed_since_reports_only_the_new_defect() {
    let dir = repository("| | |\n| BLOOM | 176B |\n");
    let d = dir.path();

    let run = |extra: &[&str]| {
        let output = survey_lint()
            .args(["check", "--offline", "--format", "json"])
            .args(extra)
            .arg("survey.md")
            .current_dir(d)
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let all = rule_lines(&run(&[]));
    assert_eq!(
        all,
        [
            ("duplicate-row".to_string(), 4),
            ("empty-row".to_string(), 6)
        ]
    );
    let changed = rule_lines(&run(&["--changed-since", "HEAD~1"]));
    assert_eq!(changed, [("empty-row".to_string(), 6)]);

    // Uncommitted changes and untracked files count as changed too.
    std::fs::write(d.join("other.md"), "| a |\n|---|\n| x |\n| x |\n").unwrap();
    let output = survey_lint()
        .args([
            "check",
            "--offline",
            "--format",
            "json",
            "--changed-since",
            "HEAD",
            ".",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rule_lines(&json), [("duplicate-row".to_string(), 4)]);
    assert_eq!(json["diagnostics"][0]["path"], "other.md");
}

#[test]
fn an_unknown_ref_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let output = survey_lint()
        .args(["check", "--offline", "--changed-since", "no-such-ref", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn fix_with_changed_since_touches_only_changed_lines() {
    let dir = repository("| BLOOM | 176B |\n| BLOOM | 176B |\n| BLOOM | 176B (MT) |\n");
    let d = dir.path();

    let output = survey_lint()
        .args(["check", "--offline", "--fix", "--format", "json"])
        .args(["--changed-since", "HEAD~1", "survey.md"])
        .current_dir(d)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // The new copy is deleted; the old one stays, unreported. The new key clash, which has no
    // safe fix, is reported at its line after the deletion moved it up.
    assert_eq!(
        std::fs::read_to_string(d.join("survey.md")).unwrap(),
        format!("{OLD}| BLOOM | 176B |\n| BLOOM | 176B (MT) |\n")
    );
    assert_eq!(rule_lines(&json), [("duplicate-key".to_string(), 7)]);
}
