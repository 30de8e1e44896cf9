//! Applying safe fixes: edits never overlap, never touch a byte outside themselves, and a second
//! `--fix` changes nothing. [`fix_files`] is `--fix`: fix, lint again, until nothing is left.

use crate::changes::Changes;
use crate::diagnostic::{Edit, Fix};
use crate::engine::{Diagnostic, Linter};
use crate::files::{self, FileError};
use crate::links::Verdicts;
use crate::report::Outcome;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// What `--fix` did.
#[derive(Default)]
pub struct Fixed {
    pub fixes: usize,
    pub files: usize,
    pub diff: String,
}

/// Applies the safe fixes of every file of `outcome`, linting again after each pass (a fix can
/// uncover another), writes the files (or, with `diff`, only collects the diff), and leaves in
/// `outcome` what the fixed files still have. With `--changed-since`, only findings on changed
/// lines are fixed and reported; the changed lines are followed through each pass, since a fix
/// moves the lines after it.
pub fn fix_files(
    outcome: &mut Outcome,
    linter: &Linter,
    verdicts: Option<&Verdicts>,
    changes: Option<&Changes>,
    diff: bool,
) -> Fixed {
    const MAX_PASSES: usize = 8;
    let mut fixed = Fixed::default();
    for report in &mut outcome.files {
        let original = report.source.clone();
        let path = PathBuf::from(&report.path);
        // Whether each line (1-based) of the current text is one the user changed.
        let mut changed: Option<Vec<bool>> = changes.map(|c| {
            let lines = report.source.split_inclusive('\n').count() + 1;
            (0..=lines).map(c.in_file(&path)).collect()
        });
        let mut file_fixes = 0;
        for _ in 0..MAX_PASSES {
            let fixes: Vec<_> = report
                .diagnostics
                .iter()
                .filter_map(|d| d.finding.fix.as_ref())
                .collect();
            let (text, applied) = apply(&report.source, &fixes);
            if applied == 0 {
                break;
            }
            file_fixes += applied;
            if let Some(changed) = &mut changed {
                *changed = changed_after_fix(&report.source, &text, changed);
            }
            *report = linter.lint(report.path.clone(), Arc::new(text), verdicts);
            if let Some(changed) = &changed {
                let on_changed_line = |d: &Diagnostic| {
                    changed.get(d.start.line) == Some(&true) || d.finding.caused_by_change
                };
                report.diagnostics.retain(on_changed_line);
            }
        }
        if file_fixes == 0 {
            continue;
        }
        fixed.fixes += file_fixes;
        fixed.files += 1;
        if diff {
            fixed
                .diff
                .push_str(&unified_diff(&report.path, &original, &report.source));
        } else if let Err(err) =
            files::write_atomically(Path::new(&report.path), report.source.as_bytes())
        {
            outcome.errors.push(FileError::Unreadable {
                path: report.path.clone(),
                reason: format!("cannot write the fixed file: {err}"),
            });
        }
    }
    fixed
}

/// Which lines (1-based) of `after` are changed lines, given those of `before`: a line kept
/// from `before` keeps its mark, and a line a fix wrote is changed (fixes touch only changed
/// lines).
fn changed_after_fix(before: &str, after: &str, changed: &[bool]) -> Vec<bool> {
    use similar::DiffOp;
    let lines = after.split_inclusive('\n').count() + 1;
    let mut marks = vec![false; lines + 1];
    for op in similar::TextDiff::from_lines(before, after).ops() {
        match *op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for i in 0..len {
                    marks[new_index + i + 1] = changed.get(old_index + i + 1) == Some(&true);
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            }
            | DiffOp::Replace {
                new_index, new_len, ..
            } => marks[new_index + 1..=new_index + new_len].fill(true),
            DiffOp::Delete { .. } => {}
        }
    }
    marks
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
