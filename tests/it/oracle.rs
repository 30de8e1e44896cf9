//! GitHub's own renderer as the oracle: on generated Markdown, every http(s) link cmark-gfm
//! renders (the C library GitHub uses, through the Python package `cmarkgfm`) is among the
//! URLs `survey-lint links` reports, compared as the `href` survey-lint would request. As in
//! `../shared/tools/gfm-oracle.py`, a GitHub link also counts as found when it starts with a
//! URL survey-lint reports: survey-lint splits glued URLs and cuts off text that ran into a
//! URL, where GitHub links the whole run. And where GitHub's autolinker runs a URL on into
//! Markdown link syntax (`(https://a.org)[text](https://b.org)`: it links
//! `https://a.org)[text` and then `…](https://b.org)` as one URL), survey-lint reads the link
//! the author wrote; such GitHub links (holding `](`) are not compared.
//!
//! Needs Python with `cmarkgfm`: `.ci/run` installs it and runs this test with
//! `SURVEY_LINT_CMARKGFM_PYTHON` set; run it by hand with
//! `SURVEY_LINT_CMARKGFM_PYTHON=path/to/python cargo test --test it oracle -- --ignored`.

use crate::support::survey_lint;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::collections::BTreeSet;
use survey_lint::links::request_url;

/// Pieces surveys are made of, with the edge cases of GFM's autolinker among them.
fn piece() -> impl Strategy<Value = String> {
    let host = prop::sample::select(vec!["example.org", "a-b.example.com", "x.io", "hf.co"]);
    let path = prop::sample::select(vec![
        "",
        "/",
        "/a/b",
        "/a_(b)",
        "/p?q=1&r=2",
        "/x#frag",
        "/models/Qwen3-8B",
        "/a.b.c",
    ]);
    let tail = prop::sample::select(vec!["", ".", ",", ")", "!", "?", "*", "_", "'", "&amp;"]);
    let url = (
        prop::sample::select(vec!["https://", "http://", "www."]),
        host,
        path,
    )
        .prop_map(|(scheme, host, path)| format!("{scheme}{host}{path}"));
    prop_oneof![
        (url.clone(), tail).prop_map(|(u, t)| format!("{u}{t}")),
        url.clone().prop_map(|u| format!("({u})")),
        url.clone().prop_map(|u| format!("**{u}**")),
        url.clone().prop_map(|u| format!("<{u}>")),
        url.clone().prop_map(|u| format!("[text]({u})")),
        url.clone().prop_map(|u| format!("![alt]({u} \"title\")")),
        url.clone().prop_map(|u| format!("<a href=\"{u}\">a</a>")),
        url.clone().prop_map(|u| format!("<img src='{u}'>")),
        url.clone().prop_map(|u| format!("[see {u}]")),
        url.clone().prop_map(|u| format!("`{u}`")),
        url.clone().prop_map(|u| format!("| {u} | x |")),
        Just("| Model | Link |\n|---|---|".to_string()),
        Just("\n".to_string()),
        Just("text".to_string()),
        Just("提供了".to_string()),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (piece(), prop::sample::select(vec![" ", "\n", "", "\n\n"])),
        1..12,
    )
    .prop_map(|parts| parts.into_iter().map(|(p, s)| p + s).collect())
}

/// What `script` prints as JSON, run with the files `paths` by the Python that
/// `SURVEY_LINT_CMARKGFM_PYTHON` names.
fn cmarkgfm(script: &str, paths: &[String]) -> serde_json::Value {
    let python = std::env::var("SURVEY_LINT_CMARKGFM_PYTHON")
        .expect("SURVEY_LINT_CMARKGFM_PYTHON names a Python with cmarkgfm");
    let rendered = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .args(paths)
        .output()
        .expect("run python");
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    serde_json::from_slice(&rendered.stdout).expect("json")
}

const RENDER: &str = r#"
import cmarkgfm, html.parser, json, sys
class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"): self.urls.append(a["href"])
        if tag == "img" and a.get("src"): self.urls.append(a["src"])
out = {}
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=cmarkgfm.Options.CMARK_OPT_UNSAFE)
    p = Links(); p.feed(html)
    out[path] = [u for u in p.urls if u.startswith(("http://", "https://"))]
print(json.dumps(out))
"#;

#[test]
#[ignore = "needs Python with cmarkgfm (SURVEY_LINT_CMARKGFM_PYTHON); .ci/run runs it"]
fn every_link_github_renders_is_found() {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for i in 0..400 {
        let text = document().new_tree(&mut runner).unwrap().current();
        let path = dir.path().join(format!("doc{i:03}.md"));
        std::fs::write(&path, text).unwrap();
        paths.push(path.to_string_lossy().into_owned());
    }
    let github = cmarkgfm(RENDER, &paths);
    let github = github.as_object().expect("an object of paths");
    let ours = survey_lint()
        .args(["links", "--format", "json"])
        .args(&paths)
        .output()
        .expect("run survey-lint");
    let records: Vec<serde_json::Value> = serde_json::from_slice(&ours.stdout).expect("json");
    let reported: BTreeSet<(String, String)> = records
        .iter()
        .filter_map(|r| {
            let url = request_url(r["url"].as_str()?)?;
            Some((r["path"].as_str()?.to_string(), url))
        })
        .collect();
    let mut missed = Vec::new();
    let mut linked = 0;
    for (path, urls) in github {
        for url in urls.as_array().unwrap() {
            linked += 1;
            let url = url.as_str().unwrap().to_string();
            if url.contains("%5D(") {
                continue;
            }
            let found = reported
                .range((path.clone(), String::new())..)
                .take_while(|(p, _)| p == path)
                .any(|(_, ours)| url.starts_with(ours.as_str()));
            if !found {
                let text = std::fs::read_to_string(path).unwrap();
                missed.push(format!("{url} in {text:?}"));
            }
        }
    }
    assert!(linked > 500, "the generated documents hold links: {linked}");
    assert!(
        missed.is_empty(),
        "{} of {linked} missed:\n{}",
        missed.len(),
        missed.join("\n")
    );
}

const TABLE_ROWS: &str = r#"
import cmarkgfm, html.parser, json, sys
class Rows(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables = []
    def handle_starttag(self, tag, attrs):
        if tag == "table": self.tables.append(0)
        if tag == "tr": self.tables[-1] += 1
out = {}
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    p = Rows(); p.feed(cmarkgfm.github_flavored_markdown_to_html(text))
    out[path] = [n - 1 for n in p.tables]
print(json.dumps(out))
"#;

/// Around the number of cells GitHub adds to short rows before it ends a table (0x80000), and
/// the number pulldown-cmark gives up at (2^18): tables have GitHub's rows.
#[test]
#[ignore = "needs Python with cmarkgfm (SURVEY_LINT_CMARKGFM_PYTHON); .ci/run runs it"]
fn tables_whose_rows_lack_many_cells_have_the_rows_github_renders() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (columns, rows) in [
        (1000, 300),
        (1025, 600),
        (2000, 300),
        (3, 70_000),
        (700, 800),
    ] {
        let mut text = format!("|{}\n|{}\n", "h|".repeat(columns), "-|".repeat(columns));
        text += &"| x\n".repeat(rows);
        text += "\nafter\n\n| a | b |\n|---|---|\n| c |\n";
        let path = dir.path().join(format!("{columns}x{rows}.md"));
        std::fs::write(&path, text).unwrap();
        paths.push(path.to_string_lossy().into_owned());
    }
    let github = cmarkgfm(TABLE_ROWS, &paths);
    let ours = survey_lint()
        .args(["extract", "--format", "json"])
        .args(&paths)
        .output()
        .expect("run survey-lint");
    let records: Vec<serde_json::Value> = serde_json::from_slice(&ours.stdout).expect("json");
    for path in &paths {
        let mut rows = Vec::new();
        for record in records.iter().filter(|r| r["path"] == path.as_str()) {
            let table = record["table"].as_u64().unwrap() as usize;
            rows.resize(rows.len().max(table + 1), 0);
            rows[table] += 1;
        }
        assert_eq!(serde_json::json!(rows), github[path], "{path}");
    }
}
