//! Editor latency of `survey-lint server`: the time from sending a `textDocument/didChange` to
//! receiving the `publishDiagnostics` of that version, on a synthetic survey of 200 KB
//! (benches/gen_survey.rs), over 100 edits like typing: one character inserted into a row, then
//! deleted, at rows spread over the file. Prints the median, the 90th percentile and the worst.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example lsp-latency -- target/release/survey-lint
//! cargo run --release --example lsp-latency -- target/release/survey-lint --bytes 1M --edits 50
//! ```

#[path = "gen_survey.rs"]
mod gen_survey;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

struct Client {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Client {
    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    /// The next message, and the bytes of its body.
    fn receive(&mut self) -> (Value, usize) {
        let mut length = 0;
        loop {
            let mut line = String::new();
            if self.stdout.read_line(&mut line).expect("read") == 0 {
                panic!("the server closed its output");
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length:") {
                length = value.trim().parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).expect("read body");
        (serde_json::from_slice(&body).expect("JSON"), length)
    }

    /// Waits for the diagnostics of `version`; returns how many and the message's size.
    fn diagnostics(&mut self, version: i64) -> (usize, usize) {
        loop {
            let (message, bytes) = self.receive();
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["version"] == version
            {
                let count = message["params"]["diagnostics"]
                    .as_array()
                    .map_or(0, Vec::len);
                return (count, bytes);
            }
        }
    }
}

fn value(args: &[String], flag: &str) -> Option<String> {
    let at = args.iter().position(|a| a == flag)?;
    args.get(at + 1).cloned()
}

fn parse_size(text: &str) -> Option<usize> {
    let (number, factor) = match text.chars().last()? {
        'K' | 'k' => (&text[..text.len() - 1], 1 << 10),
        'M' | 'm' => (&text[..text.len() - 1], 1 << 20),
        _ => (text, 1),
    };
    Some(number.parse::<usize>().ok()? * factor)
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let binary = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "target/release/survey-lint".into());
    let bytes = value(&args, "--bytes")
        .and_then(|b| parse_size(&b))
        .unwrap_or(200 << 10);
    let edits: usize = value(&args, "--edits")
        .and_then(|e| e.parse().ok())
        .unwrap_or(100);

    // A survey of `bytes`, cut at a line end.
    let full = gen_survey::Generator::new(42).survey(bytes);
    let cut = full[bytes.min(full.len())..]
        .find('\n')
        .map_or(full.len(), |i| bytes + i + 1);
    let mut text = full[..cut].to_string();
    // Body rows only: a header edited would change which column is the key.
    let lines: Vec<&str> = text.lines().collect();
    let rows: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("| ") && i >= 2 && lines[i - 1].starts_with('|'))
        .filter(|&i| {
            !lines[i - 1].starts_with("| 模型名称") && !lines[i - 1].starts_with("| Language")
        })
        .collect();

    let dir = std::env::temp_dir().join(format!("survey-lint-latency-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("survey.md");
    std::fs::write(&path, &text).expect("write survey");
    let uri = url::Url::from_file_path(&path)
        .expect("absolute")
        .to_string();
    let root = url::Url::from_file_path(&dir)
        .expect("absolute")
        .to_string();

    // The server runs in the survey's folder: a relative path to it is made absolute first.
    let binary = std::fs::canonicalize(&binary).map_or(binary, |p| p.display().to_string());
    let mut child = Command::new(&binary)
        .arg("server")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
    let mut client = Client {
        stdin: child.stdin.take().expect("stdin"),
        stdout: BufReader::new(child.stdout.take().expect("stdout")),
    };
    client.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": root, "capabilities": {}}}));
    client.receive();
    client.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let opened = Instant::now();
    client.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}}));
    let (count, size) = client.diagnostics(1);
    let open_time = opened.elapsed();

    let pid = child.id();
    let sched_before = schedstat(pid);
    let mut times = Vec::with_capacity(edits);
    let mut counts = Vec::with_capacity(edits);
    for i in 0..edits {
        // Insert `x` after the row's first pipe and space, then delete it, at rows spread over
        // the file.
        let line = rows[(i / 2 * 7919) % rows.len()];
        let (range, new_text) = if i % 2 == 0 {
            (
                json!({"start": {"line": line, "character": 2}, "end": {"line": line, "character": 2}}),
                "x",
            )
        } else {
            (
                json!({"start": {"line": line, "character": 2}, "end": {"line": line, "character": 3}}),
                "",
            )
        };
        let version = i as i64 + 2;
        let started = Instant::now();
        client.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"range": range, "text": new_text}]}}));
        let (count, _) = client.diagnostics(version);
        times.push(started.elapsed());
        counts.push(count);
        let start: usize = text
            .split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + 2;
        if new_text.is_empty() {
            text.remove(start);
        } else {
            text.insert(start, 'x');
        }
    }
    let sched_after = schedstat(pid);
    client.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
    client.receive();
    client.send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);

    let mut sorted = times.clone();
    sorted.sort();
    let median = (sorted[(edits - 1) / 2] + sorted[edits / 2]) / 2;
    let p90 = sorted[(edits * 9 / 10).min(edits - 1)];
    let worst = sorted[edits - 1];
    let mean = times.iter().sum::<Duration>() / edits as u32;
    println!("survey: {} bytes, {} table rows", text.len(), rows.len());
    println!(
        "open: {count} diagnostics ({size} bytes of JSON) in {:.2} ms",
        millis(open_time)
    );
    println!(
        "didChange -> publishDiagnostics over {edits} edits ({}..{} diagnostics each):",
        counts.iter().min().unwrap_or(&0),
        counts.iter().max().unwrap_or(&0)
    );
    println!(
        "  median {:.2} ms, p90 {:.2} ms, worst {:.2} ms, mean {:.2} ms",
        millis(median),
        millis(p90),
        millis(worst),
        millis(mean)
    );
    if let (Some((ran_0, waited_0)), Some((ran_1, waited_1))) = (sched_before, sched_after) {
        let per_edit = |ns: u64| ns as f64 / 1e6 / edits as f64;
        println!(
            "  the server's threads, per edit: {:.2} ms on a CPU, {:.2} ms waiting for one",
            per_edit(ran_1.saturating_sub(ran_0)),
            per_edit(waited_1.saturating_sub(waited_0))
        );
    }
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let load: Vec<&str> = load.split_whitespace().take(3).collect();
        println!("  load average {} on {} CPUs", load.join(" "), cpus());
    }
}

/// Nanoseconds the process's threads ran and waited to run (Linux `/proc/PID/task/*/schedstat`);
/// `None` elsewhere.
fn schedstat(pid: u32) -> Option<(u64, u64)> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut total = (0, 0);
    for task in tasks.flatten() {
        let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) else {
            continue;
        };
        let mut fields = text
            .split_whitespace()
            .map(|f| f.parse::<u64>().unwrap_or(0));
        total.0 += fields.next().unwrap_or(0);
        total.1 += fields.next().unwrap_or(0);
    }
    Some(total)
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
