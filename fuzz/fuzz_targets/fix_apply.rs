//! The fix engine: `fix::apply` against a plain reference that checks every edit against every
//! accepted one. Same text, same count: the fast engine accepts exactly the fixes the reference
//! does, and no byte outside an accepted edit changes.

#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use survey_lint::diagnostic::{Edit, Fix};

#[derive(Arbitrary, Debug)]
struct Input {
    source: String,
    fixes: Vec<FixIn>,
}

#[derive(Arbitrary, Debug)]
struct FixIn {
    unsafe_: bool,
    edits: Vec<EditIn>,
}

#[derive(Arbitrary, Debug)]
struct EditIn {
    start: u16,
    len: u8,
    replacement: String,
}

fuzz_target!(|input: Input| {
    let source = &input.source;
    // Offsets a little past the end are allowed, to exercise the engine's own bounds checks.
    let room = source.len() + 2;
    let fixes: Vec<Fix> = input
        .fixes
        .iter()
        .map(|f| Fix {
            safe: !f.unsafe_,
            edits: f
                .edits
                .iter()
                .map(|e| {
                    let start = e.start as usize % room;
                    Edit {
                        span: start..start + (e.len % 8) as usize,
                        replacement: e.replacement.clone(),
                    }
                })
                .collect(),
        })
        .collect();
    let refs: Vec<&Fix> = fixes.iter().collect();
    let (text, applied) = survey_lint::fix::apply(source, &refs);
    let (expected, expected_applied) = reference(source, &refs);
    assert_eq!(applied, expected_applied);
    assert_eq!(text, expected);
});

/// Fixes in order of their first edit (ties as given); a fix is accepted when all its edits lie
/// on character boundaries of the source and none overlaps an edit accepted before it or
/// another of its own. Then the accepted edits are spliced in, and nothing else changes.
fn reference(source: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut order: Vec<&Fix> = fixes
        .iter()
        .copied()
        .filter(|f| f.safe && !f.edits.is_empty())
        .collect();
    order.sort_by_key(|f| f.edits.iter().map(|e| e.span.start).min());
    let mut accepted: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in order {
        let valid = fix.edits.iter().all(|e| {
            e.span.start <= e.span.end
                && source.is_char_boundary(e.span.start)
                && source.is_char_boundary(e.span.end)
        });
        let own = fix.edits.iter().enumerate().all(|(i, a)| {
            fix.edits[i + 1..].iter().all(|b| !overlaps(a, b))
        });
        let free = fix.edits.iter().all(|e| accepted.iter().all(|a| !overlaps(a, e)));
        if valid && own && free {
            accepted.extend(&fix.edits);
            applied += 1;
        }
    }
    accepted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::new();
    let mut at = 0;
    for edit in accepted {
        out.push_str(&source[at..edit.span.start]);
        out.push_str(&edit.replacement);
        at = edit.span.end;
    }
    out.push_str(&source[at..]);
    (out, applied)
}

fn overlaps(a: &Edit, b: &Edit) -> bool {
    let (a, b) = (&a.span, &b.span);
    if a.is_empty() || b.is_empty() {
        a.start <= b.end && b.start <= a.end
    } else {
        a.start < b.end && b.start < a.end
    }
}
