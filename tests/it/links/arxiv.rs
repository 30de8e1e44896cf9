//! arXiv links settled through the export API, against the loopback mock of `export_api.rs`
//! (shapes and sources cited there). arxiv.org pages, where the API leaves a link to the HTTP
//! check, are a second loopback server put in arxiv.org's place by `CheckOptions::resolve`.

use super::export_api::{Library, Paper, answer, query_of};
use super::server::{Body, Hit, Reply, Server};
use super::{api_options, config, secs, settle, settled_via};
use crate::support::survey_lint;
use std::time::Duration;
use survey_lint::links::config::{ApiEndpoints, ApiUrl};
use survey_lint::links::{CheckOptions, LinkConfig, Settled, Verdict, Via, check_links};
use url::Url;

fn feed_reply(library: &Library, hit: &Hit) -> Reply {
    let (status, body, _) = answer(library, &hit.path);
    Reply::status(status)
        .header("content-type", "application/atom+xml; charset=utf-8")
        .body(Body::Text(body))
}

fn mock(library: Library) -> Server {
    Server::start("127.0.0.1", move |hit, _| feed_reply(&library, hit))
}

/// A config whose arXiv API is `api` (loopback, allowed), with test timings.
pub fn with_arxiv(api: &Server) -> LinkConfig {
    LinkConfig {
        api: ApiEndpoints {
            arxiv: ApiUrl(Url::parse(&api.url("/api/query")).expect("mock url")),
            ..ApiEndpoints::default()
        },
        ..config(&["127.0.0.0/8"])
    }
}

/// No cache; arxiv.org resolved to `pages` when given; a GitHub token set, which must never
/// reach this API.
fn options(pages: Option<&Server>) -> CheckOptions {
    api_options("arxiv.org", pages, "ghp_never_sent")
}

fn via_api(settled: &Settled) -> &Verdict {
    settled_via(settled, Via::ArxivApi)
}

fn library() -> Library {
    Library::default()
        .with(
            "2302.13971",
            Paper::new("LLaMA: Open and Efficient Foundation Language Models"),
        )
        .with(
            "2303.11366",
            Paper::new("Reflexion: Language Agents with Verbal Reinforcement Learning").versions(4),
        )
        .with("hep-th/9901001", Paper::new("A String Theory Paper").versions(2))
        .with(
            "2401.00917",
            Paper::new("A Withdrawn Paper").versions(3).comment(
                "This paper has been withdrawn by the author. It has been superseded by a significantly updated version available at arXiv:2406.00780",
            ),
        )
}

#[test]
fn every_form_of_link_is_settled_in_one_request_without_credentials() {
    let api = mock(library());
    let urls = [
        "https://arxiv.org/abs/2302.13971",
        "https://arxiv.org/pdf/2302.13971.pdf",
        "https://arxiv.org/pdf/2302.13971",
        "https://arxiv.org/html/2302.13971v1",
        "http://export.arxiv.org/abs/2303.11366v4",
        "https://arxiv.org/abs/hep-th/9901001v1",
        "https://www.arxiv.org/pdf/hep-th/9901001v2.pdf",
    ];
    let verdicts = settle(&urls, &with_arxiv(&api), &options(None));
    for url in urls {
        assert_eq!(via_api(&verdicts[url]), &Verdict::Alive, "{url}");
    }
    let paper = verdicts[urls[1]].paper().expect("paper facts");
    assert_eq!(
        paper.title,
        "LLaMA: Open and Efficient Foundation Language Models"
    );
    assert_eq!((paper.id.as_str(), paper.version), ("2302.13971", 1));
    let hits = api.hits();
    assert_eq!(hits.len(), 1, "one request for three papers");
    let (ids, max) = query_of(&hits[0].path);
    assert_eq!(ids, ["2302.13971", "2303.11366", "hep-th/9901001"]);
    assert_eq!(max, Some(3), "max_results is the batch size");
    assert!(hits[0].path.starts_with("/api/query?"));
    assert_eq!(hits[0].method, "GET");
    assert_eq!(hits[0].header("authorization"), None, "no token, ever");
}

/// 250 papers: three requests of at most 100 identifiers, each with `max_results` (without
/// it the API answers 10 and drops the rest), at least 3 s apart.
#[test]
fn batches_of_100_go_one_at_a_time_three_seconds_apart() {
    let api = mock(Library {
        everything_exists: true,
        ..Library::default()
    });
    let urls: Vec<String> = (0..250)
        .map(|i| format!("https://arxiv.org/abs/2401.{:05}", i + 1))
        .collect();
    let verdicts = check_links(&urls, &with_arxiv(&api), &options(None));
    assert!(
        verdicts
            .values()
            .all(|s| s.verdict == Verdict::Alive && s.via == Via::ArxivApi)
    );
    let hits = api.hits();
    let sizes: Vec<(usize, Option<usize>)> = hits
        .iter()
        .map(|h| {
            let (ids, max) = query_of(&h.path);
            (ids.len(), max)
        })
        .collect();
    assert_eq!(sizes, [(100, Some(100)), (100, Some(100)), (50, Some(50))]);
    for pair in hits.windows(2) {
        assert!(pair[1].at.duration_since(pair[0].at) >= Duration::from_secs(3));
    }
}

#[test]
fn a_missing_paper_or_version_is_dead() {
    let api = mock(library());
    let urls = [
        "https://arxiv.org/abs/2302.99999",
        "https://arxiv.org/abs/2302.13971v2",
        "https://arxiv.org/abs/2303.11366v5",
        "https://arxiv.org/abs/2303.11366v4",
    ];
    let verdicts = settle(&urls, &with_arxiv(&api), &options(None));
    let dead = |url: &str| match via_api(&verdicts[url]) {
        Verdict::Dead { reason } => reason.clone(),
        other => panic!("{url}: expected dead, got {other:?}"),
    };
    assert_eq!(dead(urls[0]), "no arXiv paper 2302.99999");
    assert_eq!(
        dead(urls[1]),
        "arXiv paper 2302.13971 has no version 2 (the latest is v1)"
    );
    assert_eq!(
        dead(urls[2]),
        "arXiv paper 2303.11366 has no version 5 (the latest is v4)"
    );
    assert_eq!(via_api(&verdicts[urls[3]]), &Verdict::Alive);
    assert_eq!(api.hit_count(), 1);
}

/// An identifier outside arXiv's scheme is never sent (it would fail the batch); one the API
/// refuses all the same (HTTP 400, error entry) is malformed, not dead, and the rest of the
/// batch is asked again.
#[test]
fn malformed_identifiers_are_malformed_not_dead() {
    let mut library = library();
    library.refused.insert("2303.11366".to_string());
    let api = mock(library);
    let urls = [
        "https://arxiv.org/abs/2302.1397",
        "https://arxiv.org/abs/2303.11366",
        "https://arxiv.org/abs/2302.13971",
    ];
    let verdicts = settle(&urls, &with_arxiv(&api), &options(None));
    let local = verdicts[urls[0]].verdict.malformed().expect("malformed");
    assert!(local.contains("five digits"), "{local}");
    let refused = via_api(&verdicts[urls[1]]).malformed().expect("malformed");
    assert_eq!(
        refused,
        "the arXiv API says: incorrect id format for 2303.11366"
    );
    assert_eq!(via_api(&verdicts[urls[2]]), &Verdict::Alive);
    let asked: Vec<Vec<String>> = api.hits().iter().map(|h| query_of(&h.path).0).collect();
    assert_eq!(
        asked,
        [
            vec!["2302.13971".to_string(), "2303.11366".to_string()],
            vec!["2302.13971".to_string()]
        ]
    );
}

#[test]
fn a_withdrawn_paper_says_so() {
    let api = mock(library());
    let urls = [
        "https://arxiv.org/abs/2401.00917",
        "https://arxiv.org/abs/2401.00917v1",
    ];
    let verdicts = settle(&urls, &with_arxiv(&api), &options(None));
    for url in urls {
        assert_eq!(via_api(&verdicts[url]), &Verdict::Alive);
        let paper = verdicts[url].paper().expect("facts");
        assert!(
            paper
                .withdrawn
                .as_deref()
                .is_some_and(|c| c.starts_with("This paper has been withdrawn")),
            "{paper:?}"
        );
        assert_eq!(paper.version, 3);
    }
}

/// `Rate exceeded.` as a 429 (lukasschwab/arxiv.py#203; ZJU-REAL/Polaris#198), as a 200
/// (openags/paper-search-mcp#81), and a 503 with an empty body: waited out, then answered.
#[test]
fn rate_exceeded_is_waited_out() {
    for (status, body) in [(429, "Rate exceeded."), (200, "Rate exceeded."), (503, "")] {
        let library = library();
        let api = Server::start("127.0.0.1", move |hit, index| {
            if index == 0 {
                Reply::status(status)
                    .header("content-type", "text/plain")
                    .body(Body::Text(body.to_string()))
            } else {
                feed_reply(&library, hit)
            }
        });
        let url = "https://arxiv.org/abs/2302.13971";
        let verdicts = settle(&[url], &with_arxiv(&api), &options(None));
        assert_eq!(via_api(&verdicts[url]), &Verdict::Alive, "{status}");
        let hits = api.hits();
        assert_eq!(hits.len(), 2, "{status}");
        assert!(hits[1].at.duration_since(hits[0].at) >= Duration::from_secs(3));
    }
}

#[test]
fn a_limit_beyond_the_budget_leaves_papers_unreachable() {
    let api = Server::start("127.0.0.1", |_, _| {
        Reply::status(429)
            .header("retry-after", "3600")
            .body(Body::Text("Rate exceeded.".into()))
    });
    let config = LinkConfig {
        total_timeout: secs(2.0),
        ..with_arxiv(&api)
    };
    let url = "https://arxiv.org/abs/2302.13971";
    let verdicts = settle(&[url], &config, &options(None));
    match via_api(&verdicts[url]) {
        Verdict::Unreachable { reason } => assert!(reason.contains("rate exceeded"), "{reason}"),
        other => panic!("expected unreachable, got {other:?}"),
    }
    assert_eq!(api.hit_count(), 1);
}

/// Titles and verdicts are cached by identifier: a warm run asks nothing and keeps titles.
#[test]
fn a_warm_run_asks_nothing_and_keeps_the_titles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let api = mock(library());
    let config = LinkConfig {
        cache_dir: Some(dir.path().to_path_buf()),
        ..with_arxiv(&api)
    };
    let options = CheckOptions {
        use_cache: true,
        ..options(None)
    };
    let urls = [
        "https://arxiv.org/abs/2302.13971",
        "https://arxiv.org/pdf/2303.11366v9.pdf",
        "https://arxiv.org/abs/2302.99999",
        "https://arxiv.org/abs/2401.00917",
    ];
    let cold = settle(&urls, &config, &options);
    assert_eq!(api.hit_count(), 1);
    let warm = settle(&urls, &config, &options);
    assert_eq!(api.hit_count(), 1, "the warm run asked nothing");
    assert_eq!(cold, warm);
    assert!(
        warm[urls[0]]
            .paper()
            .is_some_and(|p| p.title.starts_with("LLaMA"))
    );
}

/// An endpoint that is not the API (here a 404 page) is given up after one request with a
/// warning, and the links are requested as pages; so are they when the address policy
/// refuses the endpoint.
#[test]
fn an_unusable_endpoint_leaves_links_to_the_page() {
    let api = Server::start("127.0.0.1", |_, _| {
        Reply::status(404).body(Body::Text("<html>Not Found</html>".into()))
    });
    let pages = Server::start("127.0.0.1", |_, _| Reply::status(200));
    let urls = [
        "http://arxiv.org/abs/2302.13971",
        "http://arxiv.org/abs/2303.11366",
    ];
    let verdicts = settle(&urls, &with_arxiv(&api), &options(Some(&pages)));
    for url in urls {
        assert_eq!(verdicts[url], Settled::http(Verdict::Alive), "{url}");
    }
    assert_eq!((api.hit_count(), pages.hit_count()), (1, 2));

    let api = mock(library());
    let refused = LinkConfig {
        allow_private: config(&["127.0.0.2"]).allow_private,
        ..with_arxiv(&api)
    };
    let pages = Server::start("127.0.0.2", |_, _| Reply::status(200));
    let verdicts = settle(&urls, &refused, &options(Some(&pages)));
    for url in urls {
        assert_eq!(verdicts[url], Settled::http(Verdict::Alive), "{url}");
    }
    assert_eq!((api.hit_count(), pages.hit_count()), (0, 2));
}

/// End to end: `check --format json` reports a missing paper as `dead-link` and a withdrawn
/// one as `withdrawn-paper`, both `"via": "arxiv-api"`, and a malformed identifier as
/// `malformed-url`.
#[test]
fn check_reports_dead_withdrawn_and_malformed_papers() {
    let api = mock(library());
    let dir = tempfile::tempdir().expect("temp dir");
    let survey = dir.path().join("survey.md");
    std::fs::write(
        &survey,
        "# Papers\n\n| Model | Paper |\n|---|---|\n\
         | LLaMA | [paper](https://arxiv.org/abs/2302.13971) |\n\
         | Ghost | [paper](https://arxiv.org/abs/2302.99999) |\n\
         | Gone | [paper](https://arxiv.org/abs/2401.00917) |\n\
         | Typo | [paper](https://arxiv.org/abs/2302.1397) |\n",
    )
    .expect("write survey");
    let config = dir.path().join("survey-lint.toml");
    std::fs::write(
        &config,
        format!(
            "[links]\nallow_private = [\"127.0.0.1\"]\n[links.api]\narxiv = \"{}\"\n",
            api.url("/api/query")
        ),
    )
    .expect("write config");
    let output = survey_lint()
        .args(["check", "--no-cache", "--format", "json", "--config"])
        .arg(&config)
        .arg(&survey)
        .output()
        .expect("run survey-lint");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let found: Vec<(String, u64, String)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["via"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("dead-link".to_string(), 6, "arxiv-api".to_string()),
            ("withdrawn-paper".to_string(), 7, "arxiv-api".to_string()),
            ("malformed-url".to_string(), 8, "-".to_string()),
        ],
        "{json:#}"
    );
    assert_eq!(api.hit_count(), 1);
}

/// With no network — the API endpoints and the pages all refuse connections — arXiv and
/// Hugging Face links are "not checked" like every other link, and at once: an API is not
/// retried before it has answered once in the run; its links go to the page check, which
/// tells a network that is down from a broken link.
#[test]
fn with_no_network_api_links_are_not_checked_rather_than_unreachable() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr")
    };
    let base = format!("http://{closed}");
    let config = LinkConfig {
        api: ApiEndpoints {
            arxiv: ApiUrl(Url::parse(&format!("{base}/api/query")).expect("url")),
            huggingface: ApiUrl(Url::parse(&base).expect("url")),
            ..ApiEndpoints::default()
        },
        ..config(&["127.0.0.0/8"])
    };
    let options = CheckOptions {
        use_cache: false,
        resolve: vec![
            ("arxiv.org".to_string(), closed),
            ("huggingface.co".to_string(), closed),
        ],
        ..CheckOptions::default()
    };
    let urls = [
        "http://arxiv.org/abs/2302.13971",
        "http://arxiv.org/abs/2303.11366",
        "http://huggingface.co/meta-llama/Llama-2-7b",
        "http://huggingface.co/datasets/tatsu-lab/alpaca",
    ];
    let verdicts = settle(&urls, &config, &options);
    for url in urls {
        let settled = &verdicts[url];
        assert!(settled.verdict.no_network(), "{url}: {settled:?}");
    }
}
