//! `--fix` on a whole document, in memory: fixing the fixed text again changes nothing (apply
//! twice = apply once), and every fix the engine applies keeps the text valid UTF-8 with its
//! spans on character boundaries.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use survey_lint::engine::Linter;
use survey_lint::rules::RuleSet;

/// The built-in rules, parsed once.
fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::new(RuleSet::builtin()))
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(source) = std::str::from_utf8(bytes) else {
        return;
    };
    let linter = linter();
    let report = linter.lint("fuzz.md".into(), Arc::new(source.to_string()), None);
    let Some((fixed, _)) = survey_lint::fix::fix_report(&report, linter, None, None) else {
        return;
    };
    if let Some((again, n)) = survey_lint::fix::fix_report(&fixed, linter, None, None) {
        panic!(
            "a second --fix applied {n} more fixes:\n--- once\n{}\n--- twice\n{}",
            fixed.source, again.source
        );
    }
});
