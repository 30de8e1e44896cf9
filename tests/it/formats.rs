//! The CI formats: SARIF for code scanning, GitHub annotations, JUnit.

use crate::support::survey_lint;
use serde_sarif::sarif::Sarif;

const SEED: &str = "tests/fixtures/open-llm-survey.md";

fn run(format: &str) -> (String, i32) {
    let output = survey_lint()
        .args(["check", "--offline", "--format", format, SEED])
        .output()
        .unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        output.status.code().unwrap(),
    )
}

fn finding_count() -> usize {
    let (json, _) = crate::support::check_json(&[SEED]);
    json["diagnostics"].as_array().unwrap().len()
}

#[test]
fn sarif_deserializes_into_the_typed_model_with_one_result_per_finding() {
    let (text, status) = run("sarif");
    assert_eq!(status, 1);
    let sarif: Sarif = serde_json::from_str(&text).expect("valid SARIF 2.1.0");
    assert_eq!(sarif.version, "2.1.0");
    let run = &sarif.runs[0];
    let results = run.results.as_ref().expect("results");
    assert_eq!(results.len(), finding_count());
    let rules = run.tool.driver.rules.as_ref().expect("rules");
    // The rules that ran: every built-in rule but those off by default.
    let builtin: Vec<_> = survey_lint::rules::builtin_specs()
        .into_iter()
        .filter(|s| s.enabled)
        .collect();
    assert_eq!(rules.len(), builtin.len());
    for rule in rules {
        assert!(
            rule.help.as_ref().is_some_and(|h| !h.text.is_empty()),
            "{:?}",
            rule.id
        );
        assert!(rule.short_description.is_some());
    }
    for result in results {
        let id = result.rule_id.as_deref().expect("ruleId");
        assert!(rules.iter().any(|r| r.id == id), "{id} is described");
        let location = &result.locations.as_ref().unwrap()[0];
        let region = location
            .physical_location
            .as_ref()
            .unwrap()
            .region
            .as_ref()
            .unwrap();
        assert!(region.start_line.unwrap() >= 1 && region.start_column.unwrap() >= 1);
    }
}

#[test]
fn github_annotations_one_per_finding_with_location_and_title() {
    let (text, status) = run("github");
    assert_eq!(status, 1);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), finding_count());
    assert!(lines.contains(
        &"::error file=tests/fixtures/open-llm-survey.md,line=19,col=1,endLine=19,endColumn=584,title=SL101 duplicate-row::row duplicates row 18%0Ahelp: delete this row"
    ));
    assert!(lines.iter().all(|l| l.starts_with("::error ")
        || l.starts_with("::warning ")
        || l.starts_with("::notice ")));
}

#[test]
fn junit_has_one_case_per_file_and_one_failure_per_finding() {
    let (text, _) = run("junit");
    assert!(text.starts_with("<?xml"));
    assert_eq!(text.matches("<testcase ").count(), 1);
    assert_eq!(text.matches("<failure ").count(), finding_count());
    for (at, _) in text.match_indices('&') {
        let rest = &text[at..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| rest.starts_with(e)),
            "unescaped & at {at}"
        );
    }
    let body = text.replace("<failure ", "").replace("</failure>", "");
    assert!(
        !body.contains("<t") || body.contains("<testcase"),
        "stray tag"
    );
}

#[test]
fn one_run_writes_every_output_as_its_own_run_would() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    let output = survey_lint()
        .args(["check", "--offline", "--format", "json", SEED])
        .arg("--output")
        .arg(format!("sarif={}", path("out.sarif").display()))
        .arg("--output")
        .arg(format!("markdown={}", path("summary.md").display()))
        .arg("--output")
        .arg(format!("github={}", path("annotations.txt").display()))
        .arg("--output")
        .arg(format!("human={}", path("human.txt").display()))
        .env_remove("GITHUB_SHA")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let (json, _) = crate::support::check_json(&[SEED]);
    let stdout: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(stdout, json, "stdout keeps its own format");
    for (format, file) in [
        ("sarif", "out.sarif"),
        ("markdown", "summary.md"),
        ("github", "annotations.txt"),
    ] {
        let alone = survey_lint()
            .args(["check", "--offline", "--format", format, SEED])
            .env_remove("GITHUB_SHA")
            .output()
            .unwrap();
        let written = std::fs::read_to_string(path(file)).unwrap();
        assert_eq!(
            written,
            String::from_utf8(alone.stdout).unwrap(),
            "{format}"
        );
    }
    let human = std::fs::read_to_string(path("human.txt")).unwrap();
    assert!(human.contains("SL101/duplicate-row"), "{human}");
    assert!(!human.contains('\u{1b}'), "no colours in a file");
}

#[test]
fn an_output_that_cannot_be_written_makes_the_run_incomplete() {
    let output = survey_lint()
        .args(["check", "--offline", "--format", "github", SEED])
        .args(["--output", "sarif=/nonexistent-folder/out.sarif"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!output.stdout.is_empty(), "stdout is still written");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--output /nonexistent-folder/out.sarif"),
        "{stderr}"
    );
}

#[test]
fn an_output_must_name_a_known_format_and_a_path() {
    for (spec, says) in [
        ("sarif", "expected FORMAT=PATH"),
        ("yaml=out.yml", "unknown format `yaml`"),
        ("json=", "no path"),
    ] {
        let output = survey_lint()
            .args(["check", "--offline", SEED, "--output", spec])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{spec}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{spec}: {stderr}");
    }
}
