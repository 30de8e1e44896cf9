//! A loopback HTTP/1.1 link farm for `benches/compare.sh`: N hosts as distinct loopback
//! addresses (127.0.0.1 … 127.0.0.N, one port), a fixed latency per response, and paths whose
//! behaviour is known in advance, so link checkers can be timed and scored against ground truth.
//!
//! | path           | answer                                                         |
//! |----------------|----------------------------------------------------------------|
//! | `/ok/*`        | 200                                                            |
//! | `/gone/*`      | 404 (the only dead links)                                      |
//! | `/flaky429/*`  | 429 with `Retry-After: 1` the first time a path is hit, then 200 |
//! | `/flaky500/*`  | 500 the first time a path is hit, then 200                     |
//! | `/botwall/*`   | 403 with `cf-mitigated: challenge`, always                     |
//! | `/moved/*`     | 301 to the same path under `/ok/`                              |
//! | `/__stats`     | hit counts as JSON (no latency, not counted)                   |
//! | `/__reset`     | forget counts and first hits (no latency, not counted)         |
//!
//! HEAD and GET are answered alike (HEAD without a body). "First time" is per address and path,
//! whatever the method.
//!
//! ```sh
//! # serve: prints `port N` on stdout; exits on stdin EOF, on SIGTERM, or after --seconds
//! cargo run --release --example link-farm -- --hosts 10 --latency-ms 50 --seconds 900
//! # write a survey table with links to the farm on port N, spread evenly over the hosts
//! cargo run --release --example link-farm -- --write-survey s.md --port N --urls 1000 --hosts 10
//! # … or 50 links of each kind (ok, gone, flaky429, flaky500, botwall, moved)
//! cargo run --release --example link-farm -- --write-survey f.md --port N --faults 50 --hosts 10
//! ```
//!
//! Hit counts are printed as JSON on stderr when the farm exits on its own (stdin EOF or
//! `--seconds`); SIGTERM ends it at once (query `/__stats` first if you need the counts).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Requests one connection may make before the farm closes it.
const MAX_REQUESTS_PER_CONNECTION: u64 = 100_000;
/// A connection idle for this long is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest request head the farm reads.
const MAX_HEAD_BYTES: usize = 16 * 1024;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Ok,
    Gone,
    Flaky429,
    Flaky500,
    Botwall,
    Moved,
    Other,
}

const KINDS: [Kind; 7] = [
    Kind::Ok,
    Kind::Gone,
    Kind::Flaky429,
    Kind::Flaky500,
    Kind::Botwall,
    Kind::Moved,
    Kind::Other,
];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Ok => "ok",
            Kind::Gone => "gone",
            Kind::Flaky429 => "flaky429",
            Kind::Flaky500 => "flaky500",
            Kind::Botwall => "botwall",
            Kind::Moved => "moved",
            Kind::Other => "other",
        }
    }

    /// The kinds a path can name, which a fault survey mixes in this order.
    fn named() -> impl Iterator<Item = Kind> {
        KINDS.into_iter().filter(|k| *k != Kind::Other)
    }

    fn of(path: &str) -> Kind {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        Kind::named()
            .find(|k| k.name() == first)
            .unwrap_or(Kind::Other)
    }

    fn index(self) -> usize {
        KINDS
            .iter()
            .position(|k| *k == self)
            .unwrap_or(KINDS.len() - 1)
    }
}

#[derive(Default)]
struct Counters {
    hits: [AtomicU64; 7],
    head: AtomicU64,
    get: AtomicU64,
    other_methods: AtomicU64,
    connections: AtomicU64,
}

struct Farm {
    latency: Duration,
    counters: Counters,
    /// `address path` of every flaky path already answered once.
    seen: Mutex<HashSet<String>>,
}

impl Farm {
    fn stats_json(&self) -> String {
        let c = &self.counters;
        let hits: serde_json::Map<String, serde_json::Value> = KINDS
            .iter()
            .map(|k| {
                (
                    k.name().to_string(),
                    c.hits[k.index()].load(Ordering::Relaxed).into(),
                )
            })
            .collect();
        let total: u64 = c.hits.iter().map(|h| h.load(Ordering::Relaxed)).sum();
        serde_json::json!({
            "requests": total,
            "hits": hits,
            "head": c.head.load(Ordering::Relaxed),
            "get": c.get.load(Ordering::Relaxed),
            "other_methods": c.other_methods.load(Ordering::Relaxed),
            "connections": c.connections.load(Ordering::Relaxed),
        })
        .to_string()
    }

    fn reset(&self) {
        let c = &self.counters;
        for h in &c.hits {
            h.store(0, Ordering::Relaxed);
        }
        c.head.store(0, Ordering::Relaxed);
        c.get.store(0, Ordering::Relaxed);
        c.other_methods.store(0, Ordering::Relaxed);
        c.connections.store(0, Ordering::Relaxed);
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// True the first time `key` is seen.
    fn first_hit(&self, key: String) -> bool {
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key)
    }
}

struct Response {
    status: u16,
    reason: &'static str,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: bool,
}

impl Response {
    fn new(status: u16, reason: &'static str, body: &str) -> Response {
        Response {
            status,
            reason,
            headers: Vec::new(),
            body: body.to_string(),
            delay: true,
        }
    }
}

fn respond(farm: &Farm, local: IpAddr, method: &str, target: &str, host: &str) -> Response {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    match path {
        "/__stats" => {
            let mut r = Response::new(200, "OK", &farm.stats_json());
            r.headers
                .push(("Content-Type", "application/json".to_string()));
            r.delay = false;
            return r;
        }
        "/__reset" => {
            farm.reset();
            let mut r = Response::new(200, "OK", "reset\n");
            r.delay = false;
            return r;
        }
        _ => {}
    }
    let kind = Kind::of(path);
    let c = &farm.counters;
    c.hits[kind.index()].fetch_add(1, Ordering::Relaxed);
    match method {
        "HEAD" => c.head.fetch_add(1, Ordering::Relaxed),
        "GET" => c.get.fetch_add(1, Ordering::Relaxed),
        _ => c.other_methods.fetch_add(1, Ordering::Relaxed),
    };
    if method != "HEAD" && method != "GET" {
        let mut r = Response::new(405, "Method Not Allowed", "method not allowed\n");
        r.headers.push(("Allow", "GET, HEAD".to_string()));
        return r;
    }
    let ok = || Response::new(200, "OK", "<!doctype html><title>ok</title><p>ok</p>\n");
    match kind {
        Kind::Ok => ok(),
        Kind::Gone | Kind::Other => Response::new(404, "Not Found", "not found\n"),
        Kind::Flaky429 => {
            if farm.first_hit(format!("{local} {path}")) {
                let mut r = Response::new(429, "Too Many Requests", "slow down\n");
                r.headers.push(("Retry-After", "1".to_string()));
                r
            } else {
                ok()
            }
        }
        Kind::Flaky500 => {
            if farm.first_hit(format!("{local} {path}")) {
                Response::new(500, "Internal Server Error", "oops\n")
            } else {
                ok()
            }
        }
        Kind::Botwall => {
            let mut r = Response::new(403, "Forbidden", "<title>Just a moment...</title>\n");
            r.headers.push(("cf-mitigated", "challenge".to_string()));
            r
        }
        Kind::Moved => {
            let rest = path.trim_start_matches("/moved");
            let mut r = Response::new(301, "Moved Permanently", "moved\n");
            r.headers
                .push(("Location", format!("http://{host}/ok{rest}")));
            r
        }
    }
}

/// Serves one connection: keep-alive, bounded in requests and idle time.
async fn serve(farm: Arc<Farm>, stream: TcpStream, local: SocketAddr) {
    farm.counters.connections.fetch_add(1, Ordering::Relaxed);
    let _ = stream.set_nodelay(true);
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut line = String::new();
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        // Request line and headers.
        let mut head_bytes = 0;
        let mut request_line = String::new();
        let mut host = local.to_string();
        let mut content_length = 0u64;
        let mut close = false;
        loop {
            line.clear();
            let n = match tokio::time::timeout(IDLE_TIMEOUT, reader.read_line(&mut line)).await {
                Ok(Ok(n)) => n,
                _ => return,
            };
            if n == 0 {
                return;
            }
            head_bytes += n;
            if head_bytes > MAX_HEAD_BYTES {
                return;
            }
            let trimmed = line.trim_end_matches(['\r', '\n']);
            if request_line.is_empty() {
                if trimmed.is_empty() {
                    continue; // stray CRLF between requests
                }
                request_line = trimmed.to_string();
                close = trimmed.ends_with("HTTP/1.0");
                continue;
            }
            if trimmed.is_empty() {
                break;
            }
            if let Some((name, value)) = trimmed.split_once(':') {
                let value = value.trim();
                match name.trim().to_ascii_lowercase().as_str() {
                    "host" => host = value.to_string(),
                    "content-length" => content_length = value.parse().unwrap_or(0),
                    "connection" => {
                        let v = value.to_ascii_lowercase();
                        if v.contains("close") {
                            close = true;
                        } else if v.contains("keep-alive") {
                            close = false;
                        }
                    }
                    _ => {}
                }
            }
        }
        // Discard a body, if any (bounded).
        if content_length > 0 {
            let mut sink = tokio::io::sink();
            let mut body = (&mut reader).take(content_length.min(1 << 20));
            if tokio::io::copy(&mut body, &mut sink).await.is_err() {
                return;
            }
        }
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("/").to_string();
        let response = respond(&farm, local.ip(), &method, &target, &host);
        if response.delay && !farm.latency.is_zero() {
            tokio::time::sleep(farm.latency).await;
        }
        let mut out = String::with_capacity(256 + response.body.len());
        let _ = write!(
            out,
            "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nServer: link-farm\r\n",
            response.status,
            response.reason,
            response.body.len()
        );
        if !response.headers.iter().any(|(n, _)| *n == "Content-Type") {
            out.push_str("Content-Type: text/html; charset=utf-8\r\n");
        }
        for (name, value) in &response.headers {
            let _ = write!(out, "{name}: {value}\r\n");
        }
        out.push_str(if close {
            "Connection: close\r\n\r\n"
        } else {
            "Connection: keep-alive\r\n\r\n"
        });
        if method != "HEAD" {
            out.push_str(&response.body);
        }
        if write.write_all(out.as_bytes()).await.is_err() {
            return;
        }
        if close {
            let _ = write.shutdown().await;
            return;
        }
    }
}

struct Args {
    hosts: u8,
    port: u16,
    latency_ms: u64,
    seconds: u64,
    watch_stdin: bool,
    write_survey: Option<String>,
    urls: usize,
    faults: Option<usize>,
}

fn usage(message: &str) -> ! {
    eprintln!("link-farm: {message}");
    eprintln!(
        "usage: link-farm [--hosts N] [--port P] [--latency-ms MS] [--seconds S] [--no-stdin]\n       \
         link-farm --write-survey FILE --port P [--hosts N] [--urls N | --faults PER_KIND]"
    );
    std::process::exit(2);
}

fn parse_args() -> Args {
    let mut args = Args {
        hosts: 10,
        port: 0,
        latency_ms: 50,
        seconds: 900,
        watch_stdin: true,
        write_survey: None,
        urls: 1000,
        faults: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        fn num<T: std::str::FromStr>(flag: &str, v: String) -> T {
            v.parse()
                .unwrap_or_else(|_| usage(&format!("bad value for {flag}: {v}")))
        }
        match flag.as_str() {
            "--hosts" => args.hosts = num(&flag, value()),
            "--port" => args.port = num(&flag, value()),
            "--latency-ms" => args.latency_ms = num(&flag, value()),
            "--seconds" => args.seconds = num(&flag, value()),
            "--no-stdin" => args.watch_stdin = false,
            "--write-survey" => args.write_survey = Some(value()),
            "--urls" => args.urls = num(&flag, value()),
            "--faults" => args.faults = Some(num(&flag, value())),
            "-h" | "--help" => usage("help"),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    if args.hosts == 0 || args.hosts == 255 {
        usage("--hosts must be 1..=254");
    }
    args
}

/// The Markdown survey: one row per URL, URLs spread round-robin over the hosts.
fn write_survey(args: &Args, path: &str) -> std::io::Result<()> {
    if args.port == 0 {
        usage("--write-survey needs the farm's --port");
    }
    let kinds: Vec<Kind> = match args.faults {
        Some(per_kind) => (0..per_kind).flat_map(|_| Kind::named()).collect(),
        None => vec![Kind::Ok; args.urls],
    };
    let mut out = String::with_capacity(kinds.len() * 96 + 256);
    out.push_str("# Link farm survey\n\n");
    out.push_str("| # | Model | Kind | Page |\n|---|---|---|---|\n");
    for (i, kind) in kinds.iter().enumerate() {
        let host = i % usize::from(args.hosts) + 1;
        let _ = writeln!(
            out,
            "| {n} | model-{n} | {kind} | [page](http://127.0.0.{host}:{port}/{kind}/{n}) |",
            n = i + 1,
            kind = kind.name(),
            port = args.port,
        );
    }
    std::fs::write(path, out)
}

/// Binds 127.0.0.1 … 127.0.0.N on one port (`port`, or a free one chosen for 127.0.0.1).
async fn bind_all(hosts: u8, port: u16) -> std::io::Result<(u16, Vec<TcpListener>)> {
    let mut last_error = None;
    for _ in 0..20 {
        let first = TcpListener::bind((Ipv4Addr::new(127, 0, 0, 1), port)).await?;
        let chosen = first.local_addr()?.port();
        let mut listeners = vec![first];
        for h in 2..=hosts {
            match TcpListener::bind((Ipv4Addr::new(127, 0, 0, h), chosen)).await {
                Ok(l) => listeners.push(l),
                Err(e) => {
                    last_error = Some(e);
                    break;
                }
            }
        }
        if listeners.len() == usize::from(hosts) {
            return Ok((chosen, listeners));
        }
        if port != 0 {
            break;
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("could not bind")))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = parse_args();
    if let Some(path) = &args.write_survey {
        if let Err(e) = write_survey(&args, path) {
            eprintln!("link-farm: writing {path}: {e}");
            std::process::exit(1);
        }
        return;
    }
    let (port, listeners) = match bind_all(args.hosts, args.port).await {
        Ok(bound) => bound,
        Err(e) => {
            eprintln!("link-farm: bind: {e}");
            std::process::exit(1);
        }
    };
    let farm = Arc::new(Farm {
        latency: Duration::from_millis(args.latency_ms),
        counters: Counters::default(),
        seen: Mutex::new(HashSet::new()),
    });
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "port {port}");
        let _ = writeln!(
            stdout,
            "hosts 127.0.0.1-127.0.0.{} latency {}ms",
            args.hosts, args.latency_ms
        );
        let _ = stdout.flush();
    }
    for listener in listeners {
        let farm = farm.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let local = stream
                    .local_addr()
                    .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], port)));
                tokio::spawn(serve(farm.clone(), stream, local));
            }
        });
    }
    let (done_tx, mut done_rx) = tokio::sync::mpsc::channel::<&'static str>(2);
    if args.watch_stdin {
        let tx = done_tx.clone();
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            let _ = tx.blocking_send("stdin closed");
        });
    }
    let reason = tokio::select! {
        _ = tokio::time::sleep(Duration::from_secs(args.seconds)) => "time is up",
        r = done_rx.recv() => r.unwrap_or("stdin closed"),
    };
    eprintln!("link-farm: {reason}; stats {}", farm.stats_json());
    // The stdin thread may still be blocked in read: leave without waiting for it.
    std::process::exit(0);
}
