//! survey-lint never panics on input: arbitrary bytes go through the parser and every rule.

use proptest::prelude::*;
use std::sync::Arc;
use survey_lint::engine::Linter;
use survey_lint::rules::RuleSet;

fn lint(text: String) {
    let linter = Linter::new(RuleSet::builtin());
    let report = linter.lint("fuzz.md".into(), Arc::new(text), None);
    for d in &report.diagnostics {
        assert!(d.finding.span.start <= d.finding.span.end);
        assert!(d.finding.span.end <= report.source.len());
    }
}

/// Markdown-ish text: table syntax, escapes, CJK, URLs and code fences are likely.
fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("|".to_string()),
        Just("\\|".to_string()),
        Just("| --- |".to_string()),
        Just("|---|---|\n".to_string()),
        Just("\n".to_string()),
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("```\n".to_string()),
        Just("`".to_string()),
        Just("https://a.example/x".to_string()),
        Just("www.example.com".to_string()),
        Just("[a](https://b.example/(c)".to_string()),
        Just("<!-- survey-lint-disable -->".to_string()),
        Just("模型名称".to_string()),
        Just("8 A 100*1天".to_string()),
        Just("\u{a0}".to_string()),
        "[ -~]{0,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_do_not_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        lint(String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn markdownish_text_does_not_panic(text in markdownish()) {
        lint(text);
    }
}
