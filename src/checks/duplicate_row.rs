//! `duplicate-row`: a row equal to an earlier row of the same table.

use super::{Check, CheckContext, Kind, NoSettings};
use crate::diagnostic::{Finding, Fix, Sink};
use crate::document::{Document, Row, Table};
use crate::fields::text::{cell_as_seen, normalize_cell, trim};
use foldhash::{HashMap, HashMapExt};
use std::hash::{BuildHasher, Hasher};

pub struct DuplicateRow;

impl Kind for DuplicateRow {
    type Settings = NoSettings;

    fn new(_: &NoSettings) -> DuplicateRow {
        DuplicateRow
    }
}

impl Check for DuplicateRow {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let doc = cx.doc;
        for (table, copies) in doc.tables.iter().zip(cx.copies()) {
            for &(first, dup) in copies {
                let (Some(first), Some(dup)) = (table.row(doc, first), table.row(doc, dup)) else {
                    continue;
                };
                let (first, dup) = (&first, &dup);
                // Deleting a copy that differs only in markup or spacing loses that markup: the
                // fix is offered but not applied by `--fix`.
                let exact = same_text(doc.source, first, dup);
                out.push(
                    Finding::new(
                        dup.span.clone(),
                        format!("row duplicates row {}", first.line),
                    )
                    .label(if exact {
                        "duplicated here"
                    } else {
                        "the same as a reader sees it, markup or spacing aside"
                    })
                    .related(first.span.clone(), "first occurrence")
                    .help("delete this row")
                    .fix_if(dup.delete_span().map(|span| Fix {
                        safe: exact,
                        ..Fix::delete(span)
                    })),
                );
            }
        }
    }
}

/// Pairs of (first occurrence, later duplicate) row indexes; blank rows are left to `empty-row`.
pub(super) fn duplicate_rows(doc: &Document<'_>, table: &Table) -> Vec<(usize, usize)> {
    let source = doc.source;
    // Rows are bucketed by a fingerprint that NFKC-equal rows share, so that no row is
    // normalized or copied unless its fingerprint matches an earlier row's.
    let mut first_with: HashMap<u64, usize> = HashMap::new();
    // Distinct rows whose fingerprints collide: rare, so kept apart from the map.
    let mut collided: Vec<(u64, usize)> = Vec::new();
    let mut pairs = Vec::new();
    let mut buffer = Vec::new();
    let state = foldhash::fast::RandomState::default();
    for (index, row) in table.rows(doc).enumerate() {
        if row.is_blank(source) {
            continue;
        }
        let print = fingerprint(source, &row, &mut buffer, &state);
        let Some(&first) = first_with.get(&print) else {
            first_with.insert(print, index);
            continue;
        };
        let earlier = std::iter::once(first)
            .chain(
                collided
                    .iter()
                    .filter(|(p, _)| *p == print)
                    .map(|&(_, i)| i),
            )
            .find(|&earlier| {
                (table.row(doc, earlier)).is_some_and(|e| same_cells(source, &e, &row))
            });
        match earlier {
            Some(first) => pairs.push((first, index)),
            None => collided.push((print, index)),
        }
    }
    pairs
}

/// A hash of what a reader sees in the row's cells, coarse enough that rows equal as seen
/// ([`same_cells`]) always share it: only letters and digits count, in their compatibility
/// decomposition and lowercase; HTML tags and character references are skipped (they are
/// markup, or `<br>` and `&nbsp;`, which read as spaces). `buffer` is reused.
fn fingerprint(
    source: &str,
    row: &Row,
    buffer: &mut Vec<u8>,
    state: &foldhash::fast::RandomState,
) -> u64 {
    buffer.clear();
    for cell in &row.cells {
        push_letters(trim(&source[cell.span()]), buffer);
        buffer.push(0x1f);
    }
    let mut hasher = state.build_hasher();
    hasher.write(buffer);
    hasher.finish()
}

/// The letters and digits of `text` for [`fingerprint`]. Runs that need no change (ASCII
/// lowercase letters and digits, CJK ideographs) are copied whole.
fn push_letters(text: &str, buffer: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let (mut run, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            i += 1;
            continue;
        }
        if b.is_ascii() {
            buffer.extend_from_slice(&bytes[run..i]);
            if b.is_ascii_uppercase() {
                buffer.push(b.to_ascii_lowercase());
                i += 1;
            } else {
                i += markup_len(&bytes[i..]).unwrap_or(1);
            }
            run = i;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if is_cjk_ideograph(c) {
            i += c.len_utf8();
            continue;
        }
        buffer.extend_from_slice(&bytes[run..i]);
        i += c.len_utf8();
        run = i;
        unicode_normalization::char::decompose_compatible(c, |d| {
            if d.is_alphanumeric() {
                for l in d.to_lowercase() {
                    buffer.extend_from_slice(l.encode_utf8(&mut [0; 4]).as_bytes());
                }
            }
        });
    }
    buffer.extend_from_slice(&bytes[run..]);
}

/// The length of an HTML tag (`<br/>`, `<img …>`) or character reference (`&nbsp;`,
/// `&#160;`) at the start of `bytes`.
fn markup_len(bytes: &[u8]) -> Option<usize> {
    match bytes.first()? {
        b'<' => {
            let next = *bytes.get(1)?;
            if !(next.is_ascii_alphabetic() || next == b'/' || next == b'!') {
                return None;
            }
            Some(memchr::memchr(b'>', bytes)? + 1)
        }
        b'&' => {
            let end = bytes.iter().take(12).position(|&b| b == b';')?;
            let name = &bytes[1..end];
            let valid = !name.is_empty()
                && name
                    .iter()
                    .enumerate()
                    .all(|(i, b)| b.is_ascii_alphanumeric() || (i == 0 && *b == b'#'));
            valid.then_some(end + 1)
        }
        _ => None,
    }
}

/// CJK Unified Ideographs have no compatibility decomposition.
fn is_cjk_ideograph(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// Cell by cell equality as a reader sees the cells ([`cell_as_seen`]): the same visible text
/// in any case, width or spacing, with the same link targets.
fn same_cells(source: &str, a: &Row, b: &Row) -> bool {
    a.cells.len() == b.cells.len()
        && a.cells.iter().zip(&b.cells).all(|(x, y)| {
            let (x, y) = (&source[x.span()], &source[y.span()]);
            normalize_cell(x) == normalize_cell(y) || cell_as_seen(x) == cell_as_seen(y)
        })
}

/// Cell by cell equality of the text as written, after trimming and NFKC: a copy that deleting
/// loses nothing.
fn same_text(source: &str, a: &Row, b: &Row) -> bool {
    a.cells.len() == b.cells.len()
        && a.cells
            .iter()
            .zip(&b.cells)
            .all(|(x, y)| normalize_cell(&source[x.span()]) == normalize_cell(&source[y.span()]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn pairs(md: &str) -> Vec<(usize, usize)> {
        let doc = Document::parse(md);
        duplicate_rows(&doc, &doc.tables[0])
    }

    #[test]
    fn rows_equal_as_a_reader_sees_them_are_copies() {
        let md = "| Title | Paper |\n|---|---|\n| 🔥**YOCO**<br>You Only Cache Once | [pdf](https://arxiv.org/abs/2405.05254) |\n| YOCO You&nbsp;only cache once | [PDF](https://arxiv.org/abs/2405.05254) |\n";
        assert_eq!(pairs(md), [(0, 1)]);
    }

    #[test]
    fn rows_that_differ_as_seen_are_not_copies() {
        for md in [
            "| T | P |\n|---|---|\n| a | [pdf](https://x/1) |\n| a | [pdf](https://x/2) |\n",
            "| T | P |\n|---|---|\n| GPT-4 | x |\n| GPT-4o | x |\n",
            "| T | P |\n|---|---|\n| a_b | x |\n| ab | x |\n",
            "| T | P |\n|---|---|\n| a | x |\n| a | x | y |\n",
        ] {
            assert_eq!(pairs(md), [], "{md}");
        }
    }
}
