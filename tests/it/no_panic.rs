//! survey-lint never panics on input: arbitrary bytes go through the parser and every rule.

use proptest::prelude::*;
use std::sync::Arc;
use survey_lint::engine::Linter;
use survey_lint::rules::RuleSet;
use survey_lint::workspace::Workspace;

fn lint(text: String) {
    lint_with(Linter::new(RuleSet::builtin()), "fuzz.md", text);
}

fn lint_with(linter: Linter, path: &str, text: String) {
    let report = linter.lint(path.into(), Arc::new(text), None);
    for d in &report.diagnostics {
        assert!(d.finding.span.start <= d.finding.span.end);
        assert!(d.finding.span.end <= report.source.len());
        for edit in d.finding.fix.iter().flat_map(|f| &f.edits) {
            assert!(report.source.is_char_boundary(edit.span.start));
            assert!(report.source.is_char_boundary(edit.span.end));
        }
    }
}

/// Linted inside `tests/fixtures/missing-file/`, laid out as a repository, so that relative
/// links, fragments and other files are looked up for real (the folder is only read).
fn lint_in_workspace(text: String) {
    let root = crate::support::root();
    let workspace = Workspace::with_root(&root, &crate::support::fixture("missing-file"));
    let linter = Linter::new(RuleSet::builtin()).with_workspace(workspace);
    lint_with(linter, "tests/fixtures/missing-file/fuzz.md", text);
}

/// Links into the working tree: fragments, relative paths, headings and HTML anchors.
fn linkish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("# ".to_string()),
        Just("\n## 1. 模型 ✨\n".to_string()),
        Just("<h2 id=\"x\">".to_string()),
        Just("</h2>".to_string()),
        Just("<a name='".to_string()),
        Just("[a](#".to_string()),
        Just("[b](docs/".to_string()),
        Just("![c](/assets/".to_string()),
        Just("https://github.com/acme/x/blob/main/".to_string()),
        Just("guide.md#".to_string()),
        Just("Guide.MD".to_string()),
        Just("../".to_string()),
        Just("%E6%A8".to_string()),
        Just("%20".to_string()),
        Just(")".to_string()),
        Just("\\".to_string()),
        "[ -~]{0,6}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
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

    #[test]
    fn links_into_the_working_tree_do_not_panic(text in linkish()) {
        lint_in_workspace(text);
    }
}
