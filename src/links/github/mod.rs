//! GitHub links settled through the GraphQL API (`POST {links.api.github}/graphql`) instead of
//! page requests: up to 100 repositories a request, each asked once per run however many links
//! point into it, with the fields that settle each link — the repository's current
//! `nameWithOwner` (renames are followed by the API, so a differing name is a move), whether it
//! is archived, its default branch's last commit, the `object` a `blob/`/`tree/` link names,
//! the issue or pull request, the release. A profile link asks `repositoryOwner`.
//!
//! Every string from a document (owner, name, ref, path, tag) travels as a GraphQL variable:
//! the query text is made of aliases and variable names of our own only, so a crafted URL
//! cannot change its structure.
//!
//! Whatever the API cannot tell for sure is left to the HTTP check: a repository that is not
//! found under an owner that is not found either (a route such as `/topics/…`), a `blob/` link
//! whose ref is unknown (a renamed branch still redirects), a missing issue (it may have been
//! transferred), credentials refused. The answers are cached by lookup (repository, path,
//! issue, release, owner), so a warm run asks nothing.
//!
//! `target` says which URLs the API settles and what each asks, `query` builds one request and
//! reads its answer, `verdict` turns answers into verdicts; this file is the client, which
//! sends the batches through [`super::api::run_batches`].

mod query;
mod target;
mod verdict;

pub use query::{Answer, Group, Lookup, request_body};
pub use target::{Ask, Repo, Target, target};
pub use verdict::{Asked, conclude, hint};

use super::CheckOptions;
use super::api::{self, BatchApi, Fault, Pacing, Sent};
use super::cache::Cache;
use super::config::LinkConfig;
use super::credentials::credentials_for;
use super::policy::{Blocked, PolicyResolver, check_host};
use super::walk::Progress;
use query::{exhausted_for, group, is_secondary, lookups_of, read_answers, secondary_wait};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// Repositories (and owners) asked about in one request.
pub const MAX_BATCH: usize = 100;
/// The most of an answer read: a hundred repositories answer in a few kilobytes.
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// The requests the API would take for `urls`: one per [`MAX_BATCH`] repositories (and
/// owners asked alone), for the URLs it settles.
pub fn requests_for<'u>(urls: impl Iterator<Item = &'u str>) -> usize {
    let mut asked = HashSet::new();
    for url in urls {
        match Url::parse(url.trim()).ok().as_ref().and_then(target) {
            Some(Target::Repo { repo, .. }) => asked.insert(repo),
            Some(Target::Owner { login }) => asked.insert(Repo {
                owner: login,
                name: String::new(),
            }),
            None => false,
        };
    }
    asked.len().div_ceil(MAX_BATCH)
}

/// The GraphQL client of one run.
pub struct Client {
    http: reqwest::Client,
    endpoint: Url,
    authorization: HeaderValue,
    /// Cache keys start with it, so that answers of one endpoint are not served for another.
    cache_prefix: String,
    max_retries: u32,
    backoff: Duration,
}

impl Client {
    /// The client, when a token is set and may be sent to the configured endpoint; a warning
    /// says why not when it may not.
    pub fn new(config: &LinkConfig, options: &CheckOptions) -> Option<Client> {
        let token = options.github_token.as_deref()?;
        let endpoint = config.api.github.join("graphql");
        let refuse = |why: String| {
            eprintln!(
                "warning: GITHUB_TOKEN is not sent to {endpoint}: {why}; GitHub links are checked page by page"
            );
        };
        let authorization = match credentials_for(&endpoint, &config.allow_private, Some(token)) {
            Ok(value) => value,
            Err(why) => {
                refuse(why);
                return None;
            }
        };
        if let Err(blocked) = check_host(&endpoint, &config.allow_private) {
            refuse(blocked.to_string());
            return None;
        }
        let http = reqwest::Client::builder()
            // The token must not follow a redirect anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(PolicyResolver::new(
                Arc::new(config.allow_private.clone()),
                Arc::new(AtomicBool::new(false)),
            ))
            .connect_timeout(config.request_timeout.0.min(Duration::from_secs(10)))
            .timeout(config.request_timeout.0)
            .user_agent(config.user_agent.as_str())
            .build();
        let http = match http {
            Ok(http) => http,
            Err(e) => {
                refuse(format!("cannot set up the HTTP client: {e}"));
                return None;
            }
        };
        Some(Client {
            http,
            cache_prefix: format!("github-api {endpoint} "),
            endpoint,
            authorization,
            max_retries: config.max_retries,
            backoff: config.retry_backoff.0,
        })
    }

    /// Which of `urls` the cache settles, and the groups to ask about for the others.
    pub fn plan(&self, urls: Vec<(String, Url, Target)>, cache: Option<&Cache>) -> Plan {
        let mut known = HashMap::new();
        let mut needed: Vec<Lookup> = Vec::new();
        let mut seen = HashSet::new();
        let mut need = |lookup: Lookup, known: &mut HashMap<Lookup, Answer>| {
            if known.contains_key(&lookup) || !seen.insert(lookup.clone()) {
                return known.get(&lookup).cloned();
            }
            let cached = cache
                .and_then(|c| c.get_with_facts(&lookup.cache_key(&self.cache_prefix)))
                .and_then(|(verdict, facts)| Answer::from_cached(verdict, facts));
            match cached {
                Some(answer) => {
                    known.insert(lookup, answer.clone());
                    Some(answer)
                }
                None => {
                    needed.push(lookup);
                    None
                }
            }
        };
        for (_, _, target) in &urls {
            for lookup in lookups_of(target) {
                let is_repo = matches!(lookup, Lookup::Repo(_));
                let answer = need(lookup, &mut known);
                // Nothing exists in a repository that does not: its owner (asked next) is
                // all that is left to know.
                if is_repo && matches!(answer, Some(Answer::Missing(_))) {
                    if let Target::Repo { repo, .. } = target {
                        need(Lookup::Owner(repo.owner.clone()), &mut known);
                    }
                    break;
                }
            }
        }
        Plan {
            groups: group(needed),
            pending: Pending {
                urls,
                known,
                cache_prefix: self.cache_prefix.clone(),
            },
        }
    }

    /// Asks about `groups`, a batch at a time, by `deadline`.
    pub async fn ask(&self, groups: Vec<Group>, deadline: Instant, progress: &Progress) -> Asked {
        let pacing = Pacing {
            max_batch: MAX_BATCH,
            max_retries: self.max_retries,
            backoff: self.backoff,
            min_interval: Duration::ZERO,
            deadline,
        };
        let bar = progress.bar(
            groups.len().div_ceil(MAX_BATCH),
            "GitHub API {bar:30} {pos}/{len} batches",
        );
        let finished = api::run_batches(self, groups, &pacing, &bar).await;
        let mut asked = Asked {
            requests: finished.requests,
            ..Asked::default()
        };
        for answers in finished.answers {
            asked.answers.extend(answers);
        }
        for (group, reason) in finished.unanswered {
            for lookup in group.lookups() {
                asked.unanswered.insert(lookup, reason.clone());
            }
        }
        for group in finished.given_up {
            asked.given_up.extend(group.lookups());
        }
        if let Some(warning) = finished.warning {
            eprintln!("warning: {warning}");
        }
        asked
    }

    async fn post(&self, groups: &[Group]) -> Sent<Vec<(Lookup, Answer)>> {
        let body = match serde_json::to_vec(&request_body(groups)) {
            Ok(body) => body,
            Err(e) => {
                return Sent {
                    result: Err(Fault::GiveUp {
                        warning: format!("cannot write a GitHub API request: {e}"),
                    }),
                    exhausted_for: None,
                };
            }
        };
        let request = self
            .http
            .post(self.endpoint.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                return Sent {
                    result: Err(self.connection_fault(&error)),
                    exhausted_for: None,
                };
            }
        };
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let exhausted = exhausted_for(&headers);
        let body = read_body(&mut response).await;
        Sent {
            result: self.judge(status, &headers, &body, groups),
            exhausted_for: exhausted,
        }
    }

    fn judge(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        groups: &[Group],
    ) -> Result<Vec<(Lookup, Answer)>, Fault> {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let message = json
            .as_ref()
            .and_then(|j| j.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let status_text = match status.canonical_reason() {
            Some(reason) => format!("{} {reason}", status.as_u16()),
            None => format!("HTTP {}", status.as_u16()),
        };
        let with_message = if message.is_empty() {
            status_text.clone()
        } else {
            format!("{status_text}: {message}")
        };
        match status.as_u16() {
            200 => match &json {
                Some(json) => read_answers(groups, json, headers),
                None => Err(Fault::Transient {
                    reason: format!("GitHub API: {status_text} with a body that is not JSON"),
                }),
            },
            401 => Err(Fault::GiveUp {
                warning: format!(
                    "the GitHub API refused GITHUB_TOKEN ({with_message}); GitHub links are checked page by page instead"
                ),
            }),
            403 | 429
                if headers.contains_key(RETRY_AFTER)
                    || is_secondary(&message)
                    || exhausted_for(headers).is_some() =>
            {
                Err(Fault::Limited {
                    after: secondary_wait(headers),
                    reason: format!("GitHub API: {with_message}"),
                })
            }
            502 | 504 => Err(Fault::TooLarge {
                reason: format!("GitHub API: {status_text}"),
            }),
            code if status.is_server_error() || code == 429 => Err(Fault::Transient {
                reason: format!("GitHub API: {status_text}"),
            }),
            _ if status.is_redirection() => Err(Fault::GiveUp {
                warning: format!(
                    "the GitHub API endpoint {} answered {status_text}, a redirect, which the token does not follow; GitHub links are checked page by page instead",
                    self.endpoint
                ),
            }),
            _ => Err(Fault::GiveUp {
                warning: format!(
                    "the GitHub API endpoint {} answered {with_message}; GitHub links are checked page by page instead",
                    self.endpoint
                ),
            }),
        }
    }

    fn connection_fault(&self, error: &reqwest::Error) -> Fault {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(cause) = source {
            if let Some(blocked) = cause.downcast_ref::<Blocked>() {
                return Fault::GiveUp {
                    warning: format!(
                        "the GitHub API endpoint {} was not requested: {blocked}; GitHub links are checked page by page instead",
                        self.endpoint
                    ),
                };
            }
            source = cause.source();
        }
        if error.is_timeout() {
            Fault::Transient {
                reason: "GitHub API: timed out".to_string(),
            }
        } else {
            Fault::Unreached {
                reason: format!("GitHub API: cannot connect: {error}"),
            }
        }
    }
}

impl BatchApi for Client {
    type Item = Group;
    type Answers = Vec<(Lookup, Answer)>;

    fn send(&self, batch: &[Group]) -> impl Future<Output = Sent<Self::Answers>> + Send {
        self.post(batch)
    }
}

async fn read_body(response: &mut reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < MAX_ANSWER_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    body
}

/// What [`Client::plan`] found: the groups to ask about, and the URLs waiting for them.
pub struct Plan {
    pub groups: Vec<Group>,
    pub pending: Pending,
}

impl Plan {
    /// Nothing to settle through the API.
    pub fn empty() -> Plan {
        Plan {
            groups: Vec::new(),
            pending: Pending::empty(),
        }
    }
}

/// URLs waiting for their lookups, and the answers the cache already had.
pub type Pending = api::Pending<Target, Lookup, Answer>;
