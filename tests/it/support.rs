//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The survey-lint binary, run from the repository root.
pub fn survey_lint() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_survey-lint"));
    cmd.current_dir(root())
        .env_remove("GITHUB_TOKEN")
        .env("NO_COLOR", "1");
    cmd
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(path: &str) -> PathBuf {
    root().join("tests/fixtures").join(path)
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `check --offline --format json` and parses stdout.
pub fn check_json(args: &[&str]) -> (serde_json::Value, i32) {
    let output = survey_lint()
        .args(["check", "--offline", "--format", "json"])
        .args(args)
        .output()
        .expect("run survey-lint");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (json, output.status.code().unwrap_or(-1))
}

/// (rule, line) of every diagnostic.
pub fn rule_lines(json: &serde_json::Value) -> Vec<(String, u64)> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// The message of every diagnostic.
pub fn messages(json: &serde_json::Value) -> Vec<&str> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect()
}

/// Runs git in `dir` with a fixed identity; the test fails if git does.
pub fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?}");
}
