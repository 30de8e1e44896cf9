//! The export API's answer, an Atom feed, read with quick-xml by namespace (the 2007 examples
//! of the user manual repeat `xmlns` on every element, the current feed uses prefixes):
//! `opensearch:totalResults`, and per `<entry>` its `<id>` (`http://arxiv.org/abs/ID vN`), its
//! `<title>`, `<summary>` and `arxiv:comment`. An error (HTTP 400) is one entry whose id is
//! `…/api/errors#incorrect_id_format_for_X`. Sources: arXiv API User's Manual §3.3 and §3.4
//! (arXiv/arxiv-docs `source/help/api/user-manual.md`); recorded responses in
//! lukasschwab/arxiv.py `tests/fixtures/`.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const ARXIV: &str = "http://arxiv.org/schemas/atom";
const OPENSEARCH: &str = "http://a9.com/-/spec/opensearch/1.1/";

/// One `<entry>` of a feed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    /// `<id>` as given.
    pub id: String,
    pub title: String,
    pub summary: String,
    pub comment: Option<String>,
}

/// A feed as read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Feed {
    /// `opensearch:totalResults`, when present and a number.
    pub total: Option<u64>,
    pub entries: Vec<Entry>,
}

/// What an entry's `<id>` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryId {
    /// A paper: its identifier without a version, and the version.
    Paper { id: String, version: u32 },
    /// An error entry: what it names (`incorrect_id_format_for_X`).
    Error(String),
    /// Something else (the legacy empty entry for a missing id has no `<id>` at all).
    Other,
}

impl Entry {
    pub fn read_id(&self) -> EntryId {
        let id = self.id.trim();
        if let Some((_, error)) = id.split_once("/api/errors#") {
            return EntryId::Error(error.to_string());
        }
        let Some((_, paper)) = id.split_once("arxiv.org/abs/") else {
            return EntryId::Other;
        };
        match super::target::parse_id(paper) {
            Ok(super::target::Paper {
                id,
                version: Some(version),
            }) => EntryId::Paper { id, version },
            _ => EntryId::Other,
        }
    }

    /// Whether the latest version's comment (or, failing that, its abstract) says the paper
    /// was withdrawn: arXiv shows the reason for a withdrawal in the Comments field
    /// (arxiv-docs `source/help/withdraw.md`); the wording is the author's.
    pub fn withdrawn(&self) -> Option<String> {
        let says = |text: &str| {
            let lower = text.to_lowercase();
            lower.contains("withdrawn") || lower.contains("withdraw this")
        };
        if let Some(comment) = &self.comment
            && says(comment)
        {
            return Some(comment.clone());
        }
        let summary = self.summary.to_lowercase();
        (summary.starts_with("this paper has been withdrawn")
            || summary.starts_with("this submission has been withdrawn"))
        .then(|| self.summary.clone())
    }
}

/// Which element's text is being read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    Title,
    Summary,
    Comment,
    Total,
}

/// Reads a feed; an error for a body that is not well-formed XML or not an Atom feed.
pub fn parse(body: &str) -> Result<Feed, String> {
    let mut reader = NsReader::from_str(body);
    let mut feed = Feed::default();
    let mut saw_feed = false;
    let mut entry: Option<Entry> = None;
    let mut field: Option<(Field, usize)> = None;
    let mut text = String::new();
    let mut depth = 0usize;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| format!("not a well-formed feed: {e}"))?;
        let ns = match ns {
            ResolveResult::Bound(Namespace(ns)) => Some(ns.to_string()),
            _ => None,
        };
        match event {
            Event::Start(start) => {
                depth += 1;
                let local = start.local_name();
                let name: &str = local.as_ref();
                match (ns.as_deref(), name) {
                    (Some(ATOM), "feed") if depth == 1 => saw_feed = true,
                    (Some(ATOM), "entry") if depth == 2 => entry = Some(Entry::default()),
                    (Some(OPENSEARCH), "totalResults") if depth == 2 => {
                        field = Some((Field::Total, depth));
                    }
                    _ if depth == 3 && entry.is_some() && field.is_none() => {
                        field = match (ns.as_deref(), name) {
                            (Some(ATOM), "id") => Some((Field::Id, depth)),
                            (Some(ATOM), "title") => Some((Field::Title, depth)),
                            (Some(ATOM), "summary") => Some((Field::Summary, depth)),
                            (Some(ARXIV), "comment") => Some((Field::Comment, depth)),
                            _ => None,
                        };
                    }
                    _ => {}
                }
                text.clear();
            }
            Event::End(_) => {
                if let Some((which, at)) = field
                    && at == depth
                {
                    let value = collapse(&text);
                    match (which, entry.as_mut()) {
                        (Field::Total, _) => feed.total = value.parse().ok(),
                        (Field::Id, Some(e)) => e.id = value,
                        (Field::Title, Some(e)) => e.title = value,
                        (Field::Summary, Some(e)) => e.summary = value,
                        (Field::Comment, Some(e)) => e.comment = Some(value),
                        _ => {}
                    }
                    field = None;
                }
                if depth == 2
                    && let Some(done) = entry.take()
                {
                    feed.entries.push(done);
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) if field.is_some() => text.push_str(&t.xml10_content()),
            Event::CData(t) if field.is_some() => {
                text.push_str(&t.into_inner());
            }
            Event::GeneralRef(r) if field.is_some() => match r.resolve_char_ref() {
                Ok(Some(c)) => text.push(c),
                Ok(None) => {
                    let name: &str = &r;
                    match quick_xml::escape::resolve_xml_entity(name) {
                        Some(s) => text.push_str(s),
                        None => return Err(format!("unknown entity &{name};")),
                    }
                }
                Err(e) => return Err(format!("bad character reference: {e}")),
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_feed {
        return Err("not an Atom feed".to_string());
    }
    if depth > 0 {
        return Err("a feed cut short".to_string());
    }
    Ok(feed)
}

/// Runs of whitespace as one space, trimmed: arXiv folds long titles over lines.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Recorded by lukasschwab/arxiv.py (`tests/fixtures/id_2104.12255v1_…json`), title folded
    /// as arXiv folds long ones.
    const ONE: &str = r#"<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/zVBoTnqcVpmAn7IBomvZOr/vqEw</id>
  <title>arXiv Query: search_query=&amp;id_list=2104.12255v1&amp;start=0&amp;max_results=100</title>
  <updated>2026-04-12T22:09:25Z</updated>
  <opensearch:itemsPerPage>100</opensearch:itemsPerPage>
  <opensearch:totalResults>1</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <entry>
    <id>http://arxiv.org/abs/2104.12255v1</id>
    <title>What is the funniest number in
  cryptography? &amp; &#233;</title>
    <summary>What is the funniest number in cryptography?</summary>
    <arxiv:comment>This paper has been withdrawn by the author</arxiv:comment>
    <author><name>Quan Thoi Minh Nguyen</name></author>
  </entry>
</feed>"#;

    #[test]
    fn entries_are_read_by_namespace() {
        let feed = parse(ONE).expect("a feed");
        assert_eq!(feed.total, Some(1));
        assert_eq!(feed.entries.len(), 1);
        let entry = &feed.entries[0];
        assert_eq!(
            entry.title,
            "What is the funniest number in cryptography? & é"
        );
        assert_eq!(
            entry.read_id(),
            EntryId::Paper {
                id: "2104.12255".into(),
                version: 1
            }
        );
        assert!(entry.withdrawn().is_some());
    }

    /// The 2007 form of the manual: `xmlns` repeated on elements, other prefixes.
    #[test]
    fn prefixes_do_not_matter() {
        let body = r#"<feed xmlns="http://www.w3.org/2005/Atom"><os:totalResults xmlns:os="http://a9.com/-/spec/opensearch/1.1/">2</os:totalResults>
<entry xmlns="http://www.w3.org/2005/Atom"><id>http://arxiv.org/abs/hep-th/9901001v3</id><title xmlns="http://www.w3.org/2005/Atom">T</title><x:comment xmlns:x="http://arxiv.org/schemas/atom">12 pages</x:comment></entry>
<entry><title>No id (legacy empty entry)</title></entry></feed>"#;
        let feed = parse(body).expect("a feed");
        assert_eq!(feed.total, Some(2));
        assert_eq!(
            feed.entries[0].read_id(),
            EntryId::Paper {
                id: "hep-th/9901001".into(),
                version: 3
            }
        );
        assert_eq!(feed.entries[0].comment.as_deref(), Some("12 pages"));
        assert_eq!(feed.entries[0].withdrawn(), None);
        assert_eq!(feed.entries[1].read_id(), EntryId::Other);
    }

    #[test]
    fn error_entries_and_broken_bodies() {
        let error = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>https://arxiv.org/api/errors#incorrect_id_format_for_abc</id><title>Error</title><summary>incorrect id format for abc</summary></entry></feed>"#;
        let feed = parse(error).expect("a feed");
        assert_eq!(
            feed.entries[0].read_id(),
            EntryId::Error("incorrect_id_format_for_abc".into())
        );
        assert!(parse("Rate exceeded.").is_err());
        assert!(parse("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>").is_err());
        assert!(parse("<html><body>503</body></html>").is_err());
    }
}
