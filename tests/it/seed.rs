//! The founding document, `open-llm-survey.md`: every defect it is known to have, found where
//! it is, and nothing else.

use crate::support::{check_json, fixture, read, survey_lint};
use std::collections::BTreeSet;
use std::sync::Arc;
use survey_lint::document::{Document, LinkKind};
use survey_lint::engine::Linter;
use survey_lint::rules::RuleSet;

const SEED: &str = "tests/fixtures/open-llm-survey.md";

fn lines_of(json: &serde_json::Value, rule: &str) -> Vec<u64> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .map(|d| d["line"].as_u64().unwrap())
        .collect()
}

#[test]
fn url_rules_fire_exactly_on_the_known_lines() {
    let (json, _) = check_json(&[SEED]);
    assert_eq!(lines_of(&json, "glued-url"), [22, 23, 24]);
    assert_eq!(
        lines_of(&json, "url-runs-into-text"),
        [18, 19, 20, 21, 22, 24, 24]
    );
    assert!(lines_of(&json, "malformed-url").is_empty());
    let runs: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "url-runs-into-text" && d["line"] == 18)
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(runs[0].contains("`https://lmsys.org/vicuna_eval/`") && runs[0].contains("提供了"));
    for rule in [
        "glued-url",
        "url-runs-into-text",
        "malformed-url",
        "duplicate-link",
    ] {
        for line in lines_of(&json, rule) {
            assert!(!(15..=17).contains(&line), "{rule} fired on line {line}");
        }
    }
}

#[test]
fn same_as_references_resolve_and_break_when_the_row_is_renamed() {
    let (json, _) = check_json(&[SEED]);
    assert!(lines_of(&json, "unresolved-reference").is_empty());
    let renamed = read(&fixture("open-llm-survey.md"))
        .replace("| LLaMa          |", "| LLaMA-1        |")
        .replace("| Alpaca         |", "| Stanford Alpaca |");
    let linter = Linter::new(RuleSet::builtin());
    let report = linter.lint("seed.md".into(), Arc::new(renamed), None);
    let lines: Vec<usize> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule.name == "unresolved-reference")
        .map(|d| d.start.line)
        .collect();
    // 同LLaMa on the Alpaca, Alpaca-Lora and three Vicuna rows; 同Alpaca on Alpaca-Lora.
    assert_eq!(lines, [16, 17, 17, 18, 19, 20]);
}

#[test]
fn links_prints_the_29_real_urls_once_per_place_none_polluted() {
    let output = survey_lint().args(["links", SEED]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let urls: Vec<&str> = stdout
        .lines()
        .map(|l| l.split_once('\t').expect("path:line:col<TAB>url").1)
        .collect();
    let unique: BTreeSet<&str> = urls.iter().copied().collect();
    assert_eq!(unique.len(), 29, "{unique:#?}");
    for url in &urls {
        assert!(url.is_ascii(), "polluted: {url}");
        assert_eq!(url.matches("://").count(), 1, "glued: {url}");
    }
    // Each once per place: the three Vicuna rows each carry the same four URLs.
    assert_eq!(
        urls.iter()
            .filter(|u| **u == "https://lmsys.org/vicuna_eval/")
            .count(),
        3
    );
    // The 15 URLs hidden inside glued or polluted strings are the ones GFM does not link alone.
    let doc_source = read(&fixture("open-llm-survey.md"));
    let doc = Document::parse(&doc_source);
    let gfm: BTreeSet<&str> = doc.links.iter().map(|l| doc.text(&l.span())).collect();
    let hidden = unique.iter().filter(|u| !gfm.contains(*u)).count();
    assert_eq!((unique.len() - hidden, hidden), (14, 15));
    assert!(doc.links.iter().all(|l| l.kind == LinkKind::Bare));
}

#[test]
fn the_safe_fix_for_glued_urls_yields_two_working_links() {
    let source = "| Model | Links |\n|---|---|\n| BLOOM | https://huggingface.co/bigscience/bloomhttps://arxiv.org/pdf/2211.05100.pdf |\n";
    let linter = Linter::new(RuleSet::builtin());
    let report = linter.lint("a.md".into(), Arc::new(source.to_string()), None);
    let glued = report
        .diagnostics
        .iter()
        .find(|d| d.rule.name == "glued-url")
        .expect("glued-url fires");
    let fix = glued.finding.fix.as_ref().expect("a fix");
    assert!(fix.safe);
    let mut fixed = source.to_string();
    for edit in fix.edits.iter().rev() {
        fixed.replace_range(edit.span.clone(), &edit.replacement);
    }
    let doc = Document::parse(&fixed);
    let linked: Vec<&str> = doc.links.iter().map(|l| doc.text(&l.span())).collect();
    assert_eq!(
        linked,
        [
            "https://huggingface.co/bigscience/bloom",
            "https://arxiv.org/pdf/2211.05100.pdf"
        ]
    );
    let again = linter.lint("a.md".into(), Arc::new(fixed), None);
    assert!(again.diagnostics.iter().all(|d| d.rule.name != "glued-url"));
}

#[test]
fn extract_normalizes_compute_and_parameter_counts() {
    let output = survey_lint()
        .args(["extract", "--format", "json", SEED])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let records: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let by_name = |name: &str| {
        records
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["fields"]["模型名称"] == name)
            .unwrap_or_else(|| panic!("no record for {name}"))
            .clone()
    };
    let hours = |name: &str| by_name(name)["normalized"]["compute"]["accelerator_hours"].as_f64();
    let accelerator = |name: &str| by_name(name)["normalized"]["compute"]["accelerator"].clone();
    assert_eq!(hours("LLaMa"), Some(1_032_192.0));
    assert_eq!(hours("Alpaca"), Some(24.0));
    assert_eq!(hours("Alpaca-Lora"), Some(24.0));
    assert_eq!(accelerator("Alpaca-Lora"), "RTX 4090");
    assert_eq!(hours("BLOOM"), Some(967_680.0));
    assert_eq!(accelerator("BLOOM"), "A100");
    assert_eq!(
        by_name("LLaMa")["normalized"]["parameters"],
        serde_json::json!([7e9, 13e9, 33e9, 65e9])
    );
    assert_eq!(records.as_array().unwrap().len(), 11, "one record per row");

    let csv = survey_lint()
        .args(["extract", "--format", "csv", SEED])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.starts_with("path,table,line,模型名称,模型架构,参数量,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 12);
}
