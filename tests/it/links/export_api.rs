//! A mock of arXiv's export API (`GET /api/query?id_list=…&max_results=N`), answering in the
//! shapes arXiv documents and public clients recorded:
//!
//! - A 200 Atom feed (default namespace Atom, `opensearch:` and `arxiv:` prefixes) with
//!   `opensearch:totalResults`, one `<entry>` per paper found, its `<id>` always
//!   `http://arxiv.org/abs/ID vN` (http, with the version: the latest for an unversioned
//!   request), its `<title>` folded over lines as arXiv folds long titles, and an
//!   `arxiv:comment` only when the author gave one (arXiv API User's Manual §3.3,
//!   arXiv/arxiv-docs `source/help/api/user-manual.md`; recorded feed
//!   lukasschwab/arxiv.py `tests/fixtures/id_2104.12255v1_…json`).
//! - Entries in an order of their own, not the request's (browser-use/browser-harness#47),
//!   here the reverse.
//! - An identifier that does not exist is silently absent, `totalResults` counting what is
//!   there (recorded `id_0808.05394_1707.08567_…json`); a version beyond the latest is absent
//!   as well (not documented: one of the two answers a client must expect).
//! - `max_results` caps the entries, 10 when not given (manual §3.1.1.2).
//! - One identifier it cannot read fails the whole request: HTTP 400 and a feed of one error
//!   entry `…/api/errors#incorrect_id_format_for_X` (manual §3.4; recorded `id_abc_…json`;
//!   ropensci/aRxiv `tests/testthat/test-arxiv_errors.R`).
//! - A withdrawn paper's latest version carries the reason in `arxiv:comment` (arxiv-docs
//!   `source/help/withdraw.md`).

use std::collections::{HashMap, HashSet};

/// A paper as the mock knows it.
#[derive(Clone, Debug)]
pub struct Paper {
    pub versions: u32,
    pub title: String,
    pub comment: Option<String>,
}

impl Paper {
    pub fn new(title: &str) -> Paper {
        Paper {
            versions: 1,
            title: title.to_string(),
            comment: None,
        }
    }

    pub fn versions(mut self, versions: u32) -> Paper {
        self.versions = versions;
        self
    }

    pub fn comment(mut self, comment: &str) -> Paper {
        self.comment = Some(comment.to_string());
        self
    }
}

/// What the mock knows. With `everything_exists`, a paper it does not list exists (titled
/// "Paper ID", with `versions` versions, at least one) unless it is in `missing`.
#[derive(Clone, Debug, Default)]
pub struct Library {
    pub papers: HashMap<String, Paper>,
    pub missing: HashSet<String>,
    /// Identifiers answered as malformed although well formed (an API stricter than the
    /// client).
    pub refused: HashSet<String>,
    pub everything_exists: bool,
    pub versions: u32,
}

impl Library {
    pub fn with(mut self, id: &str, paper: Paper) -> Library {
        self.papers.insert(id.to_string(), paper);
        self
    }

    fn paper(&self, id: &str) -> Option<Paper> {
        if self.missing.contains(id) {
            return None;
        }
        match self.papers.get(id) {
            Some(paper) => Some(paper.clone()),
            None if self.everything_exists => {
                Some(Paper::new(&format!("Paper {id}")).versions(self.versions.max(1)))
            }
            None => None,
        }
    }
}

/// A request's query: the identifiers (commas may come encoded) and `max_results`.
pub fn query_of(path: &str) -> (Vec<String>, Option<usize>) {
    let query = path.split_once('?').map_or("", |(_, q)| q);
    let mut ids = Vec::new();
    let mut max = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = value
            .replace("%2C", ",")
            .replace("%2c", ",")
            .replace("%2F", "/");
        match key {
            "id_list" => {
                ids = value
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            "max_results" => max = value.parse().ok(),
            _ => {}
        }
    }
    (ids, max)
}

/// arXiv's identifier forms, as the API reads them.
fn well_formed(id: &str) -> bool {
    let (base, _) = split_version(id);
    let digits =
        |s: &str, n: &[usize]| n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    match base.split_once('/') {
        None => match base.split_once('.') {
            Some((yymm, number)) => digits(yymm, &[4]) && digits(number, &[4, 5]),
            None => false,
        },
        Some((archive, number)) => {
            !archive.is_empty()
                && archive
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'.')
                && digits(number, &[7])
        }
    }
}

fn split_version(id: &str) -> (&str, Option<u32>) {
    match id.rfind('v') {
        Some(at) if at > 0 && id[at + 1..].parse::<u32>().is_ok() => {
            (&id[..at], id[at + 1..].parse().ok())
        }
        _ => (id, None),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A title folded as arXiv folds long ones: a line break and two spaces after ~60 bytes.
fn fold(title: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in title.split(' ') {
        if line > 60 {
            out.push_str("\n  ");
            line = 0;
        } else if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&escape(word));
        line += word.len() + 1;
    }
    out
}

const HEAD: &str = r#"<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">"#;

/// The status and body of the answer to a request for `path` (with its query), and the
/// number of identifiers asked.
pub fn answer(library: &Library, path: &str) -> (u16, String, usize) {
    let (ids, max) = query_of(path);
    if let Some(bad) = ids
        .iter()
        .find(|id| !well_formed(id) || library.refused.contains(id.as_str()))
    {
        let bad = escape(bad);
        let body = format!(
            "{HEAD}\n  <id>https://arxiv.org/</id>\n  <title>arXiv Search Results</title>\n  <updated>2026-04-12T22:59:06Z</updated>\n  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>\n  <opensearch:totalResults>1</opensearch:totalResults>\n  <opensearch:startIndex>0</opensearch:startIndex>\n  <entry>\n    <id>https://arxiv.org/api/errors#incorrect_id_format_for_{bad}</id>\n    <title>Error</title>\n    <updated>2026-04-12T22:59:06Z</updated>\n    <link href=\"https://arxiv.org/api/errors#incorrect_id_format_for_{bad}\" rel=\"alternate\" type=\"text/html\"/>\n    <summary>incorrect id format for {bad}</summary>\n    <author><name>arXiv api core</name></author>\n  </entry>\n</feed>\n"
        );
        return (400, body, ids.len());
    }
    let mut entries = Vec::new();
    for id in &ids {
        let (base, version) = split_version(id);
        let Some(paper) = library.paper(base) else {
            continue;
        };
        let version = match version {
            Some(v) if v > paper.versions || v == 0 => continue,
            Some(v) => v,
            None => paper.versions,
        };
        let comment = match (&paper.comment, version == paper.versions) {
            (Some(comment), true) => {
                format!("\n    <arxiv:comment>{}</arxiv:comment>", escape(comment))
            }
            _ => String::new(),
        };
        entries.push(format!(
            "  <entry>\n    <id>http://arxiv.org/abs/{base}v{version}</id>\n    <title>{title}</title>\n    <updated>2023-02-27T17:11:15Z</updated>\n    <link href=\"https://arxiv.org/abs/{base}v{version}\" rel=\"alternate\" type=\"text/html\"/>\n    <link href=\"https://arxiv.org/pdf/{base}v{version}\" rel=\"related\" type=\"application/pdf\" title=\"pdf\"/>\n    <summary>An abstract of {base}.</summary>\n    <category term=\"cs.CL\" scheme=\"http://arxiv.org/schemas/atom\"/>\n    <published>2023-02-27T17:11:15Z</published>{comment}\n    <arxiv:primary_category term=\"cs.CL\"/>\n    <author><name>A. Author</name></author>\n  </entry>",
            title = fold(&paper.title),
        ));
    }
    entries.truncate(max.unwrap_or(10));
    entries.reverse();
    let id_list = escape(&ids.join(","));
    let body = format!(
        "{HEAD}\n  <id>https://arxiv.org/api/zVBoTnqcVpmAn7IBomvZOr/vqEw</id>\n  <title>arXiv Query: search_query=&amp;id_list={id_list}&amp;start=0&amp;max_results={max}</title>\n  <updated>2026-04-12T22:09:25Z</updated>\n  <opensearch:itemsPerPage>{max}</opensearch:itemsPerPage>\n  <opensearch:totalResults>{total}</opensearch:totalResults>\n  <opensearch:startIndex>0</opensearch:startIndex>\n{entries}\n</feed>\n",
        max = max.unwrap_or(10),
        total = entries.len(),
        entries = entries.join("\n"),
    );
    (200, body, ids.len())
}
