//! The whole offline check of one file: every built-in rule, then every output format.
//! Nothing panics, every span lies on character boundaries of the source.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use survey_lint::engine::Linter;
use survey_lint::report::{self, HumanOptions, Outcome};
use survey_lint::rules::RuleSet;

/// The built-in rules, parsed once: parsing them took half of every run.
fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::new(RuleSet::builtin()))
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(source) = std::str::from_utf8(bytes) else {
        return;
    };
    let linter = linter();
    let file = linter.lint("fuzz.md".into(), Arc::new(source.to_string()), None);
    for d in &file.diagnostics {
        let span = &d.finding.span;
        assert!(span.start <= span.end && span.end <= source.len());
        assert!(source.is_char_boundary(span.start) && source.is_char_boundary(span.end));
        if let Some(fix) = &d.finding.fix {
            for edit in &fix.edits {
                assert!(source.get(edit.span.clone()).is_some(), "edit off boundaries");
            }
        }
    }
    let outcome = Outcome {
        files: vec![file],
        errors: Vec::new(),
        baselined: 0,
        unchecked_links: 0,
    };
    let specs: Vec<_> = linter.rules.rules.iter().map(|r| r.spec.clone()).collect();
    let json = report::render_json(&outcome);
    assert!(json.ends_with('\n'));
    let _ = report::render_sarif(&outcome, &specs);
    let _ = report::render_github(&outcome);
    let _ = report::render_junit(&outcome);
    let options = HumanOptions {
        color: false,
        width: 80,
    };
    let _ = report::render_human(&outcome, options);
});
