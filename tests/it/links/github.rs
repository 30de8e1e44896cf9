//! GitHub links settled through the GraphQL API, against the loopback mock of `graphql.rs`
//! (shapes and sources cited there). github.com pages, where the API leaves a link to the HTTP
//! check, are a second loopback server that `CheckOptions::resolve` puts in github.com's place,
//! so nothing here reaches the internet.

use super::graphql::{Repository, World, answer, rate_headers};
use super::server::{Body, Hit, Reply, Server};
use super::{api_options, config, secs, settle, settled_via};
use crate::support::survey_lint;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use survey_lint::links::config::ApiUrl;
use survey_lint::links::{CheckOptions, LinkConfig, Settled, Verdict, Via, check_links, github};
use url::Url;

const TOKEN: &str = "ghp_mock_token";

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A 200 answer from `world`, with rate-limit headers (4,999 left).
fn ok(world: &World, hit: &Hit) -> Reply {
    let (body, _) = answer(world, &hit.body);
    json_reply(200, &body, &rate_headers(4999, now_secs() + 3600))
}

fn json_reply(status: u16, body: &str, headers: &[(String, String)]) -> Reply {
    let mut reply = Reply::status(status).body(Body::Text(body.to_string()));
    for (name, value) in headers {
        reply = reply.header(name, value);
    }
    reply
}

/// The mock endpoint answering every request from `world`.
fn mock(world: World) -> Server {
    Server::start("127.0.0.1", move |hit, _| ok(&world, hit))
}

/// A config whose GitHub API is `api` (loopback, allowed), with test timings.
fn with_api(api: &Server) -> LinkConfig {
    LinkConfig {
        api: survey_lint::links::config::ApiEndpoints {
            github: ApiUrl(Url::parse(&format!("http://{}", api.addr)).expect("mock url")),
            ..Default::default()
        },
        ..config(&["127.0.0.0/8"])
    }
}

/// Options with a token, no cache, and github.com resolved to `pages` when given.
fn token(pages: Option<&Server>) -> CheckOptions {
    api_options("github.com", pages, TOKEN)
}

fn via_api(settled: &Settled) -> &Verdict {
    settled_via(settled, Via::GithubApi)
}

fn dead_reason(settled: &Settled) -> &str {
    match via_api(settled) {
        Verdict::Dead { reason } => reason,
        other => panic!("expected dead, got {other:?}"),
    }
}

/// Top-level `repository(` lookups in each request the mock received.
fn repositories_per_request(api: &Server) -> Vec<usize> {
    api.hits()
        .iter()
        .map(|h| h.body.matches(":repository(").count())
        .collect()
}

fn world() -> World {
    World::default()
        .with("lm-sys/fastchat", Repository::new("lm-sys/FastChat"))
        .with(
            "tatsu-lab/stanford_alpaca",
            Repository::new("tatsu-lab/stanford_alpaca")
                .archived("2024-05-01T12:00:00Z")
                .last_commit("2023-04-10T09:15:22Z"),
        )
        .with(
            "oldorg/old-name",
            Repository::new("NewOrg/new-name").paths(&["docs/a.md", "README.md"]),
        )
        .with(
            "neworg/new-name",
            Repository::new("NewOrg/new-name").paths(&["docs/a.md", "README.md"]),
        )
        .with(
            "thudm/chatglm-6b",
            Repository::new("THUDM/ChatGLM-6B")
                .paths(&["README.md", "ptuning/main.py"])
                .issues(&[42])
                .releases(&["v1.1.0"]),
        )
        .owner("ghost-owner")
}

#[test]
fn each_repository_is_asked_once_in_one_request_with_the_token() {
    let api = mock(world());
    let urls = [
        "https://github.com/lm-sys/FastChat",
        "https://github.com/lm-sys/FastChat#readme",
        "https://github.com/LM-SYS/fastchat/tree/main",
        "https://github.com/THUDM/ChatGLM-6B/blob/main/ptuning/main.py",
        "https://github.com/THUDM/ChatGLM-6B/issues/42",
        "https://github.com/THUDM/ChatGLM-6B/releases/tag/v1.1.0",
        "https://github.com/lm-sys",
    ];
    let verdicts = settle(&urls, &with_api(&api), &token(None));
    for url in urls {
        assert_eq!(via_api(&verdicts[url]), &Verdict::Alive, "{url}");
    }
    assert_eq!(repositories_per_request(&api), [2]);
    let hit = &api.hits()[0];
    assert_eq!(
        (hit.method.as_str(), hit.path.as_str()),
        ("POST", "/graphql")
    );
    assert_eq!(hit.header("authorization"), Some("Bearer ghp_mock_token"));
    assert_eq!(hit.header("content-type"), Some("application/json"));
}

#[test]
fn a_request_holds_at_most_100_repositories() {
    let api = mock(
        World {
            everything_exists: true,
            ..World::default()
        }
        .without("owner3/repo3"),
    );
    let urls: Vec<String> = (0..250)
        .map(|i| format!("https://github.com/owner{}/repo{i}", i % 7))
        .collect();
    let verdicts = check_links(&urls, &with_api(&api), &token(None));
    let missing = "https://github.com/owner3/repo3";
    assert!(matches!(via_api(&verdicts[missing]), Verdict::Dead { .. }));
    let alive = verdicts
        .values()
        .filter(|s| s.verdict == Verdict::Alive)
        .count();
    assert_eq!(alive, 249);
    assert_eq!(repositories_per_request(&api), [100, 100, 50]);
}

#[test]
fn a_missing_repository_is_dead() {
    let api = mock(world());
    let url = "https://github.com/ghost-owner/gone";
    let verdicts = settle(&[url], &with_api(&api), &token(None));
    assert_eq!(
        dead_reason(&verdicts[url]),
        "repository `ghost-owner/gone` does not exist, or is private"
    );
}

#[test]
fn a_renamed_repository_redirects_and_keeps_the_rest_of_the_url() {
    let api = mock(world());
    let moved = "https://github.com/OldOrg/old-name/blob/main/docs/a.md?plain=1#L5";
    let same = "https://github.com/neworg/NEW-NAME";
    let verdicts = settle(&[moved, same], &with_api(&api), &token(None));
    match via_api(&verdicts[moved]) {
        Verdict::Redirected { target, .. } => assert_eq!(
            target,
            "https://github.com/NewOrg/new-name/blob/main/docs/a.md?plain=1#L5"
        ),
        other => panic!("expected a redirect, got {other:?}"),
    }
    assert_eq!(
        verdicts[moved].repo().map(|r| r.name_with_owner.as_str()),
        Some("NewOrg/new-name")
    );
    // Case alone is no move.
    assert_eq!(via_api(&verdicts[same]), &Verdict::Alive);
}

#[test]
fn a_missing_path_is_dead_naming_the_path_and_the_ref() {
    let api = mock(world());
    let gone = "https://github.com/THUDM/ChatGLM-6B/blob/main/ptuning/old.py";
    let verdicts = settle(&[gone], &with_api(&api), &token(None));
    assert_eq!(
        dead_reason(&verdicts[gone]),
        "`ptuning/old.py` does not exist at `main` in `THUDM/ChatGLM-6B`"
    );
}

#[test]
fn an_archived_repository_is_alive_with_its_date() {
    let api = mock(world());
    let url = "https://github.com/tatsu-lab/stanford_alpaca";
    let verdicts = settle(&[url], &with_api(&api), &token(None));
    assert_eq!(via_api(&verdicts[url]), &Verdict::Alive);
    let repo = verdicts[url].repo().expect("repository facts");
    assert!(repo.archived);
    assert_eq!(repo.archived_at.as_deref(), Some("2024-05-01T12:00:00Z"));
    assert_eq!(repo.last_commit.as_deref(), Some("2023-04-10T09:15:22Z"));
}

#[test]
fn a_missing_release_is_dead() {
    let api = mock(world());
    let url = "https://github.com/THUDM/ChatGLM-6B/releases/tag/v9";
    let verdicts = settle(&[url], &with_api(&api), &token(None));
    assert_eq!(
        dead_reason(&verdicts[url]),
        "release `v9` does not exist in `THUDM/ChatGLM-6B`"
    );
}

/// What the API cannot tell for sure goes to the page: a ref it does not know (a renamed
/// branch still redirects), a missing issue (it may have moved), an owner it does not know
/// (a route of GitHub's own, or a deleted account).
#[test]
fn what_the_api_cannot_tell_is_left_to_the_page() {
    let api = mock(world());
    let pages = Server::start("127.0.0.1", |hit, _| match hit.path.as_str() {
        "/THUDM/ChatGLM-6B/blob/master-old/README.md" => {
            Reply::redirect(301, "/THUDM/ChatGLM-6B/blob/main/README.md")
        }
        "/THUDM/ChatGLM-6B/issues/7" => Reply::redirect(301, "/other/repo/issues/1"),
        "/nobody-here/x" => Reply::status(404),
        _ => Reply::status(200),
    });
    let urls = [
        "http://github.com/THUDM/ChatGLM-6B/blob/master-old/README.md",
        "http://github.com/THUDM/ChatGLM-6B/issues/7",
        "http://github.com/nobody-here/x",
        "http://github.com/sponsors-like-route",
    ];
    let verdicts = settle(&urls, &with_api(&api), &token(Some(&pages)));
    for url in urls {
        assert_eq!(verdicts[url].via, Via::Http, "{url}: {:?}", verdicts[url]);
    }
    assert!(
        matches!(&verdicts[urls[0]].verdict, Verdict::Redirected { target, .. }
        if target == "http://github.com/THUDM/ChatGLM-6B/blob/main/README.md")
    );
    assert!(matches!(
        verdicts[urls[1]].verdict,
        Verdict::Redirected { .. }
    ));
    assert!(matches!(verdicts[urls[2]].verdict, Verdict::Dead { .. }));
    assert_eq!(verdicts[urls[3]].verdict, Verdict::Alive);
    assert_eq!(api.hit_count(), 1, "one request asked about all of them");
    for hit in pages.hits() {
        assert_eq!(
            hit.header("authorization"),
            None,
            "pages never get the token"
        );
    }
}

/// A 200 with `{"errors":[{"type":"RATE_LIMITED",…}]}` and `x-ratelimit-remaining: 0` (the
/// primary limit: docs.github.com, "Rate limits and query limits for the GraphQL API"; body
/// from renovatebot/renovate#21861), or the newer `RATE_LIMIT` type (yanyongyu/githubkit#271):
/// nothing is sent before `x-ratelimit-reset`.
#[test]
fn the_primary_limit_defers_until_the_reset() {
    for kind in ["RATE_LIMITED", "RATE_LIMIT"] {
        let world = world();
        let reset = now_secs() + 1;
        let api = Server::start("127.0.0.1", move |hit, index| {
            if index == 0 {
                let body = format!(
                    r#"{{"errors":[{{"type":"{kind}","message":"API rate limit exceeded for installation ID 9306189."}}]}}"#
                );
                json_reply(200, &body, &rate_headers(0, reset))
            } else {
                ok(&world, hit)
            }
        });
        let url = "https://github.com/lm-sys/FastChat";
        let verdicts = settle(&[url], &with_api(&api), &token(None));
        assert_eq!(via_api(&verdicts[url]), &Verdict::Alive, "{kind}");
        let hits = api.hits();
        assert_eq!(hits.len(), 2, "{kind}");
        assert!(
            hits[1].at.duration_since(hits[0].at) >= Duration::from_millis(900),
            "{kind}: waited for the reset"
        );
    }
}

#[test]
fn a_limit_that_resets_after_the_budget_makes_links_unreachable() {
    let api = Server::start("127.0.0.1", |_, _| {
        let body = r#"{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded for user ID 1."}]}"#;
        json_reply(200, body, &rate_headers(0, now_secs() + 3600))
    });
    let urls = [
        "https://github.com/a/b",
        "https://github.com/c/d/blob/main/x",
    ];
    let config = LinkConfig {
        total_timeout: secs(3.0),
        ..with_api(&api)
    };
    let verdicts = settle(&urls, &config, &token(None));
    for url in urls {
        match via_api(&verdicts[url]) {
            Verdict::Unreachable { reason } => {
                assert!(reason.contains("RATE_LIMITED"), "{reason}");
                assert!(reason.contains("time budget"), "{reason}");
            }
            other => panic!("{url}: expected unreachable, got {other:?}"),
        }
    }
    assert_eq!(api.hit_count(), 1, "nothing is sent while limited");
}

/// `x-ratelimit-remaining: 0` on a good answer holds the next batch until the reset.
#[test]
fn a_spent_quota_holds_the_next_batch_until_the_reset() {
    let world = World {
        everything_exists: true,
        ..World::default()
    };
    let reset = now_secs() + 1;
    let api = Server::start("127.0.0.1", move |hit, index| {
        let (body, _) = answer(&world, &hit.body);
        let remaining = if index == 0 { 0 } else { 4000 };
        json_reply(200, &body, &rate_headers(remaining, reset))
    });
    let urls: Vec<String> = (0..150)
        .map(|i| format!("https://github.com/o/r{i}"))
        .collect();
    let verdicts = check_links(&urls, &with_api(&api), &token(None));
    assert!(verdicts.values().all(|s| s.verdict == Verdict::Alive));
    let hits = api.hits();
    assert_eq!(hits.len(), 2);
    assert!(hits[1].at.duration_since(hits[0].at) >= Duration::from_millis(900));
}

/// A secondary limit: 403 (or 429) with `retry-after` and "You have exceeded a secondary rate
/// limit" (octokit/plugin-throttling.js `test/retry.test.ts`): the batch waits as told.
#[test]
fn a_secondary_limit_waits_as_told() {
    for status in [403, 429] {
        let world = world();
        let api = Server::start("127.0.0.1", move |hit, index| {
            if index == 0 {
                let body = r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://developer.github.com/v3/#secondary-rate-limits"}"#;
                let headers = [("retry-after".to_string(), "1".to_string())];
                json_reply(status, body, &headers)
            } else {
                ok(&world, hit)
            }
        });
        let url = "https://github.com/lm-sys/FastChat";
        let verdicts = settle(&[url], &with_api(&api), &token(None));
        assert_eq!(via_api(&verdicts[url]), &Verdict::Alive, "{status}");
        let hits = api.hits();
        assert_eq!(hits.len(), 2, "{status}");
        assert!(hits[1].at.duration_since(hits[0].at) >= Duration::from_millis(900));
    }
}

/// A batch over GitHub's 10 s limit answers 502 (docs: "Timeouts"; body from
/// shurcooL/githubv4#38, with `data` the string "null"): it is asked again as two halves.
#[test]
fn a_502_batch_is_asked_again_in_two_halves() {
    let world = World {
        everything_exists: true,
        ..World::default()
    };
    let api = Server::start("127.0.0.1", move |hit, _| {
        if hit.body.matches(":repository(").count() > 2 {
            let body = r#"{"data":"null","errors":[{"message":"Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include `8FF2:721B:31D84D5:6EF58BD:5BCF3079` when reporting this issue."}]}"#;
            json_reply(502, body, &[])
        } else {
            ok(&world, hit)
        }
    });
    let urls: Vec<String> = (0..4)
        .map(|i| format!("https://github.com/o/r{i}"))
        .collect();
    let verdicts = check_links(&urls, &with_api(&api), &token(None));
    assert!(
        verdicts
            .values()
            .all(|s| s.verdict == Verdict::Alive && s.via == Via::GithubApi)
    );
    assert_eq!(repositories_per_request(&api), [4, 2, 2]);
}

/// 401 "Bad credentials" (octokit/plugin-throttling.js `test/retry.test.ts`) or "This
/// endpoint requires you to be authenticated." (carbon-design-system/carbon-tutorial-angular
/// #1142): the API is given up after one request, and every link is checked as a page.
#[test]
fn refused_credentials_leave_every_link_to_the_page() {
    for message in [
        "Bad credentials",
        "This endpoint requires you to be authenticated.",
    ] {
        let api = Server::start("127.0.0.1", move |_, _| {
            let body = format!(
                r#"{{"message":"{message}","documentation_url":"https://docs.github.com/graphql"}}"#
            );
            json_reply(401, &body, &[])
        });
        let pages = Server::start("127.0.0.1", |_, _| Reply::status(200));
        let urls: Vec<String> = (0..120)
            .map(|i| format!("http://github.com/o/r{i}"))
            .collect();
        let verdicts = check_links(&urls, &with_api(&api), &token(Some(&pages)));
        for url in &urls {
            assert_eq!(verdicts[url], Settled::http(Verdict::Alive), "{url}");
        }
        assert_eq!(api.hit_count(), 1, "{message}: one request, then no more");
        assert_eq!(pages.hit_count(), 120);
    }
}

/// The token goes to the configured endpoint only: not across its redirect, not over plain
/// HTTP to an address `allow_private` does not allow, never to github.com pages.
#[test]
fn the_token_goes_to_the_endpoint_only() {
    let elsewhere = Server::start("127.0.0.2", |_, _| Reply::status(200));
    let location = elsewhere.url("/graphql");
    let redirecting = Server::start("127.0.0.1", move |_, _| Reply::redirect(307, &location));
    let pages = Server::start("127.0.0.1", |_, _| Reply::status(200));
    let url = "http://github.com/a/b";
    let verdicts = settle(&[url], &with_api(&redirecting), &token(Some(&pages)));
    assert_eq!(verdicts[url], Settled::http(Verdict::Alive));
    assert_eq!(redirecting.hit_count(), 1);
    assert_eq!(elsewhere.hit_count(), 0, "the redirect is not followed");

    let api = mock(world());
    let only_pages = LinkConfig {
        allow_private: config(&["127.0.0.2"]).allow_private,
        ..with_api(&api)
    };
    let pages = Server::start("127.0.0.2", |_, _| Reply::status(200));
    let verdicts = settle(&[url], &only_pages, &token(Some(&pages)));
    assert_eq!(verdicts[url], Settled::http(Verdict::Alive));
    assert_eq!(
        api.hit_count(),
        0,
        "plain HTTP to a refused address gets nothing"
    );
    for hit in pages.hits() {
        assert_eq!(hit.header("authorization"), None);
    }
}

/// Answers are cached by repository and path: a warm run asks nothing and finds the same.
#[test]
fn a_warm_run_makes_no_api_call() {
    let dir = tempfile::tempdir().expect("temp dir");
    let api = mock(world());
    let config = LinkConfig {
        cache_dir: Some(dir.path().to_path_buf()),
        ..with_api(&api)
    };
    let options = CheckOptions {
        use_cache: true,
        ..token(None)
    };
    let urls = [
        "https://github.com/tatsu-lab/stanford_alpaca",
        "https://github.com/OldOrg/old-name/blob/main/README.md",
        "https://github.com/THUDM/ChatGLM-6B/blob/main/ptuning/old.py",
        "https://github.com/ghost-owner/gone",
    ];
    let cold = settle(&urls, &config, &options);
    assert_eq!(api.hit_count(), 1);
    let warm = settle(&urls, &config, &options);
    assert_eq!(api.hit_count(), 1, "the warm run asked nothing");
    assert_eq!(cold, warm);
    // A new path in a known repository asks for that path alone.
    let more = ["https://github.com/THUDM/ChatGLM-6B/blob/main/README.md"];
    let verdicts = settle(&more, &config, &options);
    assert_eq!(via_api(&verdicts[more[0]]), &Verdict::Alive);
    assert_eq!(repositories_per_request(&api), [4, 1]);
}

/// Without a token, GitHub links are pages, at most 2 at a time, and the hint counts them.
#[test]
fn without_a_token_github_pages_are_fetched_two_at_a_time() {
    let pages = Server::start("127.0.0.1", |_, _| {
        Reply::status(200).after(Duration::from_millis(100))
    });
    let urls: Vec<String> = (0..12)
        .map(|i| format!("http://github.com/owner/repo{i}"))
        .chain(["http://github.com/owner".to_string()])
        .collect();
    let options = CheckOptions {
        github_token: None,
        ..token(Some(&pages))
    };
    let verdicts = check_links(&urls, &config(&["127.0.0.0/8"]), &options);
    assert!(
        verdicts
            .values()
            .all(|s| *s == Settled::http(Verdict::Alive))
    );
    assert_eq!(pages.max_in_flight(), 2);
    assert_eq!(
        github::hint(&verdicts).as_deref(),
        Some(
            "hint: 13 GitHub links were fetched one by one; with GITHUB_TOKEN set they take 1 API request and archived/moved repositories are found"
        )
    );
}

/// The mock answers a survey end to end: `check --format json` says how each link finding
/// was settled, `--fix` rewrites a renamed repository's owner and name and keeps the rest of
/// the URL, and a second `--fix` changes nothing.
#[test]
fn check_reports_via_and_fix_rewrites_a_renamed_repository() {
    let api = mock(world());
    let gone = Server::start("127.0.0.1", |_, _| Reply::status(404));
    let dir = tempfile::tempdir().expect("temp dir");
    let survey = dir.path().join("survey.md");
    let text = format!(
        "# Survey\n\n| Model | Code |\n|---|---|\n\
         | Moved | [code](https://github.com/OldOrg/old-name/blob/main/docs/a.md?plain=1#L5) |\n\
         | Alpaca | https://github.com/tatsu-lab/stanford_alpaca |\n\
         | Gone | {} |\n",
        gone.url("/gone")
    );
    std::fs::write(&survey, &text).expect("write survey");
    let config = dir.path().join("survey-lint.toml");
    std::fs::write(
        &config,
        format!(
            "[links]\nallow_private = [\"127.0.0.1\"]\nrequest_timeout = \"2s\"\n\
             [links.api]\ngithub = \"http://{}\"\n",
            api.addr
        ),
    )
    .expect("write config");
    let run = |args: &[&str]| {
        survey_lint()
            .args(["check", "--no-cache", "--config"])
            .arg(&config)
            .args(args)
            .arg(&survey)
            .env("GITHUB_TOKEN", TOKEN)
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
            ("redirected-link".to_string(), "github-api".to_string()),
            ("archived-repo".to_string(), "github-api".to_string()),
            ("dead-link".to_string(), "http".to_string()),
        ],
        "{json:#}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("hint:"), "no hint with a token: {stderr}");

    let fixed = run(&["--fix"]);
    assert!(String::from_utf8_lossy(&fixed.stderr).contains("fixed 1 finding"));
    let after = std::fs::read_to_string(&survey).expect("read survey");
    assert_eq!(
        after,
        text.replace(
            "https://github.com/OldOrg/old-name/blob/main/docs/a.md?plain=1#L5",
            "https://github.com/NewOrg/new-name/blob/main/docs/a.md?plain=1#L5"
        )
    );
    let again = run(&["--fix"]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("fixed"));
    assert_eq!(
        std::fs::read_to_string(&survey).expect("read survey"),
        after
    );
    assert_eq!(api.hit_count(), 3, "one API request a run");
}

#[test]
fn links_json_marks_what_the_api_settles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let survey = dir.path().join("survey.md");
    std::fs::write(
        &survey,
        "https://github.com/a/b https://github.com/a/b/wiki https://example.com/x\n",
    )
    .expect("write survey");
    let output = survey_lint()
        .args(["links", "--format", "json"])
        .arg(&survey)
        .output()
        .expect("run survey-lint");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let apis: Vec<Option<&str>> = json
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["api"].as_str())
        .collect();
    assert_eq!(apis, [Some("github"), None, None]);
}

/// `stale-repo` is off until the config turns it on; a rule file of the user's own sets
/// another `max_age`.
#[test]
fn stale_repo_runs_when_turned_on_with_its_max_age() {
    let world = World::default()
        .with(
            "old/project",
            Repository::new("old/project").last_commit("2016-03-01T00:00:00Z"),
        )
        .with(
            "recent/project",
            Repository::new("recent/project").last_commit(
                &humantime::format_rfc3339_seconds(
                    SystemTime::now() - Duration::from_secs(400 * 86_400),
                )
                .to_string(),
            ),
        );
    let api = mock(world);
    let dir = tempfile::tempdir().expect("temp dir");
    let survey = dir.path().join("survey.md");
    std::fs::write(
        &survey,
        "https://github.com/old/project\nhttps://github.com/recent/project\n",
    )
    .expect("write survey");
    std::fs::write(
        dir.path().join("stale-1y.toml"),
        "code = \"X001\"\nname = \"stale-1y\"\nsummary = \"s\"\nseverity = \"info\"\ndocs = \"d\"\n\
         [check]\nkind = \"repo-status\"\nstatus = \"stale\"\nmax_age = \"1y\"\n",
    )
    .expect("write rule file");
    let run = |rules: &str| -> Vec<(String, u64)> {
        let config = dir.path().join("survey-lint.toml");
        std::fs::write(
            &config,
            format!(
                "{rules}\n[links]\nallow_private = [\"127.0.0.1\"]\n[links.api]\ngithub = \"http://{}\"\n",
                api.addr
            ),
        )
        .expect("write config");
        let output = survey_lint()
            .args(["check", "--no-cache", "--format", "json", "--config"])
            .arg(&config)
            .arg(&survey)
            .env("GITHUB_TOKEN", TOKEN)
            .output()
            .expect("run survey-lint");
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        crate::support::rule_lines(&json)
    };
    assert_eq!(run(""), []);
    assert_eq!(
        run("[rules]\nstale-repo = \"warning\""),
        [("stale-repo".to_string(), 1)]
    );
    assert_eq!(
        run("rule_files = [\"stale-1y.toml\"]"),
        [("stale-1y".to_string(), 1), ("stale-1y".to_string(), 2)]
    );
}

/// An error of another type than NOT_FOUND for one repository (here FORBIDDEN, as cli/cli's
/// `lookup.go` handles it for a partial answer) says nothing of the page: it is requested.
#[test]
fn an_error_other_than_not_found_leaves_the_repository_to_the_page() {
    let api = Server::start("127.0.0.1", |_, _| {
        let body = r#"{"data":{"g0":null,"u0":{"login":"sso-org"}},"errors":[{"type":"FORBIDDEN","path":["g0"],"locations":[{"line":1,"column":3}],"message":"Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization."}]}"#;
        json_reply(200, body, &rate_headers(4998, now_secs() + 3600))
    });
    let pages = Server::start("127.0.0.1", |_, _| Reply::status(200));
    let url = "http://github.com/sso-org/tool";
    let verdicts = settle(&[url], &with_api(&api), &token(Some(&pages)));
    assert_eq!(verdicts[url], Settled::http(Verdict::Alive));
    assert_eq!((api.hit_count(), pages.hit_count()), (1, 1));
}

#[test]
fn the_api_endpoint_is_configured_with_graphql_appended() {
    let parse = |text: &str| toml::from_str::<LinkConfig>(text);
    let default = LinkConfig::default().api.github.join("graphql");
    assert_eq!(default.as_str(), "https://api.github.com/graphql");
    for (text, endpoint) in [
        (
            "api = { github = \"https://ghe.example.com/api\" }",
            "https://ghe.example.com/api/graphql",
        ),
        (
            "api = { github = \"http://127.0.0.1:8080/\" }",
            "http://127.0.0.1:8080/graphql",
        ),
    ] {
        let config = parse(text).expect(text);
        assert_eq!(config.api.github.join("graphql").as_str(), endpoint);
    }
    for (text, says) in [
        (
            "api = { github = \"ftp://x.example\" }",
            "not an http(s) URL",
        ),
        ("api = { github = \"https://x.example/?a=1\" }", "query"),
        ("api = { github = \"not a url\" }", "not a URL"),
        ("api = { gitlab = \"https://x.example\" }", "unknown field"),
    ] {
        let error = parse(text).expect_err(text).to_string();
        assert!(error.contains(says), "{text}: {error}");
    }
}
