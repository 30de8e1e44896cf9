//! The anchors of a document as GitHub makes them: an id for every heading, from its text by
//! GitHub's rules (github-slugger's), and the explicit anchors of raw HTML (`id`, `<a name>`).
//!
//! A heading's id is its text lower-cased, with every character removed but letters, marks,
//! decimal and letter numbers, connector punctuation (`_`), `-` and the space, and each space
//! turned into `-`; a repeated id gets `-1`, `-2`, … (github-slugger: the Unicode general
//! categories it strips are Other_Number, all punctuation but `-` and connectors, symbols,
//! controls, format, private use, unassigned and separators but the space, minus the characters
//! that are Alphabetic). So `1.1 文本LLM模型` is `11-文本llm模型`, an emoji is dropped but the
//! variation selector U+FE0F after it (a mark) stays, and `A & B` is `a--b`.

use super::{Document, Span};
use std::collections::HashMap;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// The id GitHub gives a heading with text `text`, before repeats are numbered.
pub fn github_slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.to_lowercase().chars() {
        if c == ' ' {
            slug.push('-');
        } else if kept(c) {
            slug.push(c);
        }
    }
    slug
}

/// Whether a character (already lower-cased) stays in an id.
fn kept(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '-' || c == '_';
    }
    use GeneralCategory as G;
    let category = c.general_category();
    matches!(
        category,
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
            | G::NonspacingMark
            | G::SpacingMark
            | G::EnclosingMark
            | G::DecimalNumber
            | G::LetterNumber
            | G::ConnectorPunctuation
    ) || c.is_alphabetic()
}

/// Where an anchor comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorKind {
    /// The id of a heading (its span is the heading's).
    Heading,
    /// An `id` or `<a name>` of raw HTML (its span is the attribute's value).
    Explicit,
}

/// One anchor a fragment can name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub id: String,
    pub span: Span,
    pub kind: AnchorKind,
}

/// The anchors of one document, found by id as GitHub finds them: without regard to case.
#[derive(Debug, Clone, Default)]
pub struct Anchors {
    /// The headings' ids in source order, then the explicit anchors in source order.
    pub list: Vec<Anchor>,
    /// By lower-cased id: the first anchor with it.
    by_id: HashMap<String, usize>,
}

impl Anchors {
    /// The anchor with id `id` (case aside), if any.
    pub fn get(&self, id: &str) -> Option<&Anchor> {
        let found = match self.by_id.get(id) {
            Some(found) => Some(found),
            None => self.by_id.get(&id.to_lowercase()),
        };
        found.map(|&index| &self.list[index])
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn push(&mut self, anchor: Anchor) {
        let key = anchor.id.to_lowercase();
        self.by_id.entry(key).or_insert(self.list.len());
        self.list.push(anchor);
    }
}

impl Document<'_> {
    /// Every anchor of the document: the id of each heading, numbered as GitHub numbers repeats
    /// (github-slugger: `a`, `a-1`, `a-2`, and a heading whose id is taken already moves on to
    /// the next free number), and the explicit anchors. An HTML heading, whose text keeps the
    /// whitespace of its source, is also found by the id of its text with whitespace collapsed.
    pub fn anchors(&self) -> Anchors {
        let mut anchors = Anchors::default();
        let mut occurrences: HashMap<String, usize> = HashMap::new();
        for heading in &self.headings {
            let slug = github_slug(&heading.text);
            let id = unique(&mut occurrences, slug);
            anchors.push(Anchor {
                id,
                span: heading.span.clone(),
                kind: AnchorKind::Heading,
            });
            if heading.html {
                let collapsed: Vec<&str> = heading.text.split_whitespace().collect();
                let alias = github_slug(&collapsed.join(" "));
                if !occurrences.contains_key(&alias) {
                    anchors.push(Anchor {
                        id: alias,
                        span: heading.span.clone(),
                        kind: AnchorKind::Heading,
                    });
                }
            }
        }
        for span in &self.explicit_anchors {
            let value = html_escape::decode_html_entities(self.text(span));
            anchors.push(Anchor {
                id: value.into_owned(),
                span: span.clone(),
                kind: AnchorKind::Explicit,
            });
        }
        anchors
    }
}

/// github-slugger's numbering: while the id is taken, count another occurrence of the bare
/// slug and try `slug-N`.
fn unique(occurrences: &mut HashMap<String, usize>, slug: String) -> String {
    let mut id = slug.clone();
    while occurrences.contains_key(&id) {
        let count = occurrences.entry(slug.clone()).or_insert(0);
        *count += 1;
        id = format!("{slug}-{count}");
    }
    occurrences.insert(id.clone(), 0);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(markdown: &str) -> Vec<String> {
        let doc = Document::parse(markdown);
        doc.anchors().list.into_iter().map(|a| a.id).collect()
    }

    #[test]
    fn repeats_are_numbered_as_github_slugger_numbers_them() {
        assert_eq!(
            ids("# A\n## A\n## A-1\n### A\n"),
            ["a", "a-1", "a-1-1", "a-2"]
        );
    }

    #[test]
    fn explicit_anchors_and_html_headings_count() {
        let source = "<h2 align=\"center\">\n  Awesome &amp; LLM\n</h2>\n\n<a name=\"models\"></a>\n\n<p id='top-x'>x</p>\n\n### 1. <a name='模型'></a>模型\n";
        assert_eq!(
            ids(source),
            [
                "--awesome--llm",
                "awesome--llm",
                "1-模型",
                "models",
                "top-x",
                "模型"
            ]
        );
    }

    #[test]
    fn the_text_of_a_heading_is_its_text_code_and_link_text() {
        assert_eq!(
            ids("## The `check` command & *[flags](#x)* ![icon](i.png)\nSetext\n---\n"),
            ["the-check-command--flags-", "setext"]
        );
    }

    #[test]
    fn a_heading_in_code_or_front_matter_is_no_heading() {
        assert_eq!(
            ids("---\ntitle: x\n---\n```\n# not\n```\n    # nor\n# Yes\n"),
            ["yes"]
        );
    }
}
