//! `mismatched-paper`: a table row whose arXiv link names another paper than the row does.
//! The arXiv export API gives each paper's title with its verdict (cached with it, so a warm
//! run has them too); this check compares it with the row's title cell (`Title`, `Paper`), or
//! else its key cell (`Model`, `Name`), through [`crate::fields::titles`].
//!
//! It is meant to be precise, so it speaks only when it is sure:
//! - A row that gives a full title is reported when that title and arXiv's share too few
//!   words (and no leading name).
//! - A row that gives a name (`LLaMA`, `chinchilla-70b`) is fine when the name is in the
//!   title or is the family of its leading name (`LLaMA: Open and …`). Otherwise it is
//!   reported only when the paper fits another row of the same table better — the row the
//!   link was copied from (`ReAct` linking the paper of the `Reflexion` row): a model linking
//!   the paper of its method (`Guanaco` → QLoRA) is not wrong.

use super::link_status::verdict_for;
use super::{Check, CheckContext, Kind};
use crate::diagnostic::{Finding, Sink};
use crate::document::{Document, Span, Table};
use crate::fields::columns::find_column;
use crate::fields::defaults::key_columns;
use crate::fields::titles::{Title, claims, fits, is_latin};
use crate::links::{PaperFacts, Verdict};
use serde::Deserialize;
use std::collections::BTreeSet;

/// The settings of a `mismatched-paper` rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MismatchedPaperSettings {
    /// Header aliases of the column that gives a row's paper title, tried first.
    #[serde(default = "title_columns")]
    pub title_columns: Vec<String>,
    /// Header aliases of the column that names a row (a model, a method), tried when the row
    /// has no title: the shared key columns, and `Method`.
    #[serde(default = "name_columns")]
    pub key_columns: Vec<String>,
}

fn name_columns() -> Vec<String> {
    let mut columns = key_columns();
    columns.extend(["method", "methods", "approach"].map(String::from));
    columns
}

/// `aliases` without those of `titles`: the shared key columns include `Paper` and `Title`,
/// which are this rule's title columns.
fn without(aliases: &[String], titles: &[String]) -> Vec<String> {
    aliases
        .iter()
        .filter(|a| !titles.iter().any(|t| t.eq_ignore_ascii_case(a)))
        .cloned()
        .collect()
}

fn title_columns() -> Vec<String> {
    [
        "title",
        "paper title",
        "paper",
        "papers",
        "paper name",
        "论文",
        "论文名称",
        "论文标题",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

pub struct MismatchedPaper {
    title_columns: Vec<String>,
    key_columns: Vec<String>,
}

impl Kind for MismatchedPaper {
    type Settings = MismatchedPaperSettings;

    fn new(settings: &MismatchedPaperSettings) -> MismatchedPaper {
        MismatchedPaper {
            title_columns: settings.title_columns.clone(),
            key_columns: without(&settings.key_columns, &settings.title_columns),
        }
    }
}

/// One row as compared: what it calls its paper, and the paper it links.
struct Row<'p> {
    index: usize,
    cell: Span,
    text: String,
    said: Title,
    /// The linked paper, its link's span and URL, and how it was settled.
    paper: Option<(&'p PaperFacts, Span, String, &'static str)>,
}

impl Check for MismatchedPaper {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let (doc, Some(_)) = (cx.doc, cx.verdicts) else {
            return;
        };
        for (t, table) in doc.tables.iter().enumerate() {
            let columns = self.named_columns(doc, table);
            if columns == (None, None) {
                continue;
            }
            let rows = rows_of(cx, t, columns);

            let titles: Vec<Option<Title>> = rows
                .iter()
                .map(|r| r.paper.as_ref().map(|(p, ..)| Title::new(&p.title)))
                .collect();
            for (row, title) in rows.iter().zip(&titles) {
                let (Some((paper, span, url, via)), Some(title)) = (&row.paper, title) else {
                    continue;
                };
                if fits(&row.said, title) {
                    continue;
                }
                let quoted = format!("\u{201c}{}\u{201d}", paper.title);
                let finding = if row.said.is_name() {
                    // A name says too little alone: only a row that the paper fits better
                    // shows that this one carries its link.
                    let owner = rows
                        .iter()
                        .find(|other| other.index != row.index && claims(&other.said, title));
                    let Some(owner) = owner else {
                        continue;
                    };
                    Finding::new(
                        span.clone(),
                        format!(
                            "row `{}` links arXiv {}, {quoted}, which is the paper of row `{}`",
                            row.text, paper.id, owner.text
                        ),
                    )
                    .related(owner.cell.clone(), "the paper's own row")
                } else {
                    Finding::new(
                        span.clone(),
                        format!(
                            "row `{}` links a paper of another title, arXiv {}: {quoted}",
                            row.text, paper.id
                        ),
                    )
                };
                let says = if row.said.is_name() {
                    "the row's name"
                } else {
                    "the row's title"
                };
                out.push(
                    finding
                        .label("another paper")
                        .related(row.cell.clone(), says)
                        .help(if row.said.is_name() {
                            "link this row's own paper: the link may have been copied from a neighbouring row"
                        } else {
                            "link this row's own paper (the link may have been copied from a neighbouring row); if arXiv's title is the paper's new one, update the row's title"
                        })
                        .url(url.clone())
                        .via(via),
                );
            }
        }
    }
}

impl MismatchedPaper {
    /// The columns that name a row's paper: a title column, and the key column (a name). The
    /// one place that chooses them, so that a smarter choice of key column is one call away.
    fn named_columns(&self, doc: &Document<'_>, table: &Table) -> (Option<usize>, Option<usize>) {
        (
            find_column(doc.source, table, &self.title_columns),
            find_column(doc.source, table, &self.key_columns),
        )
    }
}

/// A linked paper: its facts, the link's span and URL, and how it was settled.
type Linked<'p> = (&'p PaperFacts, Span, String, &'static str);

/// The rows of table `t` that say which paper they mean — a title in the title column, or else
/// a name in the key column — with the paper each links: the arXiv link in that cell or the
/// title cell, else the row's only arXiv paper.
fn rows_of<'p>(
    cx: &'p CheckContext<'_>,
    t: usize,
    (title_column, name_column): (Option<usize>, Option<usize>),
) -> Vec<Row<'p>> {
    let doc = cx.doc;
    let Some(verdicts) = cx.verdicts else {
        return Vec::new();
    };
    let table = &doc.tables[t];
    // Per row and cell, the papers linked.
    let mut linked: Vec<Vec<(usize, Linked<'p>)>> = vec![Vec::new(); table.row_count()];
    for (place, link) in doc.links_in_cells(t) {
        for url in doc.meant_urls(link) {
            let text = doc.url(link, url);
            let Some(settled) = verdict_for(verdicts, &text) else {
                continue;
            };
            let Some(paper) = settled.paper() else {
                continue;
            };
            // A dead link is `dead-link`'s.
            if matches!(settled.verdict, Verdict::Dead { .. }) {
                continue;
            }
            let found = (paper, url.span(), text.into_owned(), settled.via.as_str());
            linked[place.row].push((place.cell, found));
        }
    }
    let mut rows = Vec::new();
    for (index, row) in table.rows(doc).enumerate() {
        let text_of = |column: Option<usize>| {
            let cell = row.cells.get(column?)?;
            let text = reader_text(doc.text(&cell.span()));
            (is_latin(&text) && !is_generic(&text)).then(|| (column, cell.span(), text))
        };
        let Some((column, cell, text)) = text_of(title_column).or_else(|| text_of(name_column))
        else {
            continue;
        };
        let in_cell = |c: Option<usize>| {
            let c = c?;
            linked[index]
                .iter()
                .find(|(at, _)| *at == c)
                .map(|(_, l)| l.clone())
        };
        let ids: BTreeSet<&str> = linked[index].iter().map(|(_, l)| l.0.id.as_str()).collect();
        let paper = in_cell(column)
            .or_else(|| in_cell(title_column))
            .or_else(|| (ids.len() == 1).then(|| linked[index][0].1.clone()));
        rows.push(Row {
            index,
            cell,
            said: Title::new(&text),
            text,
            paper,
        });
    }
    rows
}

/// Link text that names no paper: `arXiv`, `paper`, `[PDF]`, `2023`.
fn is_generic(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "arxiv",
        "paper",
        "papers",
        "pdf",
        "link",
        "links",
        "abs",
        "html",
        "here",
        "preprint",
        "url",
        "project",
        "page",
        "code",
        "blog",
        "report",
        "technical",
        "tech",
        "website",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|w| {
            WORDS.contains(&w.to_lowercase().as_str()) || w.bytes().all(|b| b.is_ascii_digit())
        })
}

/// A cell's text as a reader sees it, without images (badges) and raw HTML, whitespace
/// collapsed.
fn reader_text(cell: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut out = String::new();
    let mut in_image = 0usize;
    for event in Parser::new_ext(cell, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_image == 0 => {
                out.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak | Event::InlineHtml(_) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_and_markup_are_not_the_title() {
        assert_eq!(
            reader_text(
                "![Star](https://img.shields.io/x.svg) <br> [**Visual Instruction Tuning**](https://arxiv.org/abs/2304.08485) <br>"
            ),
            "Visual Instruction Tuning"
        );
        assert_eq!(
            reader_text("BloombergGPT<br>(金融领域)"),
            "BloombergGPT (金融领域)"
        );
    }
}

#[cfg(test)]
mod check_tests {
    use super::*;
    use crate::links::{Facts, Settled, Verdicts, Via};

    fn paper(url: &str, id: &str, title: &str) -> (String, Settled) {
        let facts = PaperFacts {
            id: id.into(),
            version: 1,
            title: title.into(),
            withdrawn: None,
        };
        let settled = Settled {
            verdict: Verdict::Alive,
            via: Via::ArxivApi,
            facts: Some(Facts::ArxivPaper(facts)),
        };
        (url.to_string(), settled)
    }

    fn findings(source: &str, verdicts: &Verdicts) -> Vec<String> {
        let doc = Document::parse(source);
        let cx = CheckContext::new(&doc, Some(verdicts));
        let rule = MismatchedPaper::new(&MismatchedPaperSettings {
            title_columns: title_columns(),
            key_columns: name_columns(),
        });
        let mut out = Vec::new();
        rule.check(&cx, &mut out);
        out.into_iter().map(|f| f.message.to_string()).collect()
    }

    #[test]
    fn a_title_row_linking_another_paper_is_reported() {
        let verdicts: Verdicts = [paper(
            "https://arxiv.org/pdf/2304.14178.pdf",
            "2304.14178",
            "mPLUG-Owl: Modularization Empowers Large Language Models with Multimodality",
        )]
        .into_iter()
        .collect();
        let source = "| Title | Venue |\n|---|---|\n| [**MiniGPT-4: Enhancing Vision-Language Understanding with Advanced Large Language Models**](https://arxiv.org/pdf/2304.14178.pdf) | arXiv |\n| [**mPLUG-Owl: Modularization Empowers Large Language Models with Multimodality**](https://arxiv.org/pdf/2304.14178.pdf) | arXiv |\n";
        assert_eq!(
            findings(source, &verdicts).len(),
            1,
            "{:?}",
            findings(source, &verdicts)
        );
    }

    #[test]
    fn a_name_row_carrying_its_neighbours_paper_is_reported() {
        let verdicts: Verdicts = [paper(
            "https://arxiv.org/abs/2303.11366",
            "2303.11366",
            "Reflexion: Language Agents with Verbal Reinforcement Learning",
        )]
        .into_iter()
        .collect();
        let source = "| Method | Paper |\n|---|---|\n| Reflexion | [arXiv](https://arxiv.org/abs/2303.11366) |\n| ReAct | [arXiv](https://arxiv.org/abs/2303.11366) |\n| Guanaco | [arXiv](https://arxiv.org/abs/2303.11366) |\n";
        let found = findings(source, &verdicts);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("row `ReAct` links arXiv 2303.11366"),
            "{found:?}"
        );
    }
}
