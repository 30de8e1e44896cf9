//! Link checking: the only async code in survey-lint.
//!
//! [`check_urls`] takes every URL of a run, settles what the cache already knows, and checks
//! the rest on a tokio runtime of its own: each unique URL (fragment dropped) once, HEAD first,
//! redirects followed by hand so that the address policy and the credentials are decided again
//! at every hop. Modules: [`config`] the `[links]` table, `policy` which addresses may be
//! requested, `credentials` which hosts get a token, `probe` one request and what its answer
//! means, `walk` one URL from first hop to verdict with retries, `cache` the verdicts on disk.

mod cache;
pub mod config;
mod credentials;
mod policy;
mod probe;
mod walk;

pub use cache::Cache;
pub use config::LinkConfig;
pub use credentials::credentials_for;

use std::collections::HashMap;
use url::Url;

/// How one run checks links. Build it with `..Default::default()` so that new fields do not
/// break callers.
#[derive(Clone)]
pub struct CheckOptions {
    /// Read and write the on-disk cache (`--no-cache` turns both off).
    pub use_cache: bool,
    /// Draw a progress bar on stderr; it is drawn only when stderr is also a terminal.
    pub progress: bool,
    /// A token sent as `Authorization: Bearer` to GitHub hosts only (see [`credentials_for`]).
    /// The library never reads the environment: the binary fills this from `GITHUB_TOKEN`
    /// (see [`CheckOptions::github_token_from_env`]), and tests pass their own.
    pub github_token: Option<String>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            use_cache: true,
            progress: false,
            github_token: None,
        }
    }
}

impl std::fmt::Debug for CheckOptions {
    // By hand, so that a token never lands in a log or a panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckOptions")
            .field("use_cache", &self.use_cache)
            .field("progress", &self.progress)
            .field(
                "github_token",
                &self.github_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl CheckOptions {
    /// `GITHUB_TOKEN` from the process environment, when set and not empty.
    pub fn github_token_from_env() -> Option<String> {
        std::env::var("GITHUB_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
    }
}

/// What became of one URL.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Verdict {
    /// An accepted status (2xx by default), directly or through temporary redirects.
    Alive,
    /// Definitely gone: 404, 410, or a host name that does not exist.
    Dead { reason: String },
    /// Could not be confirmed: timeout, 5xx, 429 after retries, a bot wall, a TLS failure,
    /// a refused connection, a redirect loop, or the run's time budget ran out.
    Unreachable { reason: String },
    /// Reached through permanent redirects (301/308) and alive. `target` is where the
    /// permanent hops lead (the fix); `chain` is every URL requested, first to last.
    Redirected { target: String, chain: Vec<String> },
    /// Not requested: a refused address, an excluded pattern, not an http(s) URL.
    Skipped { reason: String },
}

/// Link verdicts by the URL as requested.
pub type Verdicts = HashMap<String, Verdict>;

/// The URL to request for a link as written: `www.` links are `http://` links.
pub fn request_url(text: &str, kind: crate::document::LinkKind) -> Option<String> {
    if is_http(text) {
        Some(text.to_string())
    } else if kind == crate::document::LinkKind::Bare
        && crate::document::starts_with_ignore_case(text, "www.")
    {
        Some(format!("http://{text}"))
    } else {
        None
    }
}

/// Whether a URL as written is an `http://` or `https://` one, in any case.
pub fn is_http(text: &str) -> bool {
    use crate::document::starts_with_ignore_case;
    starts_with_ignore_case(text, "http://") || starts_with_ignore_case(text, "https://")
}

/// How the reasons of skips that are not the address policy's begin.
const EXCLUDED: &str = "excluded by pattern";
const NOT_A_URL: &str = "not a valid URL";
const NOT_HTTP: &str = "not an http(s) URL";
/// How the reason of a link that could not be checked because no host answered begins.
const NO_NETWORK: &str = "no network";

impl Verdict {
    /// Unreachable because no host at all answered the run: the link was not really checked.
    pub fn no_network(&self) -> bool {
        matches!(self, Verdict::Unreachable { reason } if reason.starts_with(NO_NETWORK))
    }

    /// Skipped for a reason the user did not ask for — the address policy refused a private,
    /// loopback or metadata address, or the target is not a valid URL — rather than because
    /// the config excluded the link or it is not an http(s) link.
    pub fn skipped_unasked(&self) -> bool {
        matches!(self, Verdict::Skipped { reason }
            if ![EXCLUDED, NOT_HTTP].iter().any(|p| reason.starts_with(p)))
    }
}

/// Checks every URL once (normalized: fragment dropped for the request; the map is keyed by
/// the URL exactly as given). Never panics and never fails: a network that cannot be reached
/// makes the links `Unreachable`. Safe to call from inside a tokio runtime (the check then runs
/// on a thread of its own).
pub fn check_urls(urls: &[String], config: &LinkConfig, options: &CheckOptions) -> Verdicts {
    // Parsing the URLs and reading the cache are independent: side by side.
    let (prepared, cache) =
        rayon::join(|| prepare_all(urls, config), || open_cache(config, options));
    verdicts_for(prepared, cache, config, options)
}

/// [`check_urls`] with the cache opened beforehand by [`open_cache`], so that a caller can read
/// it while it parses the documents.
pub fn check_urls_with_cache(
    urls: &[String],
    config: &LinkConfig,
    options: &CheckOptions,
    cache: Option<Cache>,
) -> HashMap<String, Verdict> {
    verdicts_for(prepare_all(urls, config), cache, config, options)
}

/// Each URL as given, with its request or the verdict that makes a request needless.
fn prepare_all<'u>(
    urls: &'u [String],
    config: &LinkConfig,
) -> Vec<(&'u String, Result<Request, Verdict>)> {
    use rayon::prelude::*;
    let urls = urls.par_iter();
    urls.map(|given| (given, prepare(given, config))).collect()
}

fn verdicts_for(
    prepared: Vec<(&String, Result<Request, Verdict>)>,
    cache: Option<Cache>,
    config: &LinkConfig,
    options: &CheckOptions,
) -> HashMap<String, Verdict> {
    let requests: HashMap<String, Url> = prepared
        .iter()
        .filter_map(|(_, url)| url.as_ref().ok())
        .map(|(url, _)| (url.as_str().to_string(), url.clone()))
        .collect();
    let settled = settle(requests, cache, config, options);
    prepared
        .into_iter()
        .map(|(given, prepared)| {
            let verdict = match prepared {
                Ok((url, fragment)) => match settled.get(url.as_str()) {
                    Some(verdict) => with_fragment(verdict.clone(), fragment),
                    None => unreachable("the link check stopped before this URL"),
                },
                Err(verdict) => verdict,
            };
            (given.clone(), verdict)
        })
        .collect()
}

/// The verdicts that need no request: those the cache holds, and the links no request is
/// made for (excluded, refused, not http). An editor shows them at once, before the others
/// are checked.
pub fn cached_verdicts(urls: &[String], config: &LinkConfig, options: &CheckOptions) -> Verdicts {
    let cache = open_cache(config, options);
    let cached = |url: &Url| cache.as_ref().and_then(|c| c.get(url.as_str()));
    prepare_all(urls, config)
        .into_iter()
        .filter_map(|(given, prepared)| {
            let verdict = match prepared {
                Ok((url, fragment)) => with_fragment(cached(&url)?, fragment),
                Err(verdict) => verdict,
            };
            Some((given.clone(), verdict))
        })
        .collect()
}

/// The link cache of this run, unless the user turned it off.
pub fn open_cache(config: &LinkConfig, options: &CheckOptions) -> Option<Cache> {
    let dir = config.cache_dir.clone().or_else(cache::default_dir)?;
    options
        .use_cache
        .then(|| cache::Cache::open(&dir, config.cache_max_age.0, config.verdict_policy()))
}

/// Verdicts for normalized URLs: from the cache when fresh, from the network otherwise.
fn settle(
    requests: HashMap<String, Url>,
    mut cache: Option<Cache>,
    config: &LinkConfig,
    options: &CheckOptions,
) -> HashMap<String, Verdict> {
    let mut settled = HashMap::new();
    let mut to_check = Vec::new();
    for (key, url) in requests {
        match cache.as_ref().and_then(|c| c.get(&key)) {
            Some(verdict) => {
                settled.insert(key, verdict);
            }
            None => to_check.push(url),
        }
    }
    for (key, verdict) in walk::check_all(to_check, config, options) {
        if let Some(cache) = cache.as_mut() {
            cache.insert(&key, &verdict);
        }
        settled.insert(key, verdict);
    }
    if let Some(Err(reason)) = cache.map(cache::Cache::save) {
        eprintln!("warning: cannot write link cache: {reason}");
    }
    settled
}

/// The URL to request for a link as written (without its fragment), and the fragment; or the
/// verdict that makes a request needless.
type Request = (Url, Option<String>);

fn prepare(given: &str, config: &LinkConfig) -> Result<Request, Verdict> {
    if let Some(pattern) = config.excluded_by(given) {
        return Err(skipped(format!("{EXCLUDED} `{pattern}`")));
    }
    let mut url = Url::parse(given.trim()).map_err(|e| skipped(format!("{NOT_A_URL}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(skipped(format!("{NOT_HTTP} ({}:)", url.scheme())));
    }
    // IP literals are judged here already, so that a verdict cached under a laxer policy is
    // not served for them; names are judged when resolved, at every hop.
    policy::check_host(&url, &config.allow_private).map_err(|b| skipped(b.to_string()))?;
    let fragment = url.fragment().map(str::to_string);
    url.set_fragment(None);
    Ok((url, fragment))
}

/// A redirect target keeps the fragment of the URL as written, as a browser would, so that the
/// fix does not lose the section the author pointed at.
fn with_fragment(verdict: Verdict, fragment: Option<String>) -> Verdict {
    match (verdict, fragment) {
        (Verdict::Redirected { target, chain }, Some(fragment)) => {
            let target = match Url::parse(&target) {
                Ok(mut url) if url.fragment().is_none() => {
                    url.set_fragment(Some(&fragment));
                    url.to_string()
                }
                _ => target,
            };
            Verdict::Redirected { target, chain }
        }
        (verdict, _) => verdict,
    }
}

fn skipped(reason: String) -> Verdict {
    Verdict::Skipped { reason }
}

fn unreachable(reason: &str) -> Verdict {
    Verdict::Unreachable {
        reason: reason.to_string(),
    }
}
