//! Every rule's documented examples, snapshots of each rule's human output on its fixtures, and
//! the README's rules table against `survey-lint rules`.

use crate::support::{fixture, read, root, survey_lint};
use std::sync::Arc;
use survey_lint::engine::{self, Linter};
use survey_lint::links::Verdicts;
use survey_lint::report::{HumanOptions, Outcome, render_human};
use survey_lint::rules::{self, CheckSpec, RuleLevel, RuleSet};
use survey_lint::workspace::Workspace;

/// A rule set with only the named rule, at its default severity.
fn only(name: &str) -> RuleSet {
    let specs = rules::builtin_specs()
        .into_iter()
        .filter(|s| s.name == name)
        .collect();
    RuleSet::new(specs, |s| RuleLevel::Severity(s.severity))
}

/// A linter with only the named rule, whose files are in `tests/fixtures/RULE/`, laid out as a
/// repository (the files that `missing-file` and `broken-fragment` look for are there).
fn linter_in_fixtures(rule: &str) -> Linter {
    Linter::new(only(rule)).with_workspace(Workspace::with_root(&root(), &fixture(rule)))
}

fn findings_of(rule: &str, source: &str) -> Vec<engine::Diagnostic> {
    let path = format!("tests/fixtures/{rule}/example.md");
    linter_in_fixtures(rule)
        .lint(path, Arc::new(source.to_string()), None)
        .diagnostics
        .iter()
        .collect()
}

#[test]
fn every_builtin_rule_file_parses_and_names_are_unique() {
    let specs = rules::builtin_specs();
    assert_eq!(specs.len(), rules::builtin_files().len());
    for (spec, (file, _)) in specs.iter().zip(rules::builtin_files()) {
        assert_eq!(
            format!("{}.toml", spec.name),
            *file,
            "file name must be the rule name"
        );
        assert!(spec.code.starts_with("SL"), "{}", spec.code);
        assert!(!spec.docs.trim().is_empty(), "{} has no docs", spec.name);
        // Link verdicts need a network: the link tests prove them against local servers.
        let needs_network = matches!(
            spec.check,
            CheckSpec::LinkStatus(_)
                | CheckSpec::RepoStatus(_)
                | CheckSpec::PaperStatus(_)
                | CheckSpec::MismatchedPaper(_)
        );
        assert!(
            needs_network || spec.examples.iter().any(|e| e.invalid.is_some()),
            "{} has no invalid example",
            spec.name
        );
    }
    let mut names: Vec<_> = specs.iter().map(|s| &s.name).collect();
    let mut codes: Vec<_> = specs.iter().map(|s| &s.code).collect();
    names.sort();
    codes.sort();
    let (n, c) = (names.len(), codes.len());
    names.dedup();
    codes.dedup();
    assert_eq!(
        (names.len(), codes.len()),
        (n, c),
        "duplicate rule name or code"
    );
}

#[test]
fn documented_examples_fire_or_not_as_documented() {
    let mut failures = Vec::new();
    for spec in rules::builtin_specs() {
        for example in &spec.examples {
            assert!(
                example.valid.is_some() != example.invalid.is_some(),
                "{}: an example is either valid or invalid",
                spec.name
            );
            if let Some(text) = &example.invalid
                && findings_of(&spec.name, text).is_empty()
            {
                failures.push(format!(
                    "{}: invalid example did not fire:\n{text}",
                    spec.name
                ));
            }
            if let Some(text) = &example.valid {
                let found = findings_of(&spec.name, text);
                if !found.is_empty() {
                    failures.push(format!(
                        "{}: valid example fired ({}):\n{text}",
                        spec.name, found[0].finding.message
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A rule's human output on one of its fixtures. A fixture of a link rule comes with the
/// verdicts the link checker would give (`NAME.verdicts.json`).
fn human(rule: &str, name: &str) -> String {
    let file = format!("{rule}/{name}.md");
    let source = read(&fixture(&file));
    let verdicts_file = fixture(&format!("{rule}/{name}.verdicts.json"));
    let verdicts: Option<Verdicts> = verdicts_file.exists().then(|| {
        serde_json::from_str(&read(&verdicts_file)).expect("verdicts.json holds verdicts by URL")
    });
    let report = linter_in_fixtures(rule).lint(
        format!("tests/fixtures/{file}"),
        Arc::new(source),
        verdicts.as_ref(),
    );
    let outcome = Outcome {
        files: vec![report],
        ..Outcome::default()
    };
    render_human(
        &outcome,
        HumanOptions {
            color: false,
            width: 100,
        },
    )
}

/// Every rule has `tests/fixtures/RULE/{fail,pass}.md`: the rule fires on `fail.md`, its output
/// is snapshotted, and it is silent on `pass.md`.
#[test]
fn every_rule_fires_on_its_fail_fixture_and_not_on_its_pass_fixture() {
    for spec in rules::builtin_specs() {
        let rule = spec.name.as_str();
        let fail = human(rule, "fail");
        assert!(!fail.is_empty(), "{rule}: fail.md must have findings");
        insta::assert_snapshot!(format!("{rule}-fail"), fail);
        let pass = human(rule, "pass");
        assert_eq!(pass, "", "{rule}: pass.md must have no findings");
    }
}

/// The README's rules table lists every rule as `survey-lint rules` does: code, name, default.
#[test]
fn the_readme_rules_table_matches_the_rules_command() {
    let output = survey_lint()
        .arg("rules")
        .output()
        .expect("run survey-lint");
    let listed: Vec<(String, String, String)> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .skip(1)
        .map(|line| {
            let mut words = line.split_whitespace().map(str::to_string);
            let mut next = || words.next().unwrap_or_default();
            (next(), next(), next())
        })
        .collect();
    let readme = read(&root().join("README.md"));
    let section = readme
        .split("\n## Rules\n")
        .nth(1)
        .expect("README has a Rules section");
    let documented: Vec<(String, String, String)> = section
        .lines()
        .skip_while(|l| !l.starts_with("| SL"))
        .take_while(|l| l.starts_with("| SL"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let unquote = |s: &str| s.trim_matches('`').to_string();
            (unquote(cells[1]), unquote(cells[2]), unquote(cells[3]))
        })
        .collect();
    assert_eq!(documented, listed, "README.md's rules table is out of date");
}
