//! One hop: a HEAD (or a GET when HEAD is refused) to one URL, and what the answer means.
//! Limits live here: a request holds a permit of its host and one of the run while in flight,
//! and never while it waits to retry.

use super::Verdict;
use super::config::{AllowPrivate, LinkConfig};
use super::policy::{Blocked, LookupFailed, NO_SUCH_HOST};
use reqwest::header::{ACCEPT_ENCODING, HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{Client, Method, StatusCode};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

/// The most of a GET body ever read: enough to recognise a challenge page, small enough that
/// a link to a 500 MB file costs nothing. The connection is dropped after it.
const BODY_PREFIX_LIMIT: usize = 64 * 1024;

/// Page requests in flight at once to github.com: it answers bursts with 429 (its API settles
/// repository links in batches instead, when a token is set).
pub const GITHUB_PAGES: usize = 2;

fn is_github_pages(host: &str) -> bool {
    host.eq_ignore_ascii_case("github.com") || host.eq_ignore_ascii_case("www.github.com")
}

/// What all checks of one run share.
pub struct Shared {
    pub client: Client,
    /// See [`super::policy::PolicyResolver::resolved_public`].
    pub resolved_public: Arc<AtomicBool>,
    /// Set once a request reaches a host (it answers, or fails after connecting): without
    /// it, every failure of the run may be the network's.
    pub reached: AtomicBool,
    /// Set when the time budget cut a check short.
    pub cut: AtomicBool,
    pub config: LinkConfig,
    pub allow: Arc<AllowPrivate>,
    pub global: Semaphore,
    pub hosts: Mutex<HashMap<String, Arc<HostState>>>,
    pub deadline: Instant,
}

/// What the run knows of one host (name and port).
pub struct HostState {
    permits: Semaphore,
    /// Set from `Retry-After`: no request to this host before then, for any of its URLs.
    pause: Mutex<Option<Pause>>,
    /// The host answered HEAD with 405/501: go straight to GET for its other URLs.
    head_refused: AtomicBool,
}

#[derive(Clone)]
struct Pause {
    until: Instant,
    /// The answer that asked for it, e.g. "429 Too Many Requests".
    status: String,
}

impl HostState {
    fn new(max_per_host: usize) -> HostState {
        HostState {
            permits: Semaphore::new(max_per_host.max(1)),
            pause: Mutex::new(None),
            head_refused: AtomicBool::new(false),
        }
    }

    fn pause_until(&self, until: Instant, status: String) {
        if let Ok(mut pause) = self.pause.lock()
            && pause.as_ref().is_none_or(|p| p.until < until)
        {
            *pause = Some(Pause { until, status });
        }
    }

    /// Sleeps until the host may be asked again, or says why it will not be before `deadline`.
    async fn ready(&self, deadline: Instant) -> Result<(), String> {
        loop {
            let pause = self.pause.lock().ok().and_then(|p| p.clone());
            match pause {
                Some(p) if p.until >= deadline => {
                    return Err(format!(
                        "{}: the host asked for a pause beyond the time budget",
                        p.status
                    ));
                }
                Some(p) if p.until > Instant::now() => tokio::time::sleep_until(p.until).await,
                _ => return Ok(()),
            }
        }
    }
}

impl Shared {
    pub fn host(&self, url: &Url) -> Arc<HostState> {
        let key = format!(
            "{}:{}",
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or(0)
        );
        let mut hosts = match self.hosts.lock() {
            Ok(hosts) => hosts,
            Err(poisoned) => poisoned.into_inner(),
        };
        let max_per_host = match url.host_str() {
            Some(host) if is_github_pages(host) => self.config.max_per_host.min(GITHUB_PAGES),
            _ => self.config.max_per_host,
        };
        Arc::clone(
            hosts
                .entry(key)
                .or_insert_with(|| Arc::new(HostState::new(max_per_host))),
        )
    }
}

/// The outcome of one hop.
#[derive(Debug)]
pub enum Hop {
    Final(Verdict),
    Redirect {
        next: Url,
        permanent: bool,
    },
    Retry {
        reason: String,
        after: Option<Duration>,
    },
}

/// A response, reduced to what a verdict needs.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body_prefix: Vec<u8>,
}

/// Requests `url` once (HEAD, then GET if HEAD is refused) and says what the answer means.
pub async fn hop(shared: &Shared, url: &Url) -> Hop {
    let host = shared.host(url);
    let get_only = host.head_refused.load(Ordering::Relaxed);
    let first = send(
        shared,
        &host,
        url,
        if get_only { Method::GET } else { Method::HEAD },
    )
    .await;
    let answer = match first {
        Ok(head) if !get_only && head_refused(&head) => {
            if matches!(head.status.as_u16(), 405 | 501) {
                host.head_refused.store(true, Ordering::Relaxed);
            }
            send(shared, &host, url, Method::GET).await
        }
        other => other,
    };
    match answer {
        Ok(answer) => judge_answer(&answer, url, &shared.config),
        Err(Failure::Http(error)) => judge_error(&error),
        Err(Failure::HostPaused(reason)) => unreachable(reason),
    }
}

/// Why a request got no answer.
enum Failure {
    Http(reqwest::Error),
    /// Another URL's `Retry-After` paused the host past the run's deadline.
    HostPaused(String),
}

/// HEAD is often unimplemented or answered wrongly (405, 403, 400, even 404 or 500); only a
/// GET answer is believed for a failure. A 429, or any "come back later" (`Retry-After`),
/// means the same whatever the method.
fn head_refused(head: &Answer) -> bool {
    let status = head.status;
    (status.is_client_error() || status.is_server_error())
        && status != StatusCode::TOO_MANY_REQUESTS
        && !head.headers.contains_key(RETRY_AFTER)
}

async fn send(
    shared: &Shared,
    host: &HostState,
    url: &Url,
    method: Method,
) -> Result<Answer, Failure> {
    // Host permit first: a request waiting for a busy host must not hold one of the run's.
    // A paused host is waited for holding its own permit only; it takes no requests anyway.
    let _host_permit = host.permits.acquire().await.ok();
    host.ready(shared.deadline)
        .await
        .map_err(Failure::HostPaused)?;
    let _run_permit = shared.global.acquire().await.ok();
    let is_get = method == Method::GET;
    // Page requests carry no credentials, to any host (see `credentials`).
    let request = shared
        .client
        .request(method, url.clone())
        .timeout(shared.config.request_timeout.0)
        // The body is not read (or barely): nothing to gain from compression.
        .header(ACCEPT_ENCODING, "identity");
    let sent = request.send().await;
    if sent.as_ref().is_ok() || sent.as_ref().is_err_and(|e| !e.is_connect()) {
        shared.reached.store(true, Ordering::Relaxed);
    }
    let mut response = sent.map_err(Failure::Http)?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    if matches!(status.as_u16(), 429 | 503)
        && let Some(delay) = retry_after(&headers, SystemTime::now())
        && let Some(until) = Instant::now().checked_add(delay)
    {
        // Paused while the permit is still held, so no other URL of the host slips in.
        host.pause_until(until, status_text(status.as_u16()));
    }
    // Only a refusal's body can tell a bot wall from a plain 403; any other body is left
    // unread, and dropping the response closes the connection.
    let body_prefix = if is_get && !status.is_success() && !status.is_redirection() {
        read_prefix(&mut response).await
    } else {
        Vec::new()
    };
    Ok(Answer {
        status,
        headers,
        body_prefix,
    })
}

/// At most [`BODY_PREFIX_LIMIT`] bytes of the body; a read error ends it early.
async fn read_prefix(response: &mut reqwest::Response) -> Vec<u8> {
    let mut prefix = Vec::new();
    while prefix.len() < BODY_PREFIX_LIMIT {
        match response.chunk().await {
            Ok(Some(chunk)) => prefix.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    prefix.truncate(BODY_PREFIX_LIMIT);
    prefix
}

fn judge_answer(answer: &Answer, url: &Url, config: &LinkConfig) -> Hop {
    let code = answer.status.as_u16();
    if config.accepts(code) {
        return Hop::Final(Verdict::Alive);
    }
    if answer.status.is_redirection()
        && let Some(location) = answer.headers.get(LOCATION)
    {
        let next = location.to_str().ok().and_then(|l| url.join(l.trim()).ok());
        return match next {
            Some(next) => Hop::Redirect {
                next,
                permanent: matches!(code, 301 | 308),
            },
            None => unreachable(format!("{}: invalid Location header", status_text(code))),
        };
    }
    if matches!(code, 404 | 410) {
        return Hop::Final(Verdict::Dead {
            reason: status_text(code),
        });
    }
    if let Some(wall) = bot_wall(answer) {
        return unreachable(format!("{}: {wall}", status_text(code)));
    }
    if code == 429 || answer.status.is_server_error() {
        return Hop::Retry {
            reason: status_text(code),
            after: retry_after(&answer.headers, SystemTime::now()),
        };
    }
    unreachable(status_text(code))
}

/// Recognises the answers of anti-bot services: a person with a browser would see the page,
/// so the link is not dead, but this tool cannot confirm it.
fn bot_wall(answer: &Answer) -> Option<&'static str> {
    let header = |name: &str| {
        answer
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
    };
    let code = answer.status.as_u16();
    if code == 999 {
        return Some("bot wall (LinkedIn-style 999)");
    }
    if header("cf-mitigated").is_some_and(|v| v.contains("challenge")) {
        return Some("bot wall (Cloudflare challenge)");
    }
    if header("x-amzn-waf-action").is_some_and(|v| v == "captcha" || v == "challenge") {
        return Some("bot wall (AWS WAF challenge)");
    }
    let body = String::from_utf8_lossy(&answer.body_prefix);
    let challenge_page = [
        "challenge-platform",
        "cf-browser-verification",
        "_cf_chl_opt",
    ]
    .iter()
    .any(|marker| body.contains(marker));
    (matches!(code, 403 | 429 | 503) && challenge_page).then_some("bot wall (challenge page)")
}

/// `Retry-After` as a delay from `now`: seconds, or an HTTP date.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn judge_error(error: &reqwest::Error) -> Hop {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut invalid_data = false;
    while let Some(cause) = source {
        if let Some(blocked) = cause.downcast_ref::<Blocked>() {
            return Hop::Final(Verdict::Skipped {
                reason: blocked.to_string(),
            });
        }
        match cause.downcast_ref::<LookupFailed>() {
            Some(LookupFailed::NoSuchHost) => {
                return Hop::Final(Verdict::Dead {
                    reason: NO_SUCH_HOST.to_string(),
                });
            }
            Some(other @ LookupFailed::Other(_)) => return retry(other.to_string()),
            None => {}
        }
        invalid_data |= cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(has_invalid_data);
        source = cause.source();
    }
    let text = error_chain(error);
    if error.is_timeout() {
        retry("timed out".to_string())
    } else if error.is_connect() && invalid_data {
        // rustls reports handshake and certificate failures as InvalidData: retrying will not
        // change a certificate.
        unreachable(format!("TLS failure: {text}"))
    } else if error.is_connect() {
        retry(format!("connection failed: {text}"))
    } else {
        retry(text)
    }
}

/// Whether `error` or an `io::Error` it wraps has kind `InvalidData`. The wrapped ones must be
/// looked for by hand: hyper-rustls wraps rustls' `InvalidData` error in `io::Error::other`,
/// and `io::Error::source` skips the error it wraps.
fn has_invalid_data(error: &std::io::Error) -> bool {
    let mut current = Some(error);
    while let Some(io) = current {
        if io.kind() == std::io::ErrorKind::InvalidData {
            return true;
        }
        current = io.get_ref().and_then(|inner| inner.downcast_ref());
    }
    false
}

/// An error and its causes on one line, without the repetitions wrappers tend to add.
fn error_chain(error: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

fn status_text(code: u16) -> String {
    match StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{code} {reason}"),
        None => format!("HTTP {code}"),
    }
}

fn retry(reason: String) -> Hop {
    Hop::Retry {
        reason,
        after: None,
    }
}

fn unreachable(reason: String) -> Hop {
    Hop::Final(Verdict::Unreachable { reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn answer(code: u16, headers: &[(&'static str, &'static str)], body: &str) -> Answer {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_static(value));
        }
        Answer {
            status: StatusCode::from_u16(code).expect("test status"),
            headers: map,
            body_prefix: body.as_bytes().to_vec(),
        }
    }

    fn judge(code: u16, headers: &[(&'static str, &'static str)]) -> Hop {
        let url = Url::parse("https://example.com/a/b").expect("test url");
        judge_answer(&answer(code, headers, ""), &url, &LinkConfig::default())
    }

    #[test]
    fn statuses_map_to_verdicts() {
        assert!(matches!(judge(200, &[]), Hop::Final(Verdict::Alive)));
        assert!(matches!(judge(404, &[]), Hop::Final(Verdict::Dead { .. })));
        assert!(matches!(judge(410, &[]), Hop::Final(Verdict::Dead { .. })));
        assert!(matches!(judge(503, &[]), Hop::Retry { .. }));
        assert!(matches!(judge(429, &[]), Hop::Retry { .. }));
        assert!(matches!(
            judge(401, &[]),
            Hop::Final(Verdict::Unreachable { .. })
        ));
        assert!(matches!(
            judge(999, &[]),
            Hop::Final(Verdict::Unreachable { .. })
        ));
        let challenge = judge(403, &[("cf-mitigated", "challenge")]);
        assert!(
            matches!(&challenge, Hop::Final(Verdict::Unreachable { reason }) if reason.contains("bot wall")),
            "{challenge:?}"
        );
    }

    #[test]
    fn redirects_resolve_against_the_hop() {
        match judge(308, &[("location", "../c?x=1")]) {
            Hop::Redirect { next, permanent } => {
                assert_eq!(next.as_str(), "https://example.com/c?x=1");
                assert!(permanent);
            }
            other => panic!("expected a redirect, got {other:?}"),
        }
        assert!(matches!(
            judge(302, &[("location", "/x")]),
            Hop::Redirect {
                permanent: false,
                ..
            }
        ));
        assert!(matches!(
            judge(301, &[]),
            Hop::Final(Verdict::Unreachable { .. })
        ));
    }

    #[test]
    fn challenge_pages_are_recognised_by_body() {
        let page = answer(
            503,
            &[],
            "<script src=\"/cdn-cgi/challenge-platform/x.js\">",
        );
        assert!(bot_wall(&page).is_some());
        assert!(bot_wall(&answer(503, &[], "maintenance")).is_none());
    }

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&later).expect("date"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(90)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(90));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&past).expect("date"));
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }
}
