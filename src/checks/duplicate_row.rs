//! `duplicate-row`: a row equal to an earlier row of the same table.

use super::{Check, CheckContext, Kind, NoSettings};
use crate::diagnostic::{Finding, Fix};
use crate::document::Row;
use crate::fields::text::{normalize_cell, trim};
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
    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        let doc = cx.doc;
        for (table, copies) in doc.tables.iter().zip(cx.copies()) {
            for &(first, dup) in copies {
                let (first, dup) = (&table.rows[first], &table.rows[dup]);
                out.push(
                    Finding::new(
                        dup.span.clone(),
                        format!("row duplicates row {}", first.line),
                    )
                    .label("duplicated here")
                    .related(first.span.clone(), "first occurrence")
                    .help("delete this row")
                    .fix_if(dup.delete_span().map(Fix::delete)),
                );
            }
        }
    }
}

/// Pairs of (first occurrence, later duplicate) row indexes; blank rows are left to `empty-row`.
pub(super) fn duplicate_rows(source: &str, rows: &[Row]) -> Vec<(usize, usize)> {
    // Rows are bucketed by a fingerprint that NFKC-equal rows share, so that no row is
    // normalized or copied unless its fingerprint matches an earlier row's.
    let mut first_with: HashMap<u64, usize> = HashMap::with_capacity(rows.len());
    // Distinct rows whose fingerprints collide: rare, so kept apart from the map.
    let mut collided: Vec<(u64, usize)> = Vec::new();
    let mut pairs = Vec::new();
    let mut buffer = Vec::new();
    let state = foldhash::fast::RandomState::default();
    for (index, row) in rows.iter().enumerate() {
        if row.is_blank(source) {
            continue;
        }
        let print = fingerprint(source, row, &mut buffer, &state);
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
            .find(|&earlier| same_cells(source, &rows[earlier], row));
        match earlier {
            Some(first) => pairs.push((first, index)),
            None => collided.push((print, index)),
        }
    }
    pairs
}

/// A hash of the row's cells, trimmed, with every character in its compatibility
/// decomposition: rows equal after NFKC have equal fingerprints. `buffer` is reused.
fn fingerprint(
    source: &str,
    row: &Row,
    buffer: &mut Vec<u8>,
    state: &foldhash::fast::RandomState,
) -> u64 {
    buffer.clear();
    for cell in &row.cells {
        let text = trim(&source[cell.span()]);
        if text.is_ascii() {
            buffer.extend_from_slice(text.as_bytes());
            buffer.push(0x1f);
            continue;
        }
        let mut run = 0;
        for (at, c) in text.char_indices() {
            if c.is_ascii() || is_cjk_ideograph(c) {
                continue;
            }
            buffer.extend_from_slice(&text.as_bytes()[run..at]);
            unicode_normalization::char::decompose_compatible(c, |d| {
                buffer.extend_from_slice(d.encode_utf8(&mut [0; 4]).as_bytes());
            });
            run = at + c.len_utf8();
        }
        buffer.extend_from_slice(&text.as_bytes()[run..]);
        buffer.push(0x1f);
    }
    let mut hasher = state.build_hasher();
    hasher.write(buffer);
    hasher.finish()
}

/// CJK Unified Ideographs have no compatibility decomposition.
fn is_cjk_ideograph(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// Cell by cell equality after trimming and NFKC.
fn same_cells(source: &str, a: &Row, b: &Row) -> bool {
    a.cells.len() == b.cells.len()
        && a.cells
            .iter()
            .zip(&b.cells)
            .all(|(x, y)| normalize_cell(&source[x.span()]) == normalize_cell(&source[y.span()]))
}
