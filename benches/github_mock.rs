//! A loopback mock of GitHub's GraphQL endpoint for `benches/github_api.sh`: the same mock
//! the link tests use (`tests/it/links/graphql.rs`, shapes and sources cited there), answering
//! every repository and owner as existing except the few named on the command line, and
//! counting what it was asked.
//!
//! ```sh
//! # serve: prints `port N` on stdout; `GET /__stats` answers the counts so far as JSON, and
//! # on stdin EOF they are printed on stderr
//! cargo run --release --example github-mock -- \
//!     --renamed THUDM/ChatGLM-6B=zai-org/ChatGLM-6B --archived tatsu-lab/stanford_alpaca \
//!     --missing nobody/nothing
//! ```
//!
//! The counts: `requests` (POSTs to /graphql), `repositories` (repository lookups over all
//! requests) and `per_request` (lookups in each request).

#[allow(dead_code)]
#[path = "../tests/it/links/graphql.rs"]
mod graphql;
#[allow(dead_code)]
#[path = "../tests/it/links/server.rs"]
mod server;

use graphql::{Repository, World, answer, rate_headers};
use server::{Body, Reply, Server};
use std::io::Read as _;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    let mut world = World {
        everything_exists: true,
        ..World::default()
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let Some(value) = args.next() else {
            usage(&format!("{flag} needs a value"));
        };
        match flag.as_str() {
            "--renamed" => {
                let Some((old, new)) = value.split_once('=') else {
                    usage("--renamed takes OLD/NAME=NEW/NAME");
                };
                world = world
                    .with(old, Repository::new(new))
                    .with(new, Repository::new(new));
            }
            "--archived" => {
                world = world.with(
                    value,
                    Repository::new(value).archived("2024-05-01T12:00:00Z"),
                );
            }
            "--stale" => {
                world = world.with(
                    value,
                    Repository::new(value).last_commit("2016-03-01T00:00:00Z"),
                );
            }
            "--missing" => world = world.without(value),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let per_request = Arc::new(Mutex::new(Vec::<usize>::new()));
    let counts = Arc::clone(&per_request);
    let mock = Server::start("127.0.0.1", move |hit, _| {
        if hit.method == "GET" && hit.path == "/__stats" {
            let counts = counts.lock().map(|c| c.clone()).unwrap_or_default();
            return Reply::status(200).body(Body::Text(stats(&counts)));
        }
        if hit.method != "POST" || hit.path != "/graphql" {
            return Reply::status(404);
        }
        let (body, repositories) = answer(&world, &hit.body);
        if let Ok(mut counts) = counts.lock() {
            counts.push(repositories);
        }
        let reset = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            + 3600;
        let mut reply = Reply::status(200).body(Body::Text(body));
        for (name, value) in rate_headers(4999, reset) {
            reply = reply.header(&name, &value);
        }
        reply
    });
    println!("port {}", mock.addr.port());
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    let per_request = per_request.lock().map(|c| c.clone()).unwrap_or_default();
    eprintln!("{}", stats(&per_request));
}

/// The counts as JSON: requests, repository lookups, lookups per request.
fn stats(per_request: &[usize]) -> String {
    format!(
        "{{\"requests\": {}, \"repositories\": {}, \"per_request\": {:?}}}",
        per_request.len(),
        per_request.iter().sum::<usize>(),
        per_request
    )
}

fn usage(problem: &str) -> ! {
    eprintln!("github-mock: {problem}");
    eprintln!(
        "usage: github-mock [--renamed OLD/NAME=NEW/NAME] [--archived O/N] [--stale O/N] [--missing O/N] …"
    );
    std::process::exit(2)
}
