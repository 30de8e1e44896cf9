//! Binding field rules to columns by header aliases, and splitting labelled sub-fields
//! (`数据量：1.4 Trillion Tokens运算量：2048 A100*21天`) out of a cell.
//!
//! A field rule names the columns it reads (`运算量`, `Compute`, `训练细节` …) and the labels
//! of its own sub-field (`运算量`, `Compute`). A cell with no known label is read whole; a cell
//! with labels is read only where one of the rule's labels introduces a value, up to the next
//! known label. Everything is a byte range of the source, so findings point at the sub-field.

use super::columns::BoundColumn;
use crate::document::{Span, Table};

/// Which columns and sub-fields a field rule reads. Borrowed from the rule's settings.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec<'a> {
    /// Header aliases of the columns, in any case and width (`Params` matches `Params (B)`).
    pub columns: &'a [String],
    /// Labels that introduce this rule's value inside a cell (`运算量`, `Compute`).
    pub labels: &'a [String],
    /// Labels of other fields, which end this rule's value (`数据量`, `Data`).
    pub other_labels: &'a [String],
}

/// One field value: the text a rule parses, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValue<'s> {
    /// Index of the row in `table.rows`.
    pub row: usize,
    pub column: usize,
    /// Byte range in the source, trimmed of spaces, separators and Markdown wrappers.
    pub span: Span,
    pub text: &'s str,
}

/// Every value of the rule's field in the bound columns of `table`, row by row.
pub fn field_values<'s>(
    source: &'s str,
    table: &Table,
    columns: &[BoundColumn],
    spec: &FieldSpec<'_>,
    mut each: impl FnMut(FieldValue<'s>),
) {
    for row_index in 0..table.row_count() {
        for column in columns {
            let Some(cell) = table.cell(source, row_index, column.index) else {
                continue;
            };
            cell_fields(source, cell.span(), spec, |span| {
                each(FieldValue {
                    row: row_index,
                    column: column.index,
                    text: &source[span.clone()],
                    span,
                })
            });
        }
    }
}

/// Calls `each` with the span of every value of the rule's field in one cell: the whole cell
/// when it has no known label, else each segment introduced by one of `spec.labels`.
pub fn cell_fields(source: &str, cell: Span, spec: &FieldSpec<'_>, mut each: impl FnMut(Span)) {
    let text = &source[cell.clone()];
    let mut any_label = false;
    // Start of the value of the rule's field that is still open, waiting for the next label.
    let mut open: Option<usize> = None;
    for (colon, mark) in text.match_indices([':', '：']) {
        // `https://…` is a URL, not a label and its value.
        if text[colon..].starts_with("://") {
            continue;
        }
        let Some((label_start, ours)) = label_before(text, colon, spec) else {
            continue;
        };
        any_label = true;
        if let Some(start) = open.take() {
            emit(
                source,
                cell.start + start..cell.start + label_start,
                &mut each,
            );
        }
        if ours {
            open = Some(colon + mark.len());
        }
    }
    if let Some(start) = open {
        emit(source, cell.start + start..cell.end, &mut each);
    } else if !any_label {
        emit(source, cell, &mut each);
    }
}

fn emit(source: &str, span: Span, each: &mut impl FnMut(Span)) {
    let span = trim_value(source, span);
    if !span.is_empty() {
        each(span);
    }
}

/// The start of the known label that ends just before the colon at `colon` (spaces allowed
/// between), and whether it is one of the rule's own labels. The longest label wins, so
/// `训练数据` is not read as `数据`.
fn label_before(text: &str, colon: usize, spec: &FieldSpec<'_>) -> Option<(usize, bool)> {
    let before = text[..colon].trim_end_matches([' ', '\t', '\u{a0}']);
    let last = before.as_bytes().last()?.to_ascii_lowercase();
    // (length, ours) of the longest label found; on a tie the later one, the other field's.
    let mut best: Option<(usize, bool)> = None;
    for (labels, ours) in [(spec.labels, true), (spec.other_labels, false)] {
        for label in labels {
            // Most labels end in another byte: a cheap test before the full one.
            let ends_alike = label.as_bytes().last().map(u8::to_ascii_lowercase) == Some(last);
            let longer = best.is_none_or(|(len, _)| label.len() >= len);
            if ends_alike && longer && ends_with_label(before, label) {
                best = Some((label.len(), ours));
            }
        }
    }
    best.map(|(len, ours)| (before.len() - len, ours))
}

/// Case-insensitive (ASCII) suffix test. An ASCII label must not continue a word (`metadata:`
/// is not `data:`), unless it starts a new capitalised word (`TokensCompute:`); a CJK label
/// needs no boundary, since CJK text has no spaces (`…Tokens运算量：`).
fn ends_with_label(before: &str, label: &str) -> bool {
    if label.is_empty() || before.len() < label.len() {
        return false;
    }
    let start = before.len() - label.len();
    if !before.is_char_boundary(start) || !before[start..].eq_ignore_ascii_case(label) {
        return false;
    }
    let first = before[start..].chars().next();
    let prev = before[..start].chars().next_back();
    match (first, prev) {
        (_, None) => true,
        (Some(f), Some(p)) if f.is_ascii_alphanumeric() => {
            !p.is_ascii_alphanumeric() || (f.is_ascii_uppercase() && !p.is_ascii_uppercase())
        }
        _ => true,
    }
}

/// Trims spaces, trailing list separators, `<br>` tags and a pair of Markdown wrappers
/// (`**…**`, `` `…` ``) off a value, so the span is the value a reader sees.
pub fn trim_value(source: &str, span: Span) -> Span {
    let text = &source[span.clone()];
    // Nothing trimmed is a letter or digit: most values need no more than this test.
    let alphanumeric = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    if alphanumeric(text.chars().next()) && alphanumeric(text.chars().next_back()) {
        return span;
    }
    let mut t = text;
    loop {
        let before = t.len();
        t = t.trim_matches(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}');
        t = t.trim_end_matches([';', '；', ',', '，', '、', '。']);
        for tag in ["<br>", "<br/>", "<br />", "<BR>"] {
            t = t.strip_suffix(tag).unwrap_or(t);
            t = t.strip_prefix(tag).unwrap_or(t);
        }
        for wrapper in ["**", "__", "`", "*", "_"] {
            if t.len() >= 2 * wrapper.len() && t.starts_with(wrapper) && t.ends_with(wrapper) {
                t = &t[wrapper.len()..t.len() - wrapper.len()];
                break;
            }
        }
        if t.len() == before {
            break;
        }
    }
    let start = span.start + (t.as_ptr() as usize - text.as_ptr() as usize);
    start..start + t.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn values(cell: &str, labels: &[&str], others: &[&str]) -> Vec<String> {
        let (labels, others) = (strings(labels), strings(others));
        let spec = FieldSpec {
            columns: &[],
            labels: &labels,
            other_labels: &others,
        };
        let mut out = Vec::new();
        cell_fields(cell, 0..cell.len(), &spec, |s| {
            out.push(cell[s].to_string())
        });
        out
    }

    #[test]
    fn labelled_sub_fields_are_split_by_label() {
        let cell = "数据量：1.4 Trillion Tokens运算量：2048 A100*21天";
        assert_eq!(values(cell, &["运算量"], &["数据量"]), ["2048 A100*21天"]);
        assert_eq!(
            values(cell, &["数据量"], &["运算量"]),
            ["1.4 Trillion Tokens"]
        );
        assert_eq!(
            values("Data: 1T; Compute: 8 A100*3h", &["compute"], &["data"]),
            ["8 A100*3h"]
        );
        assert_eq!(
            values("Data: 1T TokensCompute: 8 A100*3h", &["compute"], &["data"]),
            ["8 A100*3h"]
        );
    }

    #[test]
    fn a_cell_without_labels_is_read_whole_and_others_only_skip() {
        assert_eq!(
            values(" 8 A100*3h ", &["运算量"], &["数据量"]),
            ["8 A100*3h"]
        );
        assert!(values("数据量：1T", &["运算量"], &["数据量"]).is_empty());
        assert!(values("运算量：/", &["运算量"], &[]) == ["/"]);
        // A colon that follows no known label does not split the value.
        assert_eq!(
            values("运算量：see https://x.org", &["运算量"], &[]),
            ["see https://x.org"]
        );
        assert_eq!(values("metadata: 7B", &["data"], &[]), ["metadata: 7B"]);
    }

    #[test]
    fn values_are_trimmed_of_separators_and_wrappers() {
        let text = " **8 A100*3天**；<br> ";
        let span = trim_value(text, 0..text.len());
        assert_eq!(&text[span], "8 A100*3天");
        let text = "`7B`";
        assert_eq!(&text[trim_value(text, 0..text.len())], "7B");
        let text = "8 A100*";
        assert_eq!(&text[trim_value(text, 0..text.len())], "8 A100*");
    }
}
