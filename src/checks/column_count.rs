//! `column-count`: a row with more or fewer cells than the header.

use super::{Check, CheckContext, Kind, NoSettings};
use crate::diagnostic::{Finding, Sink, plural};

pub struct ColumnCount;

impl Kind for ColumnCount {
    type Settings = NoSettings;

    fn new(_: &NoSettings) -> ColumnCount {
        ColumnCount
    }
}

impl Check for ColumnCount {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let doc = cx.doc;
        // An HTML table without a header row has no column count to hold rows to.
        for table in doc.tables.iter().filter(|t| !t.header.cells.is_empty()) {
            let expected = table.header.cells.len();
            for row in table.rows(doc) {
                let found = row.cells.len();
                if found == expected {
                    continue;
                }
                // Cells past the last column that hold only a comment lose nothing when
                // renderers drop them: the author means to hide them. A blank one is still
                // reported: it may be the last cell, pushed out by a stray cell before it.
                let extra = row.cells.get(expected..).unwrap_or_default();
                if found > expected && extra.iter().all(|c| shows_nothing(doc.text(&c.span()))) {
                    continue;
                }
                let message = format!(
                    "row has {found} {}, header has {expected}",
                    plural(found, "cell", "cells")
                );
                let finding = if found > expected {
                    let extra = row.cells[expected].raw().start.saturating_sub(1)..row.span.end;
                    Finding::new(extra, message)
                        .label(format!(
                            "{} past the last column",
                            plural(found - expected, "this cell is", "these cells are")
                        ))
                        .help(if table.html {
                            "remove the extra cells or merge them into a column: the row sticks out of the table"
                        } else {
                            "remove the extra cells or merge them into a column: renderers drop them"
                        })
                } else {
                    let missing = expected - found;
                    Finding::new(row.span.clone(), message)
                        .label(format!(
                            "{missing} {} missing",
                            plural(missing, "cell is", "cells are")
                        ))
                        .help(format!(
                            "add {missing} {}, empty if unknown: {}",
                            plural(missing, "cell", "cells"),
                            if table.html {
                                "the row ends short of the table"
                            } else {
                                "renderers pad this row silently"
                            }
                        ))
                };
                out.push(finding.related(
                    table.header.span.clone(),
                    format!("header has {expected} cells"),
                ));
            }
        }
    }
}

/// An HTML comment (`<!-- 12/30 -->`), or a Markdown comment written as a reference
/// definition (`[//]: #Recommend`, `[comment]: <> (…)`), which authors use as hidden tags.
fn shows_nothing(cell: &str) -> bool {
    let cell = cell.trim();
    if let Some(inner) = cell.strip_prefix("<!--") {
        return inner.ends_with("-->");
    }
    let Some((label, rest)) = cell.strip_prefix('[').and_then(|c| c.split_once("]:")) else {
        return false;
    };
    let comment_label = matches!(label.trim(), "//" | "_" | "#" | "")
        || label.trim().eq_ignore_ascii_case("comment");
    let rest = rest.trim_start();
    comment_label && (rest.starts_with('#') || rest.starts_with("<>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_cells_show_nothing() {
        for cell in [
            "[//]: #Recommend",
            "[//]: # (12/30)",
            "[comment]: <> (hidden)",
            "<!-- note -->",
        ] {
            assert!(shows_nothing(cell), "{cell:?}");
        }
        for cell in [
            "",
            "&nbsp;",
            "x",
            "[a]: https://x",
            "[//] #x",
            "<!-- open",
            "基于[Baichuan](https://x)",
        ] {
            assert!(!shows_nothing(cell), "{cell:?}");
        }
    }
}
