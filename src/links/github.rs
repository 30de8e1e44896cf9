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

use super::api::{self, BatchApi, Fault, Pacing, Sent};
use super::cache::Cache;
use super::config::LinkConfig;
use super::credentials::credentials_for;
use super::policy::{Blocked, PolicyResolver, check_host};
use super::walk::Progress;
use super::{CheckOptions, Facts, RepoFacts, Settled, Verdict, Via};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;
use url::Url;

/// Repositories (and owners) asked about in one request.
pub const MAX_BATCH: usize = 100;
/// How many leading segments of `blob/a/b/c/…` are tried as the ref (`a`, `a/b`, `a/b/c`):
/// a branch name may hold slashes, and the URL does not say where it ends.
const MAX_REF_SEGMENTS: usize = 3;
/// The most of an answer read: a hundred repositories answer in a few kilobytes.
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// First path segments of github.com that are GitHub's own pages, not owners.
const ROUTES: &[&str] = &[
    "about",
    "account",
    "apps",
    "collections",
    "contact",
    "customer-stories",
    "enterprise",
    "events",
    "explore",
    "features",
    "issues",
    "login",
    "marketplace",
    "new",
    "notifications",
    "organizations",
    "orgs",
    "pricing",
    "pulls",
    "search",
    "security",
    "settings",
    "site",
    "sponsors",
    "topics",
    "trending",
    "user-attachments",
    "users",
];

/// A repository, as GitHub matches names: without regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Repo {
    pub owner: String,
    pub name: String,
}

impl Repo {
    fn new(owner: &str, name: &str) -> Repo {
        Repo {
            owner: owner.to_ascii_lowercase(),
            name: name.to_ascii_lowercase(),
        }
    }
}

/// What a github.com URL names, when the API can settle it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `github.com/OWNER`.
    Owner { login: String },
    /// `github.com/OWNER/NAME…`; `written` is `OWNER/NAME` as the URL spells it (without
    /// `.git`).
    Repo {
        repo: Repo,
        written: String,
        ask: Ask,
    },
}

/// What a repository link asks besides the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// The repository itself (also `#readme`, `/releases`, `/tags`, a query string).
    Repository,
    /// `blob/`, `tree/`, `raw/`, `blame/`: the possible (ref, path) readings of what follows.
    Object { splits: Vec<(String, String)> },
    /// `commit/SHA`, `commits/REF`: a ref or commit.
    Revision(String),
    /// `issues/N`, `pull/N`.
    Issue(u32),
    /// `releases/tag/TAG`.
    Release(String),
}

/// The target of `url`, if the API can settle it: a github.com URL naming an owner, or a
/// repository with nothing after it or one of the paths of [`Ask`]. Gists, wikis,
/// discussions, `orgs/…` and the like are left to the HTTP check.
pub fn target(url: &Url) -> Option<Target> {
    let host = url.host_str()?;
    let on_github =
        host.eq_ignore_ascii_case("github.com") || host.eq_ignore_ascii_case("www.github.com");
    if !on_github
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
    let (owner, rest) = segments.split_first()?;
    if !is_owner(owner) || ROUTES.contains(&owner.to_ascii_lowercase().as_str()) {
        return None;
    }
    let Some((name, rest)) = rest.split_first() else {
        return Some(Target::Owner {
            login: owner.to_ascii_lowercase(),
        });
    };
    let name = strip_git(name);
    if !is_repo_name(name) {
        return None;
    }
    let ask = match rest {
        [] | ["releases"] | ["releases", "latest"] | ["tags"] => Ask::Repository,
        [kind @ ("blob" | "tree" | "raw" | "blame"), rest @ ..] if !rest.is_empty() => {
            let decoded = rest
                .iter()
                .map(|s| decode(s))
                .collect::<Option<Vec<String>>>()?;
            if decoded.iter().any(String::is_empty) {
                return None;
            }
            // A file needs a path after its ref; a folder may be the ref's root.
            let longest_ref = match *kind {
                "tree" => decoded.len(),
                _ => decoded.len() - 1,
            };
            let splits: Vec<(String, String)> = (1..=longest_ref.min(MAX_REF_SEGMENTS))
                .map(|at| (decoded[..at].join("/"), decoded[at..].join("/")))
                .collect();
            if splits.is_empty() {
                return None;
            }
            Ask::Object { splits }
        }
        ["commit", sha] => Ask::Revision(decode(sha)?),
        ["commits", refs @ ..] if !refs.is_empty() => Ask::Revision(
            refs.iter()
                .map(|s| decode(s))
                .collect::<Option<Vec<String>>>()?
                .join("/"),
        ),
        ["issues", number] | ["pull", number] => Ask::Issue(issue_number(number)?),
        ["pull", number, "files" | "commits" | "checks"] => Ask::Issue(issue_number(number)?),
        ["releases", "tag", tag] => Ask::Release(decode(tag)?),
        _ => return None,
    };
    Some(Target::Repo {
        repo: Repo::new(owner, name),
        written: format!("{owner}/{name}"),
        ask,
    })
}

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

/// After a run without a token: how many GitHub links were requested page by page although
/// the API could have settled them, and how few API requests that would have taken.
pub fn hint(verdicts: &super::Verdicts) -> Option<String> {
    let fetched: Vec<&str> = verdicts
        .iter()
        .filter(|(url, settled)| {
            settled.via == Via::Http
                && !matches!(settled.verdict, Verdict::Skipped { .. })
                && super::api_for(url).is_some()
        })
        .map(|(url, _)| url.as_str())
        .collect();
    if fetched.is_empty() {
        return None;
    }
    let requests = requests_for(fetched.iter().copied());
    let (links, were) = match fetched.len() {
        1 => ("link", "was"),
        _ => ("links", "were"),
    };
    let plural = if requests == 1 { "request" } else { "requests" };
    Some(format!(
        "hint: {} GitHub {links} {were} fetched one by one; with GITHUB_TOKEN set they take {requests} API {plural} and archived/moved repositories are found",
        fetched.len()
    ))
}

/// GitHub logins: letters, digits and inner hyphens, at most 39 characters.
fn is_owner(text: &str) -> bool {
    (1..=39).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !text.starts_with('-')
}

/// Repository names: letters, digits, `.`, `-`, `_`, at most 100 characters, not `.`/`..`.
fn is_repo_name(text: &str) -> bool {
    (1..=100).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        && text != "."
        && text != ".."
}

fn strip_git(name: &str) -> &str {
    match name.len().checked_sub(4) {
        Some(cut) if name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(".git") => {
            &name[..cut]
        }
        _ => name,
    }
}

fn decode(segment: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()?;
    Some(decoded.into_owned())
}

/// An issue number as GraphQL's `Int` holds it (32 bits, signed), without a leading zero.
fn issue_number(text: &str) -> Option<u32> {
    let number: u32 = text.parse().ok()?;
    (number > 0 && number <= i32::MAX as u32 && !text.starts_with('0')).then_some(number)
}

/// One thing asked of the API; answers are cached by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Lookup {
    Repo(Repo),
    /// An object expression (`REF:PATH`, or a ref alone) in a repository.
    Object(Repo, String),
    Issue(Repo, u32),
    Release(Repo, String),
    /// A user or organization, by login (lowercase).
    Owner(String),
}

impl Lookup {
    fn cache_key(&self, prefix: &str) -> String {
        match self {
            Lookup::Repo(r) => format!("{prefix}repo {}/{}", r.owner, r.name),
            Lookup::Object(r, e) => format!("{prefix}object {}/{} {e}", r.owner, r.name),
            Lookup::Issue(r, n) => format!("{prefix}issue {}/{} #{n}", r.owner, r.name),
            Lookup::Release(r, t) => format!("{prefix}release {}/{} {t}", r.owner, r.name),
            Lookup::Owner(login) => format!("{prefix}owner {login}"),
        }
    }
}

/// What the API said about one lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The repository exists (and is not disabled).
    Repo(RepoFacts),
    /// The object, issue, release or owner exists.
    Found,
    /// It does not exist; for a repository, why (not found, disabled).
    Missing(String),
    /// An error the API gave for it alone (not a "not found"): left to the HTTP check.
    Unknown(String),
}

impl Answer {
    /// The answer as the cache keeps it; `None` for one not worth keeping.
    fn to_cached(&self) -> Option<(Verdict, Option<Facts>)> {
        match self {
            Answer::Repo(facts) => Some((Verdict::Alive, Some(Facts::GithubRepo(facts.clone())))),
            Answer::Found => Some((Verdict::Alive, None)),
            Answer::Missing(reason) => Some((
                Verdict::Dead {
                    reason: reason.clone(),
                },
                None,
            )),
            Answer::Unknown(_) => None,
        }
    }

    fn from_cached(verdict: Verdict, facts: Option<Facts>) -> Option<Answer> {
        match (verdict, facts) {
            (Verdict::Alive, Some(Facts::GithubRepo(facts))) => Some(Answer::Repo(facts)),
            (Verdict::Alive, None) => Some(Answer::Found),
            (Verdict::Dead { reason }, _) => Some(Answer::Missing(reason)),
            _ => None,
        }
    }
}

/// One alias of a query: a repository with what is asked in it, or an owner alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The repository, or `None` for an owner asked alone.
    pub repo: Option<Repo>,
    /// Whether the owner (`repo.owner`, or the login) is asked too.
    pub owner: Option<String>,
    pub objects: Vec<String>,
    pub issues: Vec<u32>,
    pub releases: Vec<String>,
}

impl Group {
    fn lookups(&self) -> Vec<Lookup> {
        let mut lookups = Vec::new();
        if let Some(repo) = &self.repo {
            lookups.push(Lookup::Repo(repo.clone()));
            let objects = self.objects.iter().cloned();
            lookups.extend(objects.map(|e| Lookup::Object(repo.clone(), e)));
            lookups.extend(self.issues.iter().map(|n| Lookup::Issue(repo.clone(), *n)));
            let releases = self.releases.iter().cloned();
            lookups.extend(releases.map(|t| Lookup::Release(repo.clone(), t)));
        }
        lookups.extend(self.owner.iter().map(|o| Lookup::Owner(o.clone())));
        lookups
    }
}

/// The GraphQL request for `groups`: the query text holds only our own aliases and variable
/// names; every string from a document is a variable. Group `i` is aliased `g{i}` (its owner
/// `u{i}`), its objects `e{j}`, issues `i{j}`, releases `t{j}`.
pub fn request_body(groups: &[Group]) -> Value {
    let mut declarations = Vec::new();
    let mut fields = Vec::new();
    let mut variables = Map::new();
    for (i, group) in groups.iter().enumerate() {
        if let Some(repo) = &group.repo {
            declarations.push(format!("$o{i}:String!,$n{i}:String!"));
            variables.insert(format!("o{i}"), json!(repo.owner));
            variables.insert(format!("n{i}"), json!(repo.name));
            let mut inner = vec![
                "nameWithOwner isArchived archivedAt isDisabled".to_string(),
                "defaultBranchRef{target{...on Commit{committedDate}}}".to_string(),
            ];
            for (j, expression) in group.objects.iter().enumerate() {
                declarations.push(format!("$g{i}e{j}:String!"));
                variables.insert(format!("g{i}e{j}"), json!(expression));
                inner.push(format!("e{j}:object(expression:$g{i}e{j}){{__typename}}"));
            }
            for (j, number) in group.issues.iter().enumerate() {
                declarations.push(format!("$g{i}i{j}:Int!"));
                variables.insert(format!("g{i}i{j}"), json!(number));
                inner.push(format!(
                    "i{j}:issueOrPullRequest(number:$g{i}i{j}){{__typename}}"
                ));
            }
            for (j, tag) in group.releases.iter().enumerate() {
                declarations.push(format!("$g{i}t{j}:String!"));
                variables.insert(format!("g{i}t{j}"), json!(tag));
                inner.push(format!("t{j}:release(tagName:$g{i}t{j}){{tagName}}"));
            }
            fields.push(format!(
                "g{i}:repository(owner:$o{i},name:$n{i}){{{}}}",
                inner.join(" ")
            ));
            if group.owner.is_some() {
                fields.push(format!("u{i}:repositoryOwner(login:$o{i}){{login}}"));
            }
        } else if let Some(login) = &group.owner {
            declarations.push(format!("$o{i}:String!"));
            variables.insert(format!("o{i}"), json!(login));
            fields.push(format!("u{i}:repositoryOwner(login:$o{i}){{login}}"));
        }
    }
    let query = format!("query({}){{{}}}", declarations.join(","), fields.join(" "));
    json!({"query": query, "variables": variables})
}

/// The answers to `groups` in a 200 response body, or the fault that the body reports for
/// the whole request (a rate limit, no data at all).
fn read_answers(
    groups: &[Group],
    body: &Value,
    headers: &HeaderMap,
) -> Result<Vec<(Lookup, Answer)>, Fault> {
    let errors: &[Value] = body
        .get("errors")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    if let Some(fault) = limit_in_errors(errors, headers) {
        return Err(fault);
    }
    let Some(data) = body.get("data").and_then(Value::as_object) else {
        let message = errors
            .iter()
            .find_map(|e| e.get("message").and_then(Value::as_str))
            .unwrap_or("an answer without data");
        return Err(Fault::Transient {
            reason: format!("GitHub API: {message}"),
        });
    };
    let error_at = |path: &[&str]| {
        errors.iter().find(|e| {
            let at = e.get("path").and_then(Value::as_array);
            at.is_some_and(|at| {
                at.len() == path.len() && at.iter().zip(path).all(|(a, b)| a.as_str() == Some(b))
            })
        })
    };
    let mut answers = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        if let Some(repo) = &group.repo {
            let alias = format!("g{i}");
            read_repo(
                group,
                repo,
                data.get(&alias),
                &alias,
                &error_at,
                &mut answers,
            );
        }
        if let Some(login) = &group.owner {
            let alias = format!("u{i}");
            let answer = match data.get(&alias) {
                Some(Value::Object(_)) => Answer::Found,
                // Documented: `repositoryOwner` is null, without an error, for no such login.
                Some(Value::Null) => match error_at(&[&alias]) {
                    Some(error) if error_type(error) != Some("NOT_FOUND") => {
                        Answer::Unknown(error_text(error))
                    }
                    _ => Answer::Missing(format!("no GitHub user or organization `{login}`")),
                },
                _ => Answer::Unknown("no answer for this owner".to_string()),
            };
            answers.push((Lookup::Owner(login.clone()), answer));
        }
    }
    Ok(answers)
}

fn read_repo<'e>(
    group: &Group,
    repo: &Repo,
    value: Option<&Value>,
    alias: &str,
    error_at: &dyn Fn(&[&str]) -> Option<&'e Value>,
    answers: &mut Vec<(Lookup, Answer)>,
) {
    let fields = match value {
        Some(Value::Object(fields)) => fields,
        Some(Value::Null) => {
            let answer = match error_at(&[alias]) {
                // Not found: the reason is written with the URL's spelling in the verdict.
                Some(error) if error_type(error) == Some("NOT_FOUND") => {
                    Answer::Missing(String::new())
                }
                Some(error) => Answer::Unknown(error_text(error)),
                None => Answer::Unknown("the API answered null".to_string()),
            };
            answers.push((Lookup::Repo(repo.clone()), answer));
            return;
        }
        _ => {
            let unknown = Answer::Unknown("no answer for this repository".to_string());
            answers.push((Lookup::Repo(repo.clone()), unknown));
            return;
        }
    };
    let text = |key: &str| fields.get(key).and_then(Value::as_str).map(str::to_string);
    let Some(name_with_owner) = text("nameWithOwner") else {
        let unknown = Answer::Unknown("an answer without nameWithOwner".to_string());
        answers.push((Lookup::Repo(repo.clone()), unknown));
        return;
    };
    let flag = |key: &str| fields.get(key).and_then(Value::as_bool).unwrap_or(false);
    let answer = if flag("isDisabled") {
        Answer::Missing(format!(
            "repository `{name_with_owner}` is disabled by GitHub"
        ))
    } else {
        Answer::Repo(RepoFacts {
            archived: flag("isArchived"),
            archived_at: text("archivedAt"),
            last_commit: fields
                .get("defaultBranchRef")
                .and_then(|r| r.get("target"))
                .and_then(|t| t.get("committedDate"))
                .and_then(Value::as_str)
                .map(str::to_string),
            name_with_owner,
        })
    };
    answers.push((Lookup::Repo(repo.clone()), answer));
    let mut sub = |key: String, lookup: Lookup| {
        let answer = match fields.get(&key) {
            Some(Value::Null) | None => match error_at(&[alias, &key]) {
                Some(error) if error_type(error) != Some("NOT_FOUND") => {
                    Answer::Unknown(error_text(error))
                }
                _ => Answer::Missing(String::new()),
            },
            Some(_) => Answer::Found,
        };
        answers.push((lookup, answer));
    };
    for (j, expression) in group.objects.iter().enumerate() {
        sub(
            format!("e{j}"),
            Lookup::Object(repo.clone(), expression.clone()),
        );
    }
    for (j, number) in group.issues.iter().enumerate() {
        sub(format!("i{j}"), Lookup::Issue(repo.clone(), *number));
    }
    for (j, tag) in group.releases.iter().enumerate() {
        sub(format!("t{j}"), Lookup::Release(repo.clone(), tag.clone()));
    }
}

fn error_type(error: &Value) -> Option<&str> {
    error.get("type").and_then(Value::as_str)
}

fn error_text(error: &Value) -> String {
    let message = error.get("message").and_then(Value::as_str).unwrap_or("");
    match error_type(error) {
        Some(kind) => format!("GitHub API {kind}: {message}"),
        None => format!("GitHub API: {message}"),
    }
}

/// A rate limit reported in the body of a 200: the primary limit (`RATE_LIMITED`, lately
/// `RATE_LIMIT`), or a secondary limit by its message.
fn limit_in_errors(errors: &[Value], headers: &HeaderMap) -> Option<Fault> {
    let primary = errors
        .iter()
        .find(|e| matches!(error_type(e), Some("RATE_LIMITED" | "RATE_LIMIT")));
    if let Some(error) = primary {
        let after = reset_wait(headers).unwrap_or(api::DEFAULT_PAUSE);
        return Some(Fault::Limited {
            after,
            reason: error_text(error),
        });
    }
    let secondary = errors.iter().find(|e| {
        let message = e.get("message").and_then(Value::as_str).unwrap_or("");
        is_secondary(message)
    })?;
    Some(Fault::Limited {
        after: secondary_wait(headers),
        reason: error_text(secondary),
    })
}

fn is_secondary(message: &str) -> bool {
    message
        .to_ascii_lowercase()
        .contains("secondary rate limit")
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// The wait until `x-ratelimit-reset`, when `x-ratelimit-remaining` is 0.
fn exhausted_for(headers: &HeaderMap) -> Option<Duration> {
    (header(headers, "x-ratelimit-remaining")? == "0").then(|| reset_wait(headers))?
}

fn reset_wait(headers: &HeaderMap) -> Option<Duration> {
    let reset: u64 = header(headers, "x-ratelimit-reset")?.parse().ok()?;
    Some(api::until_epoch(reset, SystemTime::now()))
}

/// GitHub's rule for a secondary limit: `retry-after` if given, else the primary reset if the
/// quota is spent, else a minute.
fn secondary_wait(headers: &HeaderMap) -> Duration {
    super::probe::retry_after(headers, SystemTime::now())
        .or_else(|| exhausted_for(headers))
        .unwrap_or(api::DEFAULT_PAUSE)
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
            .dns_resolver(PolicyResolver {
                allow: Arc::new(config.allow_private.clone()),
                resolved_public: Arc::new(AtomicBool::new(false)),
            })
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
        let reason = if error.is_timeout() {
            "GitHub API: timed out".to_string()
        } else {
            format!("GitHub API: cannot connect: {error}")
        };
        Fault::Transient { reason }
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

/// The lookups that settle `target`: the repository and its owner, and what is asked in it.
fn lookups_of(target: &Target) -> Vec<Lookup> {
    let (repo, ask) = match target {
        Target::Owner { login } => return vec![Lookup::Owner(login.clone())],
        Target::Repo { repo, ask, .. } => (repo, ask),
    };
    let mut lookups = vec![
        Lookup::Repo(repo.clone()),
        Lookup::Owner(repo.owner.clone()),
    ];
    let object = |expression: String| Lookup::Object(repo.clone(), expression);
    match ask {
        Ask::Repository => {}
        Ask::Object { splits } => {
            for (reference, path) in splits {
                if !path.is_empty() {
                    lookups.push(object(format!("{reference}:{path}")));
                }
                lookups.push(object(reference.clone()));
            }
        }
        Ask::Revision(reference) => lookups.push(object(reference.clone())),
        Ask::Issue(number) => lookups.push(Lookup::Issue(repo.clone(), *number)),
        Ask::Release(tag) => lookups.push(Lookup::Release(repo.clone(), tag.clone())),
    }
    lookups
}

/// Lookups gathered into groups: one per repository (its owner asked with the first group
/// of that owner), one per owner asked alone. In a stable order, so that runs are alike.
fn group(lookups: Vec<Lookup>) -> Vec<Group> {
    let mut repos: BTreeMap<Repo, Group> = BTreeMap::new();
    let mut owners: Vec<String> = Vec::new();
    let new_group = |repo: &Repo| Group {
        repo: Some(repo.clone()),
        owner: None,
        objects: Vec::new(),
        issues: Vec::new(),
        releases: Vec::new(),
    };
    for lookup in lookups {
        match lookup {
            Lookup::Repo(repo) => {
                repos
                    .entry(repo.clone())
                    .or_insert_with(|| new_group(&repo));
            }
            Lookup::Object(repo, expression) => {
                let group = repos
                    .entry(repo.clone())
                    .or_insert_with(|| new_group(&repo));
                group.objects.push(expression);
            }
            Lookup::Issue(repo, number) => {
                let group = repos
                    .entry(repo.clone())
                    .or_insert_with(|| new_group(&repo));
                group.issues.push(number);
            }
            Lookup::Release(repo, tag) => {
                let group = repos
                    .entry(repo.clone())
                    .or_insert_with(|| new_group(&repo));
                group.releases.push(tag);
            }
            Lookup::Owner(login) => owners.push(login),
        }
    }
    owners.sort();
    owners.dedup();
    let mut alone = Vec::new();
    for login in owners {
        let host = repos
            .values_mut()
            .find(|g| g.owner.is_none() && g.repo.as_ref().is_some_and(|r| r.owner == login));
        match host {
            Some(group) => group.owner = Some(login),
            None => alone.push(Group {
                repo: None,
                owner: Some(login),
                objects: Vec::new(),
                issues: Vec::new(),
                releases: Vec::new(),
            }),
        }
    }
    repos.into_values().chain(alone).collect()
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
            pending: Pending {
                urls: Vec::new(),
                known: HashMap::new(),
                cache_prefix: String::new(),
            },
        }
    }
}

/// URLs waiting for their lookups, and the answers the cache already had.
pub struct Pending {
    urls: Vec<(String, Url, Target)>,
    known: HashMap<Lookup, Answer>,
    cache_prefix: String,
}

/// What the API said in this run.
#[derive(Default)]
pub struct Asked {
    pub answers: HashMap<Lookup, Answer>,
    /// Lookups not answered in time, with the reason.
    pub unanswered: HashMap<Lookup, String>,
    /// Lookups left to the HTTP check because the API was given up.
    pub given_up: HashSet<Lookup>,
    /// Requests sent.
    pub requests: usize,
}

/// The verdicts the API settled, and the URLs left to the HTTP check.
pub struct Concluded {
    pub settled: Vec<(String, Settled)>,
    pub fallback: Vec<(String, Url)>,
}

/// How one lookup stands after the run.
enum Known {
    Answer(Answer),
    Unanswered(String),
    /// Given up, or never asked: the HTTP check decides.
    Nothing,
}

/// The verdict of every pending URL from the answers (the cache's and this run's), and the
/// new answers written to the cache.
pub fn conclude(pending: Pending, asked: Option<Asked>, cache: Option<&mut Cache>) -> Concluded {
    let asked = asked.unwrap_or_default();
    if let Some(cache) = cache {
        for (lookup, answer) in &asked.answers {
            if let Some((verdict, facts)) = answer.to_cached() {
                let key = lookup.cache_key(&pending.cache_prefix);
                cache.insert_with_facts(&key, &verdict, facts);
            }
        }
    }
    let know = |lookup: &Lookup| -> Known {
        if asked.given_up.contains(lookup) {
            return Known::Nothing;
        }
        if let Some(answer) = asked
            .answers
            .get(lookup)
            .or_else(|| pending.known.get(lookup))
        {
            return Known::Answer(answer.clone());
        }
        match asked.unanswered.get(lookup) {
            Some(reason) => Known::Unanswered(reason.clone()),
            None => Known::Nothing,
        }
    };
    let mut concluded = Concluded {
        settled: Vec::new(),
        fallback: Vec::new(),
    };
    for (key, url, target) in pending.urls {
        match settle_one(&url, &target, &know) {
            Some(settled) => concluded.settled.push((key, settled)),
            None => concluded.fallback.push((key, url)),
        }
    }
    concluded
}

/// The verdict of one URL, or `None` to leave it to the HTTP check.
fn settle_one(url: &Url, target: &Target, know: &dyn Fn(&Lookup) -> Known) -> Option<Settled> {
    let api = |verdict: Verdict, facts: Option<&RepoFacts>| Settled {
        verdict,
        via: Via::GithubApi,
        facts: facts.map(|f| Facts::GithubRepo(f.clone())),
    };
    let unreachable = |reason: &str| {
        api(
            Verdict::Unreachable {
                reason: reason.to_string(),
            },
            None,
        )
    };
    let (repo, written, ask) = match target {
        Target::Owner { login } => {
            return match know(&Lookup::Owner(login.clone())) {
                Known::Answer(Answer::Found) => Some(api(Verdict::Alive, None)),
                Known::Unanswered(reason) => Some(unreachable(&reason)),
                // Not an owner: perhaps one of GitHub's own pages. The page decides.
                _ => None,
            };
        }
        Target::Repo { repo, written, ask } => (repo, written, ask),
    };
    let facts = match know(&Lookup::Repo(repo.clone())) {
        Known::Answer(Answer::Repo(facts)) => facts,
        Known::Answer(Answer::Missing(reason)) => {
            let reason = match reason.is_empty() {
                true => format!("repository `{written}` does not exist, or is private"),
                false => reason,
            };
            return match know(&Lookup::Owner(repo.owner.clone())) {
                Known::Answer(Answer::Found) => Some(api(Verdict::Dead { reason }, None)),
                Known::Unanswered(reason) => Some(unreachable(&reason)),
                // No such owner either: a route of GitHub's own, or a deleted account.
                _ => None,
            };
        }
        Known::Unanswered(reason) => return Some(unreachable(&reason)),
        Known::Answer(_) | Known::Nothing => return None,
    };
    let facts = &facts;
    let dead = |reason: String| Some(api(Verdict::Dead { reason }, Some(facts)));
    let here = &facts.name_with_owner;
    match ask {
        Ask::Repository => {}
        Ask::Object { splits } => {
            let mut ref_found = None;
            let mut path_found = false;
            for (reference, path) in splits {
                let object = |e: String| know(&Lookup::Object(repo.clone(), e));
                let at_ref = object(reference.clone());
                let whole = if path.is_empty() {
                    None
                } else {
                    Some(object(format!("{reference}:{path}")))
                };
                for known in [Some(&at_ref), whole.as_ref()].into_iter().flatten() {
                    match known {
                        Known::Unanswered(reason) => return Some(unreachable(reason)),
                        Known::Answer(Answer::Unknown(_)) | Known::Nothing => return None,
                        _ => {}
                    }
                }
                let found = |k: &Known| matches!(k, Known::Answer(Answer::Found));
                if found(&at_ref) && ref_found.is_none() {
                    ref_found = Some((reference, path));
                }
                if found(&at_ref) && whole.as_ref().is_none_or(found) {
                    path_found = true;
                    break;
                }
            }
            if !path_found {
                // The ref exists and the path does not: gone. An unknown ref may be a renamed
                // branch, which GitHub still redirects: the page decides.
                let (reference, path) = ref_found?;
                return dead(format!(
                    "`{path}` does not exist at `{reference}` in `{here}`"
                ));
            }
        }
        Ask::Revision(reference) => match know(&Lookup::Object(repo.clone(), reference.clone())) {
            Known::Answer(Answer::Found) => {}
            Known::Answer(Answer::Missing(_)) => {
                return dead(format!("no commit or ref `{reference}` in `{here}`"));
            }
            Known::Unanswered(reason) => return Some(unreachable(&reason)),
            _ => return None,
        },
        Ask::Issue(number) => match know(&Lookup::Issue(repo.clone(), *number)) {
            Known::Answer(Answer::Found) => {}
            Known::Unanswered(reason) => return Some(unreachable(&reason)),
            // A missing issue may have been transferred, which the page follows.
            _ => return None,
        },
        Ask::Release(tag) => match know(&Lookup::Release(repo.clone(), tag.clone())) {
            Known::Answer(Answer::Found) => {}
            Known::Answer(Answer::Missing(_)) => {
                return dead(format!("release `{tag}` does not exist in `{here}`"));
            }
            Known::Unanswered(reason) => return Some(unreachable(&reason)),
            _ => return None,
        },
    }
    if here.eq_ignore_ascii_case(written) {
        return Some(api(Verdict::Alive, Some(facts)));
    }
    let Some(moved) = rename(url, here) else {
        return Some(api(Verdict::Alive, Some(facts)));
    };
    Some(api(
        Verdict::Redirected {
            chain: vec![url.to_string(), moved.clone()],
            target: moved,
        },
        Some(facts),
    ))
}

/// `url` with its owner and name replaced by `name_with_owner`, everything else kept (a
/// `.git` suffix too).
fn rename(url: &Url, name_with_owner: &str) -> Option<String> {
    let (owner, name) = name_with_owner.split_once('/')?;
    if !is_owner(owner) || !is_repo_name(name) {
        return None;
    }
    let path = url.path().strip_prefix('/')?;
    let mut parts = path.splitn(3, '/');
    let _old_owner = parts.next()?;
    let old_name = parts.next()?;
    let rest = parts.next();
    let git = if strip_git(old_name).len() < old_name.len() {
        &old_name[old_name.len() - 4..]
    } else {
        ""
    };
    let mut renamed = url.clone();
    match rest {
        Some(rest) => renamed.set_path(&format!("/{owner}/{name}{git}/{rest}")),
        None => renamed.set_path(&format!("/{owner}/{name}{git}")),
    }
    Some(renamed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target_of(url: &str) -> Option<Target> {
        target(&Url::parse(url).expect("test url"))
    }

    fn repo_target(url: &str) -> (Repo, String, Ask) {
        match target_of(url) {
            Some(Target::Repo { repo, written, ask }) => (repo, written, ask),
            other => panic!("{url}: expected a repository target, got {other:?}"),
        }
    }

    #[test]
    fn repository_urls_and_their_paths_are_targets() {
        let (repo, written, ask) = repo_target("https://github.com/LM-SYS/FastChat.git");
        assert_eq!(repo, Repo::new("lm-sys", "fastchat"));
        assert_eq!(written, "LM-SYS/FastChat");
        assert_eq!(ask, Ask::Repository);
        for url in [
            "https://github.com/a/b/",
            "https://www.github.com/a/b?tab=readme-ov-file",
            "http://github.com/a/b/releases",
            "https://github.com/a/b/tags",
        ] {
            assert_eq!(repo_target(url).2, Ask::Repository, "{url}");
        }
        let (_, _, ask) = repo_target("https://github.com/a/b/blob/feature/x/docs/%E4%B8%AD.md");
        assert_eq!(
            ask,
            Ask::Object {
                splits: vec![
                    ("feature".into(), "x/docs/中.md".into()),
                    ("feature/x".into(), "docs/中.md".into()),
                    ("feature/x/docs".into(), "中.md".into()),
                ]
            }
        );
        assert_eq!(
            repo_target("https://github.com/a/b/tree/main").2,
            Ask::Object {
                splits: vec![("main".into(), String::new())]
            }
        );
        assert_eq!(
            repo_target("https://github.com/a/b/issues/12").2,
            Ask::Issue(12)
        );
        assert_eq!(
            repo_target("https://github.com/a/b/pull/7/files").2,
            Ask::Issue(7)
        );
        assert_eq!(
            repo_target("https://github.com/a/b/releases/tag/v1.0").2,
            Ask::Release("v1.0".into())
        );
        assert_eq!(
            repo_target("https://github.com/a/b/commits/main").2,
            Ask::Revision("main".into())
        );
        assert_eq!(
            target_of("https://github.com/OpenAI"),
            Some(Target::Owner {
                login: "openai".into()
            })
        );
    }

    #[test]
    fn other_urls_are_left_to_the_http_check() {
        for url in [
            "https://gist.github.com/a/b",
            "https://github.com/a/b/wiki",
            "https://github.com/a/b/discussions/3",
            "https://github.com/a/b/assets/1/x",
            "https://github.com/orgs/a/repositories",
            "https://github.com/topics/llm",
            "https://github.com/user-attachments/assets/5a0fe60a",
            "https://github.com/a/b/issues/0",
            "https://github.com/a/b/issues/99999999999",
            "https://github.com:8443/a/b",
            "https://github.com.evil.example/a/b",
            "https://github.com/a%22b/c",
            "https://github.com/a/b%7D",
            "https://github.com/",
            "ftp://github.com/a/b",
        ] {
            assert_eq!(target_of(url), None, "{url}");
        }
    }

    fn group_of(urls: &[&str]) -> Vec<Group> {
        let mut lookups = Vec::new();
        for url in urls {
            let target = target_of(url).expect("a target");
            for lookup in lookups_of(&target) {
                if !lookups.contains(&lookup) {
                    lookups.push(lookup);
                }
            }
        }
        group(lookups)
    }

    #[test]
    fn each_repository_is_one_group_with_its_owner_once() {
        let groups = group_of(&[
            "https://github.com/a/x",
            "https://github.com/A/X/blob/main/README.md",
            "https://github.com/a/y/issues/3",
            "https://github.com/b",
        ]);
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[0].repo, Some(Repo::new("a", "x")));
        assert_eq!(groups[0].owner.as_deref(), Some("a"));
        assert_eq!(groups[0].objects, ["main:README.md", "main"]);
        assert_eq!(groups[1].owner, None);
        assert_eq!(groups[1].issues, [3]);
        assert_eq!(groups[2].repo, None);
        assert_eq!(groups[2].owner.as_deref(), Some("b"));
    }

    /// A crafted URL cannot change the query: its strings are variables, and the query text is
    /// the same as for a harmless URL of the same shape.
    #[test]
    fn document_strings_never_reach_the_query_text() {
        let crafted = group_of(&[
            r#"https://github.com/a/b/blob/main"){x}%20query%7Bviewer%7Blogin%7D%7D/%22%29%20%7B/x"#,
            "https://github.com/a/b/releases/tag/%22)%7Bviewer%7Blogin%7D%7D%23",
        ]);
        let harmless = group_of(&[
            "https://github.com/a/b/blob/main/x/y",
            "https://github.com/a/b/releases/tag/v1",
        ]);
        let (crafted, harmless) = (request_body(&crafted), request_body(&harmless));
        assert_eq!(crafted["query"], harmless["query"]);
        let query = crafted["query"].as_str().expect("a query");
        assert!(!query.contains("viewer"), "{query}");
        let variables = crafted["variables"].to_string();
        assert!(
            variables.contains(r##""\"){viewer{login}}#""##),
            "{variables}"
        );
        assert_eq!(
            query,
            "query($o0:String!,$n0:String!,$g0e0:String!,$g0e1:String!,$g0e2:String!,$g0e3:String!,$g0t0:String!){\
             g0:repository(owner:$o0,name:$n0){nameWithOwner isArchived archivedAt isDisabled \
             defaultBranchRef{target{...on Commit{committedDate}}} \
             e0:object(expression:$g0e0){__typename} e1:object(expression:$g0e1){__typename} \
             e2:object(expression:$g0e2){__typename} e3:object(expression:$g0e3){__typename} \
             t0:release(tagName:$g0t0){tagName}} u0:repositoryOwner(login:$o0){login}}"
        );
    }

    #[test]
    fn a_rename_rewrites_owner_and_name_only() {
        let url = |s: &str| Url::parse(s).expect("test url");
        assert_eq!(
            rename(
                &url("https://github.com/old/Name/blob/main/a%20b.md?plain=1"),
                "New/name2"
            )
            .as_deref(),
            Some("https://github.com/New/name2/blob/main/a%20b.md?plain=1")
        );
        assert_eq!(
            rename(&url("https://github.com/old/name.git"), "new/other").as_deref(),
            Some("https://github.com/new/other.git")
        );
        assert_eq!(rename(&url("https://github.com/old/name"), "bad"), None);
    }
}
