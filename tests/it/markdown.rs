//! `--format markdown`: the report for a pull-request comment or the Actions job summary.
//! Snapshots of the whole report, and its structure as a GFM renderer reads it (pulldown-cmark
//! here; `tools/markdown-render.py` does the same with cmark-gfm, GitHub's renderer).

use crate::support::{check_json, survey_lint};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

const SEED: &str = "tests/fixtures/open-llm-survey.md";
const SECOND: &str = "tests/fixtures/duplicate-row/fail.md";

/// Runs `check --offline --format markdown` with the Actions variables set (or not).
fn markdown(args: &[&str], github: bool) -> (String, i32) {
    let mut cmd = survey_lint();
    cmd.args(["check", "--offline", "--format", "markdown"])
        .args(args)
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_SHA")
        .env_remove("GITHUB_WORKSPACE");
    if github {
        cmd.env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", "owner/survey")
            .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567");
    }
    let output = cmd.output().expect("run survey-lint");
    (
        String::from_utf8(output.stdout).expect("UTF-8"),
        output.status.code().unwrap_or(-1),
    )
}

#[test]
fn markdown_report_with_line_links_on_github() {
    let (text, status) = markdown(&[SEED, SECOND], true);
    assert_eq!(status, 1, "the exit status does not depend on the format");
    insta::assert_snapshot!("markdown-github", text);
}

#[test]
fn markdown_report_without_the_actions_variables_has_no_links() {
    let (text, _) = markdown(&[SEED], false);
    assert!(!text.contains("](http"), "{text}");
    insta::assert_snapshot!("markdown-plain", text);
}

/// What a renderer makes of the report: per table, the rows of cells as text, and the link
/// targets in the first column.
struct Rendered {
    tables: Vec<Vec<(Vec<String>, Vec<String>)>>,
    headings: Vec<String>,
}

fn render(markdown: &str) -> Rendered {
    let mut tables = Vec::new();
    let mut headings = Vec::new();
    let mut heading: Option<String> = None;
    let mut row: Option<(Vec<String>, Vec<String>)> = None;
    let mut cell: Option<String> = None;
    let mut cell_index = 0;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Table(_)) => tables.push(Vec::new()),
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => headings.extend(heading.take()),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                row = Some((Vec::new(), Vec::new()));
                cell_index = 0;
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let (Some(table), Some(row)) = (tables.last_mut(), row.take()) {
                    table.push(row);
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(row), Some(cell)) = (row.as_mut(), cell.take()) {
                    row.0.push(cell);
                }
                cell_index += 1;
            }
            Event::Start(Tag::Link { dest_url, .. }) if cell_index == 0 => {
                if let Some(row) = row.as_mut() {
                    row.1.push(dest_url.to_string());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(cell) = cell.as_mut() {
                    cell.push_str(&t);
                }
                if let Some(heading) = heading.as_mut() {
                    heading.push_str(&t);
                }
            }
            _ => {}
        }
    }
    Rendered { tables, headings }
}

#[test]
fn one_table_per_file_and_every_line_links_to_its_line() {
    let (text, _) = markdown(&[SEED, SECOND], true);
    let rendered = render(&text);
    let (json, _) = check_json(&[SEED, SECOND]);
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    let mut files: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["path"].as_str())
        .collect();
    files.dedup();
    assert_eq!(files, [SECOND, SEED], "files come in path order");
    assert_eq!(rendered.tables.len(), files.len(), "{text}");
    for (table, path) in rendered.tables.iter().zip(&files) {
        assert!(rendered.headings.iter().any(|h| h == path), "{path}");
        let expected: Vec<_> = diagnostics.iter().filter(|d| d["path"] == *path).collect();
        // The header row, then one row per finding, in the JSON order.
        assert_eq!(table.len(), expected.len() + 1, "{path}");
        assert_eq!(table[0].0, ["Line", "Severity", "Rule", "Message"]);
        for ((cells, links), d) in table[1..].iter().zip(&expected) {
            let line = d["line"].as_u64().expect("line");
            assert_eq!(cells[0], line.to_string());
            assert_eq!(cells[1], d["severity"].as_str().expect("severity"));
            assert_eq!(
                cells[2],
                format!(
                    "{} {}",
                    d["code"].as_str().unwrap(),
                    d["rule"].as_str().unwrap()
                )
            );
            // Code spans render as their text.
            let message = d["message"].as_str().unwrap().replace('`', "");
            assert!(cells[3].starts_with(&message), "{}", cells[3]);
            let end = d["end_line"].as_u64().expect("end_line");
            let anchor = if end > line {
                format!("#L{line}-L{end}")
            } else {
                format!("#L{line}")
            };
            assert_eq!(
                links,
                &[format!(
                    "https://github.com/owner/survey/blob/0123456789abcdef0123456789abcdef01234567/{path}{anchor}"
                )]
            );
        }
    }
}

#[test]
fn a_long_report_is_cut_between_rows_and_counts_what_it_left_out() {
    let (full, _) = markdown(&[SEED, SECOND], true);
    let (cut, status) = markdown(&[SEED, SECOND, "--markdown-max-bytes", "3000"], true);
    assert_eq!(status, 1);
    assert!(cut.len() <= 3000, "{} bytes", cut.len());
    let full_rows = full.lines().filter(|l| l.starts_with("| [")).count();
    let cut_rows = cut.lines().filter(|l| l.starts_with("| [")).count();
    assert!(
        cut_rows > 0 && cut_rows < full_rows,
        "{cut_rows} of {full_rows}"
    );
    let note = format!("**{} more findings not shown**", full_rows - cut_rows);
    assert!(cut.contains(&note), "{cut}");
    // Every table that is there is whole: no row is cut in the middle.
    for line in cut.lines().filter(|l| l.starts_with('|')) {
        assert!(line.ends_with(" |") || line.ends_with('|'), "{line}");
    }
    assert_eq!(
        render(&cut)
            .tables
            .iter()
            .map(|t| t.len() - 1)
            .sum::<usize>(),
        cut_rows
    );
}

#[test]
fn a_clean_run_says_so() {
    let (text, status) = markdown(&["tests/fixtures/clean.md"], true);
    assert_eq!(status, 0);
    assert!(
        text.starts_with("## survey-lint\n\n0 errors, 0 warnings in 1 file"),
        "{text}"
    );
    assert!(render(&text).tables.is_empty());
}
