//! Runs the checks of one run: a task per unique URL on a tokio runtime of our own, each
//! walking its redirect chain hop by hop, retrying with backoff, all under the run's deadline.
//! A task waiting to retry sleeps holding no permit, so other URLs and hosts go on.

use super::config::LinkConfig;
use super::policy::{NO_SUCH_HOST, PolicyResolver, check_host, check_ip};
use super::probe::{Hop, Shared};
use super::{CheckOptions, NO_NETWORK, Verdict, unreachable};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;
use url::Url;

/// The longest wait between two tries of one URL, whatever the backoff says.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Checks `urls` (already unique and without fragments) by the run's `deadline`; the map is
/// keyed by `Url::as_str`.
pub async fn check_on_runtime(
    urls: Vec<Url>,
    config: &LinkConfig,
    options: &CheckOptions,
    deadline: Instant,
    progress: &Progress,
) -> HashMap<String, Verdict> {
    if urls.is_empty() {
        return HashMap::new();
    }
    let shared = match shared_state(config, &options.resolve, deadline) {
        Ok(shared) => Arc::new(shared),
        Err(e) => {
            let reason = format!("cannot set up the HTTP client: {e}");
            return urls
                .into_iter()
                .map(|u| (u.to_string(), unreachable(&reason)))
                .collect();
        }
    };
    let bar = progress.bar(
        urls.len(),
        "checking links {bar:30} {pos}/{len} ({per_sec}, {eta})",
    );
    let mut tasks = JoinSet::new();
    for url in urls {
        let shared = Arc::clone(&shared);
        tasks.spawn(async move {
            let key = url.to_string();
            (key, check_one(&shared, url).await)
        });
    }
    let mut verdicts = HashMap::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((key, verdict)) = joined {
            verdicts.insert(key, verdict);
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    if !shared.resolved_public.load(Ordering::Relaxed) {
        doubt_missing_hosts(&mut verdicts);
    }
    // A check cut by the time budget may have reached its host: no blame then.
    let cut = shared.cut.load(Ordering::Relaxed);
    if !shared.reached.load(Ordering::Relaxed) && !cut {
        blame_the_network(&mut verdicts);
    }
    verdicts
}

/// The progress bars of one run on stderr (page requests, API batches), drawn only when asked
/// for and stderr is a terminal.
pub struct Progress(Option<MultiProgress>);

impl Progress {
    pub fn new(wanted: bool) -> Progress {
        Progress((wanted && std::io::stderr().is_terminal()).then(MultiProgress::new))
    }

    /// A bar of `total` steps, drawn with `template`.
    pub fn bar(&self, total: usize, template: &str) -> ProgressBar {
        let Some(multi) = &self.0 else {
            return ProgressBar::hidden();
        };
        let bar = multi.add(ProgressBar::new(total as u64));
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar
    }
}

/// When no request of the run reached a host (every one failed to resolve or connect), the links that could not be confirmed say
/// nothing of themselves: the network is down (see [`Verdict::no_network`]).
fn blame_the_network(verdicts: &mut HashMap<String, Verdict>) {
    for verdict in verdicts.values_mut() {
        if let Verdict::Unreachable { reason } = verdict {
            *reason = format!("{NO_NETWORK}: no host could be reached ({reason})");
        }
    }
}

/// When no name of the run resolved to a public address, "no such host" cannot be told from
/// "no DNS at all" (an offline machine, a sandbox that answers every name with EAI_NONAME):
/// such links are unknown, not dead. A run with one link, to a host that really is gone,
/// then reports it unreachable; a false "dead" that fails CI offline would be worse.
fn doubt_missing_hosts(verdicts: &mut HashMap<String, Verdict>) {
    for verdict in verdicts.values_mut() {
        if let Verdict::Dead { reason } = verdict
            && reason.starts_with(NO_SUCH_HOST)
        {
            *verdict = unreachable(&format!(
                "{reason}, and no other host name resolved either: is the network down?"
            ));
        }
    }
}

fn shared_state(
    config: &LinkConfig,
    resolve: &[(String, SocketAddr)],
    deadline: Instant,
) -> reqwest::Result<Shared> {
    let allow = Arc::new(config.allow_private.clone());
    let resolved_public = Arc::new(AtomicBool::new(false));
    let request_timeout = config.request_timeout.0;
    let mut builder = reqwest::Client::builder();
    for (host, addr) in resolve {
        if check_ip(addr.ip(), &allow).is_ok() {
            builder = builder.resolve(host, *addr);
        }
    }
    let client = builder
        .redirect(reqwest::redirect::Policy::none())
        // A proxy would resolve names itself, out of reach of the address policy.
        .no_proxy()
        .dns_resolver(PolicyResolver::new(
            Arc::clone(&allow),
            Arc::clone(&resolved_public),
        ))
        .connect_timeout(request_timeout.min(Duration::from_secs(10)))
        .user_agent(config.user_agent.as_str())
        .pool_max_idle_per_host(config.max_per_host.max(1))
        .build()?;
    Ok(Shared {
        client,
        resolved_public,
        reached: AtomicBool::new(false),
        cut: AtomicBool::new(false),
        config: config.clone(),
        allow,
        global: Semaphore::new(config.max_concurrency.max(1)),
        hosts: Mutex::new(HashMap::new()),
        deadline,
    })
}

/// One URL to its verdict, within the run's time budget.
async fn check_one(shared: &Shared, url: Url) -> Verdict {
    match tokio::time::timeout_at(shared.deadline, follow(shared, url)).await {
        Ok(verdict) => verdict,
        Err(_) => {
            shared.cut.store(true, Ordering::Relaxed);
            unreachable("time budget exhausted")
        }
    }
}

/// Follows `start` hop by hop. The address policy is applied to each hop before it is
/// requested (IP literals here, names in the resolver).
async fn follow(shared: &Shared, start: Url) -> Verdict {
    let mut chain = Chain::new(start);
    let mut attempt = 0;
    loop {
        let current = chain.current().clone();
        if let Err(blocked) = check_host(&current, &shared.allow) {
            return Verdict::Skipped {
                reason: blocked.to_string(),
            };
        }
        match super::probe::hop(shared, &current).await {
            Hop::Final(verdict) => return chain.conclude(verdict),
            Hop::Redirect { next, permanent } => {
                if let Err(verdict) = chain.push(next, permanent, shared.config.max_redirects) {
                    return verdict;
                }
                attempt = 0;
            }
            Hop::Retry { reason, after } => {
                let delay = match retry_delay(shared, attempt, after) {
                    Ok(delay) => delay,
                    Err(why) => return chain.conclude(unreachable(&format!("{reason}{why}"))),
                };
                attempt += 1;
                tokio::time::sleep(delay).await;
            }
        }
    }
}

/// How long to wait before trying `url` again, or why not to.
fn retry_delay(
    shared: &Shared,
    attempt: u32,
    retry_after: Option<Duration>,
) -> Result<Duration, String> {
    if attempt >= shared.config.max_retries {
        return Err(match attempt {
            0 => String::new(),
            1 => " (after 1 retry)".to_string(),
            n => format!(" (after {n} retries)"),
        });
    }
    let delay = retry_after.unwrap_or_else(|| backoff(shared.config.retry_backoff.0, attempt));
    let resume = Instant::now().checked_add(delay);
    match resume {
        Some(resume) if resume < shared.deadline => Ok(delay),
        _ => Err(format!(
            " (retry in {}s would pass the time budget)",
            delay.as_secs()
        )),
    }
}

/// Exponential backoff with jitter: `base × 2^attempt`, capped, scaled by a random factor in
/// [0.5, 1) so that URLs that failed together do not retry together.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exponential = base.saturating_mul(1 << attempt.min(16)).min(MAX_BACKOFF);
    exponential.mul_f64(0.5 + fastrand::f64() / 2.0)
}

/// The URLs requested for one link, and how far the permanent redirects reach.
struct Chain {
    urls: Vec<Url>,
    /// Index of the last URL reached from the start through permanent redirects only.
    permanent_end: usize,
}

impl Chain {
    fn new(start: Url) -> Chain {
        Chain {
            urls: vec![start],
            permanent_end: 0,
        }
    }

    fn current(&self) -> &Url {
        // `urls` starts with one element and only grows.
        &self.urls[self.urls.len() - 1]
    }

    fn push(&mut self, mut next: Url, permanent: bool, max: usize) -> Result<(), Verdict> {
        next.set_fragment(None);
        if !matches!(next.scheme(), "http" | "https") {
            return Err(unreachable(&format!("redirect to a non-HTTP URL: {next}")));
        }
        if self.urls.contains(&next) {
            let path: Vec<&str> = self.urls.iter().map(Url::as_str).collect();
            let reason = format!("redirect loop: {} → {next}", path.join(" → "));
            return Err(unreachable(&reason));
        }
        if self.urls.len() > max {
            return Err(unreachable(&format!(
                "too many redirects (more than {max})"
            )));
        }
        if permanent && self.permanent_end == self.urls.len() - 1 {
            self.permanent_end += 1;
        }
        self.urls.push(next);
        Ok(())
    }

    /// The verdict for the link, given the verdict for the last hop.
    fn conclude(self, last: Verdict) -> Verdict {
        let redirected = self.urls.len() > 1;
        match last {
            Verdict::Alive if self.permanent_end > 0 => Verdict::Redirected {
                target: self.urls[self.permanent_end].to_string(),
                chain: self.urls.iter().map(Url::to_string).collect(),
            },
            Verdict::Dead { reason } if redirected => Verdict::Dead {
                reason: format!("{reason} at {}", self.current()),
            },
            Verdict::Unreachable { reason } if redirected => Verdict::Unreachable {
                reason: format!("{reason} at {}", self.current()),
            },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test url")
    }

    #[test]
    fn permanent_prefix_gives_the_target() {
        let mut chain = Chain::new(url("http://a/"));
        assert!(chain.push(url("https://a/"), true, 10).is_ok());
        assert!(chain.push(url("https://b/"), true, 10).is_ok());
        assert!(chain.push(url("https://b/login"), false, 10).is_ok());
        assert!(chain.push(url("https://b/x"), true, 10).is_ok());
        match chain.conclude(Verdict::Alive) {
            Verdict::Redirected { target, chain } => {
                assert_eq!(target, "https://b/");
                assert_eq!(chain.len(), 5);
            }
            other => panic!("expected a redirect, got {other:?}"),
        }
    }

    #[test]
    fn temporary_first_hop_is_alive() {
        let mut chain = Chain::new(url("http://a/"));
        assert!(chain.push(url("http://a/tmp"), false, 10).is_ok());
        assert!(chain.push(url("http://a/perm"), true, 10).is_ok());
        assert_eq!(chain.conclude(Verdict::Alive), Verdict::Alive);
    }

    #[test]
    fn loops_and_long_chains_stop() {
        let mut chain = Chain::new(url("http://a/1"));
        assert!(chain.push(url("http://a/2#x"), true, 10).is_ok());
        assert!(matches!(
            chain.push(url("http://a/1"), true, 10),
            Err(Verdict::Unreachable { reason }) if reason.starts_with("redirect loop")
        ));
        let mut chain = Chain::new(url("http://a/0"));
        for i in 1..=3 {
            assert!(chain.push(url(&format!("http://a/{i}")), true, 3).is_ok());
        }
        assert!(chain.push(url("http://a/4"), true, 3).is_err());
    }

    #[test]
    fn missing_hosts_are_doubted_without_working_dns() {
        let dead = |reason: &str| Verdict::Dead {
            reason: reason.to_string(),
        };
        let mut verdicts = HashMap::from([
            ("a".to_string(), dead(NO_SUCH_HOST)),
            ("b".to_string(), dead("404 Not Found")),
        ]);
        doubt_missing_hosts(&mut verdicts);
        assert!(
            matches!(&verdicts["a"], Verdict::Unreachable { reason } if reason.starts_with(NO_SUCH_HOST))
        );
        assert_eq!(verdicts["b"], dead("404 Not Found"));
    }

    #[test]
    fn backoff_grows_with_jitter_and_a_cap() {
        let base = Duration::from_millis(100);
        for attempt in 0..5 {
            let full = base * (1 << attempt);
            let got = backoff(base, attempt);
            assert!(got >= full / 2 && got <= full, "{attempt}: {got:?}");
        }
        assert!(backoff(Duration::from_secs(10), 30) <= MAX_BACKOFF);
    }
}
