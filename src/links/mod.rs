//! Link checking: the only async code in survey-lint.
//!
//! [`check_urls`] takes every URL of a run, settles what the cache already knows, and checks
//! the rest on a tokio runtime of its own: each unique URL (fragment dropped) once, HEAD first,
//! redirects followed by hand so that the address policy and the credentials are decided again
//! at every hop. Modules: [`config`] the `[links]` table, `policy` which addresses may be
//! requested, `credentials` which hosts get a token, `probe` one request and what its answer
//! means, `walk` one URL from first hop to verdict with retries, `cache` the verdicts on disk.
//! Hosts with an API are settled through it instead: `api` is what every link API shares
//! (batches, limits, faults), `github` settles GitHub repository links through GraphQL,
//! `arxiv` paper links through the export API, `huggingface` Hub repositories through
//! `/api/…`.

mod api;
pub mod arxiv;
mod cache;
pub mod config;
mod credentials;
pub mod github;
pub mod huggingface;
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
    /// A token for the GitHub API: sent as `Authorization: Bearer` to the configured GraphQL
    /// endpoint only (see [`credentials_for`]), never to github.com pages. With it, GitHub
    /// repository links are settled through the API. The library never reads the environment:
    /// the binary fills this from `GITHUB_TOKEN` (see [`CheckOptions::github_token_from_env`]),
    /// and tests pass their own.
    pub github_token: Option<String>,
    /// Host names resolved to these addresses instead of through DNS, like curl's `--resolve`
    /// (tests; local mirrors). The address policy still applies: an address it refuses is not
    /// used. Set by the library's caller only, never by a config or a document.
    pub resolve: Vec<(String, std::net::SocketAddr)>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            use_cache: true,
            progress: false,
            github_token: None,
            resolve: Vec::new(),
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
            .field("resolve", &self.resolve)
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

/// How a verdict was reached: by requesting the page, or by asking a host's API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    #[default]
    Http,
    GithubApi,
    ArxivApi,
    HfApi,
}

impl Via {
    /// As JSON output writes it: `http`, `github-api`, `arxiv-api`, `hf-api`.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Http => "http",
            Via::GithubApi => "github-api",
            Via::ArxivApi => "arxiv-api",
            Via::HfApi => "hf-api",
        }
    }
}

/// What an API said about a link besides its verdict, for the rules that read it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Facts {
    /// The GitHub repository the link points into.
    GithubRepo(RepoFacts),
    /// The arXiv paper the link names.
    ArxivPaper(PaperFacts),
}

/// An arXiv paper as the export API describes its latest version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PaperFacts {
    /// The identifier without a version: `2302.13971`, `hep-th/9901001`.
    pub id: String,
    /// The latest version's number.
    pub version: u32,
    /// The title, whitespace collapsed.
    pub title: String,
    /// The latest version's comment, when it says the paper was withdrawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
}

/// A GitHub repository as the API describes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RepoFacts {
    /// `owner/name` as GitHub spells it now (renames followed).
    pub name_with_owner: String,
    pub archived: bool,
    /// When it was archived (RFC 3339), if it is.
    pub archived_at: Option<String>,
    /// The commit date of the default branch's head (RFC 3339); `None` for an empty one.
    pub last_commit: Option<String>,
}

/// The verdict for one URL, how it was reached, and what the API added.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "SettledForm")]
pub struct Settled {
    pub verdict: Verdict,
    pub via: Via,
    pub facts: Option<Facts>,
}

impl Settled {
    /// A verdict reached over HTTP.
    pub fn http(verdict: Verdict) -> Settled {
        Settled {
            verdict,
            via: Via::Http,
            facts: None,
        }
    }

    /// The GitHub repository the API found for this link, if it did.
    pub fn repo(&self) -> Option<&RepoFacts> {
        match &self.facts {
            Some(Facts::GithubRepo(repo)) => Some(repo),
            _ => None,
        }
    }

    /// The arXiv paper the API found for this link, if it did.
    pub fn paper(&self) -> Option<&PaperFacts> {
        match &self.facts {
            Some(Facts::ArxivPaper(paper)) => Some(paper),
            _ => None,
        }
    }
}

/// A settled URL as written by hand (test fixtures): a bare verdict is one reached over HTTP.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum SettledForm {
    Full {
        verdict: Verdict,
        #[serde(default)]
        via: Via,
        #[serde(default)]
        facts: Option<Facts>,
    },
    Bare(Verdict),
}

impl From<SettledForm> for Settled {
    fn from(form: SettledForm) -> Settled {
        match form {
            SettledForm::Full {
                verdict,
                via,
                facts,
            } => Settled {
                verdict,
                via,
                facts,
            },
            SettledForm::Bare(verdict) => Settled::http(verdict),
        }
    }
}

/// What the link checker found, by the URL as given.
pub type Verdicts = HashMap<String, Settled>;

/// Which API settles a URL (GitHub's when its token is set), `github`, `arxiv` or
/// `huggingface`; `None` for a page request.
pub fn api_for(url: &str) -> Option<&'static str> {
    let url = Url::parse(url.trim()).ok()?;
    if github::target(&url).is_some() {
        Some("github")
    } else if arxiv::target(&url).is_some() {
        Some("arxiv")
    } else if huggingface::target(&url).is_some() {
        Some("huggingface")
    } else {
        None
    }
}

/// The URL to request for a link's URL (as [`crate::document::Document::url`] gives it): an
/// http(s) URL, percent-encoded as GitHub's `href` is (a backslash stays `%5C`, where URL
/// parsing would read it as `/`); `None` for other links.
pub fn request_url(url: &str) -> Option<String> {
    if !is_http(url) {
        return None;
    }
    const HREF_UNSAFE: &[u8] = b"\"[]\\^`{|} ";
    let unsafe_byte = |b: &u8| !b.is_ascii() || b.is_ascii_control() || HREF_UNSAFE.contains(b);
    if !url.as_bytes().iter().any(unsafe_byte) {
        return Some(url.to_string());
    }
    let mut out = String::with_capacity(url.len() + 16);
    for &b in url.as_bytes() {
        if unsafe_byte(&b) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(char::from(b));
        }
    }
    Some(out)
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

/// A link that names something its host cannot have (an arXiv identifier outside arXiv's
/// scheme): `malformed-url` reports it, not the link-status rules.
const MALFORMED: &str = "malformed: ";

/// The reason of a skip for a malformed link.
fn malformed(reason: &str) -> String {
    format!("{MALFORMED}{reason}")
}

impl Verdict {
    /// Unreachable because no host at all answered the run: the link was not really checked.
    pub fn no_network(&self) -> bool {
        matches!(self, Verdict::Unreachable { reason } if reason.starts_with(NO_NETWORK))
    }

    /// Skipped for a reason the user did not ask for — the address policy refused a private,
    /// loopback or metadata address, or the target is not a valid URL — rather than because
    /// the config excluded the link, it is not an http(s) link, or it is malformed.
    pub fn skipped_unasked(&self) -> bool {
        matches!(self, Verdict::Skipped { reason }
            if ![EXCLUDED, NOT_HTTP, MALFORMED].iter().any(|p| reason.starts_with(p)))
    }

    /// Why a link is malformed, when an API found that it names nothing its host can have
    /// (an arXiv identifier outside arXiv's scheme, or one the export API refused).
    pub fn malformed(&self) -> Option<&str> {
        match self {
            Verdict::Skipped { reason } => reason.strip_prefix(MALFORMED),
            _ => None,
        }
    }
}

/// Checks every URL once (normalized: fragment dropped for the request; the map is keyed by
/// the URL exactly as given). Never panics and never fails: a network that cannot be reached
/// makes the links `Unreachable`. Safe to call from inside a tokio runtime (the check then runs
/// on a thread of its own). [`check_links`] also says how each verdict was reached.
pub fn check_urls(
    urls: &[String],
    config: &LinkConfig,
    options: &CheckOptions,
) -> HashMap<String, Verdict> {
    let settled = check_links(urls, config, options);
    settled.into_iter().map(|(k, s)| (k, s.verdict)).collect()
}

/// [`check_urls`], with how each verdict was reached and what an API added.
pub fn check_links(urls: &[String], config: &LinkConfig, options: &CheckOptions) -> Verdicts {
    // Parsing the URLs and reading the cache are independent: side by side.
    let (prepared, cache) =
        rayon::join(|| prepare_all(urls, config), || open_cache(config, options));
    verdicts_for(prepared, cache, config, options)
}

/// [`check_links`] with the cache opened beforehand by [`open_cache`], so that a caller can
/// read it while it parses the documents.
pub fn check_urls_with_cache(
    urls: &[String],
    config: &LinkConfig,
    options: &CheckOptions,
    cache: Option<Cache>,
) -> Verdicts {
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
) -> Verdicts {
    let requests: HashMap<String, Url> = prepared
        .iter()
        .filter_map(|(_, url)| url.as_ref().ok())
        .map(|(url, _)| (url.as_str().to_string(), url.clone()))
        .collect();
    let settled = settle(requests, cache, config, options);
    prepared
        .into_iter()
        .map(|(given, prepared)| {
            let settled = match prepared {
                Ok((url, fragment)) => match settled.get(url.as_str()) {
                    Some(settled) => Settled {
                        verdict: with_fragment(settled.verdict.clone(), fragment),
                        ..settled.clone()
                    },
                    None => Settled::http(unreachable("the link check stopped before this URL")),
                },
                Err(verdict) => Settled::http(verdict),
            };
            (given.clone(), settled)
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
            Some((given.clone(), Settled::http(verdict)))
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

/// Verdicts for normalized URLs: from the cache when fresh, from a host's API when it has
/// one (GitHub's when its token is set; arXiv's and Hugging Face's always), from the network
/// otherwise. The APIs and the page requests run side by side, under one time budget; what an
/// API cannot settle is requested after it.
fn settle(
    requests: HashMap<String, Url>,
    mut cache: Option<Cache>,
    config: &LinkConfig,
    options: &CheckOptions,
) -> HashMap<String, Settled> {
    let deadline = tokio::time::Instant::now() + config.total_timeout.0;
    // A client only when there is a link for it (and, for GitHub, a token), so that a warning
    // about an endpoint is not printed for a survey without such links.
    let wants = |is_target: fn(&Url) -> bool| requests.values().any(is_target);
    let github = (options.github_token.is_some() && wants(|u| github::target(u).is_some()))
        .then(|| github::Client::new(config, options))
        .flatten();
    let arxiv = wants(|u| arxiv::target(u).is_some())
        .then(|| arxiv::Client::new(config))
        .flatten();
    let hub = wants(|u| huggingface::target(u).is_some())
        .then(|| huggingface::Client::new(config))
        .flatten();
    let mut settled = HashMap::new();
    let (mut for_github, mut for_arxiv, mut for_hub) = (Vec::new(), Vec::new(), Vec::new());
    let mut to_check = Vec::new();
    for (key, url) in requests {
        if let Some(target) = github.as_ref().and_then(|_| github::target(&url)) {
            for_github.push((key, url, target));
        } else if let Some(target) = arxiv.as_ref().and_then(|_| arxiv::target(&url)) {
            for_arxiv.push((key, url, target));
        } else if let Some(target) = hub.as_ref().and_then(|_| huggingface::target(&url)) {
            for_hub.push((key, url, target));
        } else if let Some(verdict) = cache.as_ref().and_then(|c| c.get(&key)) {
            settled.insert(key, Settled::http(verdict));
        } else {
            to_check.push(url);
        }
    }
    let github::Plan { groups, pending } = match &github {
        Some(client) => client.plan(for_github, cache.as_ref()),
        None => github::Plan::empty(),
    };
    let arxiv_plan = match &arxiv {
        Some(client) => client.plan(for_arxiv, cache.as_ref()),
        None => arxiv::Plan::empty(),
    };
    let hub_plan = match &hub {
        Some(client) => client.plan(for_hub, cache.as_ref()),
        None => huggingface::Plan::empty(),
    };
    let progress = walk::Progress::new(options.progress);
    let (arxiv_ids, hub_repos) = (arxiv_plan.ids, hub_plan.repos);
    let run = async {
        let github_run = async {
            match &github {
                Some(client) if !groups.is_empty() => {
                    Some(client.ask(groups, deadline, &progress).await)
                }
                _ => None,
            }
        };
        let arxiv_run = async {
            match &arxiv {
                Some(client) if !arxiv_ids.is_empty() => {
                    Some(client.ask(arxiv_ids, deadline, &progress).await)
                }
                _ => None,
            }
        };
        let hub_run = async {
            match &hub {
                Some(client) if !hub_repos.is_empty() => {
                    Some(client.ask(hub_repos, deadline, &progress).await)
                }
                _ => None,
            }
        };
        tokio::join!(
            github_run,
            arxiv_run,
            hub_run,
            walk::check_on_runtime(to_check, config, options, deadline, &progress)
        )
    };
    let Some((github_asked, arxiv_asked, hub_asked, checked)) = run_async(run) else {
        return settled;
    };
    let concluded = github::conclude(pending, github_asked, cache.as_mut());
    let mut fallback_to_pages = concluded.fallback;
    settled.extend(concluded.settled);
    for concluded in [
        arxiv::conclude(arxiv_plan.pending, arxiv_asked, cache.as_mut()),
        huggingface::conclude(hub_plan.pending, hub_asked, cache.as_mut()),
    ] {
        settled.extend(concluded.settled);
        fallback_to_pages.extend(concluded.fallback);
    }
    let mut fallback = Vec::new();
    for (key, url) in fallback_to_pages {
        match cache.as_ref().and_then(|c| c.get(&key)) {
            Some(verdict) => {
                settled.insert(key, Settled::http(verdict));
            }
            None => fallback.push(url),
        }
    }
    let rechecked = if fallback.is_empty() {
        HashMap::new()
    } else {
        let rest = walk::check_on_runtime(fallback, config, options, deadline, &progress);
        run_async(rest).unwrap_or_default()
    };
    for (key, verdict) in checked.into_iter().chain(rechecked) {
        if let Some(cache) = cache.as_mut() {
            cache.insert(&key, &verdict);
        }
        settled.insert(key, Settled::http(verdict));
    }
    if let Some(Err(reason)) = cache.map(cache::Cache::save) {
        eprintln!("warning: cannot write link cache: {reason}");
    }
    settled
}

/// Runs `work` on a tokio runtime of our own; `None` (with a warning) when none can be
/// started. A runtime cannot be started on a thread that already runs one: a thread of our
/// own is used then.
fn run_async<F: std::future::Future + Send>(work: F) -> Option<F::Output>
where
    F::Output: Send,
{
    let run = || match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => Some(runtime.block_on(work)),
        Err(e) => {
            eprintln!("warning: cannot start the link checker: {e}");
            None
        }
    };
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::scope(|scope| scope.spawn(run).join().ok().flatten())
    } else {
        run()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_made_as_github_links_them() {
        // cmark-gfm percent-encodes these; WHATWG parsing would turn `\` into `/`.
        let request = request_url("http://example.com/\\[\\").unwrap();
        assert_eq!(request, "http://example.com/%5C%5B%5C");
        assert_eq!(Url::parse(&request).unwrap().path(), "/%5C%5B%5C");
        // An internationalized host goes out in punycode, its path percent-encoded.
        let request = request_url("http://🍄.ga/路径").unwrap();
        assert_eq!(request, "http://%F0%9F%8D%84.ga/%E8%B7%AF%E5%BE%84");
        let url = Url::parse(&request).unwrap();
        // `"🍄".encode("punycode")` in Python gives `ei8h`.
        assert_eq!(url.host_str(), Some("xn--ei8h.ga"));
        assert_eq!(url.path(), "/%E8%B7%AF%E5%BE%84");
        // A space is percent-encoded, as a browser encodes an `href="…"` that holds one.
        assert_eq!(
            request_url("https://a.org/my paper.pdf?q=a b").as_deref(),
            Some("https://a.org/my%20paper.pdf?q=a%20b")
        );
        assert_eq!(request_url("mailto:a@b.org"), None);
        assert_eq!(
            request_url("https://a.org/x?q=1&r=2"),
            Some("https://a.org/x?q=1&r=2".into())
        );
    }
}
