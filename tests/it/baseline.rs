//! Baselines: `--write-baseline` records today's findings, `--baseline` reports only new ones.
//! Findings are matched by rule, file and what they are about, so inserting rows above them
//! keeps them matched.

use crate::support::{fixture, git, read, rule_lines, survey_lint};
use std::path::Path;

const BASELINE: &str = "survey-lint-baseline.json";

/// The seed survey in a folder of its own, as `survey.md`.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let seed = read(&fixture("open-llm-survey.md"));
    std::fs::write(dir.path().join("survey.md"), seed).unwrap();
    dir
}

/// Runs `check --offline --format json` in `dir`; (JSON, stderr, status).
fn check(dir: &Path, args: &[&str]) -> (serde_json::Value, String, i32) {
    let output = survey_lint()
        .args(["check", "--offline", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (json, stderr, output.status.code().unwrap_or(-1))
}

/// Edits `survey.md` in `dir`: `edit` gets its lines and changes them.
fn edit(dir: &Path, edit: impl FnOnce(&mut Vec<String>)) {
    let path = dir.join("survey.md");
    let mut lines: Vec<String> = read(&path).lines().map(String::from).collect();
    edit(&mut lines);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
}

/// A well-formed row of the seed's table, with another model name.
fn clean_row(name: &str) -> String {
    let alpaca = read(&fixture("open-llm-survey.md"))
        .lines()
        .find(|l| l.starts_with("| Alpaca "))
        .expect("the seed has an Alpaca row")
        .to_string();
    alpaca.replacen("| Alpaca ", &format!("| {name} "), 1)
}

#[test]
fn a_written_baseline_silences_todays_findings_and_survives_rows_inserted_above() {
    let dir = folder();
    let d = dir.path();
    let (before, _, status) = check(d, &["survey.md"]);
    assert_eq!(status, 1);
    let found = before["diagnostics"].as_array().unwrap().len();
    assert!(found >= 17, "{found}");

    let (json, stderr, status) = check(d, &["--write-baseline", BASELINE, "survey.md"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains(&format!("wrote {found} findings to {BASELINE}")),
        "{stderr}"
    );
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 0);
    assert_eq!(json["summary"]["baselined"], found);
    let written = read(&d.join(BASELINE));
    assert!(!written.contains("\"line\""), "no line numbers: {written}");

    // Three rows above every finding, and a duplicate row re-aligned with more spaces.
    edit(d, |lines| {
        let first_row = lines.iter().position(|l| l.starts_with("| LLaMa")).unwrap();
        for (i, name) in ["Baichuan", "Qwen", "Yi"].iter().enumerate() {
            lines.insert(first_row + i, clean_row(name));
        }
        let copy = lines
            .iter()
            .rposition(|l| l.starts_with("| Vicuna"))
            .unwrap();
        lines[copy] = lines[copy].replace(" | ", "   |   ");
    });
    let (json, stderr, status) = check(d, &["--baseline", BASELINE, "survey.md"]);
    assert_eq!(rule_lines(&json), [], "{stderr}");
    assert_eq!(status, 0);
    assert_eq!(json["summary"]["baselined"], found);
    assert!(!stderr.contains("no longer found"), "{stderr}");
}

#[test]
fn a_new_defect_is_reported_even_when_it_copies_a_recorded_one() {
    let dir = folder();
    let d = dir.path();
    check(d, &["--write-baseline", BASELINE, "survey.md"]);
    // A new model with a split accelerator name, and a fourth copy of the Vicuna row (three
    // Vicuna rows are recorded: the first and its two copies).
    edit(d, |lines| {
        let first_row = lines.iter().position(|l| l.starts_with("| LLaMa")).unwrap();
        let new = clean_row("Mistral").replacen("8 A100*3小时", "8 A 100*3小时", 1);
        lines.insert(first_row, new);
        let vicuna = lines
            .iter()
            .position(|l| l.starts_with("| Vicuna"))
            .unwrap();
        let copy = lines[vicuna].clone();
        lines.insert(vicuna + 3, copy);
    });
    let edited = read(&d.join("survey.md"));
    let line_of = |prefix: &str, nth: usize| {
        edited
            .lines()
            .enumerate()
            .filter(|(_, l)| l.starts_with(prefix))
            .nth(nth)
            .unwrap()
            .0
            + 1
    };
    let (mistral, fourth) = (
        line_of("| Mistral", 0) as u64,
        line_of("| Vicuna", 3) as u64,
    );
    let (json, _, status) = check(d, &["--baseline", BASELINE, "survey.md"]);
    assert_eq!(status, 1);
    let reported = rule_lines(&json);
    assert!(
        reported.contains(&("duplicate-row".to_string(), fourth)),
        "{reported:?}"
    );
    assert!(
        reported
            .iter()
            .any(|(rule, line)| rule == "malformed-compute" && *line == mistral),
        "{reported:?}"
    );
    assert!(
        reported
            .iter()
            .all(|(_, line)| *line == mistral || *line == fourth),
        "only the new rows: {reported:?}"
    );
}

#[test]
fn a_fixed_finding_leaves_the_baseline_when_it_is_written_again() {
    let dir = folder();
    let d = dir.path();
    check(d, &["--write-baseline", BASELINE, "survey.md"]);
    assert!(read(&d.join(BASELINE)).contains("\"rule\": \"empty-row\""));
    // The empty row is deleted.
    edit(d, |lines| {
        let empty = lines
            .iter()
            .position(|l| l.starts_with('|') && l.trim_matches(['|', ' ']).is_empty())
            .unwrap();
        lines.remove(empty);
    });
    let (json, stderr, status) = check(d, &["--baseline", BASELINE, "survey.md"]);
    assert_eq!(rule_lines(&json), []);
    assert_eq!(status, 0);
    assert!(
        stderr.contains("1 finding of the baseline was no longer found: --write-baseline again"),
        "{stderr}"
    );
    let (_, stderr, _) = check(d, &["--write-baseline", BASELINE, "survey.md"]);
    let rewritten = read(&d.join(BASELINE));
    assert!(!rewritten.contains("empty-row"), "{rewritten}");
    assert!(rewritten.contains("duplicate-row"));
    let (_, stderr_after, _) = check(d, &["--baseline", BASELINE, "survey.md"]);
    assert!(
        !stderr_after.contains("no longer found"),
        "{stderr} / {stderr_after}"
    );
}

#[test]
fn paths_are_relative_to_the_baseline_so_it_works_from_another_folder() {
    let dir = folder();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    check(d, &["--write-baseline", BASELINE, "survey.md"]);
    assert!(read(&d.join(BASELINE)).contains("\"path\": \"survey.md\""));
    let (json, _, status) = check(
        &d.join("sub"),
        &["--baseline", &format!("../{BASELINE}"), "../survey.md"],
    );
    assert_eq!(rule_lines(&json), []);
    assert_eq!(status, 0);
    let (json, _, _) = check(d, &["--baseline", BASELINE, "."]);
    assert_eq!(rule_lines(&json), [], "a folder walk names the file alike");
}

#[test]
fn with_changed_since_a_new_copy_of_a_recorded_duplicate_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let old = "| Model | Size |\n|---|---|\n| Vicuna | 7B |\n| Vicuna | 7B |\n| Alpaca | 7B |\n";
    git(d, &["init", "-q", "-b", "main"]);
    std::fs::write(d.join("survey.md"), old).unwrap();
    check(d, &["--write-baseline", BASELINE, "survey.md"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "old defect, recorded"]);
    std::fs::write(d.join("survey.md"), format!("{old}| Vicuna | 7B |\n")).unwrap();
    let (json, _, status) = check(
        d,
        &[
            "--baseline",
            BASELINE,
            "--changed-since",
            "HEAD",
            "survey.md",
        ],
    );
    assert_eq!(rule_lines(&json), [("duplicate-row".to_string(), 6)]);
    assert_eq!(status, 1);
}

#[test]
fn a_baseline_that_cannot_be_read_stops_the_run() {
    let dir = folder();
    let d = dir.path();
    let (_, stderr, status) = check(d, &["--baseline", "missing.json", "survey.md"]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("missing.json: cannot read the baseline"),
        "{stderr}"
    );
    std::fs::write(
        d.join("bad.json"),
        "{\"version\": 1, \"findings\": [{\"line\": 3}]}",
    )
    .unwrap();
    let (_, stderr, status) = check(d, &["--baseline", "bad.json", "survey.md"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("not a survey-lint baseline"), "{stderr}");
    let (_, stderr, status) = check(
        d,
        &[
            "--write-baseline",
            BASELINE,
            "--changed-since",
            "HEAD",
            "survey.md",
        ],
    );
    assert_eq!(status, 2);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn counts_in_a_baseline_add_up_without_wrapping_around() {
    // A baseline is a file anyone can edit: the same entry twice with the largest count
    // overflowed (a panic in a debug build, "18446744073709551613 findings … no longer found"
    // in a release one).
    let dir = folder();
    let d = dir.path();
    let (_, _, status) = check(d, &["--write-baseline", BASELINE, "survey.md"]);
    assert_eq!(status, 0);
    let mut baseline: serde_json::Value =
        serde_json::from_str(&read(&d.join(BASELINE))).expect("baseline JSON");
    let findings = baseline["findings"].as_array_mut().expect("findings");
    let mut first = findings[0].clone();
    first["count"] = serde_json::json!(u64::MAX);
    findings.push(first.clone());
    findings.push(first);
    std::fs::write(d.join(BASELINE), baseline.to_string()).unwrap();
    let (json, stderr, status) = check(d, &["--baseline", BASELINE, "survey.md"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(0));
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The entry's count stops at the largest number; those found are taken from it.
    let gone: u64 = stderr
        .split(" findings of the baseline were no longer found")
        .next()
        .and_then(|n| n.trim().rsplit('\n').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(gone > u64::MAX - 100, "{gone}");
}
