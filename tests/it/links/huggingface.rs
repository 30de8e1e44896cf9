//! Hugging Face links settled through the Hub's API, against the loopback mock of
//! `hub_api.rs` (shapes and sources cited there). huggingface.co pages, where the API leaves
//! a link to the HTTP check, are a second loopback server put in its place by
//! `CheckOptions::resolve`.

use super::hub_api::{Hub, State, answer, rate_headers};
use super::server::{Body, Hit, Reply, Server};
use super::{api_options, config, settle, settled_via};
use crate::support::survey_lint;
use std::time::Duration;
use survey_lint::links::config::{ApiEndpoints, ApiUrl};
use survey_lint::links::{CheckOptions, LinkConfig, Settled, Verdict, Via};
use url::Url;

/// The mock's answer with rate-limit headers (`remaining` left, resetting in `reset` s).
fn hub_reply(hub: &Hub, hit: &Hit, remaining: u32, reset: u32) -> Reply {
    let Some(answer) = answer(hub, &hit.path) else {
        return Reply::status(404);
    };
    let mut reply = Reply::status(answer.status).body(Body::Text(answer.body));
    for (name, value) in answer.headers.iter().chain(&rate_headers(remaining, reset)) {
        reply = reply.header(name, value);
    }
    reply
}

fn mock(hub: Hub) -> Server {
    Server::start("127.0.0.1", move |hit, index| {
        hub_reply(&hub, hit, 499u32.saturating_sub(index as u32), 290)
    })
}

fn with_hub(api: &Server) -> LinkConfig {
    LinkConfig {
        api: ApiEndpoints {
            huggingface: ApiUrl(Url::parse(&api.url("")).expect("mock url")),
            ..ApiEndpoints::default()
        },
        ..config(&["127.0.0.0/8"])
    }
}

/// No cache; huggingface.co resolved to `pages` when given; a GitHub token set, which must never
/// reach this API.
fn options(pages: Option<&Server>) -> CheckOptions {
    api_options("huggingface.co", pages, "ghp_never_sent")
}

fn via_api(settled: &Settled) -> &Verdict {
    settled_via(settled, Via::HfApi)
}

fn hub() -> Hub {
    let files = |list: &[&str]| list.iter().map(|f| f.to_string()).collect();
    Hub::default()
        .with(
            "models",
            "Qwen/Qwen1.5-7B",
            State::Public(files(&["config.json", "LICENSE", "onnx/model.onnx"])),
        )
        .with("models", "meta-llama/Llama-2-7b-hf", State::Gated)
        .with(
            "datasets",
            "tatsu-lab/alpaca",
            State::Public(files(&["data/train.parquet"])),
        )
        .with("datasets", "c4", State::Renamed("allenai/c4".into()))
        .with("spaces", "lmsys/arena", State::Public(files(&["app.py"])))
        .with("models", "decapoda-research/llama-7b-hf", State::Hidden)
        .with("datasets", "laion/laion-art", State::Disabled)
        .with(
            "models",
            "bert-base/old",
            State::Renamed("google-bert/old".into()),
        )
}

#[test]
fn each_repository_is_asked_once_without_credentials() {
    let api = mock(hub());
    let urls = [
        "https://huggingface.co/Qwen/Qwen1.5-7B",
        "https://huggingface.co/qwen/qwen1.5-7b",
        "https://huggingface.co/Qwen/Qwen1.5-7B/blob/main/config.json",
        "https://huggingface.co/Qwen/Qwen1.5-7B/tree/main/onnx",
        "https://huggingface.co/Qwen/Qwen1.5-7B/resolve/main/LICENSE?download=true",
        "https://huggingface.co/Qwen/Qwen1.5-7B/tree/main",
        "https://huggingface.co/meta-llama/Llama-2-7b-hf",
        "https://huggingface.co/datasets/tatsu-lab/alpaca/tree/main/data",
        "https://huggingface.co/spaces/lmsys/arena",
    ];
    let verdicts = settle(&urls, &with_hub(&api), &options(None));
    for url in urls {
        assert_eq!(via_api(&verdicts[url]), &Verdict::Alive, "{url}");
    }
    // `Qwen/…` and `qwen/…` are one repository to the Hub: asked once, in either spelling.
    let mut paths: Vec<String> = api
        .hits()
        .iter()
        .map(|h| h.path.to_ascii_lowercase())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/api/datasets/tatsu-lab/alpaca",
            "/api/models/meta-llama/llama-2-7b-hf",
            "/api/models/qwen/qwen1.5-7b",
            "/api/spaces/lmsys/arena",
        ]
    );
    for hit in api.hits() {
        assert_eq!(hit.method, "GET");
        assert_eq!(hit.header("authorization"), None, "no token, ever");
    }
}

/// An anonymous client gets 401 for a missing or private repository, or 404 with
/// `X-Error-Code: RepoNotFound`; a disabled one is 403 "Access to this resource is disabled."
#[test]
fn missing_private_and_disabled_repositories_are_dead() {
    for as_404 in [false, true] {
        let api = mock(Hub {
            not_found_as_404: as_404,
            ..hub()
        });
        let urls = [
            "https://huggingface.co/decapoda-research/llama-7b-hf",
            "https://huggingface.co/decapoda-research/llama-7b-hf/blob/main/config.json",
            "https://huggingface.co/datasets/laion/laion-art",
        ];
        let verdicts = settle(&urls, &with_hub(&api), &options(None));
        let dead = |url: &str| match via_api(&verdicts[url]) {
            Verdict::Dead { reason } => reason.clone(),
            other => panic!("{url}: expected dead, got {other:?}"),
        };
        assert_eq!(
            dead(urls[0]),
            "Hugging Face model `decapoda-research/llama-7b-hf` does not exist, or is private"
        );
        assert_eq!(dead(urls[1]), dead(urls[0]));
        assert_eq!(
            dead(urls[2]),
            "Hugging Face dataset `laion/laion-art` is disabled (Access to this resource is disabled.)"
        );
        assert_eq!(api.hit_count(), 2);
    }
}

/// A renamed repository answers 307 to its new id: a redirect whose target is the link with
/// the new id, the rest of the URL kept.
#[test]
fn a_renamed_repository_redirects_to_its_new_id() {
    let api = mock(hub());
    let urls = [
        "https://huggingface.co/datasets/c4",
        "https://huggingface.co/bert-base/old/blob/main/config.json",
    ];
    let verdicts = settle(&urls, &with_hub(&api), &options(None));
    let target = |url: &str| match via_api(&verdicts[url]) {
        Verdict::Redirected { target, .. } => target.clone(),
        other => panic!("{url}: expected a redirect, got {other:?}"),
    };
    assert_eq!(
        target(urls[0]),
        "https://huggingface.co/datasets/allenai/c4"
    );
    assert_eq!(
        target(urls[1]),
        "https://huggingface.co/google-bert/old/blob/main/config.json"
    );
}

/// What the API cannot tell goes to the page: a file not listed at `main`, another revision.
#[test]
fn files_the_api_does_not_list_are_left_to_the_page() {
    let api = mock(hub());
    let pages = Server::start("127.0.0.1", |hit, _| match hit.path.as_str() {
        "/Qwen/Qwen1.5-7B/blob/main/gone.json" => Reply::status(404),
        _ => Reply::status(200),
    });
    let urls = [
        "http://huggingface.co/Qwen/Qwen1.5-7B/blob/main/gone.json",
        "http://huggingface.co/Qwen/Qwen1.5-7B/blob/v1.0/config.json",
    ];
    let verdicts = settle(&urls, &with_hub(&api), &options(Some(&pages)));
    assert!(matches!(verdicts[urls[0]].verdict, Verdict::Dead { .. }));
    assert_eq!(verdicts[urls[1]], Settled::http(Verdict::Alive));
    assert_eq!(verdicts[urls[0]].via, Via::Http);
    assert_eq!(api.hit_count(), 1);
    let mut paths: Vec<String> = pages.hits().into_iter().map(|h| h.path).collect();
    paths.dedup();
    paths.sort();
    paths.dedup();
    assert_eq!(
        paths,
        [
            "/Qwen/Qwen1.5-7B/blob/main/gone.json",
            "/Qwen/Qwen1.5-7B/blob/v1.0/config.json"
        ]
    );
}

/// 429 with `RateLimit: "api";r=0;t=1` (hub-docs `rate-limits.md`): nothing is sent until the
/// window resets; and when few requests are left the client spreads them over the window.
#[test]
fn rate_limit_headers_are_honoured() {
    let hub_429 = hub();
    let api = Server::start("127.0.0.1", move |hit, index| {
        if index == 0 {
            let mut reply = Reply::status(429).body(Body::Text(
                r#"{"error":"You have exceeded our hourly quotas for action: api."}"#.into(),
            ));
            for (name, value) in rate_headers(0, 1) {
                reply = reply.header(&name, &value);
            }
            reply
        } else {
            hub_reply(&hub_429, hit, 400, 200)
        }
    });
    let url = "https://huggingface.co/Qwen/Qwen1.5-7B";
    let verdicts = settle(&[url], &with_hub(&api), &options(None));
    assert_eq!(via_api(&verdicts[url]), &Verdict::Alive);
    let hits = api.hits();
    assert_eq!(hits.len(), 2);
    assert!(hits[1].at.duration_since(hits[0].at) >= Duration::from_millis(950));

    // Two requests left in a 2-second window: one a second.
    let hub_low = hub();
    let api = Server::start("127.0.0.1", move |hit, _| hub_reply(&hub_low, hit, 2, 2));
    let urls = [
        "https://huggingface.co/Qwen/Qwen1.5-7B",
        "https://huggingface.co/spaces/lmsys/arena",
    ];
    let verdicts = settle(&urls, &with_hub(&api), &options(None));
    assert!(urls.iter().all(|u| verdicts[*u].verdict == Verdict::Alive));
    let hits = api.hits();
    assert!(hits[1].at.duration_since(hits[0].at) >= Duration::from_millis(950));
}

#[test]
fn a_warm_run_asks_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let api = mock(hub());
    let config = LinkConfig {
        cache_dir: Some(dir.path().to_path_buf()),
        ..with_hub(&api)
    };
    let options = CheckOptions {
        use_cache: true,
        ..options(None)
    };
    let urls = [
        "https://huggingface.co/Qwen/Qwen1.5-7B/blob/main/config.json",
        "https://huggingface.co/datasets/c4",
        "https://huggingface.co/decapoda-research/llama-7b-hf",
        "https://huggingface.co/meta-llama/Llama-2-7b-hf",
    ];
    let cold = settle(&urls, &config, &options);
    assert_eq!(api.hit_count(), 4);
    let warm = settle(&urls, &config, &options);
    assert_eq!(api.hit_count(), 4, "the warm run asked nothing");
    assert_eq!(cold, warm);
    // A file the repository's answer did not cover (the survey gained it since): the cached
    // answer is fresh, so the page settles it and the API is not asked again.
    let pages = Server::start("127.0.0.1", |_, _| Reply::status(200));
    let options = CheckOptions {
        resolve: vec![("huggingface.co".to_string(), pages.addr)],
        ..options
    };
    let more = ["http://huggingface.co/Qwen/Qwen1.5-7B/blob/main/LICENSE"];
    let verdicts = settle(&more, &config, &options);
    assert_eq!(verdicts[more[0]], Settled::http(Verdict::Alive));
    assert_eq!(api.hit_count(), 4);
}

/// End to end: `check --format json` says `"via": "hf-api"`, and `--fix` rewrites a renamed
/// dataset's link to its new id.
#[test]
fn check_reports_via_and_fix_rewrites_a_renamed_repository() {
    let api = mock(hub());
    let dir = tempfile::tempdir().expect("temp dir");
    let survey = dir.path().join("survey.md");
    let text = "# Data\n\n| Dataset | Link |\n|---|---|\n\
                | C4 | https://huggingface.co/datasets/c4 |\n\
                | LLaMA | [weights](https://huggingface.co/decapoda-research/llama-7b-hf) |\n\
                | Alpaca | https://huggingface.co/datasets/tatsu-lab/alpaca |\n";
    std::fs::write(&survey, text).expect("write survey");
    let config = dir.path().join("survey-lint.toml");
    std::fs::write(
        &config,
        format!(
            "[links]\nallow_private = [\"127.0.0.1\"]\n[links.api]\nhuggingface = \"{}\"\n",
            api.url("")
        ),
    )
    .expect("write config");
    let run = |args: &[&str]| {
        survey_lint()
            .args(["check", "--no-cache", "--config"])
            .arg(&config)
            .args(args)
            .arg(&survey)
            .output()
            .expect("run survey-lint")
    };
    let output = run(&["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let found: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let rule = d["rule"].as_str().unwrap_or_default().to_string();
            (rule, d["via"].as_str().unwrap_or("-").to_string())
        })
        .collect();
    assert_eq!(
        found,
        [
            ("redirected-link".to_string(), "hf-api".to_string()),
            ("dead-link".to_string(), "hf-api".to_string()),
        ],
        "{json:#}"
    );
    let fixed = run(&["--fix"]);
    assert!(String::from_utf8_lossy(&fixed.stderr).contains("fixed 1 finding"));
    let after = std::fs::read_to_string(&survey).expect("read survey");
    assert_eq!(
        after,
        text.replace(
            "https://huggingface.co/datasets/c4",
            "https://huggingface.co/datasets/allenai/c4"
        )
    );
}
