//! [`CheckContext`]: what a check reads — the parsed document, the link verdicts when links
//! were checked, the working tree around the file when one is known, and analyses that several
//! checks share, computed once per document.

use super::targets::{LinkTarget, link_targets};
use crate::document::{Anchors, Document};
use crate::fields::columns;
use crate::fields::defaults;
use crate::links::Verdicts;
use crate::workspace::WorkspaceFile;
use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

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
    /// Per table: the key column chosen with the default aliases.
    key_columns: OnceLock<Vec<Option<usize>>>,
}

/// The default key column aliases, which most rules use.
static DEFAULT_KEY_COLUMNS: LazyLock<Vec<String>> = LazyLock::new(defaults::key_columns);

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
            key_columns: OnceLock::new(),
        }
    }

    /// The key column of table `table` chosen with header `aliases` and the cells' content
    /// ([`columns::key_column`]). Chosen once per document for the default aliases, so that
    /// duplicate-key, duplicate-link, unresolved-reference, the exceptions and link findings
    /// agree on what a row is; a rule configured with other aliases gets its own choice.
    pub fn key_column(&self, table: usize, aliases: &[String]) -> Option<usize> {
        let doc = self.doc;
        if aliases != DEFAULT_KEY_COLUMNS.as_slice() {
            let chosen = columns::key_column(doc.source, doc.tables.get(table)?, aliases);
            return chosen.map(|(column, _)| column);
        }
        let chosen = self.key_columns.get_or_init(|| {
            let tables = doc.tables.iter().enumerate();
            tables
                .map(|(t, table)| {
                    let (column, keys) = columns::key_column(doc.source, table, aliases)?;
                    // The keys were computed to choose the column: they are the cached ones.
                    let _ = self.key_slots()[t].set((column, keys));
                    Some(column)
                })
                .collect()
        });
        chosen.get(table).copied().flatten()
    }

    fn key_slots(&self) -> &[OnceLock<RowKeys>] {
        let tables = self.doc.tables.iter();
        self.keys
            .get_or_init(|| tables.map(|_| OnceLock::new()).collect())
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
                .map(|t| super::duplicate_row::duplicate_rows(doc, t))
                .collect()
        })
    }

    /// The key ([`columns::row_key`]) of every row of table `table` in column `column`,
    /// `None` for a row without that cell. Computed once per document: duplicate-key,
    /// unresolved-reference and the exceptions filter key rows alike (a rule configured with
    /// another key column gets its own).
    pub fn row_keys(&self, table: usize, column: usize) -> Cow<'_, [Option<String>]> {
        let doc = self.doc;
        let compute = || columns::row_keys(doc.source, &doc.tables[table], column);
        match self.key_slots()[table].get_or_init(|| (column, compute())) {
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

    #[test]
    fn the_key_column_is_chosen_by_content_once_and_its_keys_are_shared() {
        let mut source = String::from("| Date | Paper | Title |\n|---|---|---|\n");
        for i in 0..5 {
            source.push_str(&format!("| 2024 | [[pdf]](https://a/{i}) | Title {i} |\n"));
        }
        let doc = Document::parse(&source);
        let cx = CheckContext::new(&doc, None);
        let aliases = defaults::key_columns();
        assert_eq!(cx.key_column(0, &aliases), Some(2));
        assert!(matches!(cx.row_keys(0, 2), Cow::Borrowed(_)));
        assert_eq!(cx.row_keys(0, 2)[0].as_deref(), Some("title 0"));
        // Asked for the paper column alone, there is no key column.
        assert_eq!(cx.key_column(0, &["paper".to_string()]), None);
    }
}
