//! `survey-lint server`: the binary started as an editor starts it, spoken to in JSON-RPC over
//! its stdin and stdout.

use crate::links::by_path;
use crate::links::server::Server;
use crate::support::{check_json, fixture, read};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Longer than any answer should take; a test that waits this long fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// A language client: frames messages on the server's stdin and reads its stdout on a thread.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read while waiting for another.
    backlog: VecDeque<Value>,
    next_id: i64,
}

impl Client {
    /// Starts the server in `dir` and initializes it with `capabilities` and
    /// `initializationOptions`; returns the client and the server's `initialize` result.
    fn start(dir: &Path, capabilities: Value, options: Value) -> (Client, Value) {
        let mut client = Client::launch(dir, None);
        let result = client.initialize(dir, capabilities, options);
        (client, result)
    }

    /// Starts the server in `dir`, under `limits` if any (its stderr is the test's).
    fn launch(dir: &Path, limits: Option<Limits>) -> Client {
        let mut child = server_command(dir, limits)
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start survey-lint server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, incoming) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            backlog: VecDeque::new(),
            next_id: 0,
        }
    }

    /// Initializes the server with `capabilities` and `initializationOptions`: its result.
    fn initialize(&mut self, dir: &Path, capabilities: Value, options: Value) -> Value {
        let root = url(dir);
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": "survey"}],
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    fn send(&mut self, message: Value) {
        self.send_text(&message.to_string());
    }

    /// Sends a body as it is, which need not be JSON that serde_json would write.
    fn send_text(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response's `result`.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait(|m| m["id"] == id && m.get("method").is_none());
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The first message (in the order received) that `wanted` accepts; the others are kept.
    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(at).expect("in the backlog");
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => self.backlog.push_back(message),
                Err(RecvTimeoutError::Timeout) => panic!("no such message; got {:?}", self.backlog),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server is gone; got {:?}", self.backlog)
                }
            }
        }
    }

    /// The diagnostics published for `uri` at `version` (any version when `None`).
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let message = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == v)
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Asks to shut down, says exit, and returns the exit status.
    fn shut_down(mut self) -> Option<i32> {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// What a server started by a test may use.
#[derive(Clone, Copy)]
struct Limits {
    /// Address space, in MiB: past it an allocation fails and the process aborts.
    memory_mib: u64,
    /// CPU seconds: past them the kernel kills the process.
    cpu_secs: u64,
}

/// Enough for a server holding a document of a megabyte (debug build), far too little for one
/// that allocates what a header claims or that sweeps the document once per edit.
const BOUNDED: Limits = Limits {
    memory_mib: 512,
    cpu_secs: 40,
};

/// `survey-lint server` in `dir` with piped stdin and stdout, under `limits` if any.
fn server_command(dir: &Path, limits: Option<Limits>) -> Command {
    let mut command = match limits {
        None => Command::new(env!("CARGO_BIN_EXE_survey-lint")),
        Some(limits) => {
            let mut command = Command::new("bash");
            command
                .arg("-c")
                .arg(r#"ulimit -v "$1" && ulimit -t "$2" && shift 2 && exec "$@""#)
                .arg("bash")
                .arg((limits.memory_mib * 1024).to_string())
                .arg(limits.cpu_secs.to_string())
                .arg(env!("CARGO_BIN_EXE_survey-lint"))
                // Few malloc arenas: the address-space limit then measures the heap.
                .env("MALLOC_ARENA_MAX", "2");
            command
        }
    };
    command
        .arg("server")
        .current_dir(dir)
        .env_remove("GITHUB_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    command
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn url(path: &Path) -> String {
    url::Url::from_file_path(path)
        .expect("absolute path")
        .to_string()
}

/// (0-based line, code) of each diagnostic.
fn lines_and_codes(diagnostics: &[Value]) -> Vec<(u64, String)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The text of `range` in `text`, columns in UTF-16 code units.
fn utf16_slice(text: &str, range: &Value) -> String {
    let line = |p: &Value| {
        text.lines()
            .nth(p["line"].as_u64().unwrap() as usize)
            .unwrap()
    };
    let (start, end) = (&range["start"], &range["end"]);
    assert_eq!(start["line"], end["line"], "one line");
    let units: Vec<u16> = line(start).encode_utf16().collect();
    let (a, b) = (
        start["character"].as_u64().unwrap() as usize,
        end["character"].as_u64().unwrap() as usize,
    );
    String::from_utf16(&units[a..b]).unwrap()
}

/// Applies LSP text edits (non-overlapping) to `text`, UTF-16 columns.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let rest = &text[start..];
        let mut units = 0;
        let wanted = p["character"].as_u64().unwrap() as usize;
        let at = rest
            .char_indices()
            .find(|(_, c)| {
                let before = units;
                units += c.len_utf16();
                before >= wanted || *c == '\n'
            })
            .map_or(rest.len(), |(i, _)| i);
        start + at
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort();
    let mut out = text.to_string();
    for (start, end, new) in spans.into_iter().rev() {
        out.replace_range(start..end, new);
    }
    out
}

fn seed_folder() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let text = read(&fixture("open-llm-survey.md"));
    let path = dir.path().join("survey.md");
    std::fs::write(&path, &text).unwrap();
    (dir, url(&path), text)
}

#[test]
fn the_server_publishes_edits_fixes_and_shuts_down() {
    let (dir, uri, text) = seed_folder();
    let (mut client, init) = Client::start(dir.path(), json!({}), Value::Null);
    let capabilities = &init["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(
        capabilities["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );
    assert_eq!(init["serverInfo"]["name"], "survey-lint");

    // Open: the seed's findings, as `check` finds them.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let diagnostics = client.diagnostics(&uri, Some(1));
    let (cli, _) = check_json(&["tests/fixtures/open-llm-survey.md"]);
    let expected: Vec<(u64, String)> = cli["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap() - 1,
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(lines_and_codes(&diagnostics), expected);
    let duplicates: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "SL101")
        .collect();
    assert_eq!(duplicates.len(), 2);
    for (d, line) in duplicates.iter().zip([18, 19]) {
        assert_eq!(d["range"]["start"], json!({"line": line, "character": 0}));
        assert_eq!(d["severity"], 1);
        assert_eq!(d["source"], "survey-lint");
        assert_eq!(
            d["message"],
            "row duplicates row 18 (duplicate-row)\nhelp: delete this row"
        );
        let related = &d["relatedInformation"][0];
        assert_eq!(related["location"]["uri"], uri);
        assert_eq!(related["location"]["range"]["start"]["line"], 17);
        assert_eq!(related["message"], "first occurrence");
    }
    let empty = diagnostics
        .iter()
        .find(|d| d["code"] == "SL102")
        .expect("empty-row");
    assert_eq!(empty["range"]["start"]["line"], 24);
    let split = diagnostics
        .iter()
        .find(|d| d["code"] == "SL201")
        .expect("malformed-compute");
    assert_eq!(
        utf16_slice(&text, &split["range"]),
        "A 100",
        "UTF-16 columns past CJK text"
    );

    // Edit the second copy of the Vicuna row (line 20): only one duplicate is left.
    let line_20 = text.lines().nth(19).unwrap();
    let at = line_20.find("Vicuna").unwrap() as u32;
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{
                "range": {"start": {"line": 19, "character": at}, "end": {"line": 19, "character": at + 6}},
                "text": "Vicuna-33B"
            }]
        }),
    );
    let diagnostics = client.diagnostics(&uri, Some(2));
    let rows: Vec<u64> = (lines_and_codes(&diagnostics).into_iter())
        .filter(|(_, code)| code == "SL101")
        .map(|(line, _)| line)
        .collect();
    assert_eq!(rows, [18]);
    let mut text = apply(
        &text,
        &[
            json!({"range": {"start": {"line": 19, "character": at}, "end": {"line": 19, "character": at + 6}}, "newText": "Vicuna-33B"}),
        ],
    );

    // Quick fixes on the empty row: delete it (preferred), or disable the rule on its line.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 24, "character": 3}, "end": {"line": 24, "character": 3}},
            "context": {"diagnostics": []}
        }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Fix: delete this row", "Disable `empty-row` for this line"]
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "SL102");
    let edits = fix["edit"]["changes"][&uri].as_array().unwrap().clone();
    assert_eq!(
        edits,
        [
            json!({"range": {"start": {"line": 24, "character": 0}, "end": {"line": 25, "character": 0}}, "newText": ""})
        ]
    );
    // The client applies the fix as an edit of the document.
    text = apply(&text, &edits);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 3},
            "contentChanges": edits.iter().map(|e| json!({"range": e["range"], "text": e["newText"]})).collect::<Vec<_>>()
        }),
    );
    let diagnostics = client.diagnostics(&uri, Some(3));
    assert!(
        !diagnostics.iter().any(|d| d["code"] == "SL102"),
        "{diagnostics:?}"
    );

    // Disabling glued-url on line 23 leaves the other glued URLs reported.
    let glued = |d: &[Value]| -> Vec<u64> {
        (lines_and_codes(d).into_iter())
            .filter(|(_, c)| c == "SL301")
            .map(|(l, _)| l)
            .collect()
    };
    assert_eq!(glued(&diagnostics), [21, 22, 23]);
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 22, "character": 0}, "end": {"line": 22, "character": 1000}},
            "context": {"diagnostics": [], "only": ["quickfix"]}
        }),
    );
    let disable = (actions.as_array().unwrap().iter())
        .find(|a| a["title"] == "Disable `glued-url` for this line")
        .expect("a disable action");
    let edits = disable["edit"]["changes"][&uri].as_array().unwrap().clone();
    text = apply(&text, &edits);
    assert!(
        text.lines()
            .nth(22)
            .unwrap()
            .contains("<!-- survey-lint-disable-line glued-url -->")
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": text}]}),
    );
    let diagnostics = client.diagnostics(&uri, Some(4));
    assert_eq!(glued(&diagnostics), [21, 23]);

    // Closing clears the document's diagnostics; then a clean shutdown.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.diagnostics(&uri, None), Vec::<Value>::new());
    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn positions_are_bytes_when_the_client_offers_utf8() {
    let (dir, uri, text) = seed_folder();
    let capabilities = json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}});
    let (mut client, init) = Client::start(dir.path(), capabilities, Value::Null);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let diagnostics = client.diagnostics(&uri, Some(1));
    let split = diagnostics
        .iter()
        .find(|d| d["code"] == "SL201")
        .expect("malformed-compute");
    let range = &split["range"];
    let line = text
        .lines()
        .nth(range["start"]["line"].as_u64().unwrap() as usize)
        .unwrap();
    let (a, b) = (
        range["start"]["character"].as_u64().unwrap() as usize,
        range["end"]["character"].as_u64().unwrap() as usize,
    );
    assert_eq!(&line[a..b], "A 100");
    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn a_bad_config_is_a_diagnostic_on_the_config_and_its_mending_is_picked_up() {
    let (dir, uri, text) = seed_folder();
    let config = dir.path().join("survey-lint.toml");
    std::fs::write(
        &config,
        "[rules]\nempty-row = \"off\"\nno-such-rule = \"off\"\n",
    )
    .unwrap();
    let (mut client, _) = Client::start(dir.path(), json!({}), Value::Null);
    let config_uri = url(&config.canonicalize().unwrap());
    let problems = client.diagnostics(&config_uri, None);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown rule `no-such-rule`")
    );
    assert_eq!(
        problems[0]["range"]["start"],
        json!({"line": 2, "character": 0})
    );
    assert_eq!(problems[0]["severity"], 1);

    // The document is linted meanwhile, with the built-in rules.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let diagnostics = client.diagnostics(&uri, Some(1));
    assert!(diagnostics.iter().any(|d| d["code"] == "SL102"));

    // Mended on disk: the config's diagnostic is cleared and its settings apply at the next
    // lint. (A modification time can be as coarse as a second: the length changes too.)
    std::fs::write(&config, "[rules]\nempty-row = \"off\"\n").unwrap();
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
    );
    assert_eq!(client.diagnostics(&config_uri, None), Vec::<Value>::new());
    let diagnostics = client.diagnostics(&uri, Some(2));
    assert!(
        !diagnostics.iter().any(|d| d["code"] == "SL102"),
        "empty-row is off now"
    );
    assert!(diagnostics.iter().any(|d| d["code"] == "SL101"));

    // Broken again while running: shown again, and the last good rules stay in use.
    std::fs::write(&config, "[rules\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    let problems = client.diagnostics(&config_uri, None);
    assert_eq!(problems.len(), 1);
    assert_eq!(client.shut_down(), Some(0));
}

/// Says the document was saved, and waits for diagnostics that are not empty.
fn saved_until_findings(client: &mut Client, uri: &str) -> Vec<Value> {
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    let published = client.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| !d.is_empty())
    });
    published["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn links_are_checked_on_save_only_when_asked_and_never_hold_up_diagnostics() {
    let web = Server::start("127.0.0.1", by_path);
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[links]\nallow_private = [\"127.0.0.1\"]\ncache_dir = \"{}\"\nrequest_timeout = \"2s\"\n",
        dir.path().join("cache").display()
    );
    std::fs::write(dir.path().join("survey-lint.toml"), config).unwrap();
    let text = format!(
        "| Model | Link |\n|---|---|\n| A | {} |\n| B | {} |\n",
        web.url("/404"),
        web.url("/ok")
    );
    let path = dir.path().join("survey.md");
    std::fs::write(&path, &text).unwrap();
    let uri = url(&path);
    let open =
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}});

    // Not asked: no request, even on save.
    let (mut client, _) = Client::start(dir.path(), json!({}), Value::Null);
    client.notify("textDocument/didOpen", open.clone());
    assert_eq!(client.diagnostics(&uri, Some(1)), Vec::<Value>::new());
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.shut_down(), Some(0));
    assert_eq!(web.hit_count(), 0);

    // Asked: nothing on open, the dead link after a save.
    let (mut client, _) = Client::start(dir.path(), json!({}), json!({"links": true}));
    client.notify("textDocument/didOpen", open);
    assert_eq!(client.diagnostics(&uri, Some(1)), Vec::<Value>::new());
    assert_eq!(web.hit_count(), 0, "not on open");
    let dead = saved_until_findings(&mut client, &uri);
    assert_eq!(lines_and_codes(&dead), [(2, "SL401".to_string())]);
    assert_eq!(client.shut_down(), Some(0));
    let hits = web.hit_count();
    assert!(hits >= 2, "{hits}");

    // A later session finds the verdicts in the cache: no request.
    let (mut client, _) = Client::start(dir.path(), json!({}), json!({"links": true}));
    let reopen = json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": read(&path)}});
    client.notify("textDocument/didOpen", reopen);
    client.diagnostics(&uri, Some(1));
    let dead = saved_until_findings(&mut client, &uri);
    assert_eq!(lines_and_codes(&dead), [(2, "SL401".to_string())]);
    assert_eq!(client.shut_down(), Some(0));
    assert_eq!(web.hit_count(), hits, "the cache answered");
}

#[test]
fn exit_without_shutdown_is_status_1_and_unknown_requests_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, _) = Client::start(dir.path(), json!({}), json!({"nonsense": 1}));
    let shown = client.wait(|m| m["method"] == "window/showMessage");
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap()
            .contains("initializationOptions ignored")
    );
    client.send(json!({"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": {}}));
    let refused = client.wait(|m| m["id"] == 99);
    assert_eq!(refused["error"]["code"], -32601);
    client.notify("exit", Value::Null);
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = client.child.try_wait().unwrap() {
            break status.code();
        }
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status, Some(1));
}

/// The exit status of a server that was killed (by a limit) is no code: the test fails.
fn exit_code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .unwrap_or_else(|| panic!("the server was killed by signal {:?}", status.signal()))
}

#[test]
fn a_length_no_message_could_have_is_an_error_not_an_allocation() {
    // `lsp-server` made room for the length the header claims before reading the body: 90 TB
    // aborted the server.
    let dir = tempfile::tempdir().unwrap();
    let mut child = server_command(dir.path(), Some(BOUNDED))
        .stderr(Stdio::piped())
        .spawn()
        .expect("start survey-lint server");
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"Content-Length: 99999999999999\r\n\r\n{}")
        .unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(exit_code(output.status), 2, "{stderr}");
    assert!(
        stderr.contains("a message of 99999999999999 bytes is skipped")
            && stderr.contains("the stream ended inside a message of 99999999999999 bytes"),
        "{stderr}"
    );
}

#[test]
fn a_message_over_the_limit_is_skipped_and_the_server_goes_on() {
    let (dir, uri, text) = seed_folder();
    let mut client = Client::launch(dir.path(), Some(BOUNDED));
    // Over 64 MiB, before `initialize`: skipped unread.
    let length = (64 << 20) + 1;
    write!(client.stdin, "Content-Length: {length}\r\n\r\n").unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..64 {
        client.stdin.write_all(&spaces).unwrap();
    }
    client.stdin.write_all(b" ").unwrap();
    client.initialize(dir.path(), json!({}), Value::Null);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    assert!(!client.diagnostics(&uri, Some(1)).is_empty());

    // Once open, a message skipped could have been a change to it: it is forgotten.
    write!(client.stdin, "Content-Length: {length}\r\n\r\n").unwrap();
    for _ in 0..64 {
        client.stdin.write_all(&spaces).unwrap();
    }
    client.stdin.write_all(b" ").unwrap();
    let shown = client.wait(|m| m["method"] == "window/showMessage");
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(message.contains("67108865 bytes"), "{message}");
    assert_eq!(client.diagnostics(&uri, None), Vec::<Value>::new());
    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn a_lone_surrogate_is_read_as_a_replacement_character() {
    // serde_json refuses `\ud800`, which a JavaScript string may hold: `lsp-server` then ended
    // the session.
    let dir = tempfile::tempdir().unwrap();
    let uri = url(&dir.path().join("survey.md"));
    let (mut client, _) = Client::start(dir.path(), json!({}), Value::Null);
    let text = r"| Model | Size |\n|---|---|\n| A\ud800 | 7B |\n| A\ud800 | 7B |\n";
    client.send_text(&format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{uri}","languageId":"markdown","version":1,"text":"{text}"}}}}}}"#
    ));
    let diagnostics = client.diagnostics(&uri, Some(1));
    let duplicate = (diagnostics.iter())
        .find(|d| d["code"] == "SL101")
        .expect("duplicate-row");
    // One UTF-16 unit, as the surrogate was: the row's end is where the client has it.
    assert_eq!(
        duplicate["range"],
        json!({"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 11}})
    );
    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn a_change_of_many_edits_sweeps_the_document_once() {
    // 20,000 one-character edits to a megabyte: the line index was built again after each
    // one (20,000 sweeps of 60,000 lines). The CPU limit stops a server that still does.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("survey.md");
    let rows = 60_000;
    let mut text = String::from("| Model | Size |\n|---|---|\n");
    for i in 0..rows {
        text.push_str(&format!("| m{i:06} | 7B |\n"));
    }
    assert!(text.len() > 1_000_000);
    std::fs::write(&path, &text).unwrap();
    let uri = url(&path);
    // It takes a few CPU seconds (debug build); each sweep took a millisecond or more.
    let limits = Limits {
        cpu_secs: 15,
        ..BOUNDED
    };
    let mut client = Client::launch(dir.path(), Some(limits));
    client.initialize(dir.path(), json!({}), Value::Null);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    assert_eq!(client.diagnostics(&uri, Some(1)), Vec::<Value>::new());
    // Row 2k + 1 gets the last digit of row 2k, in document order: 20,000 duplicates.
    let edits: Vec<Value> = (0..20_000)
        .map(|k| {
            let line = 2 + 2 * k + 1;
            let digit = ((2 * k) % 10).to_string();
            json!({
                "range": {"start": {"line": line, "character": 8}, "end": {"line": line, "character": 9}},
                "text": digit,
            })
        })
        .collect();
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": edits}),
    );
    let diagnostics = client.diagnostics(&uri, Some(2));
    let duplicates: Vec<u64> = (lines_and_codes(&diagnostics).into_iter())
        .filter(|(_, code)| code == "SL101")
        .map(|(line, _)| line)
        .collect();
    assert_eq!(duplicates.len(), 20_000);
    assert_eq!(duplicates[..2], [3, 5]);
    assert_eq!(duplicates[19_999], 2 + 2 * 19_999 + 1);
    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn a_document_of_many_findings_costs_what_check_costs() {
    // 166,000 empty rows (1 MB): the diagnostics were all made as LSP diagnostics and then as
    // a JSON tree before being written, 645 MB where `check --format json` takes 119 MB.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.md");
    let rows = 166_000;
    let text = format!("| Model | Size |\n|---|---|\n{}", "| | |\n".repeat(rows));
    std::fs::write(&path, &text).unwrap();
    let uri = url(&path);
    let limits = Limits {
        memory_mib: 384,
        ..BOUNDED
    };
    let mut client = Client::launch(dir.path(), Some(limits));
    client.initialize(dir.path(), json!({}), Value::Null);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let diagnostics = client.diagnostics(&uri, Some(1));
    assert_eq!(diagnostics.len(), rows);
    assert_eq!(diagnostics[rows - 1]["code"], "SL102");
    assert_eq!(
        diagnostics[rows - 1]["range"]["start"],
        json!({"line": rows + 1, "character": 0})
    );
    assert_eq!(client.shut_down(), Some(0));
}
