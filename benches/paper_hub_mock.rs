//! A loopback mock of arXiv's export API and the Hugging Face Hub's API for
//! `benches/paper_hub_api.sh`: the mocks the link tests use (`tests/it/links/export_api.rs`
//! and `tests/it/links/hub_api.rs`, shapes and sources cited there) behind one port, every
//! paper and repository existing except those named on the command line, counting what it
//! was asked.
//!
//! ```sh
//! # serve: prints `port N` on stdout; `GET /__stats` answers the counts so far as JSON
//! cargo run --release --example paper-hub-mock -- \
//!     --missing-paper 2302.99999 --withdrawn 2401.00917 --renamed datasets/c4=allenai/c4 \
//!     --hidden models/decapoda-research/llama-7b-hf --titles recorded-titles.json
//! ```
//!
//! `--titles FILE` (JSON, `{"ID": {"title": "…"}}` or `{"ID": "…"}`) answers those papers
//! with the recorded titles and no other: a paper it does not list is missing.
//!
//! The counts: `arxiv.requests` and `arxiv.ids` (identifiers asked, per request), `arxiv.gaps_ms`
//! (time between consecutive requests), `hf.requests`.

#[allow(dead_code)]
#[path = "../tests/it/links/export_api.rs"]
mod export_api;
#[allow(dead_code)]
#[path = "../tests/it/links/hub_api.rs"]
mod hub_api;
#[allow(dead_code)]
#[path = "../tests/it/links/server.rs"]
mod server;

use export_api::{Library, Paper};
use hub_api::{Hub, State};
use server::{Body, Reply, Server};
use std::io::Read as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

#[derive(Default)]
struct Stats {
    arxiv_ids: Vec<usize>,
    arxiv_at: Vec<Instant>,
    hf_requests: usize,
}

fn main() {
    // Papers are linked in versions up to v13 in the corpus.
    let mut library = Library {
        everything_exists: true,
        versions: 15,
        ..Library::default()
    };
    let mut hub = Hub {
        everything_exists: true,
        ..Hub::default()
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let Some(value) = args.next() else {
            usage(&format!("{flag} needs a value"));
        };
        let repo = |value: &str| -> (String, String) {
            match value.split_once('/') {
                Some((kind, id)) if matches!(kind, "models" | "datasets" | "spaces") => {
                    (kind.to_string(), id.to_string())
                }
                _ => usage("a repository is KIND/ID, KIND one of models, datasets, spaces"),
            }
        };
        match flag.as_str() {
            "--missing-paper" => {
                library.missing.insert(value.to_string());
            }
            "--withdrawn" => {
                library = library.with(
                    value,
                    Paper::new(&format!("Paper {value}"))
                        .versions(2)
                        .comment("This paper has been withdrawn by the authors."),
                );
            }
            "--titles" => {
                let text = std::fs::read_to_string(value)
                    .unwrap_or_else(|e| usage(&format!("{value}: {e}")));
                let json: serde_json::Value =
                    serde_json::from_str(&text).unwrap_or_else(|e| usage(&format!("{value}: {e}")));
                let Some(map) = json.as_object() else {
                    usage("--titles takes a JSON object of identifiers");
                };
                library.everything_exists = false;
                for (id, entry) in map {
                    let title = entry
                        .get("title")
                        .and_then(|t| t.as_str())
                        .or_else(|| entry.as_str())
                        .unwrap_or_default();
                    library = library.with(id, Paper::new(title));
                }
            }
            "--renamed" => {
                let Some((old, new)) = value.split_once('=') else {
                    usage("--renamed takes KIND/OLD=NEW");
                };
                let (kind, old) = repo(old);
                hub = hub.with(&kind, &old, State::Renamed(new.to_string()));
            }
            "--hidden" => {
                let (kind, id) = repo(value);
                hub = hub.with(&kind, &id, State::Hidden);
            }
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let stats = Arc::new(Mutex::new(Stats::default()));
    let counts = Arc::clone(&stats);
    let mock = Server::start("127.0.0.1", move |hit, _| {
        let path = hit.path.as_str();
        if hit.method == "GET" && path == "/__stats" {
            let text = counts.lock().map(|s| report(&s)).unwrap_or_default();
            return Reply::status(200).body(Body::Text(text));
        }
        if path.starts_with("/api/query") {
            let (status, body, ids) = export_api::answer(&library, path);
            if let Ok(mut stats) = counts.lock() {
                stats.arxiv_ids.push(ids);
                stats.arxiv_at.push(hit.at);
            }
            return Reply::status(status)
                .header("content-type", "application/atom+xml; charset=utf-8")
                .body(Body::Text(body));
        }
        let Some(answer) = hub_api::answer(&hub, path) else {
            return Reply::status(404);
        };
        if let Ok(mut stats) = counts.lock() {
            stats.hf_requests += 1;
        }
        let mut reply = Reply::status(answer.status).body(Body::Text(answer.body));
        for (name, value) in answer
            .headers
            .iter()
            .chain(&hub_api::rate_headers(450, 250))
        {
            reply = reply.header(name, value);
        }
        reply
    });
    println!("port {}", mock.addr.port());
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    let text = stats.lock().map(|s| report(&s)).unwrap_or_default();
    eprintln!("{text}");
}

fn report(stats: &Stats) -> String {
    let gaps: Vec<u128> = stats
        .arxiv_at
        .windows(2)
        .map(|w| w[1].duration_since(w[0]).as_millis())
        .collect();
    serde_json::json!({
        "arxiv": {"requests": stats.arxiv_ids.len(), "ids": stats.arxiv_ids, "gaps_ms": gaps},
        "hf": {"requests": stats.hf_requests},
    })
    .to_string()
}

fn usage(problem: &str) -> ! {
    eprintln!("paper-hub-mock: {problem}");
    eprintln!(
        "usage: paper-hub-mock [--missing-paper ID] [--withdrawn ID] [--titles FILE] [--renamed KIND/OLD=NEW] [--hidden KIND/ID] …"
    );
    std::process::exit(2)
}
