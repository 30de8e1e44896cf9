//! What every link API shares: a batch at a time, the service's limits obeyed, faults sorted
//! into "wait", "split", "retry" and "give up". An API (`github.rs`; arXiv and Hugging Face
//! alike) implements [`BatchApi`] — how to ask about one batch and what the answer means — and
//! [`run_batches`] does the rest: batches are sent one after another (the services ask for
//! serial requests, and a batch is already a hundred questions), a pause the service asked for
//! is honoured for every later batch, a batch too heavy for the service is split in two, and
//! what is not answered by the run's deadline is reported, never guessed.

use super::config::LinkConfig;
use super::policy::{Blocked, PolicyResolver, check_host};
use indicatif::ProgressBar;
use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;
use url::Url;

/// When a service says to wait but not for how long (GitHub's documented fallback for a
/// secondary limit without `retry-after`).
pub const DEFAULT_PAUSE: Duration = Duration::from_secs(60);

/// The URLs an API is to settle — each with its cache key and what the API is asked about
/// it (`T`) — and what the cache already knew (`V` by `K`).
pub struct Pending<T, K, V> {
    pub urls: Vec<(String, Url, T)>,
    pub known: HashMap<K, V>,
    pub cache_prefix: String,
}

impl<T, K, V> Pending<T, K, V> {
    /// Nothing to settle.
    pub fn empty() -> Pending<T, K, V> {
        Pending {
            urls: Vec::new(),
            known: HashMap::new(),
            cache_prefix: String::new(),
        }
    }
}

/// What an API said in this run, by what it was asked (`K`).
pub struct Asked<K, A> {
    pub answers: HashMap<K, A>,
    /// Questions not answered in time, with the reason.
    pub unanswered: HashMap<K, String>,
    /// Questions left to the page check because the API was given up.
    pub given_up: HashSet<K>,
    /// Requests sent.
    pub requests: usize,
}

impl<K, A> Default for Asked<K, A> {
    fn default() -> Asked<K, A> {
        Asked {
            answers: HashMap::new(),
            unanswered: HashMap::new(),
            given_up: HashSet::new(),
            requests: 0,
        }
    }
}

/// What is known of one question after a run.
pub enum Known<V> {
    /// This run's answer or the cache's.
    Answer(V),
    /// Not answered in time: why.
    Unanswered(String),
    /// Nothing: the page check settles it.
    Nothing,
}

impl<K: Eq + Hash, A> Asked<K, A> {
    /// What is known of question `key`: `found` (this run's answer or the cache's, as the API
    /// keeps them) unless the API was given up on it, else why it was not answered.
    pub fn know<V: Clone>(&self, key: &K, found: Option<&V>) -> Known<V> {
        if self.given_up.contains(key) {
            return Known::Nothing;
        }
        if let Some(answer) = found {
            return Known::Answer(answer.clone());
        }
        match self.unanswered.get(key) {
            Some(reason) => Known::Unanswered(reason.clone()),
            None => Known::Nothing,
        }
    }
}

/// Why a request to an API was not answered, sorted by what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// A rate limit: send nothing before `after` has passed, then try the same batch again.
    Limited { after: Duration, reason: String },
    /// The batch was too heavy for the service (GitHub: 502/504 past its 10 s limit): try
    /// its halves.
    TooLarge { reason: String },
    /// Worth another try after a backoff: a timeout, a 5xx.
    Transient { reason: String },
    /// The endpoint could not be connected to (no such host, no route, refused). Once the API
    /// has answered in this run it is a [`Fault::Transient`]; before that, the API is given up
    /// without retries and its questions go to the page check, which tells a network that is
    /// down from a link that is broken.
    Unreached { reason: String },
    /// The API cannot be used in this run (credentials refused, an answer that makes no
    /// sense): one warning, and the links are left to the HTTP check.
    GiveUp { warning: String },
    /// The service refused some questions of the batch by their position in it (arXiv fails a
    /// whole request for one malformed identifier): they are answered with `reason`, and the
    /// rest of the batch is asked again.
    Refused { items: Vec<usize>, reason: String },
}

/// One request's outcome.
pub struct Sent<A> {
    pub result: Result<A, Fault>,
    /// The service's quota is spent (e.g. `x-ratelimit-remaining: 0`): no request before this
    /// much time has passed, whatever the outcome of this one.
    pub exhausted_for: Option<Duration>,
}

/// An API that answers questions about links in batches.
pub trait BatchApi: Sync {
    /// One question (for GitHub, a repository and the paths asked about it).
    type Item: Send + Sync;
    /// The answers to one batch.
    type Answers: Send;
    /// Asks about `batch` in one request.
    fn send(&self, batch: &[Self::Item]) -> impl Future<Output = Sent<Self::Answers>> + Send;
}

/// How [`run_batches`] paces itself.
pub struct Pacing {
    /// Questions in one request.
    pub max_batch: usize,
    /// Tries after a transient fault, per batch.
    pub max_retries: u32,
    /// First retry delay; doubled on each retry.
    pub backoff: Duration,
    /// The least time between two requests (arXiv asks for 3 s; GitHub for none).
    pub min_interval: Duration,
    /// The run's time budget: what is not answered by then is unreachable.
    pub deadline: Instant,
}

/// What became of the questions of one run.
pub struct Finished<I, A> {
    pub answers: Vec<A>,
    /// Questions that could not be answered in time, with the reason.
    pub unanswered: Vec<(I, String)>,
    /// Questions left to the HTTP check because the API was given up, and the warning.
    pub given_up: Vec<I>,
    /// Questions the service refused, with its reason ([`Fault::Refused`]).
    pub refused: Vec<(I, String)>,
    pub warning: Option<String>,
    /// Requests sent (for the figures and the tests).
    pub requests: usize,
}

/// The verdicts an API settled, and the URLs it leaves to the HTTP check.
#[derive(Default)]
pub struct Concluded {
    pub settled: Vec<(String, super::Settled)>,
    pub fallback: Vec<(String, Url)>,
}

/// Sends `items` to `api` in batches of `pacing.max_batch`, one request at a time. `bar`
/// counts batches (its length grows when a batch is split).
pub async fn run_batches<A: BatchApi>(
    api: &A,
    items: Vec<A::Item>,
    pacing: &Pacing,
    bar: &ProgressBar,
) -> Finished<A::Item, A::Answers> {
    let mut queue: VecDeque<(Vec<A::Item>, u32)> = VecDeque::new();
    let mut items = items;
    while !items.is_empty() {
        let rest = items.split_off(items.len().min(pacing.max_batch.max(1)));
        queue.push_back((items, 0));
        items = rest;
    }
    bar.set_length(queue.len() as u64);
    let mut done = Finished {
        answers: Vec::new(),
        unanswered: Vec::new(),
        given_up: Vec::new(),
        refused: Vec::new(),
        warning: None,
        requests: 0,
    };
    // No request before this instant: the service's pause, or the least interval.
    let mut not_before = Instant::now();
    // Whether the service has answered a request of this run.
    let mut answered = false;
    while let Some((batch, attempt)) = queue.pop_front() {
        if not_before >= pacing.deadline {
            let reason = "the API asked for a pause beyond the time budget".to_string();
            return fail_all(done, batch, queue, &reason, bar);
        }
        tokio::time::sleep_until(not_before).await;
        let request = api.send(&batch);
        let Ok(sent) = tokio::time::timeout_at(pacing.deadline, request).await else {
            let reason = "time budget exhausted".to_string();
            return fail_all(done, batch, queue, &reason, bar);
        };
        done.requests += 1;
        let now = Instant::now();
        not_before = now + pacing.min_interval;
        if let Some(wait) = sent.exhausted_for {
            not_before = not_before.max(now + wait);
        }
        let unreached = matches!(sent.result, Err(Fault::Unreached { .. }));
        match sent.result {
            Err(Fault::Unreached { reason }) if !answered => {
                done.given_up.extend(batch);
                done.given_up.extend(queue.drain(..).flat_map(|(b, _)| b));
                done.warning = Some(format!(
                    "{reason}; its links are checked page by page instead"
                ));
            }
            Ok(answers) => {
                done.answers.push(answers);
                bar.inc(1);
            }
            Err(Fault::Limited { after, reason }) => {
                // At least a second, so that a service saying "0" is not hammered.
                let until = now + after.max(Duration::from_secs(1));
                not_before = not_before.max(until);
                if until >= pacing.deadline {
                    let reason = format!("{reason}; the pause passes the time budget");
                    return fail_all(done, batch, queue, &reason, bar);
                }
                queue.push_front((batch, attempt));
            }
            Err(Fault::Refused { items, reason }) if items.iter().any(|&i| i < batch.len()) => {
                let (refused, rest): (Vec<_>, Vec<_>) = batch
                    .into_iter()
                    .enumerate()
                    .partition(|(i, _)| items.contains(i));
                let refused = refused.into_iter().map(|(_, item)| (item, reason.clone()));
                done.refused.extend(refused);
                let rest: Vec<A::Item> = rest.into_iter().map(|(_, item)| item).collect();
                if rest.is_empty() {
                    bar.inc(1);
                } else {
                    queue.push_front((rest, attempt));
                }
            }
            Err(Fault::TooLarge { .. }) if batch.len() > 1 => {
                let mut first = batch;
                let second = first.split_off(first.len() / 2);
                queue.push_front((second, 0));
                queue.push_front((first, 0));
                bar.inc_length(1);
            }
            // A refusal of nothing in this batch is a fault like any other.
            Err(Fault::TooLarge { reason })
            | Err(Fault::Transient { reason })
            | Err(Fault::Unreached { reason })
            | Err(Fault::Refused { reason, .. }) => {
                if attempt >= pacing.max_retries {
                    let reason = with_retries(&reason, attempt);
                    done.unanswered
                        .extend(batch.into_iter().map(|item| (item, reason.clone())));
                    bar.inc(1);
                } else {
                    not_before = not_before.max(now + backoff(pacing.backoff, attempt));
                    queue.push_front((batch, attempt + 1));
                }
            }
            Err(Fault::GiveUp { warning }) => {
                done.given_up.extend(batch);
                done.given_up.extend(queue.drain(..).flat_map(|(b, _)| b));
                done.warning = Some(warning);
            }
        }
        answered |= !unreached;
    }
    bar.finish_and_clear();
    done
}

/// Gives up on `batch` and every batch still queued, each question unanswered for `reason`.
fn fail_all<I, A>(
    mut done: Finished<I, A>,
    batch: Vec<I>,
    queue: VecDeque<(Vec<I>, u32)>,
    reason: &str,
    bar: &ProgressBar,
) -> Finished<I, A> {
    let items = batch
        .into_iter()
        .chain(queue.into_iter().flat_map(|(b, _)| b));
    done.unanswered
        .extend(items.map(|item| (item, reason.to_string())));
    bar.finish_and_clear();
    done
}

fn with_retries(reason: &str, attempt: u32) -> String {
    match attempt {
        0 => reason.to_string(),
        1 => format!("{reason} (after 1 retry)"),
        n => format!("{reason} (after {n} retries)"),
    }
}

/// `base × 2^attempt` with jitter in [0.5, 1), at most a minute.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exponential = base
        .saturating_mul(1 << attempt.min(16))
        .min(Duration::from_secs(60));
    exponential.mul_f64(0.5 + fastrand::f64() / 2.0)
}

/// The wait until a reset time given as Unix epoch seconds (`x-ratelimit-reset`), plus a
/// second for clocks that disagree; zero when it has passed.
pub fn until_epoch(reset: u64, now: SystemTime) -> Duration {
    let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    Duration::from_secs(reset)
        .saturating_sub(now)
        .saturating_add(Duration::from_secs(1))
}

/// The HTTP client of an API that needs no credentials (arXiv, Hugging Face): redirects are
/// not followed (an API's redirect is an answer to read), every address is judged by the
/// address policy as it resolves, and the user's timeouts and `User-Agent` apply.
pub fn http_client(config: &LinkConfig) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(PolicyResolver::new(
            Arc::new(config.allow_private.clone()),
            Arc::new(AtomicBool::new(false)),
        ))
        .connect_timeout(config.request_timeout.0.min(Duration::from_secs(10)))
        .timeout(config.request_timeout.0)
        .user_agent(config.user_agent.as_str())
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))
}

/// The [`http_client`] for the API `name` at `endpoint`, unless the address policy refuses
/// the endpoint or the client cannot be made: then a warning that `name`'s links (`links`)
/// are checked page by page, and `None`.
pub fn client_for(
    endpoint: &Url,
    config: &LinkConfig,
    name: &str,
    links: &str,
) -> Option<reqwest::Client> {
    let allowed = check_host(endpoint, &config.allow_private).map_err(|b| b.to_string());
    match allowed.and_then(|()| http_client(config)) {
        Ok(http) => Some(http),
        Err(why) => {
            eprintln!(
                "warning: the {name} at {endpoint} is not used: {why}; {links} are checked page by page"
            );
            None
        }
    }
}

/// At most `limit` bytes of a response body; what could not be read is left out.
pub async fn read_body(response: &mut reqwest::Response, limit: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    body
}

/// The fault of a request that got no answer: the address policy refusing the endpoint gives
/// the API up (`api` names it in the warning); anything else is worth another try.
pub fn connection_fault(error: &reqwest::Error, api: &str, endpoint: &Url) -> Fault {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(blocked) = cause.downcast_ref::<Blocked>() {
            return Fault::GiveUp {
                warning: format!(
                    "the {api} API endpoint {endpoint} was not requested: {blocked}; its links are checked page by page instead"
                ),
            };
        }
        source = cause.source();
    }
    if error.is_timeout() {
        Fault::Transient {
            reason: format!("{api} API: timed out"),
        }
    } else {
        Fault::Unreached {
            reason: format!("{api} API: cannot connect: {error}"),
        }
    }
}

/// `429 Too Many Requests`, `HTTP 599`: a status as a reason reads.
pub fn status_text(status: reqwest::StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Items are numbers; a batch with a number in `too_large_over` items fails as too large,
    /// scripted faults are served first.
    struct Script {
        faults: Mutex<VecDeque<Option<Fault>>>,
        too_large_over: usize,
        batches: Mutex<Vec<Vec<u32>>>,
    }

    impl BatchApi for Script {
        type Item = u32;
        type Answers = Vec<u32>;
        async fn send(&self, batch: &[u32]) -> Sent<Vec<u32>> {
            self.batches.lock().unwrap().push(batch.to_vec());
            let scripted = self.faults.lock().unwrap().pop_front().flatten();
            let result = match scripted {
                Some(fault) => Err(fault),
                None if batch.len() > self.too_large_over => Err(Fault::TooLarge {
                    reason: "502 Bad Gateway".into(),
                }),
                None => Ok(batch.to_vec()),
            };
            Sent {
                result,
                exhausted_for: None,
            }
        }
    }

    fn script(faults: Vec<Fault>, too_large_over: usize) -> Script {
        script_of(faults.into_iter().map(Some).collect(), too_large_over)
    }

    /// Each request in turn: `None` answers, `Some` fails with the fault.
    fn script_of(faults: Vec<Option<Fault>>, too_large_over: usize) -> Script {
        Script {
            faults: Mutex::new(faults.into()),
            too_large_over,
            batches: Mutex::new(Vec::new()),
        }
    }

    fn pacing(budget: Duration) -> Pacing {
        Pacing {
            max_batch: 4,
            max_retries: 2,
            backoff: Duration::from_millis(1),
            min_interval: Duration::ZERO,
            deadline: Instant::now() + budget,
        }
    }

    fn run(api: &Script, items: Vec<u32>, pacing: &Pacing) -> Finished<u32, Vec<u32>> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(run_batches(api, items, pacing, &ProgressBar::hidden()))
    }

    #[test]
    fn batches_hold_at_most_max_batch_items() {
        let api = script(vec![], 100);
        let done = run(&api, (0..10).collect(), &pacing(Duration::from_secs(5)));
        assert_eq!(done.requests, 3);
        let sizes: Vec<usize> = api.batches.lock().unwrap().iter().map(Vec::len).collect();
        assert_eq!(sizes, [4, 4, 2]);
        assert_eq!(done.answers.concat(), (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn a_batch_too_large_is_split_in_halves() {
        let api = script(vec![], 1);
        let done = run(&api, (0..4).collect(), &pacing(Duration::from_secs(5)));
        let sizes: Vec<usize> = api.batches.lock().unwrap().iter().map(Vec::len).collect();
        assert_eq!(sizes, [4, 2, 1, 1, 2, 1, 1]);
        assert_eq!(done.answers.concat(), [0, 1, 2, 3]);
        assert!(done.unanswered.is_empty());
    }

    #[test]
    fn transient_faults_are_retried_then_reported() {
        let fault = || Fault::Transient {
            reason: "503".into(),
        };
        let api = script(vec![fault(), fault(), fault()], 100);
        let done = run(&api, vec![1, 2], &pacing(Duration::from_secs(5)));
        assert_eq!(done.requests, 3);
        assert_eq!(
            done.unanswered,
            [
                (1, "503 (after 2 retries)".into()),
                (2, "503 (after 2 retries)".into())
            ]
        );
    }

    #[test]
    fn an_endpoint_never_reached_is_given_up_at_once_and_one_that_answered_is_retried() {
        let unreached = || Fault::Unreached {
            reason: "arXiv API: cannot connect".into(),
        };
        // Nothing answered yet: no retry, every item to the page check (which tells a network
        // that is down from a broken link), one warning.
        let api = script(vec![unreached(), unreached()], 100);
        let done = run(&api, (0..10).collect(), &pacing(Duration::from_secs(5)));
        assert_eq!(done.requests, 1);
        assert_eq!(done.given_up, (0..10).collect::<Vec<_>>());
        assert!(done.unanswered.is_empty() && done.answers.is_empty());
        assert_eq!(
            done.warning.as_deref(),
            Some("arXiv API: cannot connect; its links are checked page by page instead")
        );
        // After an answer, a failed connection is a blip: retried like any transient fault.
        let faults = vec![
            None,
            Some(unreached()),
            Some(unreached()),
            Some(unreached()),
        ];
        let api = script_of(faults, 100);
        let done = run(&api, (0..8).collect(), &pacing(Duration::from_secs(5)));
        assert_eq!(done.answers.concat(), [0, 1, 2, 3]);
        assert!(done.given_up.is_empty());
        assert_eq!(
            done.requests, 4,
            "one answer, then a batch tried three times"
        );
        assert_eq!(done.unanswered.len(), 4);
        assert!(done.unanswered[0].1.ends_with("(after 2 retries)"));
    }

    #[test]
    fn a_limit_past_the_deadline_leaves_everything_unanswered() {
        let limited = Fault::Limited {
            after: Duration::from_secs(3600),
            reason: "rate limited".into(),
        };
        let api = script(vec![limited], 100);
        let done = run(&api, (0..6).collect(), &pacing(Duration::from_secs(5)));
        assert_eq!(done.requests, 1);
        assert_eq!(done.unanswered.len(), 6);
        assert!(done.unanswered[0].1.contains("time budget"));
    }

    #[test]
    fn refused_items_are_answered_and_the_rest_asked_again() {
        let refused = Fault::Refused {
            items: vec![1],
            reason: "incorrect id format".into(),
        };
        let api = script(vec![refused], 100);
        let done = run(&api, (0..3).collect(), &pacing(Duration::from_secs(5)));
        let batches = api.batches.lock().unwrap().clone();
        assert_eq!(batches, [vec![0, 1, 2], vec![0, 2]]);
        assert_eq!(done.refused, [(1, "incorrect id format".to_string())]);
        assert_eq!(done.answers.concat(), [0, 2]);
        // A refusal that names nothing in the batch is retried like a transient fault.
        let stray = Fault::Refused {
            items: vec![7],
            reason: "odd".into(),
        };
        let api = script(vec![stray], 100);
        let done = run(&api, (0..2).collect(), &pacing(Duration::from_secs(5)));
        assert_eq!(done.requests, 2);
        assert!(done.refused.is_empty());
        assert_eq!(done.answers.concat(), [0, 1]);
    }

    #[test]
    fn giving_up_hands_every_item_back() {
        let api = script(
            vec![Fault::GiveUp {
                warning: "401".into(),
            }],
            100,
        );
        let done = run(&api, (0..6).collect(), &pacing(Duration::from_secs(5)));
        assert_eq!(done.requests, 1);
        assert_eq!(done.given_up, [0, 1, 2, 3, 4, 5]);
        assert_eq!(done.warning.as_deref(), Some("401"));
    }

    #[test]
    fn reset_times_become_waits() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(until_epoch(1_030, now), Duration::from_secs(31));
        assert_eq!(until_epoch(900, now), Duration::from_secs(1));
    }
}
