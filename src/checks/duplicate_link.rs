//! `duplicate-link`: the same URL linked from two different rows of a table, in a column whose
//! links identify the row; in a table whose rows are papers, the same paper under two titles.

use super::{Check, CheckContext, Kind};
use crate::diagnostic::{Finding, Sink};
use crate::document::{Document, Link, LinkKind, Place, Row, Span, Table};
use crate::fields::columns::{bound_columns, key_column, row_key};
use crate::fields::defaults::key_columns;
use foldhash::{HashMap, HashMapExt, HashSet};
use regex::RegexSet;
use serde::{Deserialize, Deserializer};
use std::cell::RefCell;

/// The settings of a `duplicate-link` rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuplicateLinkSettings {
    /// Header aliases of the key column, whose links identify the row.
    #[serde(default = "key_columns")]
    pub key_columns: Vec<String>,
    /// Header aliases of other columns whose links identify the row (`Link`, `官网`, `下载`).
    #[serde(default)]
    pub link_columns: Vec<String>,
    /// Header aliases of columns that link the project a row belongs to (`项目地址`, `Code`):
    /// several models or datasets of one project share it by nature, so these links identify
    /// the row only in a table whose rows are projects (see `project_key_columns`).
    #[serde(default)]
    pub project_columns: Vec<String>,
    /// Key column aliases that say the rows are projects (`项目`, `Project`).
    #[serde(default)]
    pub project_key_columns: Vec<String>,
    /// Header aliases of a column of paper titles (`Title`, `Paper`, `论文`): a table with one
    /// whose cells name the rows (as a key column's do) lists a paper per row.
    #[serde(default)]
    pub title_columns: Vec<String>,
    /// Header aliases of the columns that link a paper row's paper (`Paper`, `PDF`, `arXiv`),
    /// besides its key column.
    #[serde(default)]
    pub paper_columns: Vec<String>,
    /// Regular expressions of paper URLs (arXiv, OpenReview, PDFs). The models of one family
    /// share their paper by nature, so a paper link is compared only in a table whose rows are
    /// papers, where one paper under two titles is a copy-paste error.
    #[serde(default, deserialize_with = "regex_set")]
    pub paper_urls: RegexSet,
    /// Regular expressions of URLs never compared.
    #[serde(default, deserialize_with = "regex_set")]
    pub ignore_urls: RegexSet,
}

fn regex_set<'de, D: Deserializer<'de>>(d: D) -> Result<RegexSet, D::Error> {
    let patterns = Vec::<String>::deserialize(d)?;
    crate::fields::pattern::regex_set(&patterns)
        .map_err(|e| serde::de::Error::custom(format!("invalid regular expression: {e}")))
}

pub struct DuplicateLink {
    settings: DuplicateLinkSettings,
}

impl Kind for DuplicateLink {
    type Settings = DuplicateLinkSettings;

    fn new(settings: &DuplicateLinkSettings) -> Self {
        DuplicateLink {
            settings: settings.clone(),
        }
    }
}

/// Which columns of a table are compared, and how.
struct Columns {
    /// Columns whose links identify the row.
    identity: HashSet<usize>,
    /// In a table that lists a paper per row: the columns whose paper links are the row's
    /// paper, and the column of titles.
    papers: HashSet<usize>,
    /// The key of every row in the column of titles.
    titles: Vec<Option<String>>,
    /// The key column is the column of titles.
    rows_are_papers: bool,
}

impl DuplicateLink {
    fn columns(&self, cx: &CheckContext<'_>, index: usize, table: &Table) -> Columns {
        let (s, doc) = (&self.settings, cx.doc);
        let key = cx.key_column(index, &s.key_columns);
        let key_is = |aliases: &[String]| {
            key.is_some_and(|k| {
                let columns = bound_columns(doc.source, table, aliases);
                columns.iter().any(|c| c.index == k)
            })
        };
        let links = bound_columns(doc.source, table, &s.link_columns);
        let mut identity: HashSet<usize> = key
            .into_iter()
            .chain(links.iter().map(|c| c.index))
            .collect();
        if key_is(&s.project_key_columns) {
            let projects = bound_columns(doc.source, table, &s.project_columns);
            identity.extend(projects.iter().map(|c| c.index));
        }
        // Chosen as a key column is, with its keys in the bargain.
        let (papers, titles, rows_are_papers) =
            match key_column(doc.source, table, &s.title_columns) {
                Some((column, titles)) => {
                    let columns = bound_columns(doc.source, table, &s.paper_columns);
                    let columns = columns.iter().map(|c| c.index);
                    let papers = std::iter::once(column).chain(columns).collect();
                    (papers, titles, Some(column) == key)
                }
                None => (HashSet::default(), Vec::new(), false),
            };
        Columns {
            identity,
            papers,
            titles,
            rows_are_papers,
        }
    }
}

/// The first row that linked a URL (or paper), and where.
struct First {
    row: usize,
    span: Span,
}

impl Check for DuplicateLink {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let doc = cx.doc;
        let s = &self.settings;
        for ((index, table), copies) in doc.tables.iter().enumerate().zip(cx.copies()) {
            let columns = self.columns(cx, index, table);
            if columns.identity.is_empty() && columns.papers.is_empty() {
                continue;
            }
            // Rows that are copies are `duplicate-row`'s findings.
            let copies: HashSet<usize> = copies.iter().map(|&(_, dup)| dup).collect();
            // What a row calls a paper it links: the link's text, or the row's title when the
            // text is only a label (`[pdf]`). Needed only when a paper comes again.
            // The rows read for `name_in`, each once: a row can hold thousands of links.
            let read: RefCell<HashMap<usize, Row>> = RefCell::default();
            let name_in = |place: &Place, link: &Link| {
                let title = || columns.titles.get(place.row)?.clone();
                let mut read = read.borrow_mut();
                let row = read.entry(place.row).or_insert_with(|| {
                    (table.row(doc, place.row)).unwrap_or_else(|| table.header.clone())
                });
                let cell = row.cells.get(place.cell).map(|c| c.span());
                link_text(doc.source, cell.unwrap_or_default(), link)
                    .map(row_key)
                    .filter(|n| !n.is_empty())
                    .or_else(title)
                    .filter(|n| !n.is_empty())
            };
            let mut first_row_of: HashMap<String, First> = HashMap::new();
            let mut first_with_paper: HashMap<String, (First, Place, &Link)> = HashMap::new();
            let links = doc.links_in_cells(index).filter(|(place, l)| {
                l.kind != LinkKind::Image
                    && !copies.contains(&place.row)
                    && (columns.identity.contains(&place.cell)
                        || columns.papers.contains(&place.cell))
            });
            for (place, link) in links {
                let row = place.row;
                for url in doc.meant_urls(link) {
                    let text = doc.text(&url.span());
                    if s.ignore_urls.is_match(text) {
                        continue;
                    }
                    if s.paper_urls.is_match(text) {
                        if !columns.papers.contains(&place.cell) {
                            continue;
                        }
                        let (first, first_place, first_link) =
                            first_with_paper.entry(paper_id(text)).or_insert((
                                First {
                                    row,
                                    span: url.span(),
                                },
                                place,
                                link,
                            ));
                        if first.row == row {
                            continue;
                        }
                        // One paper under one name in two rows is a row listed twice (for
                        // `duplicate-key` or `duplicate-row`), or rows about the paper rather
                        // than rows that are it; under two names, one of them is wrong.
                        let names = (name_in(&place, link), name_in(first_place, first_link));
                        if matches!(names, (Some(a), Some(b)) if a != b) {
                            out.push(
                                Finding::new(
                                    url.span(),
                                    format!(
                                        "`{text}` is also linked in row {}, under another title",
                                        line_of(doc, table, first.row)
                                    ),
                                )
                                .url(text)
                                .label("the same paper again")
                                .related(first.span.clone(), "first linked here")
                                .help("check that this row links its own paper: a link copied from a neighbour points at the wrong one"),
                            );
                        }
                        continue;
                    }
                    // Rows that are papers are known by their papers: the code, project pages
                    // and demos of one project's papers may be the same.
                    if !columns.identity.contains(&place.cell) || columns.rows_are_papers {
                        continue;
                    }
                    let first = first_row_of.entry(normalize(text)).or_insert(First {
                        row,
                        span: url.span(),
                    });
                    if first.row == row {
                        continue;
                    }
                    out.push(
                        Finding::new(
                            url.span(),
                            format!("`{text}` is also linked in row {}", line_of(doc, table, first.row)),
                        )
                        .url(text)
                        .label("linked again here")
                        .related(first.span.clone(), "first linked here")
                        .help("check that this row links its own page: a copied link often points at the wrong model"),
                    );
                }
            }
        }
    }
}

/// The line of body row `row`.
fn line_of(doc: &Document<'_>, table: &Table, row: usize) -> usize {
    table.row_line(doc, row).unwrap_or_default()
}

/// The text of an inline link `[text](url)` whose target is `link`, within `cell`; `None` for
/// a bare URL or an autolink, whose text is the URL itself.
fn link_text<'s>(source: &'s str, cell: Span, link: &Link) -> Option<&'s str> {
    if link.kind != LinkKind::Inline {
        return None;
    }
    let before = source.get(cell.start..link.span().start)?;
    let before = before.trim_end_matches([' ', '<']);
    let before = before.strip_suffix("](")?;
    let bytes = before.as_bytes();
    let mut depth = 0usize;
    for i in (0..bytes.len()).rev() {
        match bytes[i] {
            b']' if i == 0 || bytes[i - 1] != b'\\' => depth += 1,
            b'[' if i == 0 || bytes[i - 1] != b'\\' => {
                if depth == 0 {
                    return Some(&before[i + 1..]);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
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

/// The paper a URL names: an arXiv paper by its identifier whatever the page (`abs/2404.09221`,
/// `pdf/2404.09221v2.pdf`, `html/…`), an OpenReview paper by its `id` (`forum?id=…`,
/// `pdf?id=…`), anything else by its [`normalize`]d URL without a `.pdf` ending.
fn paper_id(url: &str) -> String {
    let normalized = normalize(url);
    if let Some(rest) = ["arxiv.org/", "export.arxiv.org/"]
        .iter()
        .find_map(|host| normalized.strip_prefix(host))
        && let Some((_, id)) = rest.split_once('/')
    {
        let id = id.split(['?', '#']).next().unwrap_or(id);
        let id = id.strip_suffix(".pdf").unwrap_or(id);
        let id = match id.rfind('v') {
            Some(v)
                if v > 0 && id[v + 1..].bytes().all(|b| b.is_ascii_digit()) && v + 1 < id.len() =>
            {
                &id[..v]
            }
            _ => id,
        };
        return format!("arxiv:{id}");
    }
    if let Some(rest) = normalized.strip_prefix("openreview.net/")
        && let Some((_, query)) = rest.split_once("id=")
    {
        let id = query.split('&').next().unwrap_or(query);
        return format!("openreview:{id}");
    }
    normalized
        .strip_suffix(".pdf")
        .unwrap_or(&normalized)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_of_an_inline_link() {
        let md = "| T |\n|---|\n| see [**A** [b]](https://x) and <https://y> |\n";
        let doc = crate::document::Document::parse(md);
        let cell = doc.tables[0].row(&doc, 0).unwrap().cells[0].span();
        let texts: Vec<Option<&str>> = doc
            .links
            .iter()
            .map(|l| link_text(md, cell.clone(), l))
            .collect();
        assert_eq!(texts, [Some("**A** [b]"), None]);
    }

    #[test]
    fn papers_are_known_by_their_identifiers() {
        for url in [
            "https://arxiv.org/abs/2404.09221",
            "http://arxiv.org/pdf/2404.09221v2",
            "https://arxiv.org/pdf/2404.09221.pdf",
            "https://www.arxiv.org/abs/2404.09221v1#x",
        ] {
            assert_eq!(paper_id(url), "arxiv:2404.09221", "{url}");
        }
        assert_ne!(
            paper_id("https://arxiv.org/abs/2404.09221"),
            paper_id("https://arxiv.org/abs/2404.09222")
        );
        assert_eq!(
            paper_id("https://openreview.net/forum?id=wGa2plE8ka"),
            paper_id("https://openreview.net/pdf?id=wGa2plE8ka")
        );
        assert_eq!(
            paper_id("https://aclanthology.org/2023.acl-long.1.pdf"),
            paper_id("https://aclanthology.org/2023.acl-long.1/")
        );
    }
}
