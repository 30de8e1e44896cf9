//! Applying safe fixes: edits never overlap, never touch a byte outside themselves, and a second
//! `--fix` changes nothing.

use crate::checks::{Edit, Fix};

/// Applies every safe fix that does not overlap one applied before it (in source order), and
/// returns the new text and the number of fixes applied.
pub fn apply(source: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut fixes: Vec<&Fix> = fixes
        .iter()
        .copied()
        .filter(|f| f.safe && !f.edits.is_empty())
        .collect();
    fixes.sort_by_key(|f| f.edits.iter().map(|e| (e.span.start, e.span.end)).min());
    let mut accepted: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let fits = fix.edits.iter().all(|e| {
            e.span.start <= e.span.end
                && e.span.end <= source.len()
                && source.is_char_boundary(e.span.start)
                && source.is_char_boundary(e.span.end)
                && accepted.iter().all(|a| !overlaps(a, e))
        });
        if fits {
            accepted.extend(&fix.edits);
            applied += 1;
        }
    }
    accepted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for edit in accepted {
        out.push_str(&source[at..edit.span.start]);
        out.push_str(&edit.replacement);
        at = edit.span.end;
    }
    out.push_str(&source[at..]);
    (out, applied)
}

/// Two edits overlap when their ranges share a byte, or when one inserts at a point the other
/// touches: the result would depend on their order.
fn overlaps(a: &Edit, b: &Edit) -> bool {
    let (a, b) = (&a.span, &b.span);
    if a.is_empty() || b.is_empty() {
        a.start <= b.end && b.start <= a.end
    } else {
        a.start < b.end && b.start < a.end
    }
}

/// A unified diff of a fix, for `--fix --diff`.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(1)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, text: &str) -> Fix {
        Fix::safe(vec![Edit {
            span: start..end,
            replacement: text.into(),
        }])
    }

    #[test]
    fn overlapping_fixes_apply_the_first_only() {
        let a = edit(0, 4, "");
        let b = edit(2, 6, "X");
        let c = edit(8, 8, " ");
        assert_eq!(apply("0123456789", &[&b, &a, &c]), ("4567 89".into(), 2));
    }

    #[test]
    fn insertions_at_the_edge_of_a_deletion_conflict() {
        let a = edit(2, 4, "");
        let b = edit(4, 4, "+");
        assert_eq!(apply("abcdef", &[&a, &b]).1, 1);
    }

    #[test]
    fn unsafe_fixes_are_not_applied() {
        let mut a = edit(0, 1, "");
        a.safe = false;
        assert_eq!(apply("abc", &[&a]), ("abc".into(), 0));
    }
}
