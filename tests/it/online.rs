//! `check` with link checking, end to end: the binary against servers on 127.0.0.1.

use crate::links::by_path;
use crate::links::server::{Reply, Server};
use crate::support::{git, rule_lines, survey_lint};
use std::path::Path;

/// A config that allows loopback, keeps its cache in the test's folder, and keeps timings short.
fn write_config(dir: &Path) {
    let config = format!(
        "[links]\nallow_private = [\"127.0.0.1\"]\ncache_dir = \"{}\"\nrequest_timeout = \"2s\"\nretry_backoff = \"50ms\"\n",
        dir.join("cache").display()
    );
    std::fs::write(dir.join("survey-lint.toml"), config).unwrap();
}

fn check(dir: &Path, args: &[&str]) -> (serde_json::Value, i32) {
    let output = survey_lint()
        .args(["check", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!("{}", String::from_utf8_lossy(&output.stderr));
    });
    (json, output.status.code().unwrap())
}

#[test]
fn dead_redirected_and_private_links_are_reported_where_they_stand() {
    let server = Server::start("127.0.0.1", by_path);
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path());
    let survey = format!(
        "| Model | Links |\n|---|---|\n| Alive | {ok} |\n| Gone | [weights]({gone}) |\n| Moved | {moved} |\n| Local | http://10.1.2.3/x |\n",
        ok = server.url("/ok"),
        gone = server.url("/404"),
        moved = server.url("/301"),
    );
    std::fs::write(dir.path().join("survey.md"), &survey).unwrap();
    let (json, status) = check(dir.path(), &["survey.md"]);
    assert_eq!(status, 1, "a dead link fails the run");
    assert_eq!(
        rule_lines(&json),
        [
            ("dead-link".to_string(), 4),
            ("redirected-link".to_string(), 5),
            ("skipped-link".to_string(), 6),
        ]
    );
    let dead = &json["diagnostics"][0];
    assert_eq!(dead["severity"], "error");
    let message = dead["message"].as_str().unwrap();
    assert!(
        message.contains("404") && message.contains("row `Gone`, column `Links`"),
        "{message}"
    );
    let moved = &json["diagnostics"][1];
    assert_eq!(moved["fix"]["edits"][0]["replacement"], server.url("/new"));

    // --fix replaces the redirected link with its target.
    let (_, _) = check(dir.path(), &["--fix", "survey.md"]);
    let fixed = std::fs::read_to_string(dir.path().join("survey.md")).unwrap();
    assert!(
        fixed.contains(&format!("| Moved | {} |", server.url("/new"))),
        "{fixed}"
    );
}

#[test]
fn an_html_link_with_a_space_is_requested_percent_encoded() {
    let server = Server::start("127.0.0.1", |hit, _| match hit.path.as_str() {
        "/my%20paper.pdf" => Reply::status(200),
        _ => Reply::status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path());
    let survey = format!("<a href=\"{}\">paper</a>\n", server.url("/my paper.pdf"));
    std::fs::write(dir.path().join("a.md"), survey).unwrap();
    let (json, status) = check(dir.path(), &["a.md"]);
    assert_eq!(status, 0, "{json:#}");
    assert!(rule_lines(&json).is_empty(), "{json:#}");
    let paths: Vec<String> = server.hits().into_iter().map(|h| h.path).collect();
    assert!(
        !paths.is_empty() && paths.iter().all(|p| p == "/my%20paper.pdf"),
        "{paths:?}"
    );
}

#[test]
fn offline_makes_no_request_and_a_warm_cache_makes_none_either() {
    let server = Server::start("127.0.0.1", by_path);
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path());
    let survey = format!("See {} and {}.\n", server.url("/ok"), server.url("/404"));
    std::fs::write(dir.path().join("a.md"), survey).unwrap();
    let (json, status) = check(dir.path(), &["--offline", "a.md"]);
    assert_eq!((status, server.hit_count()), (0, 0));
    assert!(rule_lines(&json).is_empty());
    let (_, status) = check(dir.path(), &["a.md"]);
    assert_eq!(status, 1);
    let first = server.hit_count();
    assert!(first >= 2);
    let (json, status) = check(dir.path(), &["a.md"]);
    assert_eq!(status, 1, "the cached dead verdict still fails the run");
    assert_eq!(rule_lines(&json), [("dead-link".to_string(), 1)]);
    assert_eq!(server.hit_count(), first, "warm cache: no request");
    let (_, _) = check(dir.path(), &["--no-cache", "a.md"]);
    assert!(server.hit_count() > first, "--no-cache requests again");
}

#[test]
fn changed_since_requests_no_link_on_an_unchanged_line() {
    let server = Server::start("127.0.0.1", by_path);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write_config(d);
    std::fs::write(d.join(".gitignore"), "cache/\n").unwrap();
    let old = format!(
        "| Model | Link |\n|---|---|\n| Old | {} |\n",
        server.url("/410")
    );
    std::fs::write(d.join("survey.md"), &old).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "old dead link"]);
    let new = format!("{old}| New | {} |\n", server.url("/404"));
    std::fs::write(d.join("survey.md"), new).unwrap();
    git(d, &["commit", "-q", "-am", "new dead link"]);

    let (json, status) = check(d, &["--changed-since", "HEAD~1", "survey.md"]);
    assert_eq!(status, 1);
    assert_eq!(rule_lines(&json), [("dead-link".to_string(), 4)]);
    let paths: Vec<String> = server.hits().into_iter().map(|h| h.path).collect();
    assert!(paths.iter().all(|p| p == "/404"), "requested {paths:?}");
    assert!(!paths.is_empty());
}

/// `http://127.0.0.1:PORT/…` on a port nothing listens on: the connection is refused.
fn closed_port_url(path: &str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}{path}")
}

/// Runs `check --format json` in `dir`; (JSON, stderr, status).
fn check_with_stderr(dir: &Path, args: &[&str]) -> (serde_json::Value, String, i32) {
    let output = survey_lint()
        .args(["check", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (json, stderr, output.status.code().unwrap())
}

#[test]
fn when_no_host_answers_one_notice_replaces_a_warning_per_link() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_config(d);
    let (a, b, c) = (
        closed_port_url("/a"),
        closed_port_url("/b"),
        closed_port_url("/c"),
    );
    let survey = format!(
        "| Model | Link |\n|---|---|\n| A | {a} |\n| B | {b} |\n| C | {c} |\n| | |\n\nAgain: {a}\n"
    );
    std::fs::write(d.join("survey.md"), survey).unwrap();
    let (json, stderr, status) = check_with_stderr(d, &["--no-cache", "survey.md"]);
    assert_eq!(
        rule_lines(&json),
        [("empty-row".to_string(), 6)],
        "{stderr}"
    );
    assert_eq!(json["summary"]["unchecked_links"], 3, "three URLs");
    assert_eq!(
        stderr.matches("no network").count(),
        1,
        "one notice: {stderr}"
    );
    assert!(
        stderr.contains("notice: no network: 3 links not checked"),
        "{stderr}"
    );
    assert_eq!(status, 1, "the empty row still fails the run");

    // The status is what the unreachable warnings would have made it.
    std::fs::write(d.join("survey.md"), format!("See {a} and {b}.\n")).unwrap();
    let (_, _, status) = check_with_stderr(d, &["--no-cache", "survey.md"]);
    assert_eq!(status, 0);
    let (_, _, status) = check_with_stderr(d, &["--no-cache", "--deny-warnings", "survey.md"]);
    assert_eq!(status, 1);
    let (_, _, status) = check_with_stderr(d, &["--no-cache", "--offline", "survey.md"]);
    assert_eq!(status, 0);
}

#[test]
fn when_one_host_answers_the_others_are_unreachable_links() {
    let server = Server::start("127.0.0.1", by_path);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_config(d);
    let closed = closed_port_url("/x");
    let survey = format!("See {} and {closed}.\n", server.url("/ok"));
    std::fs::write(d.join("survey.md"), survey).unwrap();
    let (json, stderr, status) = check_with_stderr(d, &["--no-cache", "survey.md"]);
    assert_eq!(rule_lines(&json), [("unreachable-link".to_string(), 1)]);
    assert_eq!(json["summary"]["unchecked_links"], 0);
    assert!(!stderr.contains("no network"), "{stderr}");
    assert_eq!(status, 0, "an unreachable link is a warning");
}
