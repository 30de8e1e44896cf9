//! `duplicate-link`: the same URL linked from two different rows of a table, in a column whose
//! links identify the row.

use super::{Check, CheckContext, Kind};
use crate::diagnostic::Finding;
use crate::document::{LinkKind, Span, Table};
use crate::fields::columns::bound_columns;
use crate::fields::defaults::key_columns;
use foldhash::{HashMap, HashMapExt, HashSet};
use regex::RegexSet;
use serde::{Deserialize, Deserializer};

/// The settings of a `duplicate-link` rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuplicateLinkSettings {
    /// Header aliases of the key column, whose links identify the row.
    #[serde(default = "key_columns")]
    pub key_columns: Vec<String>,
    /// Header aliases of other columns whose links identify the row (`Link`, `官网`).
    #[serde(default)]
    pub link_columns: Vec<String>,
    /// Regular expressions of URLs that rows share by nature (a paper for a model family),
    /// compiled when the rule file is read.
    #[serde(default, deserialize_with = "regex_set")]
    pub ignore_urls: RegexSet,
}

fn regex_set<'de, D: Deserializer<'de>>(d: D) -> Result<RegexSet, D::Error> {
    let patterns = Vec::<String>::deserialize(d)?;
    RegexSet::new(&patterns)
        .map_err(|e| serde::de::Error::custom(format!("invalid regular expression: {e}")))
}

pub struct DuplicateLink {
    key_columns: Vec<String>,
    link_columns: Vec<String>,
    ignore_urls: RegexSet,
}

impl Kind for DuplicateLink {
    type Settings = DuplicateLinkSettings;

    fn new(settings: &DuplicateLinkSettings) -> Self {
        DuplicateLink {
            key_columns: settings.key_columns.clone(),
            link_columns: settings.link_columns.clone(),
            ignore_urls: settings.ignore_urls.clone(),
        }
    }
}

impl DuplicateLink {
    /// The columns whose links identify a row: the key column and the link columns.
    fn identity_columns(
        &self,
        cx: &CheckContext<'_>,
        index: usize,
        table: &Table,
    ) -> HashSet<usize> {
        let key = cx.key_column(index, &self.key_columns);
        let source = cx.doc.source;
        let links = bound_columns(source, table, &self.link_columns);
        key.into_iter()
            .chain(links.iter().map(|c| c.index))
            .collect()
    }
}

impl Check for DuplicateLink {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        let doc = cx.doc;
        for ((index, table), copies) in doc.tables.iter().enumerate().zip(cx.copies()) {
            let columns = self.identity_columns(cx, index, table);
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
