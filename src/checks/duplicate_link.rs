//! `duplicate-link`: the same URL linked from two different rows of a table, in a column whose
//! links identify the row.

use super::duplicate_row::copies;
use super::fields::bound_columns;
use super::{Check, Finding, find_column};
use crate::document::{Document, LinkKind, Span, Table};
use foldhash::{HashMap, HashMapExt, HashSet};
use regex::RegexSet;

pub struct DuplicateLink {
    key_columns: Vec<String>,
    link_columns: Vec<String>,
    ignore_urls: RegexSet,
}

impl DuplicateLink {
    /// `ignore_urls` that are not valid regular expressions are rejected when the rule file is
    /// loaded (see `RuleSpec::validate`), so here they are only compiled.
    pub fn new(key_columns: &[String], link_columns: &[String], ignore_urls: &[String]) -> Self {
        DuplicateLink {
            key_columns: key_columns.to_vec(),
            link_columns: link_columns.to_vec(),
            ignore_urls: RegexSet::new(ignore_urls).unwrap_or_else(|_| RegexSet::empty()),
        }
    }

    /// The columns whose links identify a row: the key column and the link columns.
    fn identity_columns(&self, source: &str, table: &Table) -> HashSet<usize> {
        let key = find_column(source, table, &self.key_columns);
        let links = bound_columns(source, table, &self.link_columns);
        key.into_iter()
            .chain(links.iter().map(|c| c.index))
            .collect()
    }
}

impl Check for DuplicateLink {
    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        for ((index, table), copies) in doc.tables.iter().enumerate().zip(copies(doc)) {
            let columns = self.identity_columns(doc.source, table);
            if columns.is_empty() {
                continue;
            }
            // Rows that are copies are `duplicate-row`'s findings.
            let copies: HashSet<usize> = copies.iter().map(|&(_, dup)| dup).collect();
            let mut first_row_of: HashMap<String, (usize, Span)> = HashMap::new();
            let links = doc.links_in_cells(index).filter_map(|(place, l)| {
                let wanted = l.kind != LinkKind::Image
                    && columns.contains(&place.cell)
                    && !copies.contains(&place.row);
                wanted.then_some((l, place.row))
            });
            for (link, row) in links {
                for url in doc.meant_urls(link) {
                    let text = doc.text(&url.span());
                    if self.ignore_urls.is_match(text) {
                        continue;
                    }
                    let (first_row, first_span) = first_row_of
                        .entry(normalize(text))
                        .or_insert((row, url.span()));
                    if *first_row == row {
                        continue;
                    }
                    out.push(
                        Finding::new(
                            url.span(),
                            format!("`{text}` is also linked in row {}", table.rows[*first_row].line),
                        )
                        .url(text)
                        .label("linked again here")
                        .related(first_span.clone(), "first linked here")
                        .help("check that this row links its own page: a copied link often points at the wrong model"),
                    );
                }
            }
        }
    }
}

/// URLs compared without the fragment, a trailing slash, the scheme, case or `www.`.
fn normalize(url: &str) -> String {
    let url = url.split('#').next().unwrap_or(url);
    let url = url.trim_end_matches('/');
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    rest.strip_prefix("www.").unwrap_or(rest).to_string()
}
