//! Link checker tests: servers on 127.0.0.1, never the internet.

mod arxiv;
pub mod export_api;
mod github;
pub mod graphql;
pub mod hub_api;
mod huggingface;
pub mod server;

use server::{Body, Reply, Server};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use survey_lint::links::config::{AllowPrivate, ConfigDuration};
use survey_lint::links::{
    CheckOptions, LinkConfig, Settled, Verdict, Verdicts, Via, check_links, check_urls,
};

/// No cache, `host` resolved to `pages` when given, and a GitHub token `token` (which must
/// reach no API but GitHub's).
fn api_options(host: &str, pages: Option<&Server>, token: &str) -> CheckOptions {
    CheckOptions {
        use_cache: false,
        github_token: Some(token.to_string()),
        resolve: pages
            .map(|p| vec![(host.to_string(), p.addr)])
            .unwrap_or_default(),
        ..CheckOptions::default()
    }
}

fn settle(urls: &[&str], config: &LinkConfig, options: &CheckOptions) -> Verdicts {
    let urls: Vec<String> = urls.iter().map(|u| u.to_string()).collect();
    check_links(&urls, config, options)
}

/// The verdict of a link settled `via` an API (and not by its page).
fn settled_via(settled: &Settled, via: Via) -> &Verdict {
    assert_eq!(settled.via, via, "{settled:?}");
    &settled.verdict
}

/// A config that may request the given loopback addresses, with timings short enough for tests.
fn config(allow: &[&str]) -> LinkConfig {
    LinkConfig {
        allow_private: AllowPrivate::List(
            allow
                .iter()
                .map(|a| a.parse().expect("test address"))
                .collect(),
        ),
        request_timeout: secs(2.0),
        total_timeout: secs(20.0),
        retry_backoff: secs(0.05),
        ..LinkConfig::default()
    }
}

fn loopback() -> LinkConfig {
    config(&["127.0.0.0/8"])
}

fn secs(s: f64) -> ConfigDuration {
    ConfigDuration(Duration::from_secs_f64(s))
}

fn no_cache() -> CheckOptions {
    CheckOptions {
        use_cache: false,
        ..CheckOptions::default()
    }
}

fn check(urls: &[String], config: &LinkConfig) -> HashMap<String, Verdict> {
    check_urls(urls, config, &no_cache())
}

fn check_one(url: &str, config: &LinkConfig) -> Verdict {
    let urls = [url.to_string()];
    check(&urls, config)
        .remove(url)
        .expect("a verdict for every URL")
}

fn reason(verdict: &Verdict) -> &str {
    match verdict {
        Verdict::Dead { reason }
        | Verdict::Unreachable { reason }
        | Verdict::Skipped { reason } => reason,
        other => panic!("expected a verdict with a reason, got {other:?}"),
    }
}

fn assert_unreachable(verdict: &Verdict, needle: &str) {
    assert!(
        matches!(verdict, Verdict::Unreachable { reason } if reason.contains(needle)),
        "expected Unreachable mentioning {needle:?}, got {verdict:?}"
    );
}

pub fn by_path(hit: &server::Hit, _: usize) -> Reply {
    match hit.path.as_str() {
        "/ok" | "/new" => Reply::status(200),
        "/404" => Reply::status(404),
        "/410" => Reply::status(410),
        "/301" => Reply::redirect(301, "/new"),
        "/308" => Reply::redirect(308, "/new"),
        "/302" => Reply::redirect(302, "/new"),
        "/loop-a" => Reply::redirect(301, "/loop-b"),
        "/loop-b" => Reply::redirect(301, "/loop-a"),
        _ => Reply::status(500),
    }
}

#[test]
fn statuses_give_alive_and_dead() {
    let server = Server::start("127.0.0.1", by_path);
    let urls: Vec<String> = ["/ok", "/404", "/410"]
        .iter()
        .map(|p| server.url(p))
        .collect();
    let verdicts = check(&urls, &loopback());
    assert_eq!(verdicts[&urls[0]], Verdict::Alive);
    assert_eq!(reason(&verdicts[&urls[1]]), "404 Not Found");
    assert!(matches!(verdicts[&urls[1]], Verdict::Dead { .. }));
    assert_eq!(reason(&verdicts[&urls[2]]), "410 Gone");
    assert!(matches!(verdicts[&urls[2]], Verdict::Dead { .. }));
}

#[test]
fn permanent_redirects_give_the_target_and_temporary_ones_do_not() {
    let server = Server::start("127.0.0.1", by_path);
    let (u301, u308, u302) = (server.url("/301"), server.url("/308"), server.url("/302"));
    let with_fragment = format!("{u301}#usage");
    let urls = [
        u301.clone(),
        u308.clone(),
        u302.clone(),
        with_fragment.clone(),
    ];
    let verdicts = check(&urls, &loopback());
    let new = server.url("/new");
    assert_eq!(
        verdicts[&u301],
        Verdict::Redirected {
            target: new.clone(),
            chain: vec![u301.clone(), new.clone()]
        }
    );
    assert!(matches!(&verdicts[&u308], Verdict::Redirected { target, .. } if *target == new));
    assert_eq!(verdicts[&u302], Verdict::Alive);
    assert!(
        matches!(&verdicts[&with_fragment], Verdict::Redirected { target, .. } if *target == format!("{new}#usage")),
        "the fix keeps the fragment: {:?}",
        verdicts[&with_fragment]
    );
}

#[test]
fn redirect_loop_is_unreachable() {
    let server = Server::start("127.0.0.1", by_path);
    let verdict = check_one(&server.url("/loop-a"), &loopback());
    assert_unreachable(&verdict, "redirect loop");
}

#[test]
fn head_refused_falls_back_to_get() {
    let server = Server::start("127.0.0.1", |hit, _| match hit.method.as_str() {
        "HEAD" => Reply::status(405),
        _ => Reply::status(200),
    });
    assert_eq!(check_one(&server.url("/x"), &loopback()), Verdict::Alive);
    let methods: Vec<String> = server.hits().into_iter().map(|h| h.method).collect();
    assert_eq!(methods, ["HEAD", "GET"]);
}

#[test]
fn retry_after_is_honoured() {
    let server = Server::start("127.0.0.1", |_, index| match index {
        0 => Reply::status(429).header("retry-after", "1"),
        _ => Reply::status(200),
    });
    assert_eq!(check_one(&server.url("/busy"), &loopback()), Verdict::Alive);
    let hits = server.hits();
    assert_eq!(hits.len(), 2);
    let waited = hits[1].at.duration_since(hits[0].at);
    assert!(waited >= Duration::from_secs(1), "retried after {waited:?}");
}

#[test]
fn retry_after_pauses_every_url_of_the_host() {
    let server = Server::start("127.0.0.1", |_, index| match index {
        0 => Reply::status(503).header("retry-after", "1"),
        _ => Reply::status(200),
    });
    let urls: Vec<String> = (0..4).map(|i| server.url(&format!("/p{i}"))).collect();
    let config = LinkConfig {
        max_per_host: 1,
        ..loopback()
    };
    let verdicts = check(&urls, &config);
    assert!(
        verdicts.values().all(|v| *v == Verdict::Alive),
        "{verdicts:?}"
    );
    let hits = server.hits();
    assert_eq!(hits.len(), 5, "no GET after a HEAD that says Retry-After");
    for hit in &hits[1..] {
        let waited = hit.at.duration_since(hits[0].at);
        assert!(
            waited >= Duration::from_secs(1),
            "{} after {waited:?}",
            hit.path
        );
    }
}

#[test]
fn a_deferred_url_does_not_hold_up_other_hosts() {
    let busy = Server::start("127.0.0.1", |_, index| match index {
        0 => Reply::status(429).header("retry-after", "1"),
        _ => Reply::status(200),
    });
    let free = Server::start("127.0.0.2", |_, _| Reply::status(200));
    let mut urls = vec![busy.url("/ok")];
    urls.extend((0..5).map(|i| free.url(&format!("/ok?{i}"))));
    // One request at a time overall: a deferred URL holding it would stall everything.
    let config = LinkConfig {
        max_concurrency: 1,
        ..loopback()
    };
    let verdicts = check(&urls, &config);
    assert!(
        verdicts.values().all(|v| *v == Verdict::Alive),
        "{verdicts:?}"
    );
    let busy_hits = busy.hits();
    assert_eq!(busy_hits.len(), 2);
    for hit in free.hits() {
        assert!(
            hit.at < busy_hits[1].at,
            "{} waited for the deferred URL",
            hit.path
        );
    }
}

#[test]
fn retry_after_beyond_the_budget_gives_up_at_once() {
    let server = Server::start("127.0.0.1", |_, _| {
        Reply::status(429).header("retry-after", "3600")
    });
    let started = Instant::now();
    let verdict = check_one(&server.url("/later"), &loopback());
    assert_unreachable(&verdict, "429 Too Many Requests");
    assert_unreachable(&verdict, "time budget");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.hit_count(), 1);
}

#[test]
fn server_errors_are_retried() {
    // HEAD and the GET behind it fail; the retry succeeds.
    let server = Server::start("127.0.0.1", |_, index| match index {
        0 | 1 => Reply::status(500),
        _ => Reply::status(200),
    });
    assert_eq!(
        check_one(&server.url("/flaky"), &loopback()),
        Verdict::Alive
    );
    assert_eq!(server.hit_count(), 3);
}

#[test]
fn persistent_429_is_unreachable_after_retries() {
    let server = Server::start("127.0.0.1", |_, _| Reply::status(429));
    let verdict = check_one(&server.url("/busy"), &loopback());
    assert_unreachable(&verdict, "429 Too Many Requests (after 2 retries)");
    assert_eq!(server.hit_count(), 3);
}

#[test]
fn silent_server_times_out_as_unreachable() {
    let server = Server::start("127.0.0.1", |_, _| Reply::silent());
    let config = LinkConfig {
        request_timeout: secs(0.3),
        max_retries: 1,
        ..loopback()
    };
    let started = Instant::now();
    let verdict = check_one(&server.url("/never"), &config);
    assert_unreachable(&verdict, "timed out");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.hit_count(), 2);
}

#[test]
fn time_budget_ends_the_run_as_unreachable() {
    let server = Server::start("127.0.0.1", |_, _| Reply::silent());
    let config = LinkConfig {
        request_timeout: secs(30.0),
        total_timeout: secs(0.5),
        ..loopback()
    };
    let started = Instant::now();
    let verdict = check_one(&server.url("/never"), &config);
    assert_eq!(
        verdict,
        Verdict::Unreachable {
            reason: "time budget exhausted".into()
        }
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn bot_wall_is_unreachable_not_dead() {
    let server = Server::start("127.0.0.1", |_, _| {
        Reply::status(403).header("cf-mitigated", "challenge")
    });
    let verdict = check_one(&server.url("/protected"), &loopback());
    assert_unreachable(&verdict, "bot wall");
    let page = "<html><script src=\"/cdn-cgi/challenge-platform/h/b/orchestrate\"></script>";
    let challenge_page = Server::start("127.0.0.1", move |_, _| {
        Reply::status(503).body(Body::Text(page.to_string()))
    });
    let verdict = check_one(&challenge_page.url("/paper"), &loopback());
    assert_unreachable(&verdict, "bot wall");
    // Recognised from the GET body, and not retried like an ordinary 503.
    assert_eq!(challenge_page.hit_count(), 2);
    let linkedin = Server::start("127.0.0.1", |_, _| Reply::status(999));
    assert_unreachable(&check_one(&linkedin.url("/in/x"), &loopback()), "bot wall");
}

#[test]
fn plain_403_is_unreachable_unless_accepted() {
    let server = Server::start("127.0.0.1", |_, _| Reply::status(403));
    let url = server.url("/private");
    assert_unreachable(&check_one(&url, &loopback()), "403 Forbidden");
    let accepting: LinkConfig = toml::from_str(r#"accept = ["200-299", 403]"#).expect("config");
    let config = LinkConfig {
        accept: accepting.accept,
        ..loopback()
    };
    assert_eq!(check_one(&url, &config), Verdict::Alive);
}

#[test]
fn huge_body_is_not_downloaded() {
    const SIZE: u64 = 500 * 1024 * 1024;
    let server = Server::start("127.0.0.1", |hit, _| {
        match (hit.method.as_str(), hit.path.as_str()) {
            ("HEAD", _) => Reply::status(405),
            (_, "/missing") => Reply::status(404).body(Body::Zeros(SIZE)),
            _ => Reply::status(200).body(Body::Zeros(SIZE)),
        }
    });
    let urls = [server.url("/weights.bin"), server.url("/missing")];
    let started = Instant::now();
    let verdicts = check(&urls, &loopback());
    assert_eq!(verdicts[&urls[0]], Verdict::Alive);
    assert!(matches!(verdicts[&urls[1]], Verdict::Dead { .. }));
    // What the kernel buffers on loopback, at most a few MB, plus our 64 KiB prefix.
    let sent = server.bytes_written();
    assert!(sent < 64 * 1024 * 1024, "server sent {sent} bytes");
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[test]
fn a_url_is_requested_once_whatever_its_fragments() {
    let server = Server::start("127.0.0.1", by_path);
    let base = server.url("/ok");
    let urls: Vec<String> = (0..50)
        .map(|i| match i % 3 {
            0 => base.clone(),
            _ => format!("{base}#section-{i}"),
        })
        .collect();
    let verdicts = check(&urls, &loopback());
    assert_eq!(server.hit_count(), 1);
    assert_eq!(verdicts.len(), 34); // 17 plain copies collapse into one key
    assert!(verdicts.values().all(|v| *v == Verdict::Alive));
}

#[test]
fn per_host_limit_holds() {
    let server = Server::start("127.0.0.1", |_, _| {
        Reply::status(200).after(Duration::from_millis(100))
    });
    let urls: Vec<String> = (0..20).map(|i| server.url(&format!("/p{i}"))).collect();
    let config = LinkConfig {
        max_per_host: 3,
        ..loopback()
    };
    let verdicts = check(&urls, &config);
    assert!(verdicts.values().all(|v| *v == Verdict::Alive));
    assert_eq!(server.hit_count(), 20);
    let most = server.max_in_flight();
    assert!((2..=3).contains(&most), "{most} requests at once");
}

#[test]
fn loopback_is_not_requested_by_default() {
    let server = Server::start("127.0.0.1", by_path);
    let literal = server.url("/ok");
    let by_name = format!("http://localhost:{}/ok", server.addr.port());
    let verdicts = check(&[literal.clone(), by_name.clone()], &LinkConfig::default());
    assert!(
        matches!(&verdicts[&literal], Verdict::Skipped { reason } if reason.contains("127.0.0.1 is loopback")),
        "{:?}",
        verdicts[&literal]
    );
    assert!(
        matches!(&verdicts[&by_name], Verdict::Skipped { reason } if reason.contains("loopback")),
        "{:?}",
        verdicts[&by_name]
    );
    assert_eq!(server.hit_count(), 0);
}

#[test]
fn redirect_to_a_refused_address_stops_at_that_hop() {
    let target = Server::start("127.0.0.2", by_path);
    let location = target.url("/ok");
    let first = Server::start("127.0.0.1", move |_, _| Reply::redirect(302, &location));
    let verdict = check_one(&first.url("/go"), &config(&["127.0.0.1"]));
    assert!(
        matches!(&verdict, Verdict::Skipped { reason } if reason.contains("127.0.0.2")),
        "{verdict:?}"
    );
    assert_eq!(first.hit_count(), 1);
    assert_eq!(target.hit_count(), 0);
}

#[test]
fn redirect_to_a_name_resolving_to_a_refused_address_is_refused() {
    let target = Server::start("127.0.0.1", by_path);
    let location = format!("http://localhost:{}/ok", target.addr.port());
    let first = Server::start("127.0.0.2", move |_, _| Reply::redirect(301, &location));
    let verdict = check_one(&first.url("/go"), &config(&["127.0.0.2"]));
    assert!(
        matches!(&verdict, Verdict::Skipped { reason } if reason.contains("loopback")),
        "{verdict:?}"
    );
    assert_eq!(first.hit_count(), 1);
    assert_eq!(target.hit_count(), 0);
}

#[test]
fn github_token_never_reaches_other_hosts() {
    let target = Server::start("127.0.0.2", by_path);
    let location = target.url("/ok");
    let first = Server::start("127.0.0.1", move |_, _| Reply::redirect(301, &location));
    let options = CheckOptions {
        use_cache: false,
        github_token: Some("ghp_sekrit".into()),
        ..CheckOptions::default()
    };
    let url = first.url("/repo");
    let verdicts = check_urls(std::slice::from_ref(&url), &loopback(), &options);
    assert!(matches!(verdicts[&url], Verdict::Redirected { .. }));
    let hits: Vec<_> = first.hits().into_iter().chain(target.hits()).collect();
    assert_eq!(hits.len(), 2);
    for hit in hits {
        assert_eq!(hit.header("authorization"), None, "{hit:?}");
    }
}

#[test]
fn excluded_and_non_http_links_are_skipped_without_a_request() {
    let server = Server::start("127.0.0.1", by_path);
    let excluded = server.url("/ok?utm=1");
    let config = LinkConfig {
        exclude: toml::from_str::<LinkConfig>(r#"exclude = ['\?utm=']"#)
            .expect("config")
            .exclude,
        ..loopback()
    };
    let urls = [
        excluded.clone(),
        "mailto:someone@example.com".to_string(),
        "not a url".to_string(),
    ];
    let verdicts = check(&urls, &config);
    for url in &urls {
        assert!(matches!(verdicts[url], Verdict::Skipped { .. }), "{url}");
    }
    assert!(reason(&verdicts[&excluded]).contains("excluded"));
    assert_eq!(server.hit_count(), 0);
}

#[test]
fn refused_connection_is_unreachable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let config = LinkConfig {
        max_retries: 1,
        ..loopback()
    };
    let verdict = check_one(&format!("http://127.0.0.1:{port}/"), &config);
    assert_unreachable(&verdict, "connection failed");
}

#[test]
fn tls_failure_is_unreachable() {
    let server = Server::start_raw("127.0.0.1", b"HTTP/1.1 400 Bad Request\r\n\r\n");
    let verdict = check_one(&format!("https://{}/", server.addr), &loopback());
    assert_unreachable(&verdict, "TLS");
}

#[test]
fn works_when_called_inside_an_async_runtime() {
    let server = Server::start("127.0.0.1", by_path);
    let url = server.url("/ok");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let verdict = runtime.block_on(async { check_one(&url, &loopback()) });
    assert_eq!(verdict, Verdict::Alive);
}

#[test]
fn config_reads_every_key_and_rejects_mistakes() {
    let config: LinkConfig = toml::from_str(
        r#"
        allow_private = ["127.0.0.1", "10.0.0.0/8"]
        max_concurrency = 16
        max_per_host = 2
        request_timeout = "500ms"
        total_timeout = 90
        max_retries = 0
        retry_backoff = 0.25
        max_redirects = 3
        accept = [200, "300-302"]
        exclude = ["^https://example\\.com/"]
        cache_max_age = "2h"
        cache_dir = "/tmp/x"
        user_agent = "survey-lint-test"
        "#,
    )
    .expect("a valid [links] table");
    assert_eq!(config.request_timeout.0, Duration::from_millis(500));
    assert_eq!(config.total_timeout.0, Duration::from_secs(90));
    assert_eq!(config.retry_backoff.0, Duration::from_millis(250));
    assert_eq!(config.cache_max_age.0, Duration::from_secs(7200));
    assert!(config.accepts(301) && config.accepts(200) && !config.accepts(204));
    assert_eq!(
        config.excluded_by("https://example.com/a"),
        Some("^https://example\\.com/")
    );

    let defaults = LinkConfig::default();
    assert_eq!((defaults.max_concurrency, defaults.max_per_host), (128, 8));
    assert_eq!(defaults.allow_private, AllowPrivate::All(false));

    for (bad, says) in [
        (
            "allow_private = [\"localhost\"]",
            "neither an IP address nor a CIDR",
        ),
        ("accept = [\"2xx\"]", "not a status code"),
        ("exclude = [\"(\"]", "invalid exclude pattern"),
        ("cache_max_age = \"a week\"", "not a duration"),
        ("github_token = \"x\"", "unknown field"),
    ] {
        let error = toml::from_str::<LinkConfig>(bad)
            .expect_err(bad)
            .to_string();
        assert!(error.contains(says), "{bad}: {error}");
    }
}

#[test]
fn token_is_not_printed() {
    let options = CheckOptions {
        github_token: Some("ghp_sekrit".into()),
        ..CheckOptions::default()
    };
    assert!(!format!("{options:?}").contains("sekrit"));
}

mod cache {
    use super::*;

    fn cached(dir: &std::path::Path) -> LinkConfig {
        LinkConfig {
            cache_dir: Some(dir.to_path_buf()),
            max_retries: 0,
            ..loopback()
        }
    }

    fn with_cache() -> CheckOptions {
        CheckOptions::default()
    }

    #[test]
    fn warm_cache_saves_requests_but_not_for_uncertain_links() {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = Server::start("127.0.0.1", by_path);
        let urls: Vec<String> = ["/ok", "/404", "/301", "/500"]
            .iter()
            .map(|p| server.url(p))
            .collect();
        let first = check_urls(&urls, &cached(dir.path()), &with_cache());
        assert_unreachable(&first[&urls[3]], "500");
        let hits_after_first = server.hit_count();
        let second = check_urls(&urls, &cached(dir.path()), &with_cache());
        assert_eq!(first, second);
        let again: Vec<String> = server.hits()[hits_after_first..]
            .iter()
            .map(|h| h.path.clone())
            .collect();
        // Only the 500 is asked again (HEAD, then GET as HEAD failed).
        assert_eq!(again, ["/500", "/500"]);
    }

    #[test]
    fn changing_what_counts_as_alive_is_not_served_from_the_cache() {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = Server::start("127.0.0.1", by_path);
        let url = server.url("/404");
        let urls = std::slice::from_ref(&url);
        let first = check_urls(urls, &cached(dir.path()), &with_cache());
        assert!(matches!(first[&url], Verdict::Dead { .. }), "{first:?}");
        let hits = server.hit_count();
        let accepting = LinkConfig {
            accept: vec!["200-299".parse().unwrap(), "404".parse().unwrap()],
            ..cached(dir.path())
        };
        let second = check_urls(urls, &accepting, &with_cache());
        assert_eq!(second[&url], Verdict::Alive);
        assert!(
            server.hit_count() > hits,
            "asked again under the new settings"
        );
        // Each setting is then served from the cache.
        let hits = server.hit_count();
        assert_eq!(
            check_urls(urls, &accepting, &with_cache())[&url],
            Verdict::Alive
        );
        assert_eq!(server.hit_count(), hits);
    }

    #[test]
    fn corrupt_cache_is_ignored_and_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("links.json");
        std::fs::write(&file, "{ not json").expect("write");
        let server = Server::start("127.0.0.1", by_path);
        let url = server.url("/ok");
        let verdicts = check_urls(
            std::slice::from_ref(&url),
            &cached(dir.path()),
            &with_cache(),
        );
        assert_eq!(verdicts[&url], Verdict::Alive);
        assert_eq!(server.hit_count(), 1);
        let text = std::fs::read_to_string(&file).expect("cache written");
        let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON now");
        assert!(json["entries"][&url].is_object(), "{text}");
    }

    #[test]
    fn no_cache_neither_reads_nor_writes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = Server::start("127.0.0.1", by_path);
        let url = server.url("/ok");
        check_urls(
            std::slice::from_ref(&url),
            &cached(dir.path()),
            &with_cache(),
        );
        check_urls(std::slice::from_ref(&url), &cached(dir.path()), &no_cache());
        assert_eq!(server.hit_count(), 2, "the second run ignores the cache");
        let other = tempfile::tempdir().expect("temp dir");
        check_urls(
            std::slice::from_ref(&url),
            &cached(other.path()),
            &no_cache(),
        );
        assert!(!other.path().join("links.json").exists());
    }

    #[test]
    fn parallel_runs_leave_a_valid_cache() {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = Server::start("127.0.0.1", |_, _| Reply::status(200));
        std::thread::scope(|scope| {
            for run in 0..4 {
                let (dir, server) = (dir.path(), &server);
                scope.spawn(move || {
                    let urls: Vec<String> = (0..20)
                        .map(|i| server.url(&format!("/r{run}/{i}")))
                        .collect();
                    check_urls(&urls, &cached(dir), &with_cache())
                });
            }
        });
        let text = std::fs::read_to_string(dir.path().join("links.json")).expect("cache");
        let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert!(json["entries"].as_object().is_some_and(|e| e.len() >= 20));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
            .collect();
        assert_eq!(
            leftovers.iter().filter(|n| *n != "links.json.lock").count(),
            1,
            "no temporary files left behind: {leftovers:?}"
        );
    }

    #[test]
    fn expired_entries_are_checked_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = Server::start("127.0.0.1", by_path);
        let url = server.url("/ok");
        let config = LinkConfig {
            cache_max_age: secs(0.0),
            ..cached(dir.path())
        };
        check_urls(std::slice::from_ref(&url), &config, &with_cache());
        check_urls(std::slice::from_ref(&url), &config, &with_cache());
        assert_eq!(server.hit_count(), 2);
    }
}

/// The timing figure for the report: 1,000 unique URLs over 10 loopback hosts answering after
/// 50 ms. Run with `cargo test --release --test it -- --ignored --nocapture links_farm`.
#[test]
#[ignore = "a measurement, not a check: run it in release mode"]
fn links_farm() {
    const HOSTS: usize = 10;
    const PER_HOST: usize = 100;
    const DELAY: Duration = Duration::from_millis(50);
    let servers: Vec<Server> = (1..=HOSTS)
        .map(|i| {
            Server::start(&format!("127.0.0.{i}"), |_, _| {
                Reply::status(200).after(DELAY)
            })
        })
        .collect();
    let urls: Vec<String> = servers
        .iter()
        .flat_map(|s| (0..PER_HOST).map(move |j| s.url(&format!("/paper/{j}"))))
        .collect();
    for max_concurrency in [LinkConfig::default().max_concurrency, HOSTS * 8] {
        let config = LinkConfig {
            max_concurrency,
            ..loopback()
        };
        let per_host = config.max_per_host;
        let started = Instant::now();
        let verdicts = check(&urls, &config);
        let elapsed = started.elapsed();
        assert!(verdicts.values().all(|v| *v == Verdict::Alive));
        let host_bound = DELAY.mul_f64((PER_HOST as f64 / per_host as f64).ceil());
        let run_bound = DELAY.mul_f64((urls.len() as f64 / max_concurrency as f64).ceil());
        let busiest = servers.iter().map(Server::max_in_flight).max().unwrap_or(0);
        println!(
            "{} URLs, {HOSTS} hosts, max_per_host {per_host}, max_concurrency {max_concurrency}: \
             {elapsed:?} (per-host bound {host_bound:?}, run-wide bound {run_bound:?}, \
             at most {busiest} in flight on one host)",
            urls.len()
        );
        assert!(busiest <= per_host);
    }
}
