//! Hugging Face links settled through the Hub's API instead of page requests: a model
//! (`huggingface.co/ORG/NAME`), dataset (`/datasets/ORG/NAME`, or a canonical `/datasets/NAME`)
//! or Space (`/spaces/ORG/NAME`), with any `tree/`, `blob/` or `resolve/` after it, is settled by
//! `GET {links.api.huggingface}/api/models|datasets|spaces/ID`, each repository once per run.
//! An anonymous client gets 500 API calls per five minutes but only 100 page views
//! (<https://huggingface.co/docs/hub/rate-limits>).
//!
//! The answers, as the Hub gives them (huggingface/huggingface_hub `utils/_http.py`,
//! `hf_raise_for_status`, and its recorded cassettes):
//! - 200 with the repository's JSON: alive, a gated one too (`"gated": "manual"`); a
//!   `"disabled": true` one is gone. Its `siblings` list the files at `main`, which settle
//!   `blob/main/PATH`, `resolve/main/PATH` and `tree/main/PATH` links; a path not listed, or
//!   another revision, is left to the page.
//! - 401 for an anonymous client (the Hub answers so for a missing and a private repository
//!   alike), or 404 with `X-Error-Code: RepoNotFound`: "does not exist, or is private".
//! - 403 with `X-Error-Message: Access to this resource is disabled.`: gone.
//! - 307 to `/api/models/NEW/ID` for a renamed or transferred repository: `redirected-link`,
//!   its fix the link with the new id.
//! - 429 with `RateLimit: "api";r=0;t=55`: nothing is sent for `t` seconds. Every answer
//!   carries the header, and the client slows down before the quota is spent.
//!
//! The answers are cached by repository (and file), so a warm run asks nothing. No token is
//! ever sent: a private repository is, to this check, one that does not exist.

use super::api::{self, BatchApi, Concluded, Fault, Known, Pacing, Sent};
use super::cache::Cache;
use super::config::LinkConfig;
use super::walk::Progress;
use super::{Settled, Verdict, Via};
use regex::Regex;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;
use url::Url;

/// Below this many requests left in the window, the rest of the window is spread over them.
const LOW_WATER: u64 = 10;
/// A repository's JSON lists its files: large for a dataset of many shards.
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// First path segments of huggingface.co that are the Hub's own pages, not owners.
const ROUTES: &[&str] = &[
    "api",
    "blog",
    "brand",
    "changelog",
    "chat",
    "collections",
    "datasets",
    "docs",
    "enterprise",
    "events",
    "inference-endpoints",
    "join",
    "learn",
    "login",
    "models",
    "new",
    "new-dataset",
    "new-space",
    "notifications",
    "oauth",
    "organizations",
    "papers",
    "posts",
    "pricing",
    "privacy",
    "search",
    "settings",
    "spaces",
    "support",
    "tasks",
    "terms-of-service",
];

/// The three kinds of Hub repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Model,
    Dataset,
    Space,
}

impl Kind {
    /// The API's path segment: `models`, `datasets`, `spaces`.
    fn api_path(self) -> &'static str {
        match self {
            Kind::Model => "models",
            Kind::Dataset => "datasets",
            Kind::Space => "spaces",
        }
    }

    /// The page's path before the id: nothing for a model.
    fn page_prefix(self) -> &'static str {
        match self {
            Kind::Model => "",
            Kind::Dataset => "datasets/",
            Kind::Space => "spaces/",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Model => "model",
            Kind::Dataset => "dataset",
            Kind::Space => "Space",
        }
    }
}

/// A repository as asked: its kind and id as a link writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    pub kind: Kind,
    pub id: String,
}

impl Repo {
    /// Ids are matched without regard to case, as the Hub matches them.
    fn key(&self) -> (Kind, String) {
        (self.kind, self.id.to_ascii_lowercase())
    }
}

/// What a Hub URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub repo: Repo,
    /// `tree/`, `blob/`, `resolve/` after the id: the revision and the path (empty for a
    /// tree's root).
    pub file: Option<(String, String)>,
}

/// The target of `url`, if the API can settle it.
pub fn target(url: &Url) -> Option<Target> {
    let host = url.host_str()?;
    let on_hub = host.eq_ignore_ascii_case("huggingface.co")
        || host.eq_ignore_ascii_case("www.huggingface.co");
    if !on_hub
        || !matches!(url.scheme(), "http" | "https")
        || url.port().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return None;
    }
    let path = url.path().strip_prefix('/')?;
    let path = path.strip_suffix('/').unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    let (kind, after_kind) = match segments.as_slice() {
        ["datasets", rest @ ..] => (Kind::Dataset, rest),
        ["spaces", rest @ ..] => (Kind::Space, rest),
        [first, ..] if ROUTES.contains(&first.to_ascii_lowercase().as_str()) => return None,
        all => (Kind::Model, all),
    };
    let is_file_part = |s: &&str| matches!(*s, "tree" | "blob" | "resolve");
    let (id, rest) = match after_kind {
        // A canonical dataset, without an owner: `datasets/squad`, `datasets/squad/tree/main`.
        [name] if kind == Kind::Dataset && is_name(name) => (name.to_string(), &[][..]),
        [name, marker, ..] if kind == Kind::Dataset && is_file_part(marker) && is_name(name) => {
            (name.to_string(), &after_kind[1..])
        }
        [owner, name, rest @ ..] if is_name(owner) && is_name(name) => {
            (format!("{owner}/{name}"), rest)
        }
        _ => return None,
    };
    let file = match rest {
        [] => None,
        ["tree", revision, path @ ..] => Some((decode(revision)?, decode_path(path)?)),
        ["blob" | "resolve", revision, path @ ..] if !path.is_empty() => {
            Some((decode(revision)?, decode_path(path)?))
        }
        _ => return None,
    };
    Some(Target {
        repo: Repo { kind, id },
        file,
    })
}

/// Hub names: letters, digits, `-`, `_`, `.`, at most 96 characters, not starting or ending
/// with `-` or `.`.
fn is_name(text: &str) -> bool {
    (1..=96).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !text.starts_with(['-', '.'])
        && !text.ends_with(['-', '.'])
}

fn decode(segment: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()?;
    (!decoded.is_empty()).then(|| decoded.into_owned())
}

fn decode_path(segments: &[&str]) -> Option<String> {
    segments
        .iter()
        .map(|s| decode(s))
        .collect::<Option<Vec<String>>>()
        .map(|parts| parts.join("/"))
}

/// What the API said of one repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// It exists; the files at `main`, when the answer listed them.
    Found { files: Option<Vec<String>> },
    /// Renamed or transferred: the new id.
    Moved(String),
    /// Gone, and why.
    Missing(String),
    /// An answer that says nothing for sure: the page decides.
    Unknown(String),
}

/// The Hub API client of one run.
pub struct Client {
    http: reqwest::Client,
    base: super::config::ApiUrl,
    cache_prefix: String,
    max_retries: u32,
    backoff: Duration,
}

impl Client {
    /// The client, unless the address policy refuses the configured endpoint.
    pub fn new(config: &LinkConfig) -> Option<Client> {
        let base = config.api.huggingface.clone();
        let http = api::client_for(&base.0, config, "Hugging Face API", "Hugging Face links")?;
        Some(Client {
            http,
            cache_prefix: format!("hf-api {} ", base.0),
            base,
            max_retries: config.max_retries,
            backoff: config.retry_backoff.0,
        })
    }

    /// Which of `urls` the cache settles, and the repositories to ask about for the others.
    pub fn plan(&self, urls: Vec<(String, Url, Target)>, cache: Option<&Cache>) -> Plan {
        let mut known: HashMap<String, Verdict> = HashMap::new();
        let mut needed = Vec::new();
        let mut seen = HashSet::new();
        let cached = |key: &str| cache.and_then(|c| c.get(key));
        for (_, _, target) in &urls {
            if let Some((_, path)) = &target.file {
                let file_key = cache_key(&self.cache_prefix, &target.repo, Some(path));
                if let Some(verdict) = cached(&file_key) {
                    known.insert(file_key, verdict);
                }
            }
            if !seen.insert(target.repo.key()) {
                continue;
            }
            // A file is not asked about again while its repository's answer is fresh: one that
            // answer did not list is the page's to settle.
            let repo_key = cache_key(&self.cache_prefix, &target.repo, None);
            match cached(&repo_key) {
                Some(verdict) => {
                    known.insert(repo_key, verdict);
                }
                None => needed.push(target.repo.clone()),
            }
        }
        needed.sort_by_key(Repo::key);
        Plan {
            repos: needed,
            pending: Pending {
                urls,
                known,
                cache_prefix: self.cache_prefix.clone(),
            },
        }
    }

    /// Asks about `repos`, one request at a time (the quota is per five minutes, not per
    /// second), by `deadline`.
    pub async fn ask(&self, repos: Vec<Repo>, deadline: Instant, progress: &Progress) -> Asked {
        let pacing = Pacing {
            max_batch: 1,
            max_retries: self.max_retries,
            backoff: self.backoff,
            min_interval: Duration::ZERO,
            deadline,
        };
        let bar = progress.bar(repos.len(), "Hugging Face API {bar:30} {pos}/{len}");
        let finished = api::run_batches(self, repos, &pacing, &bar).await;
        let mut asked = Asked {
            requests: finished.requests,
            ..Asked::default()
        };
        for answers in finished.answers {
            asked.answers.extend(answers);
        }
        for (repo, reason) in finished.unanswered.into_iter().chain(finished.refused) {
            asked.unanswered.insert(repo.key(), reason);
        }
        asked
            .given_up
            .extend(finished.given_up.iter().map(Repo::key));
        if let Some(warning) = finished.warning {
            eprintln!("warning: {warning}");
        }
        asked
    }

    async fn get(&self, repo: &Repo) -> Sent<Vec<((Kind, String), Answer)>> {
        let url = self
            .base
            .join(&format!("api/{}/{}", repo.kind.api_path(), repo.id));
        let mut response = match self.http.get(url).send().await {
            Ok(response) => response,
            Err(error) => {
                return Sent {
                    result: Err(api::connection_fault(&error, "Hugging Face", &self.base.0)),
                    exhausted_for: None,
                };
            }
        };
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let limit = rate_limit(&headers);
        let body = api::read_body(&mut response, MAX_ANSWER_BYTES).await;
        let result = judge(status, &headers, &body, repo, limit);
        Sent {
            result: result.map(|answer| vec![(repo.key(), answer)]),
            exhausted_for: limit.and_then(RateLimit::slow_down),
        }
    }
}

impl BatchApi for Client {
    type Item = Repo;
    type Answers = Vec<((Kind, String), Answer)>;

    fn send(&self, batch: &[Repo]) -> impl Future<Output = Sent<Self::Answers>> + Send {
        // Batches hold one repository: the Hub has no batch lookup.
        let repo = batch.first().cloned();
        async move {
            match repo {
                Some(repo) => self.get(&repo).await,
                None => Sent {
                    result: Ok(Vec::new()),
                    exhausted_for: None,
                },
            }
        }
    }
}

/// `RateLimit: "api";r=R;t=T`: requests left in the window, and seconds until it resets
/// (IETF draft-ietf-httpapi-ratelimit-headers, as the Hub sends it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub remaining: u64,
    pub reset: u64,
}

impl RateLimit {
    /// The pause before the next request: the rest of the window when nothing is left, the
    /// window spread over what is left when little is.
    fn slow_down(self) -> Option<Duration> {
        match self.remaining {
            0 => Some(Duration::from_secs(self.reset)),
            r if r < LOW_WATER => Some(Duration::from_secs_f64(self.reset as f64 / r as f64)),
            _ => None,
        }
    }
}

/// The `RateLimit` header; the regular expression is huggingface_hub's
/// (`parse_ratelimit_headers`).
pub fn rate_limit(headers: &HeaderMap) -> Option<RateLimit> {
    static PATTERN: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r#""(?P<kind>\w+)"\s*;\s*r\s*=\s*(?P<r>\d+)\s*;\s*t\s*=\s*(?P<t>\d+)"#).ok()
    });
    let value = headers.get("ratelimit")?.to_str().ok()?;
    let captures = PATTERN.as_ref()?.captures(value)?;
    Some(RateLimit {
        remaining: captures.name("r")?.as_str().parse().ok()?,
        reset: captures.name("t")?.as_str().parse().ok()?,
    })
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// What one answer of the Hub says of `repo`, or why it says nothing (the fault, as text): the
/// reading of a status, headers and body that [`Client`] does, without a request (the `api`
/// fuzz target reads hostile answers through it).
pub fn read_answer(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    repo: &Repo,
) -> Result<Answer, String> {
    judge(status, headers, body, repo, rate_limit(headers)).map_err(|fault| format!("{fault:?}"))
}

/// One answer: the repository's state, or the fault of the request.
fn judge(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    repo: &Repo,
    limit: Option<RateLimit>,
) -> Result<Answer, Fault> {
    let status_text = api::status_text(status);
    let written = format!("{} `{}`", repo.kind.noun(), repo.id);
    let message = header(headers, "x-error-message")
        .map(str::to_string)
        .or_else(|| {
            let json: Value = serde_json::from_slice(body).ok()?;
            json.get("error")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
    match status.as_u16() {
        200 => {
            let Ok(json) = serde_json::from_slice::<Value>(body) else {
                return Err(Fault::Transient {
                    reason: format!("Hugging Face API: {status_text} with a body that is not JSON"),
                });
            };
            if json.get("id").and_then(Value::as_str).is_none() {
                return Ok(Answer::Unknown("an answer without an id".to_string()));
            }
            if json.get("disabled").and_then(Value::as_bool) == Some(true) {
                return Ok(Answer::Missing(format!(
                    "Hugging Face {written} is disabled"
                )));
            }
            let files = json.get("siblings").and_then(Value::as_array).map(|list| {
                list.iter()
                    .filter_map(|s| s.get("rfilename").and_then(Value::as_str))
                    .map(str::to_string)
                    .collect()
            });
            Ok(Answer::Found { files })
        }
        // Anonymous: the Hub's answer for a missing and a private repository alike.
        401 => Ok(Answer::Missing(format!(
            "Hugging Face {written} does not exist, or is private"
        ))),
        404 if header(headers, "x-error-code") == Some("RepoNotFound")
            || message.as_deref() == Some("Repository not found") =>
        {
            Ok(Answer::Missing(format!(
                "Hugging Face {written} does not exist, or is private"
            )))
        }
        403 if message
            .as_deref()
            .is_some_and(|m| m.to_ascii_lowercase().contains("disabled")) =>
        {
            Ok(Answer::Missing(format!(
                "Hugging Face {written} is disabled ({})",
                message.unwrap_or_default()
            )))
        }
        301 | 302 | 307 | 308 => {
            Ok(moved_to(headers, repo)
                .map(Answer::Moved)
                .unwrap_or_else(|| {
                    Answer::Unknown(format!("{status_text} without a usable Location"))
                }))
        }
        429 => {
            // The headers are on every answer: they explain a 429 only when nothing is left
            // (huggingface_hub, `_http.py`); otherwise it is a quota of some action.
            let after = match limit {
                Some(limit) if limit.remaining == 0 => Some(Duration::from_secs(limit.reset)),
                _ => None,
            };
            let after = after
                .or_else(|| super::probe::retry_after(headers, SystemTime::now()))
                .unwrap_or(api::DEFAULT_PAUSE);
            Err(Fault::Limited {
                after,
                reason: format!("Hugging Face API: {status_text}"),
            })
        }
        _ if status.is_server_error() || status.as_u16() == 408 => Err(Fault::Transient {
            reason: format!("Hugging Face API: {status_text}"),
        }),
        _ => Ok(Answer::Unknown(match message {
            Some(message) => format!("{status_text}: {message}"),
            None => status_text,
        })),
    }
}

/// The new id of a renamed repository from a redirect's `Location` (a path such as
/// `/api/models/google-bert/bert-base-uncased`, relative in the Hub's answers).
fn moved_to(headers: &HeaderMap, repo: &Repo) -> Option<String> {
    let location = header(headers, LOCATION.as_str())?;
    let base = Url::parse("https://huggingface.co/").ok()?;
    let url = base.join(location).ok()?;
    let prefix = format!("/api/{}/", repo.kind.api_path());
    let id = url.path().strip_prefix(&prefix)?;
    let id = id.strip_suffix('/').unwrap_or(id);
    let valid = match id.split_once('/') {
        Some((owner, name)) => is_name(owner) && is_name(name),
        None => is_name(id),
    };
    valid.then(|| id.to_string())
}

fn cache_key(prefix: &str, repo: &Repo, path: Option<&str>) -> String {
    let (kind, id) = repo.key();
    let kind = kind.api_path();
    match path {
        None => format!("{prefix}{kind}/{id}"),
        Some(path) => format!("{prefix}{kind}/{id} main:{path}"),
    }
}

/// What [`Client::plan`] found: the repositories to ask about, and the URLs waiting.
pub struct Plan {
    pub repos: Vec<Repo>,
    pub pending: Pending,
}

impl Plan {
    /// Nothing to settle through the API.
    pub fn empty() -> Plan {
        Plan {
            repos: Vec::new(),
            pending: Pending::empty(),
        }
    }
}

/// URLs waiting for their repositories, and what the cache knew (by cache key).
pub type Pending = api::Pending<Target, String, Verdict>;

/// What the API said in this run, by repository.
pub type Asked = api::Asked<(Kind, String), Answer>;

/// The verdict of every pending URL, and this run's answers written to the cache.
pub fn conclude(pending: Pending, asked: Option<Asked>, cache: Option<&mut Cache>) -> Concluded {
    let asked = asked.unwrap_or_default();
    let prefix = &pending.cache_prefix;
    // This run's answers as cacheable verdicts, by cache key.
    let mut fresh: HashMap<String, Verdict> = HashMap::new();
    let mut files_of: HashMap<(Kind, String), HashSet<String>> = HashMap::new();
    for (_, _, target) in &pending.urls {
        let Some(answer) = asked.answers.get(&target.repo.key()) else {
            continue;
        };
        let repo_key = cache_key(prefix, &target.repo, None);
        let verdict = match answer {
            Answer::Found { files } => {
                if let Some(files) = files {
                    files_of
                        .entry(target.repo.key())
                        .or_insert_with(|| files.iter().cloned().collect());
                }
                Some(Verdict::Alive)
            }
            Answer::Moved(to) => Some(Verdict::Redirected {
                target: to.clone(),
                chain: Vec::new(),
            }),
            Answer::Missing(reason) => Some(Verdict::Dead {
                reason: reason.clone(),
            }),
            Answer::Unknown(_) => None,
        };
        if let Some(verdict) = verdict {
            fresh.insert(repo_key, verdict);
        }
        if let (Some((revision, path)), Some(files)) =
            (&target.file, files_of.get(&target.repo.key()))
            && revision == "main"
            && !path.is_empty()
            && listed(files, path)
        {
            fresh.insert(cache_key(prefix, &target.repo, Some(path)), Verdict::Alive);
        }
    }
    if let Some(cache) = cache {
        for (key, verdict) in &fresh {
            cache.insert(key, verdict);
        }
    }
    // How a repository or file stands, from this run's answer or the cache.
    let know = |key: &str, repo: &Repo| -> Known<Verdict> {
        let found = fresh.get(key).or_else(|| pending.known.get(key));
        asked.know(&repo.key(), found)
    };
    let mut concluded = Concluded::default();
    for (key, url, target) in pending.urls {
        let repo = &target.repo;
        let via_api = |verdict: Verdict| Settled {
            verdict,
            via: Via::HfApi,
            facts: None,
        };
        let settled = match know(&cache_key(prefix, repo, None), repo) {
            Known::Unanswered(reason) => Some(via_api(Verdict::Unreachable { reason })),
            Known::Answer(Verdict::Dead { reason }) => Some(via_api(Verdict::Dead { reason })),
            Known::Answer(Verdict::Redirected { target: to, .. }) => {
                if to.eq_ignore_ascii_case(&repo.id) {
                    // Case alone is no move; whether a file exists is the page's to say.
                    target.file.is_none().then(|| via_api(Verdict::Alive))
                } else {
                    let moved = renamed(&url, repo, &to);
                    moved.map(|moved| {
                        via_api(Verdict::Redirected {
                            chain: vec![url.to_string(), moved.clone()],
                            target: moved,
                        })
                    })
                }
            }
            Known::Answer(Verdict::Alive) => match &target.file {
                None => Some(via_api(Verdict::Alive)),
                Some((revision, path)) if revision == "main" && path.is_empty() => {
                    Some(via_api(Verdict::Alive))
                }
                Some((revision, path)) if revision == "main" => {
                    match know(&cache_key(prefix, repo, Some(path)), repo) {
                        Known::Answer(Verdict::Alive) => Some(via_api(Verdict::Alive)),
                        _ => None,
                    }
                }
                Some(_) => None,
            },
            Known::Answer(_) | Known::Nothing => None,
        };
        match settled {
            Some(settled) => concluded.settled.push((key, settled)),
            None => concluded.fallback.push((key, url)),
        }
    }
    concluded
}

/// Whether `path` is a listed file, or a folder of listed files.
fn listed(files: &HashSet<String>, path: &str) -> bool {
    files.contains(path) || {
        let folder = format!("{path}/");
        files.iter().any(|f| f.starts_with(&folder))
    }
}

/// `url` with the repository's id replaced by `to`, the rest kept.
fn renamed(url: &Url, repo: &Repo, to: &str) -> Option<String> {
    let path = url.path().strip_prefix('/')?;
    let prefix = repo.kind.page_prefix();
    let after_prefix = path.get(prefix.len()..)?;
    let id_len = repo.id.len();
    let rest = after_prefix.get(id_len..)?;
    if !after_prefix.get(..id_len)?.eq_ignore_ascii_case(&repo.id) {
        return None;
    }
    let mut moved = url.clone();
    moved.set_path(&format!("/{prefix}{to}{rest}"));
    Some(moved.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target_of(url: &str) -> Option<Target> {
        target(&Url::parse(url).expect("test url"))
    }

    fn repo(kind: Kind, id: &str) -> Repo {
        Repo {
            kind,
            id: id.to_string(),
        }
    }

    #[test]
    fn models_datasets_and_spaces_with_their_files() {
        for (url, kind, id, file) in [
            (
                "https://huggingface.co/meta-llama/Llama-2-7b",
                Kind::Model,
                "meta-llama/Llama-2-7b",
                None,
            ),
            (
                "https://huggingface.co/Qwen/Qwen1.5-110B-Chat/blob/main/LICENSE",
                Kind::Model,
                "Qwen/Qwen1.5-110B-Chat",
                Some(("main", "LICENSE")),
            ),
            (
                "https://huggingface.co/EleutherAI/gpt-neox-20b/tree/main",
                Kind::Model,
                "EleutherAI/gpt-neox-20b",
                Some(("main", "")),
            ),
            (
                "https://huggingface.co/a/b/resolve/v1.0/dir/x%20y.bin?download=true",
                Kind::Model,
                "a/b",
                Some(("v1.0", "dir/x y.bin")),
            ),
            (
                "https://huggingface.co/datasets/tatsu-lab/alpaca",
                Kind::Dataset,
                "tatsu-lab/alpaca",
                None,
            ),
            (
                "https://huggingface.co/datasets/c4",
                Kind::Dataset,
                "c4",
                None,
            ),
            (
                "https://huggingface.co/datasets/eli5#source-data",
                Kind::Dataset,
                "eli5",
                None,
            ),
            (
                "https://huggingface.co/datasets/squad/tree/main",
                Kind::Dataset,
                "squad",
                Some(("main", "")),
            ),
            (
                "https://huggingface.co/datasets/o/d/tree/main/data",
                Kind::Dataset,
                "o/d",
                Some(("main", "data")),
            ),
            (
                "https://huggingface.co/spaces/lmsys/chatbot-arena-leaderboard/",
                Kind::Space,
                "lmsys/chatbot-arena-leaderboard",
                None,
            ),
        ] {
            let expected = Target {
                repo: repo(kind, id),
                file: file.map(|(r, p): (&str, &str)| (r.to_string(), p.to_string())),
            };
            assert_eq!(target_of(url), Some(expected), "{url}");
        }
    }

    #[test]
    fn other_hub_pages_are_left_to_the_http_check() {
        for url in [
            "https://huggingface.co/",
            "https://huggingface.co/meta-llama",
            "https://huggingface.co/t5-11b",
            "https://huggingface.co/docs/transformers/index",
            "https://huggingface.co/blog/llama2",
            "https://huggingface.co/papers/2302.13971",
            "https://huggingface.co/collections/Qwen/qwen2-6659360b33528ced941e557f",
            "https://huggingface.co/models?other=moss",
            "https://huggingface.co/datasets",
            "https://huggingface.co/spaces/lmsys",
            "https://huggingface.co/a/b/discussions/3",
            "https://huggingface.co/datasets/a/b/viewer/default/train",
            "https://huggingface.co/a/b/blob/main",
            "https://discuss.huggingface.co/t/x/3602",
            "https://huggingface.co:444/a/b",
            "https://huggingface.co/a/-b",
        ] {
            assert_eq!(target_of(url), None, "{url}");
        }
    }

    #[test]
    fn rate_limit_headers_slow_the_client_down() {
        let mut headers = HeaderMap::new();
        headers.insert("ratelimit", "\"api\";r=0;t=55".parse().expect("value"));
        let limit = rate_limit(&headers).expect("a limit");
        assert_eq!(
            limit,
            RateLimit {
                remaining: 0,
                reset: 55
            }
        );
        assert_eq!(limit.slow_down(), Some(Duration::from_secs(55)));
        let few = RateLimit {
            remaining: 5,
            reset: 50,
        };
        assert_eq!(few.slow_down(), Some(Duration::from_secs(10)));
        let plenty = RateLimit {
            remaining: 499,
            reset: 290,
        };
        assert_eq!(plenty.slow_down(), None);
        headers.insert("ratelimit", "garbage".parse().expect("value"));
        assert_eq!(rate_limit(&headers), None);
    }

    #[test]
    fn a_rename_replaces_the_id_and_keeps_the_rest() {
        let url =
            Url::parse("https://huggingface.co/bert-base/x/blob/main/config.json").expect("url");
        assert_eq!(
            renamed(&url, &repo(Kind::Model, "bert-base/x"), "google-bert/x").as_deref(),
            Some("https://huggingface.co/google-bert/x/blob/main/config.json")
        );
        let url = Url::parse("https://huggingface.co/datasets/c4").expect("url");
        assert_eq!(
            renamed(&url, &repo(Kind::Dataset, "c4"), "allenai/c4").as_deref(),
            Some("https://huggingface.co/datasets/allenai/c4")
        );
    }
}
