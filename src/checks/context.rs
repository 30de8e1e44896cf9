//! [`CheckContext`]: what a check reads — the parsed document, the link verdicts when links
//! were checked, the working tree around the file when one is known, and analyses that several
//! checks share, computed once per document.

use super::targets::{LinkTarget, link_targets};
use crate::document::{Anchors, Document};
use crate::fields::text::normalize_key;
use crate::links::Verdicts;
use crate::workspace::WorkspaceFile;
use std::borrow::Cow;
use std::sync::OnceLock;

/// The context of one document's checks, shared by every rule (they run in parallel).
pub struct CheckContext<'d> {
    pub doc: &'d Document<'d>,
    /// The link checker's verdicts by URL, when links were checked (not `--offline`).
    pub verdicts: Option<&'d Verdicts>,
    /// The working tree as this file sees it (other files, the repository), when the run knows
    /// one; `None` in unit tests and where no file system is meant.
    pub workspace: Option<WorkspaceFile<'d>>,
    /// The document's own anchors.
    anchors: OnceLock<Anchors>,
    /// The links that point into the working tree.
    link_targets: OnceLock<Vec<LinkTarget>>,
    /// Per table: (first occurrence, copy) row pairs.
    copies: OnceLock<Vec<Vec<(usize, usize)>>>,
    /// Per table: the key column and the normalized key of every row in it.
    keys: OnceLock<Vec<OnceLock<RowKeys>>>,
}

/// A key column (by index) and the normalized key of every row in it, `None` for a row
/// without that cell.
type RowKeys = (usize, Vec<Option<String>>);

impl<'d> CheckContext<'d> {
    pub fn new(doc: &'d Document<'d>, verdicts: Option<&'d Verdicts>) -> CheckContext<'d> {
        CheckContext {
            doc,
            verdicts,
            workspace: None,
            anchors: OnceLock::new(),
            link_targets: OnceLock::new(),
            copies: OnceLock::new(),
            keys: OnceLock::new(),
        }
    }

    /// The context with the working tree around the file.
    pub fn with_workspace(mut self, workspace: Option<WorkspaceFile<'d>>) -> CheckContext<'d> {
        self.workspace = workspace;
        self
    }

    /// The document's anchors as GitHub makes them ([`Document::anchors`]), computed once.
    pub fn anchors(&self) -> &Anchors {
        self.anchors.get_or_init(|| self.doc.anchors())
    }

    /// The links that point into the working tree: fragments of the document itself, and
    /// (with a workspace) files of the repository. Shared by `broken-fragment` and
    /// `missing-file`.
    pub fn link_targets(&self) -> &[LinkTarget] {
        self.link_targets
            .get_or_init(|| link_targets(self.doc, self.workspace.as_ref()))
    }

    /// Per table, the (first occurrence, copy) row pairs: shared by `duplicate-row` and the
    /// rules that leave copies to it.
    pub fn copies(&self) -> &[Vec<(usize, usize)>] {
        self.copies.get_or_init(|| {
            let doc = self.doc;
            let tables = doc.tables.iter();
            tables
                .map(|t| super::duplicate_row::duplicate_rows(doc.source, &t.rows))
                .collect()
        })
    }

    /// The normalized key ([`normalize_key`]) of every row of table `table` in column
    /// `column`, `None` for a row without that cell. Computed once per document:
    /// duplicate-key, unresolved-reference and the exceptions filter key rows alike (a rule
    /// configured with another key column gets its own).
    pub fn row_keys(&self, table: usize, column: usize) -> Cow<'_, [Option<String>]> {
        let doc = self.doc;
        let compute = || -> Vec<Option<String>> {
            let rows = doc.tables[table].rows.iter();
            rows.map(|r| Some(normalize_key(doc.text(&r.cells.get(column)?.span()))))
                .collect()
        };
        let tables = doc.tables.iter();
        let slots = self
            .keys
            .get_or_init(|| tables.map(|_| OnceLock::new()).collect());
        match slots[table].get_or_init(|| (column, compute())) {
            (cached, keys) if *cached == column => Cow::Borrowed(keys),
            _ => Cow::Owned(compute()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_keys_are_shared_per_column_and_computed_for_another() {
        let source = "| Model | Org |\n|---|---|\n| **Vicuna** | LMSYS |\n| ＡＢ |\n";
        let doc = Document::parse(source);
        let cx = CheckContext::new(&doc, None);
        let first = cx.row_keys(0, 0);
        assert!(matches!(first, Cow::Borrowed(_)));
        assert_eq!(
            first.as_ref(),
            [Some("vicuna".to_string()), Some("ab".to_string())]
        );
        assert!(matches!(cx.row_keys(0, 0), Cow::Borrowed(_)));
        let other = cx.row_keys(0, 1);
        assert_eq!(other.as_ref(), [Some("lmsys".to_string()), None]);
    }
}
