//! GitHub's own specification examples for tables and autolinks (tests/fixtures/gfm, with the
//! HTML GitHub renders) are the ground truth for the document model.
//!
//! Deliberate differences, asserted as such: survey-lint keeps a row's cells as written, so a
//! row GFM pads (fewer cells) or truncates (more cells) has its own count here; and e-mail
//! autolinks are not links survey-lint checks, so they are not compared. The examples of the
//! core Autolinks section were rendered without the extension, so only their `<…>` links count.

use crate::support::{fixture, read};
use regex::Regex;
use survey_lint::document::{Document, LinkKind};
use survey_lint::fields::text::plain_text;
use survey_lint::links::request_url;

struct Example {
    source: String,
    number: u64,
    extension: Option<String>,
    section: String,
    markdown: String,
    html: String,
}

fn examples() -> Vec<Example> {
    let json: serde_json::Value =
        serde_json::from_str(&read(&fixture("gfm/examples.json"))).expect("examples.json");
    json.as_array()
        .expect("array")
        .iter()
        .map(|e| Example {
            source: e["source"].as_str().unwrap().to_string(),
            number: e["example"].as_u64().unwrap(),
            extension: e["extension"].as_str().map(String::from),
            section: e["section"].as_str().unwrap().to_string(),
            markdown: e["markdown"].as_str().unwrap().to_string(),
            html: e["html"].as_str().unwrap().to_string(),
        })
        .collect()
}

fn unescape_html(s: &str) -> String {
    let tags = Regex::new(r"<[^>]+>").unwrap();
    tags.replace_all(s, "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Rows of each table in the HTML, as the text of each cell.
fn html_tables(html: &str) -> Vec<Vec<Vec<String>>> {
    let table = Regex::new(r"(?s)<table>(.*?)</table>").unwrap();
    let row = Regex::new(r"(?s)<tr>(.*?)</tr>").unwrap();
    let cell = Regex::new(r"(?s)<t[hd][^>]*>(.*?)</t[hd]>").unwrap();
    table
        .captures_iter(html)
        .map(|t| {
            row.captures_iter(&t[1])
                .map(|r| {
                    cell.captures_iter(&r[1])
                        .map(|c| unescape_html(&c[1]))
                        .collect()
                })
                .collect()
        })
        .collect()
}

#[test]
fn tables_match_what_github_renders() {
    let mut checked = 0;
    let mut compared = 0;
    for example in examples()
        .iter()
        .filter(|e| e.section.to_lowercase().contains("table"))
    {
        compared += 1;
        let doc = Document::parse(&example.markdown);
        let expected = html_tables(&example.html);
        assert_eq!(
            doc.tables.len(),
            expected.len(),
            "example {}",
            example.number
        );
        for (table, html_rows) in doc.tables.iter().zip(&expected) {
            let rows: Vec<_> = std::iter::once(table.header.clone())
                .chain(table.rows(&doc))
                .collect();
            assert_eq!(
                rows.len(),
                html_rows.len(),
                "example {}: rows",
                example.number
            );
            for (row, html_cells) in rows.iter().zip(html_rows) {
                let cells: Vec<String> = row
                    .cells
                    .iter()
                    .map(|c| plain_text(&doc.text(&c.span()).replace("\\|", "|")).into_owned())
                    .collect();
                let shared = cells.len().min(html_cells.len());
                assert_eq!(
                    cells[..shared],
                    html_cells[..shared],
                    "example {}: cells",
                    example.number
                );
                // Deliberate: GFM pads short rows with empty cells and drops extra cells.
                if cells.len() < html_cells.len() {
                    assert!(html_cells[shared..].iter().all(String::is_empty));
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} tables compared");
    assert_eq!(
        compared, 17,
        "every table example of examples.json is compared"
    );
}

#[test]
fn the_cells_survey_lint_keeps_differ_from_gfm_only_by_padding_and_truncation() {
    // spec example 204: `| bar |` is padded by GFM, `| bar | baz | boo |` truncated.
    let doc = Document::parse("| abc | def |\n| --- | --- |\n| bar |\n| bar | baz | boo |\n");
    let counts: Vec<usize> = doc.tables[0].rows(&doc).map(|r| r.cells.len()).collect();
    assert_eq!(counts, [1, 3]);
}

#[test]
fn autolinks_match_what_github_renders() {
    let anchor = Regex::new(r#"<a href="([^"]*)">(.*?)</a>"#).unwrap();
    let mut checked = 0;
    for example in examples()
        .iter()
        .filter(|e| e.section.starts_with("Autolinks"))
    {
        let doc = Document::parse(&example.markdown);
        // The core examples of spec.txt are rendered without the autolink extension: only their
        // `<…>` links count. Images are `<img>`, not anchors.
        let extension =
            example.extension.as_deref() == Some("autolink") || example.source == "extensions.txt";
        let ours: Vec<&str> = doc
            .links
            .iter()
            .filter(|l| (extension || l.kind != LinkKind::Bare) && l.kind != LinkKind::Image)
            .map(|l| doc.text(&l.span()))
            .collect();
        let github: Vec<String> = anchor
            .captures_iter(&example.html)
            .filter(|c| !c[1].starts_with("mailto:"))
            .map(|c| unescape_html(&c[2]))
            .collect();
        assert_eq!(
            ours, github,
            "example {} ({:?})",
            example.number, example.extension
        );
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} autolink examples compared");
}

/// The `href` GitHub gives each link is the URL survey-lint requests for it: `www.` links with
/// the `http://` GitHub adds, and the characters GitHub percent-encodes encoded alike.
#[test]
fn hrefs_match_what_github_links() {
    let anchor = Regex::new(r#"<a href="([^"]*)">"#).unwrap();
    let mut checked = 0;
    for example in examples()
        .iter()
        .filter(|e| e.section.starts_with("Autolinks"))
    {
        let doc = Document::parse(&example.markdown);
        let extension =
            example.extension.as_deref() == Some("autolink") || example.source == "extensions.txt";
        let ours: Vec<String> = doc
            .links
            .iter()
            .filter(|l| (extension || l.kind != LinkKind::Bare) && l.kind != LinkKind::Image)
            .flat_map(|l| doc.meant_urls(l).iter().map(move |u| (l, u)))
            .filter_map(|(l, u)| request_url(&doc.url(l, u)))
            .collect();
        let github: Vec<String> = anchor
            .captures_iter(&example.html)
            .filter(|c| c[1].starts_with("http"))
            .map(|c| c[1].replace("&amp;", "&"))
            .collect();
        assert_eq!(ours, github, "example {}", example.number);
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} examples compared");
}

#[test]
fn tables_in_code_front_matter_and_inline_code_are_not_linted() {
    let text = "---\ntitle: x\n---\n```\n| a | b |\n|---|---|\n| x | y |\n```\n\n    | a | b |\n    |---|---|\n\n`https://example.com/in-code`\n";
    let doc = Document::parse(text);
    assert!(doc.tables.is_empty());
    assert!(doc.links.is_empty());
}

#[test]
fn tables_in_lists_and_block_quotes_keep_their_rows() {
    let text = "- item\n\n  | a | b |\n  |---|---|\n  | x | y | z |\n\n> | c | d |\n> | - | - |\n> | `e\\|f` | g |\n";
    let doc = Document::parse(text);
    assert_eq!(doc.tables.len(), 2);
    let row = |t: usize| doc.tables[t].row(&doc, 0).unwrap();
    assert_eq!(row(0).cells.len(), 3);
    assert_eq!(row(0).line, 5);
    assert_eq!(row(1).cells.len(), 2);
    assert_eq!(doc.text(&row(1).cells[0].span()), "`e\\|f`");
}

#[test]
fn links_of_every_kind_are_found_with_their_place() {
    let text = "See [docs](https://a.example/docs \"t\") and <https://b.example>.\n\n[ref]: https://c.example/ref\n\n| Model | Links |\n|---|---|\n| X | https://d.example/x ![b](https://e.example/b.svg) |\n";
    let doc = Document::parse(text);
    let urls: Vec<&str> = doc.links.iter().map(|l| doc.text(&l.span())).collect();
    assert_eq!(
        urls,
        [
            "https://a.example/docs",
            "https://b.example",
            "https://c.example/ref",
            "https://d.example/x",
            "https://e.example/b.svg",
        ]
    );
    let place = doc.place_of(doc.links[3].span().start).expect("in a table");
    assert_eq!((place.table, place.row, place.cell), (0, 0, 1));
    assert!(doc.place_of(doc.links[0].span().start).is_none());
}

/// Parsing in pieces (which bounds memory and runs in parallel) finds exactly what one parse
/// finds, on every survey of `tests/corpus-unseen/`, the founding survey and the GFM examples.
#[test]
fn parsing_in_pieces_changes_nothing() {
    let dir = fixture("../corpus-unseen");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/corpus-unseen/ is in the repository")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("INDEX.md"))
        .map(|p| read(&p))
        .collect();
    assert!(texts.len() >= 10, "the unseen surveys are read");
    texts.push(read(&fixture("open-llm-survey.md")));
    texts.extend(examples().into_iter().map(|e| e.markdown));
    let summary = |doc: &Document<'_>| {
        let tables: Vec<(usize, Vec<usize>)> = doc
            .tables
            .iter()
            .map(|t| (t.header.line, t.rows(doc).map(|r| r.cells.len()).collect()))
            .collect();
        let links: Vec<(std::ops::Range<usize>, LinkKind)> =
            doc.links.iter().map(|l| (l.span(), l.kind)).collect();
        (tables, links, doc.html.len())
    };
    for text in &texts {
        let whole = Document::parse_in_chunks(text, usize::MAX);
        for size in [1, 64, 4096] {
            let pieces = Document::parse_in_chunks(text, size);
            assert_eq!(summary(&pieces), summary(&whole), "pieces of {size} bytes");
        }
    }
    assert!(texts.len() > 20);
}

/// A table of `columns` columns with `rows` rows of one cell each, the `n`th linking
/// `https://a.example/n`, then a paragraph with a link and a small table.
fn short_rows(columns: usize, rows: usize) -> String {
    let mut text = format!("|{}\n|{}\n", "h|".repeat(columns), "-|".repeat(columns));
    for n in 0..rows {
        text.push_str(&format!("| [x](https://a.example/{n})\n"));
    }
    text + "\nafter https://b.example\n\n| a | b |\n|---|---|\n| c | d |\n"
}

#[test]
fn a_table_reads_on_and_ends_as_github_reads_it_however_many_cells_its_rows_lack() {
    // cmark-gfm (GitHub) adds the missing cells of short rows up to 0x80000 and ends the table
    // before the next row; pulldown-cmark gives up at 2^18 and reads the rest into the table.
    // With 1000 columns, 300 rows add 299,700 cells: all are rows, as GitHub renders them.
    let text = short_rows(1000, 300);
    let doc = Document::parse(&text);
    let rows: Vec<usize> = doc.tables.iter().map(|t| t.row_count()).collect();
    assert_eq!(rows, [300, 1]);
    assert_eq!(doc.links.len(), 301);
    assert!(
        doc.links
            .iter()
            .any(|l| text[l.span()].contains("b.example"))
    );
    // 1025 columns: each row adds 1024; after 512 rows exactly 0x80000 are added, which still
    // admits a row (`>`), so 513 rows; the 514th line starts a paragraph, and its link and
    // those of the lines after it are links of that paragraph.
    let text = short_rows(1025, 600);
    let whole = Document::parse_in_chunks(&text, usize::MAX);
    let rows: Vec<usize> = whole.tables.iter().map(|t| t.row_count()).collect();
    assert_eq!(rows, [513, 1]);
    assert_eq!(whole.links.len(), 601);
    let table = &whole.tables[0];
    let last = table.row_line(&whole, 512).unwrap();
    assert!(text.lines().nth(last - 1).unwrap().contains("/512)"));
    assert!(table.span.end < text.find("/513)").unwrap());
    for size in [1, 4096] {
        let pieces = Document::parse_in_chunks(&text, size);
        assert_eq!(
            format!("{:?}", pieces.tables),
            format!("{:?}", whole.tables)
        );
        assert_eq!(format!("{:?}", pieces.links), format!("{:?}", whole.links));
    }
}
