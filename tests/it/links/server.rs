//! A tiny HTTP/1.1 server for the link tests: raw responses on a loopback address, so a test
//! controls everything (silence, a lazily streamed 500 MB body, redirects, Retry-After) and
//! sees everything (each request, its headers, when it came, how many bytes went out).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub method: String,
    pub path: String,
    /// Header names in lowercase.
    pub headers: Vec<(String, String)>,
    /// The body, as far as `content-length` says (lossy UTF-8).
    pub body: String,
    pub at: Instant,
}

impl Hit {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub enum Body {
    Empty,
    Text(String),
    /// This many zero bytes, written in chunks as the client takes them.
    Zeros(u64),
}

/// What to answer; build with [`Reply::status`] and the methods after it.
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    delay: Duration,
    silent: bool,
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Empty,
            delay: Duration::ZERO,
            silent: false,
        }
    }

    /// Reads the request and then says nothing, holding the connection open.
    pub fn silent() -> Reply {
        Reply {
            silent: true,
            ..Reply::status(200)
        }
    }

    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status).header("location", location)
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn body(mut self, body: Body) -> Reply {
        self.body = body;
        self
    }

    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

type Handler = dyn Fn(&Hit, usize) -> Reply + Send + Sync;

#[derive(Default)]
struct Record {
    hits: Mutex<Vec<Hit>>,
    bytes_written: AtomicU64,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// A running server; it lives until the test process ends.
pub struct Server {
    pub addr: SocketAddr,
    record: Arc<Record>,
}

impl Server {
    /// Starts a server on `ip` (a loopback address) and a free port. `handler` gets each
    /// request and its index among all requests so far (0 for the first).
    pub fn start(
        ip: &str,
        handler: impl Fn(&Hit, usize) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let listener = bind(ip);
        let addr = listener.local_addr().expect("local address");
        let record = Arc::new(Record::default());
        let handler: Arc<Handler> = Arc::new(handler);
        let state = Arc::clone(&record);
        serve_forever(listener, move |stream| {
            let (record, handler) = (Arc::clone(&state), Arc::clone(&handler));
            async move { answer(stream, &record, &*handler).await }
        });
        Server { addr, record }
    }

    /// Starts a server that writes `bytes` as soon as a client connects, without reading.
    pub fn start_raw(ip: &str, bytes: &'static [u8]) -> Server {
        let listener = bind(ip);
        let addr = listener.local_addr().expect("local address");
        serve_forever(listener, move |mut stream| async move {
            let _ = stream.write_all(bytes).await;
            let _ = stream.shutdown().await;
        });
        Server {
            addr,
            record: Arc::new(Record::default()),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.record.hits.lock().expect("hits").clone()
    }

    pub fn hit_count(&self) -> usize {
        self.record.hits.lock().expect("hits").len()
    }

    pub fn bytes_written(&self) -> u64 {
        self.record.bytes_written.load(Ordering::SeqCst)
    }

    /// The most requests this server was answering at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.record.max_in_flight.load(Ordering::SeqCst)
    }
}

fn bind(ip: &str) -> std::net::TcpListener {
    let listener = std::net::TcpListener::bind((ip, 0)).expect("bind a loopback port");
    listener.set_nonblocking(true).expect("non-blocking");
    listener
}

fn serve_forever<F, Fut>(listener: std::net::TcpListener, on_connection: F)
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = TcpListener::from_std(listener).expect("tokio listener");
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(on_connection(stream));
            }
        });
    });
}

async fn answer(mut stream: TcpStream, record: &Record, handler: &Handler) {
    let Some(hit) = read_request(&mut stream).await else {
        return;
    };
    let index = {
        let mut hits = record.hits.lock().expect("hits");
        hits.push(hit.clone());
        hits.len() - 1
    };
    let reply = handler(&hit, index);
    let now = record.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    record.max_in_flight.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(reply.delay).await;
    if reply.silent {
        // Hold the connection until the client gives up.
        let mut sink = [0u8; 1024];
        while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
    } else {
        write_reply(&mut stream, &reply, hit.method == "HEAD", record).await;
    }
    record.in_flight.fetch_sub(1, Ordering::SeqCst);
}

async fn read_request(stream: &mut TcpStream) -> Option<Hit> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buffer.len() > 64 * 1024 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let text = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let path = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
        .min(16 * 1024 * 1024);
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Hit {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        at: Instant::now(),
    })
}

async fn write_reply(stream: &mut TcpStream, reply: &Reply, head_only: bool, record: &Record) {
    let length = match &reply.body {
        Body::Empty => 0,
        Body::Text(text) => text.len() as u64,
        Body::Zeros(n) => *n,
    };
    let mut head = format!(
        "HTTP/1.1 {} X\r\ncontent-length: {length}\r\nconnection: close\r\n",
        reply.status
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    if send(stream, head.as_bytes(), record).await.is_err() || head_only {
        return;
    }
    match &reply.body {
        Body::Empty => {}
        Body::Text(text) => {
            let _ = send(stream, text.as_bytes(), record).await;
        }
        Body::Zeros(total) => {
            let chunk = vec![0u8; 64 * 1024];
            let mut left = *total;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                if send(stream, &chunk[..n], record).await.is_err() {
                    return;
                }
                left -= n as u64;
            }
        }
    }
    let _ = stream.shutdown().await;
}

async fn send(stream: &mut TcpStream, bytes: &[u8], record: &Record) -> std::io::Result<()> {
    stream.write_all(bytes).await?;
    record
        .bytes_written
        .fetch_add(bytes.len() as u64, Ordering::SeqCst);
    Ok(())
}
