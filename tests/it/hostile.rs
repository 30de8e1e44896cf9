//! The attack matrix: what a pull request (files, a config, rule files), a remote server (links,
//! redirects, bodies, headers) or a concurrent process can throw at survey-lint in CI.
//!
//! Every case that could exhaust the machine runs the binary under limits the test sets: an
//! address-space limit and a CPU-time limit (the kernel kills the process past either, and the
//! test then fails), and a deadline after which the test kills it and fails as a hang. No case
//! relies on luck or on timing assertions. Servers are on loopback addresses, never the
//! internet.

#![cfg(target_os = "linux")]

use crate::links::by_path;
use crate::links::server::{Body, Reply, Server};
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use survey_lint::document::{Document, LinkKind};
use survey_lint::links::config::AllowPrivate;
use survey_lint::links::{Cache, CheckOptions, LinkConfig, Verdict, check_urls};

/// What a bounded run may use.
#[derive(Clone, Copy)]
struct Limits {
    /// Address space, in MiB: past it an allocation fails and the process aborts.
    memory_mib: u64,
    /// CPU seconds: past them the kernel kills the process.
    cpu_secs: u64,
    /// Wall-clock time after which the test kills the process and fails (a hang).
    deadline: Duration,
}

/// Enough for any input of these tests handled in proportion to its size (debug build), far
/// too little for one handled in proportion to its square.
const BOUNDED: Limits = Limits {
    memory_mib: 768,
    cpu_secs: 60,
    deadline: Duration::from_secs(180),
};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs survey-lint with `args` in `dir` under `limits`, stdin closed unless `open_stdin` (then
/// a pipe nobody writes to, kept open until the run ends). Fails the test when the process was
/// killed by a signal (a limit) or had to be killed at the deadline.
fn run_bounded(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    limits: Limits,
    open_stdin: bool,
) -> Run {
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(r#"ulimit -v "$1" && ulimit -t "$2" && shift 2 && exec "$@""#)
        .arg("bash")
        .arg((limits.memory_mib * 1024).to_string())
        .arg(limits.cpu_secs.to_string())
        .arg(env!("CARGO_BIN_EXE_survey-lint"))
        .args(args)
        .current_dir(dir)
        // Few malloc arenas: the address-space limit then measures the heap, not reservations.
        .env("MALLOC_ARENA_MAX", "2")
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_TOKEN")
        .env_remove("SURVEY_LINT_ALLOW_PRIVATE")
        .envs(env.iter().copied())
        .stdin(if open_stdin {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run survey-lint under bash");
    let stdin = child.stdin.take();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limits.deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "survey-lint {args:?} did not finish within {:?}: a hang",
                limits.deadline
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    let (stdout, stderr) = (
        stdout.join().expect("stdout"),
        stderr.join().expect("stderr"),
    );
    let Some(code) = status.code() else {
        panic!(
            "survey-lint {args:?} was killed by signal {:?} (a limit: {} MiB, {} s CPU)\n{}",
            status.signal(),
            limits.memory_mib,
            limits.cpu_secs,
            tail(&stderr)
        );
    };
    assert!(
        code != 134 && !stderr.contains("memory allocation of"),
        "survey-lint {args:?} ran out of its {} MiB\n{}",
        limits.memory_mib,
        tail(&stderr)
    );
    assert!(
        !stderr.contains("panicked"),
        "survey-lint {args:?} panicked:\n{}",
        tail(&stderr)
    );
    Run {
        code,
        stdout,
        stderr,
    }
}

impl Run {
    /// Everything printed, with miette's line wrapping undone: one space between words.
    fn printed(&self) -> String {
        flat(&format!("{}\n{}", self.stdout, self.stderr))
    }
}

fn flat(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

fn tail(text: &str) -> &str {
    let start = text.len().saturating_sub(2000);
    let start = (start..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    &text[start..]
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("folders");
    }
    std::fs::write(path, text).expect("write");
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", tail(&run.stderr)))
}

fn diagnostics(run: &Run) -> Vec<serde_json::Value> {
    json(run)["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .clone()
}

/// `n` URLs glued into one cell: one bare link GFM runs on for `n` × 21 bytes.
fn glued_run(n: usize) -> String {
    let urls: String = (0..n).map(|i| format!("https://a.com/x{i:06}")).collect();
    format!("| Name | Link |\n|---|---|\n| m | {urls} |\n")
}

fn empty_rows(n: usize) -> String {
    format!("| a | b |\n|---|---|\n{}", "| | |\n".repeat(n))
}

// ---------------------------------------------------------------------------------------
// Files a pull request brings.

#[test]
fn a_glued_run_costs_memory_and_output_in_proportion_to_its_findings() {
    // 10,000 URLs in one cell (210 KB): each finding used to carry the whole run, 2 GB in all,
    // and the human report drew the line up to each finding.
    let dir = tempfile::tempdir().expect("temp dir");
    let n = 10_000;
    write(dir.path(), "glued.md", &glued_run(n));
    for format in ["json", "sarif", "github", "junit", "human"] {
        let run = run_bounded(
            dir.path(),
            &["check", "--offline", "--format", format, "glued.md"],
            &[],
            BOUNDED,
            false,
        );
        assert_eq!(run.code, 1, "{format}: {}", tail(&run.stderr));
        let findings = n - 1;
        assert!(
            run.stdout.len() < 1_200 * findings,
            "{format}: {} bytes for {findings} findings",
            run.stdout.len()
        );
        if format == "json" {
            let found = diagnostics(&run);
            assert_eq!(found.len(), findings);
            let url = found[5000]["url"].as_str().expect("url");
            assert_eq!(url, "https://a.com/x005000https://a.com/x005001");
        }
        if format == "human" {
            // The columns of a finding deep in the line are kept though the line is cut.
            assert!(run.stdout.contains("[glued.md:3:105007]"), "{format}");
        }
    }
}

#[test]
fn related_spans_far_along_a_line_are_drawn_apart_in_the_human_report() {
    // A finding whose related span stands far along the same line: the snippet held the line
    // between them, so output grew with the square of a one-line table, and past 65,535
    // columns (a tab counts up to 4) the renderer panicked.
    let dir = tempfile::tempdir().expect("temp dir");
    let tabs = "\t".repeat(16_400);
    let cases = [
        (
            "fragment.md",
            format!("<a id=\"section-one\"></a>{tabs}[s](#section-onf)\n"),
        ),
        (
            "row.md",
            format!(
                "<table><tr><th>name</th></tr><tr><td>a</td></tr>{tabs}<tr><td>a</td></tr></table>\n"
            ),
        ),
        (
            "runs-on.md",
            format!(
                "| name | link |\n|---|---|\n| x | https://example.com/{}开源完整的 |\n",
                "a".repeat(70_000)
            ),
        ),
        (
            "rows.md",
            format!(
                "<table><tr><th>n</th></tr>{}</table>\n",
                "<tr><td>a</td></tr>".repeat(3_200)
            ),
        ),
    ];
    for (name, text) in &cases {
        write(dir.path(), name, text);
        let run = run_bounded(
            dir.path(),
            &["check", "--offline", "--format", "human", name],
            &[],
            BOUNDED,
            false,
        );
        assert!(run.code <= 1, "{name}: {}", tail(&run.stderr));
        assert!(!run.stdout.is_empty(), "{name}: a finding is drawn");
        assert!(
            run.stdout.len() < 4_000 * 3_200,
            "{name}: {} bytes of report",
            run.stdout.len()
        );
    }
}

#[test]
fn a_million_findings_style_input_in_sarif_costs_memory_in_proportion() {
    // 50,000 empty rows (300 KB): SARIF used to build a tree of every result (200,000 rows took
    // 1.57 GB); each finding now costs a few hundred bytes and the report is streamed.
    let dir = tempfile::tempdir().expect("temp dir");
    let n = 50_000;
    write(dir.path(), "empty.md", &empty_rows(n));
    let limits = Limits {
        memory_mib: 256,
        ..BOUNDED
    };
    for format in ["sarif", "json"] {
        let run = run_bounded(
            dir.path(),
            &["check", "--offline", "--format", format, "empty.md"],
            &[],
            limits,
            false,
        );
        assert_eq!(run.code, 1, "{}", tail(&run.stderr));
        let value = json(&run);
        let results = match format {
            "sarif" => &value["runs"][0]["results"],
            _ => &value["diagnostics"],
        };
        assert_eq!(results.as_array().map(Vec::len), Some(n), "{format}");
    }
}

#[test]
fn fix_applies_a_hundred_thousand_fixes_in_bounded_cpu_time() {
    // The overlap check compared each edit with every accepted one: 80,000 fixes took 9.4 s
    // of CPU in a release build, a million never finished.
    let dir = tempfile::tempdir().expect("temp dir");
    let n = 100_000;
    write(
        dir.path(),
        "empty.md",
        &format!("| a | b |\n|---|---|\n{}| x | y |\n", "| | |\n".repeat(n)),
    );
    let limits = Limits {
        cpu_secs: 45,
        ..BOUNDED
    };
    let run = run_bounded(
        dir.path(),
        &[
            "check",
            "--offline",
            "--fix",
            "--format",
            "json",
            "empty.md",
        ],
        &[],
        limits,
        false,
    );
    assert_eq!(run.code, 0, "{}", tail(&run.stderr));
    assert!(
        run.stderr
            .contains(&format!("fixed {n} findings in 1 file"))
    );
    let fixed = std::fs::read_to_string(dir.path().join("empty.md")).expect("fixed");
    assert_eq!(fixed, "| a | b |\n|---|---|\n| x | y |\n");
}

#[test]
fn fix_in_a_file_with_old_mac_line_endings_deletes_only_the_row() {
    // Lines end at a `\r` alone too (CommonMark, GitHub): a file saved with old Mac line
    // endings has no `\n`, and the empty row's "line" was the whole file, which `--fix` deleted.
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "| a | b |\r|---|---|\r| x | y |\r| | |\r| z | w |\r";
    write(dir.path(), "cr.md", text);
    let run = run_bounded(
        dir.path(),
        &["check", "--offline", "--format", "json", "cr.md"],
        &[],
        BOUNDED,
        false,
    );
    let found = diagnostics(&run);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(4), Some(1))
    );
    let run = run_bounded(
        dir.path(),
        &["check", "--offline", "--fix", "cr.md"],
        &[],
        BOUNDED,
        false,
    );
    assert_eq!(run.code, 0, "{}", tail(&run.stderr));
    let fixed = std::fs::read_to_string(dir.path().join("cr.md")).expect("fixed");
    assert_eq!(fixed, "| a | b |\r|---|---|\r| x | y |\r| z | w |\r");
}

#[test]
fn fix_diff_of_scattered_fixes_is_bounded() {
    // 50,000 empty rows, each after a kept row: the line diff of `--fix --diff` (and of
    // `--fix --changed-since`) searched for the smallest diff for 8 s in a release build.
    let dir = tempfile::tempdir().expect("temp dir");
    let n = 50_000;
    let rows: String = (0..n).map(|i| format!("| r{i} | y |\n| |  |\n")).collect();
    let text = format!("| name | b |\n|---|---|\n{rows}");
    write(dir.path(), "scattered.md", &text);
    let limits = Limits {
        cpu_secs: 30,
        ..BOUNDED
    };
    let run = run_bounded(
        dir.path(),
        &["check", "--offline", "--fix", "--diff", "scattered.md"],
        &[],
        limits,
        false,
    );
    assert!(run.code <= 1, "{}", tail(&run.stderr));
    let removed = run.stdout.lines().filter(|l| *l == "-| |  |").count();
    assert_eq!(removed, n, "every empty row is shown removed");
    let kept = std::fs::read_to_string(dir.path().join("scattered.md")).expect("file");
    assert_eq!(kept, text, "--diff writes nothing");
}

#[test]
fn wide_deep_and_long_inputs_stay_bounded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let columns = 10_000;
    let header: String = (0..columns).map(|i| format!("| c{i} ")).collect();
    let rule = "|---".repeat(columns);
    let row = "| x ".repeat(columns);
    write(
        dir.path(),
        "wide.md",
        &format!("{header}|\n{rule}|\n{row}|\n{row}|\n"),
    );
    write(
        dir.path(),
        "deep.md",
        &format!(
            "{}| a |\n|---|\n| b |\n\n{}x\n",
            "> ".repeat(5_000),
            "- ".repeat(5_000)
        ),
    );
    let long = format!("| a |\n|---|\n| {} |\n", "字".repeat(2_000_000));
    write(dir.path(), "long.md", &long);
    write(
        dir.path(),
        "crlf.md",
        "\u{feff}| a | b |\r\n|---|---|\r\n| x | y |\r\n| x | y |\r\n",
    );
    for file in ["wide.md", "deep.md", "long.md", "crlf.md"] {
        let run = run_bounded(
            dir.path(),
            &["check", "--offline", "--format", "json", file],
            &[],
            BOUNDED,
            false,
        );
        assert!(run.code < 2, "{file}: {}", tail(&run.stderr));
        json(&run);
    }
}

#[test]
fn special_files_are_errors_that_say_what_they_are() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("pipe.md");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    std::os::unix::fs::symlink("loop.md", dir.path().join("loop.md")).expect("symlink");
    std::os::unix::fs::symlink("gone.md", dir.path().join("dangling.md")).expect("symlink");
    let run = run_bounded(
        dir.path(),
        &["check", "--offline", "pipe.md", "loop.md", "dangling.md"],
        &[],
        BOUNDED,
        true,
    );
    assert_eq!(run.code, 2);
    let printed = run.printed();
    for message in [
        "pipe.md: cannot read: not a regular file or folder (a FIFO)",
        "loop.md: cannot read: Too many levels of symbolic links",
        "dangling.md: cannot read: a symbolic link to a file that does not exist",
    ] {
        assert!(printed.contains(message), "{message}: {printed}");
    }
    assert!(!printed.contains("no such file"), "{printed}");
}

// ---------------------------------------------------------------------------------------
// A config and rule files from the pull request.

#[test]
fn rule_files_outside_the_repository_are_refused_without_being_read() {
    let outer = tempfile::tempdir().expect("temp dir");
    let repo = outer.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).expect(".git");
    write(&repo, ".git/config", "[core]\nGIT-CONFIG-SECRET = 1\n");
    write(outer.path(), "outside.toml", "OUTSIDE-SECRET = 1\n");
    write(&repo, "a.md", "| a |\n|---|\n| x |\n");
    std::os::unix::fs::symlink("/etc/passwd", repo.join("passwd.toml")).expect("symlink");
    std::os::unix::fs::symlink("../outside.toml", repo.join("out.toml")).expect("symlink");
    let made = Command::new("mkfifo")
        .arg(repo.join("fifo.toml"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    write(
        &repo,
        "big.toml",
        &format!("# BIG-SECRET\n{}", "x".repeat(2 << 20)),
    );
    std::fs::create_dir_all(repo.join("folder.toml")).expect("folder");
    let cases = [
        ("/proc/self/environ", "is an absolute path"),
        ("/etc/passwd", "is an absolute path"),
        ("/dev/zero", "is an absolute path"),
        ("/dev/stdin", "is an absolute path"),
        ("../outside.toml", "is outside the repository"),
        ("lint/../../outside.toml", "is outside the repository"),
        ("out.toml", "is outside the repository"),
        ("passwd.toml", "is outside the repository"),
        (".git/config", "is inside `.git`"),
        ("fifo.toml", "is not a regular file"),
        ("folder.toml", "is not a regular file"),
        ("big.toml", "is larger than 1024 KiB"),
    ];
    for (entry, reason) in cases {
        write(
            &repo,
            "survey-lint.toml",
            &format!("rule_files = [{entry:?}]\n"),
        );
        let run = run_bounded(
            &repo,
            &["check", "--offline", "a.md"],
            &[("SURVEY_LINT_TEST_SECRET", "ENV-SECRET-4711")],
            BOUNDED,
            true,
        );
        assert_eq!(run.code, 2, "{entry}: {}", run.stderr);
        let printed = run.printed();
        let message = format!("rule file `{entry}` {reason}");
        assert!(printed.contains(&message), "{entry}: {printed}");
        for secret in [
            "ENV-SECRET-4711",
            "root:",
            "OUTSIDE-SECRET",
            "GIT-CONFIG-SECRET",
            "BIG-SECRET",
        ] {
            assert!(!printed.contains(secret), "{entry} printed {secret}");
        }
    }
}

#[test]
fn an_error_in_a_rule_file_names_its_line_and_column_without_quoting_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "survey-lint.toml",
        "rule_files = [\"lint/x.toml\"]\n",
    );
    write(
        dir.path(),
        "lint/x.toml",
        "code = \"X1\"\nname = \"x\"\nsummary = SECRET-LINE-TEXT\n",
    );
    write(dir.path(), "a.md", "| a |\n|---|\n| x |\n");
    let run = run_bounded(
        dir.path(),
        &["check", "--offline", "a.md"],
        &[],
        BOUNDED,
        false,
    );
    assert_eq!(run.code, 2);
    let printed = run.printed();
    assert!(printed.contains("lint/x.toml:3:11: "), "{printed}");
    assert!(!printed.contains("SECRET-LINE-TEXT"), "{printed}");
    // A value the settings refuse is not echoed either.
    write(
        dir.path(),
        "lint/x.toml",
        "code = \"X1\"\nname = \"x\"\nsummary = \"s\"\nseverity = \"SECRET-VALUE\"\n",
    );
    let run = run_bounded(
        dir.path(),
        &["check", "--offline", "a.md"],
        &[],
        BOUNDED,
        false,
    );
    assert_eq!(run.code, 2);
    let printed = run.printed();
    assert!(
        printed.contains("lint/x.toml:4:12: unknown variant `…`, expected one of"),
        "{printed}"
    );
    assert!(!printed.contains("SECRET-VALUE"), "{printed}");
}

#[test]
fn a_config_error_far_into_a_long_line_is_shown_without_a_panic() {
    // A config whose mistake stands 200,000 columns into one line (a generated `exclude` list):
    // the error renderer padded to the column and panicked past 65,535.
    let dir = tempfile::tempdir().expect("temp dir");
    let long: String = (0..20_000).map(|i| format!("\"a{i:05}\", ")).collect();
    write(
        dir.path(),
        "survey-lint.toml",
        &format!("[links]\nexclude = [{long}\"\\uD800\"]\n"),
    );
    write(dir.path(), "a.md", "| a |\n|---|\n| x |\n");
    let run = run_bounded(
        dir.path(),
        &["check", "--offline", "a.md"],
        &[],
        BOUNDED,
        false,
    );
    assert_eq!(run.code, 2, "{}", tail(&run.stderr));
    assert!(!run.stderr.contains("panicked"), "{}", tail(&run.stderr));
    // `exclude = [` is 11 columns, then the list, then `"\u` before the refused hex digits.
    let column = 11 + long.len() + 4;
    assert!(
        run.stderr
            .contains(&format!("survey-lint.toml:2:{column}]")),
        "{}",
        tail(&run.stderr)
    );
    // A value of the wrong type, 200,000 characters long, is not quoted whole.
    write(
        dir.path(),
        "survey-lint.toml",
        &format!("[rules]\nempty-row = \"{}\"\n", "x".repeat(200_000)),
    );
    let wrong = run_bounded(
        dir.path(),
        &["check", "--offline", "a.md"],
        &[],
        BOUNDED,
        false,
    );
    assert_eq!(wrong.code, 2, "{}", tail(&wrong.stderr));
    assert!(wrong.stderr.len() < 4_000, "{} bytes", wrong.stderr.len());
    assert!(
        run.stderr.len() < 4_000,
        "the line is cut: {} bytes",
        run.stderr.len()
    );
}

#[test]
fn did_you_mean_searches_are_bounded() {
    // broken-fragment compared every broken fragment with every anchor in full (200 KB of one
    // id and one link: 15.5 s; 40,000 anchors and 4,000 broken links: 15.5 s), and missing-file
    // every missing name with every name of its folder (2,000 names of 200 characters and 40
    // links: 31 s).
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect("git dir");
    let long = format!("# {}\n[a](#{})\n", "x".repeat(100_000), "y".repeat(100_000));
    let anchors: String = (0..40_000)
        .map(|i| format!("<a id=\"{}{i:05}\"></a>\n", "x".repeat(40)))
        .collect();
    let links: String = (0..4_000)
        .map(|i| format!("[x](#{}zzzz{i})\n", "x".repeat(40)))
        .collect();
    write(dir.path(), "long.md", &long);
    write(dir.path(), "many.md", &format!("{anchors}{links}"));
    std::fs::create_dir(dir.path().join("d")).expect("folder");
    for i in 0..2_000 {
        let name = format!("{}{i:04}", "n".repeat(196));
        std::fs::write(dir.path().join("d").join(name), "").expect("file");
    }
    let missing: String = (0..40)
        .map(|i| format!("[a](d/{}{i})\n", "q".repeat(1_000)))
        .collect();
    write(dir.path(), "files.md", &missing);
    let limits = Limits {
        cpu_secs: 20,
        ..BOUNDED
    };
    for (name, rule, count) in [
        ("long.md", "broken-fragment", 1),
        ("many.md", "broken-fragment", 4_000),
        ("files.md", "missing-file", 40),
    ] {
        let run = run_bounded(
            dir.path(),
            &["check", "--offline", "--format", "json", name],
            &[],
            limits,
            false,
        );
        assert_eq!(run.code, 1, "{name}: {}", tail(&run.stderr));
        let found = diagnostics(&run);
        let of_rule = found.iter().filter(|d| d["rule"] == rule).count();
        assert_eq!(of_rule, count, "{name}");
    }
}

#[test]
fn patterns_in_a_config_are_compiled_within_small_limits() {
    // 300 patterns of `\w{150}` (4 KB of config) compiled to 2 GB under the regex crate's
    // default limit of 10 MiB a pattern, and the run was killed.
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "a.md", "| a |\n|---|\n| x |\n");
    let heavy: Vec<String> = (0..300).map(|i| format!("\"\\\\w{{150}}{i}\"")).collect();
    let cases = [
        (
            format!("[links]\nexclude = [{}]\n", heavy.join(",")),
            "exceeds size limit",
        ),
        (
            format!(
                "[links]\nexclude = [{}]\n",
                (0..300)
                    .map(|i| format!("\"a{i}\""))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            "at most 256",
        ),
    ];
    for (config, says) in &cases {
        write(dir.path(), "survey-lint.toml", config);
        let run = run_bounded(
            dir.path(),
            &["check", "--offline", "a.md"],
            &[],
            Limits {
                memory_mib: 256,
                ..BOUNDED
            },
            false,
        );
        assert_eq!(run.code, 2, "{}", tail(&run.stderr));
        assert!(run.stderr.contains(says), "{}", tail(&run.stderr));
    }
    // What users write still loads.
    write(
        dir.path(),
        "survey-lint.toml",
        "[links]\nexclude = ['^https://www\\.linkedin\\.com/', 'example\\.(com|org)']\n",
    );
    let run = run_bounded(
        dir.path(),
        &["check", "--offline", "a.md"],
        &[],
        BOUNDED,
        false,
    );
    assert_eq!(run.code, 0, "{}", tail(&run.stderr));
}

#[test]
fn the_link_cache_cannot_be_put_outside_the_repository() {
    let outer = tempfile::tempdir().expect("temp dir");
    let repo = outer.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).expect(".git");
    write(&repo, "a.md", "| a |\n|---|\n| x |\n");
    for dir in ["/tmp", "../elsewhere", "cache/../../elsewhere"] {
        write(
            &repo,
            "survey-lint.toml",
            &format!("[links]\ncache_dir = {dir:?}\n"),
        );
        let run = run_bounded(&repo, &["check", "--offline", "a.md"], &[], BOUNDED, false);
        assert_eq!(run.code, 2, "{dir}: {}", run.stderr);
        assert!(run.printed().contains("links.cache_dir"), "{}", run.stderr);
    }
    write(
        &repo,
        "survey-lint.toml",
        "[links]\ncache_dir = \"cache\"\n",
    );
    let run = run_bounded(&repo, &["check", "--offline", "a.md"], &[], BOUNDED, false);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------
// What remote servers answer.

/// A config for online runs in `dir`: loopback allowed only from the command line, the cache
/// in the folder, short timings.
fn online_config(dir: &Path) {
    write(
        dir,
        "survey-lint.toml",
        "[links]\ncache_dir = \"cache\"\nrequest_timeout = \"2s\"\ntotal_timeout = \"60s\"\nretry_backoff = \"50ms\"\nmax_retries = 1\n",
    );
}

#[test]
fn a_hostile_location_cannot_add_cells_links_or_images_to_the_table() {
    let server = Server::start("127.0.0.1", |hit, _| match hit.path.as_str() {
        "/pipe" => Reply::redirect(301, "/t|x|y"),
        "/image" => Reply::redirect(308, "/t)![pwn](/p.png)"),
        "/ticks" => Reply::redirect(301, "/t`x`<b>\\"),
        // A second URL inside the target would be read as glued to the first: no fix.
        "/inner" => Reply::redirect(301, "/t)![pwn](http://evil.example/p.png)"),
        _ => Reply::status(200),
    });
    let dir = tempfile::tempdir().expect("temp dir");
    online_config(dir.path());
    let before = format!(
        "| Name | Link |\n|---|---|\n| a | {pipe} |\n| b | [page]({image}) |\n| c | <{pipe}> |\n| d | {image} |\n| e | [t]({ticks}) |\n| f | {inner} |\n| g | [i]({inner}) |\n\n[ref]: {image}\n",
        pipe = server.url("/pipe"),
        image = server.url("/image"),
        ticks = server.url("/ticks"),
        inner = server.url("/inner"),
    );
    write(dir.path(), "s.md", &before);
    let run = run_bounded(
        dir.path(),
        &[
            "check",
            "--fix",
            "--allow-private",
            "127.0.0.1",
            "--format",
            "json",
            "s.md",
        ],
        &[],
        BOUNDED,
        false,
    );
    assert!(run.code < 2, "{}", run.stderr);
    let after = std::fs::read_to_string(dir.path().join("s.md")).expect("fixed");
    assert_ne!(after, before, "the redirects were fixed");
    assert!(after.contains("/t%7Cx%7Cy"), "{after}");
    assert!(after.contains("/t%29!%5Bpwn%5D%28/p.png"), "{after}");
    assert!(after.contains("/t%60x%60%3Cb%3E"), "{after}");
    assert_eq!(after.matches(&server.url("/inner")).count(), 2, "{after}");
    let shape = |text: &str| {
        let doc = Document::parse(text);
        let cells: Vec<usize> = doc.tables[0].rows(&doc).map(|r| r.cells.len()).collect();
        let kinds: Vec<LinkKind> = doc.links.iter().map(|l| l.kind).collect();
        (doc.tables.len(), cells, kinds)
    };
    assert_eq!(shape(&after), shape(&before), "{after}");
}

#[test]
fn private_addresses_are_decided_by_the_flag_then_the_environment_then_the_config() {
    let server = Server::start("127.0.0.1", by_path);
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "s.md",
        &format!("| a | b |\n|---|---|\n| x | {} |\n", server.url("/ok")),
    );
    let rules = |run: &Run| -> Vec<String> {
        diagnostics(run)
            .iter()
            .map(|d| d["rule"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let check = |config: &str, env: &[(&str, &str)], flag: Option<&str>| {
        write(
            dir.path(),
            "survey-lint.toml",
            &format!("[links]\nallow_private = {config}\n"),
        );
        let mut args = vec!["check", "--no-cache", "--format", "json"];
        if let Some(flag) = flag {
            args.extend(["--allow-private", flag]);
        }
        args.push("s.md");
        run_bounded(dir.path(), &args, env, BOUNDED, false)
    };
    // A committed config allows everything; CI says no.
    let run = check("true", &[("SURVEY_LINT_ALLOW_PRIVATE", "false")], None);
    assert_eq!(rules(&run), ["skipped-link"], "{}", run.stderr);
    let run = check("true", &[("SURVEY_LINT_ALLOW_PRIVATE", "")], None);
    assert_eq!(rules(&run), ["skipped-link"], "an empty variable is false");
    assert_eq!(server.hit_count(), 0);
    // The flag wins over the environment.
    let run = check(
        "false",
        &[("SURVEY_LINT_ALLOW_PRIVATE", "false")],
        Some("127.0.0.1"),
    );
    assert!(rules(&run).is_empty(), "{}", run.stderr);
    assert!(server.hit_count() > 0);
    let hits = server.hit_count();
    let run = check("true", &[], Some("false"));
    assert_eq!(rules(&run), ["skipped-link"]);
    // The environment wins over the config.
    let run = check(
        "false",
        &[("SURVEY_LINT_ALLOW_PRIVATE", "127.0.0.0/8")],
        None,
    );
    assert!(rules(&run).is_empty(), "{}", run.stderr);
    assert!(server.hit_count() > hits);
    let run = check("false", &[("SURVEY_LINT_ALLOW_PRIVATE", "nonsense")], None);
    assert_eq!(run.code, 2);
    assert!(
        run.printed().contains("SURVEY_LINT_ALLOW_PRIVATE"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_verdict_cached_while_private_addresses_were_allowed_is_not_served_when_they_are_not() {
    let server = Server::start("127.0.0.1", by_path);
    let dir = tempfile::tempdir().expect("temp dir");
    online_config(dir.path());
    // A name, so that only the resolver (not the URL) shows the address is loopback.
    let url = format!("http://localhost:{}/ok", server.addr.port());
    write(
        dir.path(),
        "s.md",
        &format!("| a | b |\n|---|---|\n| x | {url} |\n"),
    );
    let args = ["check", "--format", "json", "s.md"];
    let allowed = run_bounded(
        dir.path(),
        &args,
        &[("SURVEY_LINT_ALLOW_PRIVATE", "true")],
        BOUNDED,
        false,
    );
    assert!(diagnostics(&allowed).is_empty(), "{}", allowed.stderr);
    let hits = server.hit_count();
    assert!(hits > 0);
    let refused = run_bounded(dir.path(), &args, &[], BOUNDED, false);
    let rules: Vec<_> = diagnostics(&refused)
        .iter()
        .map(|d| d["rule"].clone())
        .collect();
    assert_eq!(rules, ["skipped-link"], "{}", refused.stderr);
    assert_eq!(server.hit_count(), hits, "nothing requested");
}

#[test]
fn runs_saving_the_cache_at_once_keep_every_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let runs = 8;
    for round in 0..5 {
        let barrier = std::sync::Barrier::new(runs);
        std::thread::scope(|scope| {
            for run in 0..runs {
                let (dir, barrier) = (dir.path(), &barrier);
                scope.spawn(move || {
                    let mut cache = Cache::open(dir, Duration::from_secs(3600), "p".into());
                    cache.insert(&format!("https://e.example/{round}/{run}"), &Verdict::Alive);
                    barrier.wait();
                    cache.save().expect("saved");
                });
            }
        });
    }
    let cache = Cache::open(dir.path(), Duration::from_secs(3600), "p".into());
    for round in 0..5 {
        for run in 0..runs {
            let url = format!("https://e.example/{round}/{run}");
            assert_eq!(cache.get(&url), Some(Verdict::Alive), "{url} lost");
        }
    }
}

/// Every way of writing a loopback, private or metadata address that the matrix tried.
fn address_forms(port: u16) -> Vec<String> {
    let hosts = [
        "127.0.0.1",
        "127.1",
        "127.0.1",
        "0x7f.0.0.1",
        "0x7f000001",
        "2130706433",
        "017700000001",
        "0177.0.0.1",
        "127.0.0.1.",
        "%31%32%37.0.0.1",
        "①②⑦.0.0.1",
        "127.255.255.254",
        "0.0.0.0",
        "0",
        "localhost",
        "LOCALHOST",
        "localhost.",
        "[::1]",
        "[::]",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
        "[0:0:0:0:0:ffff:127.0.0.1]",
        "[::ffff:0:127.0.0.1]",
        "[::ffff:0:7f00:1]",
        "[64:ff9b::127.0.0.1]",
        "[64:ff9b:1::7f00:1]",
        "[::127.0.0.1]",
        "[2002:7f00:1::]",
        "169.254.169.254",
        "[::ffff:169.254.169.254]",
        "[fd00:ec2::254]",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.0.1",
        "100.64.0.1",
        "[fe80::1]",
        "[fc00::1]",
        "user:pass@127.0.0.1",
    ];
    let mut forms: Vec<String> = hosts
        .iter()
        .map(|h| format!("http://{h}:{port}/ok"))
        .collect();
    forms.push(format!("HTTP://127.0.0.1:{port}/ok"));
    forms.push(format!("https://127.0.0.1:{port}/ok"));
    forms
}

#[test]
fn no_form_of_a_private_address_is_requested_directly_or_through_a_redirect() {
    let target = Server::start("127.0.0.1", by_path);
    let forms = address_forms(target.addr.port());
    assert!(forms.len() >= 40);
    let options = CheckOptions {
        use_cache: false,
        ..CheckOptions::default()
    };
    let config = LinkConfig {
        request_timeout: survey_lint::links::config::ConfigDuration(Duration::from_secs(2)),
        max_retries: 0,
        ..LinkConfig::default()
    };
    let verdicts = check_urls(&forms, &config, &options);
    for form in &forms {
        assert!(
            !matches!(
                verdicts.get(form),
                Some(Verdict::Alive | Verdict::Redirected { .. }) | None
            ),
            "{form}: {:?}",
            verdicts.get(form)
        );
    }
    // The same forms as redirect targets of an allowed host.
    let redirects: std::collections::HashMap<String, String> = forms
        .iter()
        .enumerate()
        .map(|(i, f)| (format!("/go/{i}"), f.clone()))
        .collect();
    let first = Server::start("127.0.0.2", move |hit, _| match redirects.get(&hit.path) {
        Some(location) => Reply::redirect(301, location),
        None => Reply::status(404),
    });
    let starts: Vec<String> = (0..forms.len())
        .map(|i| first.url(&format!("/go/{i}")))
        .collect();
    let allowed = LinkConfig {
        allow_private: AllowPrivate::List(vec!["127.0.0.2".parse().expect("address")]),
        ..config
    };
    let verdicts = check_urls(&starts, &allowed, &options);
    for (start, form) in starts.iter().zip(&forms) {
        assert!(
            !matches!(
                verdicts.get(start),
                Some(Verdict::Alive | Verdict::Redirected { .. }) | None
            ),
            "{form}: {:?}",
            verdicts.get(start)
        );
    }
    assert_eq!(target.hit_count(), 0, "{:?}", target.hits());
}

#[test]
fn the_github_token_reaches_no_other_host_and_is_never_printed() {
    let target = Server::start("127.0.0.2", by_path);
    let location = target.url("/ok");
    let first = Server::start("127.0.0.1", move |_, _| Reply::redirect(301, &location));
    let dir = tempfile::tempdir().expect("temp dir");
    online_config(dir.path());
    write(
        dir.path(),
        "s.md",
        &format!("| a | b |\n|---|---|\n| x | {} |\n", first.url("/repo")),
    );
    for format in ["json", "human", "sarif", "github"] {
        let run = run_bounded(
            dir.path(),
            &[
                "check",
                "--no-cache",
                "--allow-private",
                "127.0.0.0/8",
                "--format",
                format,
                "s.md",
            ],
            &[("GITHUB_TOKEN", "ghp_TOKEN_4711")],
            BOUNDED,
            false,
        );
        assert!(run.code < 2, "{}", run.stderr);
        assert!(!run.stdout.contains("ghp_TOKEN_4711") && !run.stderr.contains("ghp_TOKEN_4711"));
    }
    for hit in first.hits().into_iter().chain(target.hits()) {
        assert_eq!(hit.header("authorization"), None, "{hit:?}");
    }
}

/// A server that sends a status line and then headers forever, one every few milliseconds.
fn endless_headers() -> std::net::SocketAddr {
    use tokio::io::AsyncWriteExt;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("non-blocking");
    let addr = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    if stream.write_all(b"HTTP/1.1 200 OK\r\n").await.is_err() {
                        return;
                    }
                    for i in 0u64.. {
                        let header = format!("x-{i}: {}\r\n", "y".repeat(512));
                        if stream.write_all(header.as_bytes()).await.is_err() {
                            return;
                        }
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                });
            }
        });
    });
    addr
}

#[test]
fn slow_endless_and_looping_servers_end_in_bounded_time_and_memory() {
    let silent = Server::start("127.0.0.1", |_, _| Reply::silent());
    let endless_body = Server::start("127.0.0.1", |_, _| {
        Reply::status(200).body(Body::Zeros(50 << 30))
    });
    let looping = Server::start("127.0.0.1", by_path);
    let headers = endless_headers();
    let dir = tempfile::tempdir().expect("temp dir");
    online_config(dir.path());
    write(
        dir.path(),
        "s.md",
        &format!(
            "| a | b |\n|---|---|\n| silent | {} |\n| body | {} |\n| loop | {} |\n| headers | http://{headers}/h |\n",
            silent.url("/x"),
            endless_body.url("/x"),
            looping.url("/loop-a"),
        ),
    );
    let limits = Limits {
        memory_mib: 512,
        ..BOUNDED
    };
    let run = run_bounded(
        dir.path(),
        &[
            "check",
            "--no-cache",
            "--allow-private",
            "127.0.0.1",
            "--format",
            "json",
            "s.md",
        ],
        &[],
        limits,
        false,
    );
    assert!(run.code < 2, "{}", run.stderr);
    let found: Vec<_> = diagnostics(&run)
        .iter()
        .map(|d| (d["rule"].clone(), d["line"].clone()))
        .collect();
    // The endless body answered 200: alive, after reading a bounded part of it.
    let unreachable = |line: u64| {
        (
            serde_json::json!("unreachable-link"),
            serde_json::json!(line),
        )
    };
    assert_eq!(found, [unreachable(3), unreachable(5), unreachable(6)]);
    assert!(
        endless_body.bytes_written() < 64 << 20,
        "the body was not drained"
    );
}

#[test]
fn ten_thousand_urls_to_one_host_are_each_requested_once_within_the_per_host_limit() {
    let server = Server::start("127.0.0.1", |_, _| Reply::status(200));
    let dir = tempfile::tempdir().expect("temp dir");
    online_config(dir.path());
    let n = 10_000;
    let rows: String = (0..n)
        .map(|i| format!("| m{i} | {} |\n", server.url(&format!("/p/{i}"))))
        .collect();
    write(dir.path(), "s.md", &format!("| a | b |\n|---|---|\n{rows}"));
    let run = run_bounded(
        dir.path(),
        &[
            "check",
            "--no-cache",
            "--allow-private",
            "127.0.0.1",
            "--format",
            "json",
            "s.md",
        ],
        &[],
        BOUNDED,
        false,
    );
    assert_eq!(run.code, 0, "{}", tail(&run.stderr));
    assert!(diagnostics(&run).is_empty());
    assert_eq!(server.hit_count(), n);
    assert!(server.max_in_flight() <= LinkConfig::default().max_per_host);
}

// ---------------------------------------------------------------------------------------
// --fix against the file system.

#[test]
fn fix_writes_the_target_of_a_symbolic_link_and_keeps_the_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "real.md",
        "| a | b |\n|---|---|\n| x | y |\n| x | y |\n",
    );
    std::os::unix::fs::symlink("real.md", dir.path().join("link.md")).expect("symlink");
    let run = run_bounded(
        dir.path(),
        &["check", "--offline", "--fix", "link.md"],
        &[],
        BOUNDED,
        false,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let link = std::fs::symlink_metadata(dir.path().join("link.md")).expect("link");
    assert!(link.file_type().is_symlink(), "the link stays a link");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("real.md")).expect("target"),
        "| a | b |\n|---|---|\n| x | y |\n"
    );
}

#[test]
fn fix_leaves_alone_a_file_that_changed_while_it_ran() {
    // The link check holds the run until the test has appended a line to the file.
    let appended = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&appended);
    let server = Server::start("127.0.0.1", move |_, _| {
        let started = Instant::now();
        while !flag.load(std::sync::atomic::Ordering::SeqCst)
            && started.elapsed() < Duration::from_secs(30)
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        Reply::status(200)
    });
    let dir = tempfile::tempdir().expect("temp dir");
    online_config(dir.path());
    let text = format!(
        "| a | b |\n|---|---|\n| x | {} |\n| x | {} |\n",
        server.url("/ok"),
        server.url("/ok")
    );
    write(dir.path(), "s.md", &text);
    let path = dir.path().join("s.md");
    let appender = std::thread::spawn(move || {
        let started = Instant::now();
        while server.hit_count() == 0 && started.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(10));
        }
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        std::io::Write::write_all(&mut file, b"\nA line written while survey-lint ran.\n")
            .expect("append");
        appended.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let run = run_bounded(
        dir.path(),
        &["check", "--fix", "--allow-private", "127.0.0.1", "s.md"],
        &[],
        BOUNDED,
        false,
    );
    appender.join().expect("appender");
    assert_eq!(run.code, 2, "{}", run.stderr);
    let printed = run.printed();
    assert!(
        printed.contains("s.md: not fixed: the file changed since it was read"),
        "{printed}"
    );
    assert!(!printed.contains("fixed 1"), "{printed}");
    let now = std::fs::read_to_string(dir.path().join("s.md")).expect("read");
    assert!(
        now.starts_with(&text) && now.ends_with("while survey-lint ran.\n"),
        "{now}"
    );
}

#[test]
fn a_failed_write_is_reported_as_not_fixed() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Larger than the 1 KiB file size limit below, so that writing the fixed file fails.
    let filler: String = (0..200).map(|i| format!("| k{i} | v |\n")).collect();
    let text = format!("| a | b |\n|---|---|\n{filler}| | |\n");
    write(dir.path(), "s.md", &text);
    let output = Command::new("bash")
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 1; exec "$0" check --offline --fix s.md"#)
        .arg(env!("CARGO_BIN_EXE_survey-lint"))
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    let printed = flat(&format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ));
    assert_eq!(output.status.code(), Some(2), "{printed}");
    assert!(
        printed.contains("s.md: not fixed: File too large"),
        "{printed}"
    );
    assert!(!printed.contains("fixed 1 finding"), "{printed}");
    assert!(
        printed.contains("row has no content"),
        "the finding is still reported: {printed}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.md")).expect("read"),
        text
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(left.len(), 1, "no temporary file left behind");
}

#[test]
fn fix_diff_of_a_file_that_is_not_utf8_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("bad.md"), b"| a |\n|---|\n| \xff |\n").expect("write");
    let run = run_bounded(
        dir.path(),
        &["check", "--offline", "--fix", "--diff", "bad.md"],
        &[],
        BOUNDED,
        false,
    );
    assert_eq!(run.code, 2);
    assert!(
        run.printed().contains("bad.md: not valid UTF-8"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------
// The GitHub Action.

/// The `run:` script of the Action's `check` step.
fn check_step_script() -> String {
    let action =
        std::fs::read_to_string(crate::support::root().join("action.yml")).expect("action.yml");
    let step = action.split("- name: Check").nth(1).expect("a Check step");
    let script = step.split("run: |\n").nth(1).expect("a run script");
    script
        .lines()
        .take_while(|l| l.starts_with("        ") || l.trim().is_empty())
        .map(|l| l.get(8..).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn action_inputs_are_never_run_as_shell_code() {
    let action =
        std::fs::read_to_string(crate::support::root().join("action.yml")).expect("action.yml");
    // What a pull request controls never appears inside a script: inputs and event data.
    let mut in_script = false;
    for line in action.lines() {
        if line.trim_start().starts_with("run:") {
            in_script = true;
        } else if in_script && !line.starts_with("        ") && !line.trim().is_empty() {
            in_script = false;
        }
        if in_script {
            for context in ["${{ inputs.", "${{ github.event", "${{ github.head_ref"] {
                assert!(!line.contains(context), "{context} inside a script: {line}");
            }
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "a b.md", "| a |\n|---|\n| x |\n");
    write(dir.path(), "ok.md", "| a |\n|---|\n| x |\n");
    let pwned = dir.path().join("pwned");
    let hostile = format!(
        "--offline $(touch {0}) `touch {0}` ; touch {0}",
        pwned.display()
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(check_step_script())
        .current_dir(dir.path())
        .env("SURVEY_LINT_BIN", env!("CARGO_BIN_EXE_survey-lint"))
        .env("SURVEY_LINT_SARIF_FILE", dir.path().join("out.sarif"))
        .env("SURVEY_LINT_MARKDOWN_FILE", dir.path().join("out.md"))
        .env("GITHUB_STEP_SUMMARY", dir.path().join("summary.md"))
        .env("INPUT_PATHS", "ok.md *.md")
        .env("INPUT_ARGS", &hostile)
        .env("INPUT_SARIF", "true\" ] && touch pwned && [ \"")
        .env("SURVEY_LINT_ALLOW_PRIVATE", "false")
        .env("GITHUB_OUTPUT", dir.path().join("github-output"))
        .output()
        .expect("run the script");
    assert!(!pwned.exists(), "an input ran as a command");
    assert!(!dir.path().join("pwned").exists());
    // The words of the inputs reach survey-lint as words: `$(touch` is taken for a path, and
    // so is `*.md`, which no shell expanded.
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains("::error title=survey-lint::$(touch: no such file"),
        "{printed}"
    );
    assert!(
        printed.contains("::error title=survey-lint::*.md: no such file"),
        "{printed}"
    );
    let outputs = std::fs::read_to_string(dir.path().join("github-output")).expect("outputs");
    let report = dir.path().join("out.md");
    assert_eq!(
        outputs,
        format!("exit-code=2\nmarkdown={}\n", report.display())
    );
    // The one run's Markdown report went to the job summary.
    let summary = std::fs::read_to_string(dir.path().join("summary.md")).expect("summary");
    assert_eq!(summary, std::fs::read_to_string(&report).expect("report"));
}
