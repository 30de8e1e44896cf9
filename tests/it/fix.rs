//! `--fix`: safe fixes only, idempotent, and not a byte changed outside the edits.

use crate::support::{fixture, read, rule_lines, survey_lint};
use proptest::prelude::*;
use std::sync::Arc;
use survey_lint::engine::Linter;
use survey_lint::rules::RuleSet;

fn fix_text(text: &str) -> String {
    let linter = Linter::new(RuleSet::builtin());
    let report = linter.lint("a.md".into(), Arc::new(text.to_string()), None);
    let fixes: Vec<_> = report
        .diagnostics
        .iter()
        .filter_map(|d| d.finding.fix)
        .collect();
    survey_lint::fix::apply(text, &fixes).0
}

#[test]
fn fix_on_the_seed_removes_copies_and_the_empty_row_and_separates_glued_urls() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.md");
    let original = read(&fixture("open-llm-survey.md"));
    std::fs::write(&path, &original).unwrap();
    let output = survey_lint()
        .args(["check", "--offline", "--fix", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let fixed = std::fs::read_to_string(&path).unwrap();
    let before: Vec<&str> = original.lines().collect();
    let after: Vec<&str> = fixed.lines().collect();
    // Lines 19, 20 (copies of 18) and 25 (empty) are gone; nothing else is removed.
    assert_eq!(after.len(), before.len() - 3);
    assert_eq!(
        after[18], before[20],
        "line 19 of the fixed file is the old line 21"
    );
    assert!(
        fixed.contains(
            "https://huggingface.co/bigscience/bloom https://arxiv.org/pdf/2211.05100.pdf"
        )
    );
    assert!(fixed.contains("https://github.com/THUDM/ChatGLM-6B https://chatglm.cn/blog"));
    assert!(fixed.contains("8 A100*1天"), "split accelerator joined");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let left = rule_lines(&json);
    for rule in [
        "duplicate-row",
        "empty-row",
        "glued-url",
        "malformed-compute",
    ] {
        let split = left.iter().any(|(r, _)| r == rule);
        if rule == "malformed-compute" {
            // `384 A100` (no duration; old line 23, now 21) has no safe fix and stays.
            assert!(
                left.iter()
                    .filter(|(r, _)| r == rule)
                    .all(|(_, l)| *l == 21),
                "{left:?}"
            );
        } else {
            assert!(!split, "{rule} left after --fix: {left:?}");
        }
    }
    // A second --fix changes nothing.
    let again = survey_lint()
        .args(["check", "--offline", "--fix"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("fixed"));
}

#[test]
fn fix_diff_prints_a_diff_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.md");
    let text = "| a | b |\n|---|---|\n| x | y |\n| x | y |\n";
    std::fs::write(&path, text).unwrap();
    let output = survey_lint()
        .args(["check", "--offline", "--fix", "--diff", "a.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let diff = String::from_utf8(output.stdout).unwrap();
    assert!(diff.contains("--- a/a.md\n+++ b/a.md\n"), "{diff}");
    assert!(diff.contains("\n-| x | y |\n"), "{diff}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

/// Surveys with copies, blank rows, glued URLs and split accelerator names among clean rows.
fn survey() -> impl Strategy<Value = String> {
    let row = prop_oneof![
        "[a-z]{1,6}".prop_map(|k| format!("| {k} | 7B | 8 A100*3h | https://a.example/{k} |")),
        Just("| dup | 7B | 8 A100*3h | https://a.example/dup |".to_string()),
        Just("|  |  |  |  |".to_string()),
        "[a-z]{1,6}".prop_map(|k| format!(
            "| {k} | 7B | 8 A 100*1天 | https://a.example/{k}https://b.example/{k} |"
        )),
        "[a-z]{1,6}".prop_map(|k| format!("| {k} | 7B |")),
        Just("Some text with https://c.example/xhttps://d.example/y in it.".to_string()),
    ];
    prop::collection::vec(row, 0..12).prop_map(|rows| {
        format!(
            "# Survey\n\n| Model | Params | Compute | Links |\n|---|---|---|---|\n{}\n",
            rows.join("\n")
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn fix_is_idempotent(text in survey()) {
        let mut once = fix_text(&text);
        // One run of --fix loops until nothing is left to fix.
        for _ in 0..8 {
            let next = fix_text(&once);
            if next == once { break; }
            once = next;
        }
        prop_assert_eq!(fix_text(&once), once);
    }

    #[test]
    fn fix_changes_no_byte_outside_its_edits(text in survey()) {
        let linter = Linter::new(RuleSet::builtin());
        let report = linter.lint("a.md".into(), Arc::new(text.clone()), None);
        let fixes: Vec<_> = report.diagnostics.iter().filter_map(|d| d.finding.fix).filter(|f| f.safe).collect();
        let (fixed, _) = survey_lint::fix::apply(&text, &fixes);
        // Replay: the text between consecutive applied edits is copied byte for byte.
        let mut edits: Vec<_> = fixes.iter().flat_map(|f| f.edits.iter()).collect();
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        let mut rebuilt = String::new();
        let mut at = 0;
        for edit in edits {
            if edit.span.start < at { continue; }
            rebuilt.push_str(&text[at..edit.span.start]);
            rebuilt.push_str(&edit.replacement);
            at = edit.span.end;
        }
        rebuilt.push_str(&text[at..]);
        prop_assert_eq!(&fixed, &rebuilt);
        // Deleted bytes are whole rows, inserted bytes are single spaces.
        for fix in &fixes {
            for edit in &fix.edits {
                let removed = &text[edit.span.clone()];
                prop_assert!(
                    edit.replacement.is_empty() && (removed.ends_with('\n') || removed == " ")
                        || edit.replacement == " " && removed.is_empty()
                        || edit.replacement.is_empty() && removed.starts_with("https://"),
                    "unexpected edit {:?} -> {:?}", removed, edit.replacement
                );
            }
        }
    }
}
