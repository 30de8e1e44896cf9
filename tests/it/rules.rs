//! Every rule's documented examples, and snapshots of each rule's human output on its fixtures.

use crate::support::{fixture, read};
use std::sync::Arc;
use survey_lint::engine;
use survey_lint::report::{HumanOptions, Outcome, render_human};
use survey_lint::rules::{self, RuleLevel, RuleSet};

/// A rule set with only the named rule, at its default severity.
fn only(name: &str) -> RuleSet {
    let specs = rules::builtin_specs()
        .into_iter()
        .filter(|s| s.name == name)
        .collect();
    RuleSet::new(specs, |s| RuleLevel::Severity(s.severity))
}

fn findings_of(rule: &str, source: &str) -> Vec<engine::Diagnostic> {
    engine::lint(
        "example.md".into(),
        Arc::new(source.to_string()),
        &only(rule),
    )
    .diagnostics
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
        assert_eq!(spec.validate(), Ok(()), "{}", spec.name);
        // Link verdicts need a network: the link tests prove them against local servers.
        let needs_network = matches!(spec.check, survey_lint::rules::CheckSpec::LinkStatus { .. });
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

fn human(rule: &str, file: &str) -> String {
    let path = fixture(file);
    let source = read(&path);
    let report = engine::lint(
        format!("tests/fixtures/{file}"),
        Arc::new(source),
        &only(rule),
    );
    let outcome = Outcome {
        files: vec![report],
        errors: Vec::new(),
    };
    render_human(
        &outcome,
        HumanOptions {
            color: false,
            width: 100,
        },
    )
}

macro_rules! rule_fixtures {
    ($($test:ident => $rule:literal,)*) => {$(
        #[test]
        fn $test() {
            let fail = human($rule, concat!($rule, "/fail.md"));
            assert!(!fail.is_empty(), "fail.md must have findings");
            insta::assert_snapshot!(concat!($rule, "-fail"), fail);
            let pass = human($rule, concat!($rule, "/pass.md"));
            assert_eq!(pass, "", "pass.md must have no findings");
        }
    )*};
}

rule_fixtures! {
    duplicate_row_fixtures => "duplicate-row",
    empty_row_fixtures => "empty-row",
    column_count_fixtures => "column-count",
    duplicate_key_fixtures => "duplicate-key",
}
