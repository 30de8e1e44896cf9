//! survey-lint sees what GitHub renders: front matter only at the start of a file, `www.`
//! links with the scheme GitHub adds, links and tables written as HTML, and link syntax GitHub
//! shows as text reported rather than linked with markup glued on.

use crate::support::{check_json, rule_lines, survey_lint};
use std::io::Write;
use survey_lint::document::Document;

fn temp_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write");
    path.to_string_lossy().into_owned()
}

/// A 200 KB survey whose table stands under a `---` thematic break followed by text, far past
/// the start: before, the break was read as front matter and the table vanished.
fn survey_behind_a_break() -> String {
    let mut text = String::from("# Survey\n\n");
    while text.len() < 100_000 {
        text.push_str("Some prose about models, with no table in it at all.\n\n");
    }
    text.push_str("---\nModels, continued\n\n| Model | Size |\n|---|---|\n| A | 7B |\n| A | 7B |\n|  |  |\n\n---\n\n");
    while text.len() < 200_000 {
        text.push_str("More prose after the table.\n\n");
    }
    text
}

#[test]
fn a_thematic_break_is_never_front_matter() {
    let text = survey_behind_a_break();
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "survey.md", &text);
    let (json, status) = check_json(&[&path]);
    assert_eq!(status, 1);
    let found = rule_lines(&json);
    let line_of = |needle: &str| text[..text.find(needle).unwrap()].lines().count() + 1;
    let dup = line_of("| A | 7B |\n| A") + 1;
    assert!(
        found.contains(&("duplicate-row".into(), dup as u64)),
        "{found:?}"
    );
    assert!(
        found.contains(&("empty-row".into(), dup as u64 + 1)),
        "{found:?}"
    );
}

#[test]
fn what_is_found_does_not_depend_on_where_pieces_are_cut() {
    let text = survey_behind_a_break();
    let summary = |doc: &Document<'_>| {
        let tables: Vec<(usize, usize)> = doc
            .tables
            .iter()
            .map(|t| (t.header.line, t.row_count()))
            .collect();
        let links: Vec<_> = doc.links.iter().map(|l| l.span()).collect();
        (tables, links)
    };
    let whole = summary(&Document::parse_in_chunks(&text, usize::MAX));
    assert_eq!(whole.0.len(), 1, "the table is seen");
    for size in [1, 1_000, 64 * 1024, 128 * 1024] {
        assert_eq!(
            summary(&Document::parse_in_chunks(&text, size)),
            whole,
            "pieces of {size}"
        );
    }
    // Real front matter, at byte 0 and after a byte order mark, is never linted.
    for prefix in ["", "\u{feff}"] {
        let text = format!(
            "{prefix}---\ntitle: x\nurl: https://front.example\n---\n| a |\n|---|\n| x |\n"
        );
        let doc = Document::parse(&text);
        assert!(doc.links.is_empty());
        assert_eq!(doc.tables.len(), 1);
    }
}

#[test]
fn a_byte_order_mark_before_a_table_on_line_1_hides_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "bom.md", "\u{feff}| Model |\n|---|\n| A |\n| A |\n");
    let (json, _) = check_json(&[&path]);
    assert_eq!(rule_lines(&json), [("duplicate-row".to_string(), 4)]);
}

#[test]
fn links_reports_what_github_links() {
    let dir = tempfile::tempdir().unwrap();
    let text = "See www.example.org/models and WWW.NOT-LINKED.org.\n\n\
<p align=\"center\"><a href=\"https://a.example/x?p=1&amp;q=2\"><img src=\"https://b.example/logo.png\"></a></p>\n\n\
<picture><source srcset=\"https://c.example/d.png 1x, https://c.example/l.png 2x\"></picture>\n\n\
[[data(https://zenodo.org/records/2593787)]]\n";
    let path = temp_file(&dir, "links.md", text);
    let records = links_json(&path);
    let got: Vec<(u64, u64, &str, &str)> = records
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["column"].as_u64().unwrap(),
                r["url"].as_str().unwrap(),
                r["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, 5, "http://www.example.org/models", "bare"),
            (3, 28, "https://a.example/x?p=1&q=2", "html"),
            (3, 71, "https://b.example/logo.png", "html"),
            (5, 26, "https://c.example/d.png", "html"),
            (5, 54, "https://c.example/l.png", "html"),
            (7, 8, "https://zenodo.org/records/2593787", "bare"),
        ]
    );
}

#[test]
fn links_reads_html_attribute_values_whole_as_a_browser_does() {
    let dir = tempfile::tempdir().unwrap();
    // Double- and single-quoted values run to their quote, spaces and tabs included (a browser
    // drops the tab from the URL); an unquoted value ends at whitespace or `>`.
    let text = "<a href=\"support os\"><img src='docs/my logo.png'></a>\n\n\
<a href=\"https://a.example/my\tpaper v2.pdf\">p</a> <a href=docs/x.md title=\"a b\">x</a> <a href=y.md>y</a>\n";
    let path = temp_file(&dir, "attributes.md", text);
    let records = links_json(&path);
    let got: Vec<(u64, u64, &str)> = records
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["column"].as_u64().unwrap(),
                r["url"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, 10, "support os"),
            (1, 32, "docs/my logo.png"),
            (3, 10, "https://a.example/mypaper v2.pdf"),
            (3, 59, "docs/x.md"),
            (3, 95, "y.md"),
        ]
    );
}

#[test]
fn html_tables_are_tables_for_every_rule_and_for_extract() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# Models\n\n<table>\n<thead>\n<tr><th>Model</th><th>Size</th><th>Org</th></tr>\n</thead>\n<tbody>\n\
<tr><td rowspan=\"2\"><a href=\"https://hf.co/llama\">LLaMA</a></td><td>7B</td><td>Meta</td></tr>\n\
<tr><td>13B</td><td>Meta</td></tr>\n\
<tr><td colspan=\"2\">GPT-4</td><td>OpenAI</td></tr>\n\
<tr><td>Vicuna</td><td>13BB</td><td>LMSYS</td></tr>\n\
<tr><td>Vicuna</td><td>13BB</td><td>LMSYS</td></tr>\n\
<tr><td> </td><td></td><td>&nbsp;</td></tr>\n\
</tbody>\n</table>\n";
    let path = temp_file(&dir, "html.md", text);
    let (json, status) = check_json(&[&path]);
    assert_eq!(status, 1);
    let found = rule_lines(&json);
    for expected in [
        ("malformed-quantity", 11),
        ("duplicate-row", 12),
        ("empty-row", 13),
    ] {
        assert!(
            found.contains(&(expected.0.to_string(), expected.1)),
            "{expected:?} in {found:?}"
        );
    }
    // The grid a reader sees: LLaMA spans two rows, GPT-4 two columns.
    let output = survey_lint()
        .args(["extract", "--format", "csv", &path])
        .output()
        .expect("run");
    let csv = String::from_utf8_lossy(&output.stdout);
    let rows: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split_once(",0,").unwrap().1)
        .collect();
    assert_eq!(
        rows[..4],
        [
            "8,LLaMA,7B,Meta,[7000000000.0]",
            "9,LLaMA,13B,Meta,[13000000000.0]",
            "10,GPT-4,GPT-4,OpenAI,",
            "11,Vicuna,13BB,LMSYS,",
        ]
    );
    // --fix deletes the copied and the empty row, and nothing else.
    let fixed = survey_lint()
        .args(["check", "--offline", "--fix", &path])
        .output()
        .expect("run");
    assert!(fixed.status.code().is_some());
    let after = std::fs::read_to_string(&path).unwrap();
    let expected = text
        .replace(
            "<tr><td>Vicuna</td><td>13BB</td><td>LMSYS</td></tr>\n<tr><td>Vicuna",
            "<tr><td>Vicuna",
        )
        .replace("<tr><td> </td><td></td><td>&nbsp;</td></tr>\n", "");
    assert_eq!(after, expected);
}

#[test]
fn a_row_a_rowspan_reaches_into_is_reported_but_not_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let text = "<table>\n<tr><th>Model</th><th>Size</th></tr>\n<tr><td rowspan=\"2\">A</td><td>7B</td></tr>\n<tr><td>7B</td></tr>\n</table>\n";
    let path = temp_file(&dir, "span.md", text);
    let (json, _) = check_json(&[&path]);
    let dup = &json["diagnostics"][0];
    assert_eq!(dup["rule"], "duplicate-row");
    assert!(dup["fix"].is_null(), "{dup}");
}

#[test]
fn link_syntax_github_shows_as_text_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[[data(https://zenodo.org/records/2593787)]]\n\n[the paper] (https://arxiv.org/abs/2302.13971)\n\n[code](https://github.com/x/y \"unclosed\n\n[fine](https://example.org/ok) and https://example.org/bare\n";
    let path = temp_file(&dir, "syntax.md", text);
    let (json, _) = check_json(&[&path]);
    assert_eq!(
        rule_lines(&json),
        [
            ("malformed-url".to_string(), 1),
            ("malformed-url".to_string(), 3),
            ("malformed-url".to_string(), 5),
        ]
    );
    let space = &json["diagnostics"][1];
    assert_eq!(space["fix"]["safe"], true);
    let fixed = survey_lint()
        .args(["check", "--offline", "--fix", &path])
        .output()
        .expect("run");
    assert!(fixed.status.code().is_some());
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains("[the paper](https://arxiv.org/abs/2302.13971)"),
        "{after}"
    );
}

/// `survey-lint links --format json` on the file at `path`.
fn links_json(path: &str) -> serde_json::Value {
    let output = survey_lint()
        .args(["links", "--format", "json", path])
        .output()
        .expect("run");
    serde_json::from_slice(&output.stdout).expect("json")
}
