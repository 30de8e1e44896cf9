//! Applying safe fixes: edits never overlap, never touch a byte outside themselves, and a second
//! `--fix` changes nothing. [`fix_files`] is `--fix`: fix, lint again, until nothing is left.

use crate::changes::Changes;
use crate::diagnostic::{Edit, Fix};
use crate::engine::{Diagnostic, FileReport, Linter};
use crate::files::{self, FileError};
use crate::links::Verdicts;
use crate::report::Outcome;
use std::borrow::Borrow;
use std::ops::Bound::{Excluded, Unbounded};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Applies every safe fix that does not overlap one applied before it (in source order), and
/// returns the new text and the number of fixes applied.
///
/// The fixes are sorted once by where they start; each edit is then checked against its
/// neighbours among the edits accepted so far (accepted edits never overlap, so the one
/// before and the one after are the only ones it can touch): O(n log n) for n edits.
pub fn apply<F: Borrow<Fix>>(source: &str, fixes: &[F]) -> (String, usize) {
    let mut fixes: Vec<(usize, &Fix)> = fixes
        .iter()
        .map(Borrow::borrow)
        .filter(|f: &&Fix| f.safe)
        .filter_map(|f| Some((f.edits.iter().map(|e| e.span.start).min()?, f)))
        .collect();
    // Stable: fixes that start at the same byte keep the order they were given in.
    fixes.sort_by_key(|(start, _)| *start);
    let mut accepted = Accepted::default();
    let mut applied = 0;
    for (_, fix) in fixes {
        if accepted.try_add(source, fix) {
            applied += 1;
        }
    }
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for edit in accepted.edits.into_values() {
        out.push_str(&source[at..edit.span.start]);
        out.push_str(&edit.replacement);
        at = edit.span.end;
    }
    out.push_str(&source[at..]);
    (out, applied)
}

/// The edits accepted so far, by (start, end). No two of them overlap.
#[derive(Default)]
struct Accepted<'f> {
    edits: std::collections::BTreeMap<(usize, usize), &'f Edit>,
}

impl<'f> Accepted<'f> {
    /// Accepts all the edits of `fix`, or none of them: an edit that lies off the source or
    /// off a character boundary, or that overlaps an accepted edit or another of the fix's own,
    /// rejects the fix.
    fn try_add(&mut self, source: &str, fix: &'f Fix) -> bool {
        let mut own: Vec<&Edit> = fix.edits.iter().collect();
        own.sort_by_key(|e| (e.span.start, e.span.end));
        let valid = |e: &Edit| {
            e.span.start <= e.span.end
                && source.is_char_boundary(e.span.start)
                && source.is_char_boundary(e.span.end)
        };
        let fits = own.iter().all(|e| valid(e) && !self.touches(e))
            && own.windows(2).all(|w| !overlaps(w[0], w[1]));
        if fits {
            self.edits
                .extend(own.into_iter().map(|e| ((e.span.start, e.span.end), e)));
        }
        fits
    }

    /// Whether `edit` overlaps an accepted edit: the last one that starts at or before it, or
    /// the first one that starts after it.
    fn touches(&self, edit: &Edit) -> bool {
        let key = (edit.span.start, edit.span.end);
        let before = self.edits.range(..=key).next_back();
        let after = self.edits.range((Excluded(key), Unbounded)).next();
        before
            .into_iter()
            .chain(after)
            .any(|(_, a)| overlaps(a, edit))
    }
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
    /// Fixes applied to files that were written (or, with `diff`, would be).
    pub fixes: usize,
    pub files: usize,
    pub diff: String,
}

/// Lint passes of `--fix` per file: a fix can uncover another, but never endlessly.
const MAX_PASSES: usize = 8;

/// Applies the safe fixes of every file of `outcome`, linting again after each pass (a fix can
/// uncover another), writes the files (or, with `diff`, only collects the diff), and leaves in
/// `outcome` what the fixed files still have. With `--changed-since`, only findings on changed
/// lines are fixed and reported; the changed lines are followed through each pass, since a fix
/// moves the lines after it.
///
/// A file is written only if it is still what was read (see
/// [`files::replace_if_unchanged`]); one that cannot be written keeps its findings, counts
/// no fix, and is reported as an error.
pub fn fix_files(
    outcome: &mut Outcome,
    linter: &Linter,
    verdicts: Option<&Verdicts>,
    changes: Option<&Changes>,
    diff: bool,
) -> Fixed {
    let mut fixed = Fixed::default();
    for report in &mut outcome.files {
        let path = PathBuf::from(&report.path);
        // Whether each line (1-based) of the current text is one the user changed.
        let changed: Option<Vec<bool>> = changes.map(|c| {
            let lines = report.source.split_inclusive('\n').count() + 1;
            (0..=lines).map(c.in_file(&path)).collect()
        });
        let Some((after, file_fixes)) = fix_report(report, linter, verdicts, changed) else {
            continue;
        };
        if diff {
            let text = unified_diff(&report.path, &report.source, &after.source);
            fixed.diff.push_str(&text);
        } else if let Err(reason) = files::replace_if_unchanged(
            Path::new(&report.path),
            report.read_as,
            report.source.as_bytes(),
            after.source.as_bytes(),
        ) {
            outcome.errors.push(FileError::NotWritten {
                path: report.path.clone(),
                reason,
            });
            continue;
        }
        fixed.fixes += file_fixes;
        fixed.files += 1;
        *report = FileReport {
            read_as: None,
            ..after
        };
    }
    fixed
}

/// Fixes one file's text in memory: applies its safe fixes, lints again, until nothing is left
/// to fix. The report of the fixed text and the number of fixes applied; `None` when there was
/// nothing to fix. `changed` marks the lines (1-based) whose findings may be fixed; `None`
/// allows all.
pub fn fix_report(
    report: &FileReport,
    linter: &Linter,
    verdicts: Option<&Verdicts>,
    mut changed: Option<Vec<bool>>,
) -> Option<(FileReport, usize)> {
    let mut current: Option<FileReport> = None;
    let mut total = 0;
    for _ in 0..MAX_PASSES {
        let now = current.as_ref().unwrap_or(report);
        let fixes: Vec<Fix> = (now.diagnostics.iter())
            .filter_map(|d| d.finding.fix)
            .collect();
        let (text, applied) = apply(&now.source, &fixes);
        if applied == 0 {
            break;
        }
        total += applied;
        if let Some(changed) = &mut changed {
            *changed = changed_after_fix(&now.source, &text, changed);
        }
        let mut next = linter.lint(now.path.clone(), Arc::new(text), verdicts);
        if let Some(changed) = &changed {
            let on_changed_line = |d: &Diagnostic| {
                changed.get(d.start.line) == Some(&true) || d.finding.caused_by_change
            };
            next.diagnostics.retain(on_changed_line);
        }
        current = Some(next);
    }
    current.map(|report| (report, total))
}

/// Which lines (1-based) of `after` are changed lines, given those of `before`: a line kept
/// from `before` keeps its mark, and a line a fix wrote is changed (fixes touch only changed
/// lines).
fn changed_after_fix(before: &str, after: &str, changed: &[bool]) -> Vec<bool> {
    use similar::DiffOp;
    let lines = after.split_inclusive('\n').count() + 1;
    let mut marks = vec![false; lines + 1];
    for op in line_diff(before, after).ops() {
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

/// How long a line diff may search for the smallest diff before it settles for a larger one:
/// a fix that deletes 100,000 rows spread over a file took the full search 32 s.
const DIFF_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(500);

/// The lines of `before` and `after` compared, within [`DIFF_TIMEOUT`]: past it the diff is
/// still right, only not the smallest (a kept line may show as deleted and added).
fn line_diff<'a>(before: &'a str, after: &'a str) -> similar::TextDiff<'a, 'a, 'a, str> {
    similar::TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_lines(before, after)
}

/// A unified diff of a fix, for `--fix --diff`.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    line_diff(before, after)
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
