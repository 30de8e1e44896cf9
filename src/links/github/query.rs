//! One GraphQL request: the lookups of a batch gathered into aliased groups, the query text
//! (our aliases and variable names only; every document string a variable), and the answers
//! read back from GitHub's documented shapes, faults included.

use super::super::RepoFacts;
use super::super::api::{self, Fault};
use super::super::{Facts, Verdict};
use super::target::{Ask, Repo, Target};
use reqwest::header::HeaderMap;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

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
    pub(super) fn cache_key(&self, prefix: &str) -> String {
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
    pub(super) fn to_cached(&self) -> Option<(Verdict, Option<Facts>)> {
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

    pub(super) fn from_cached(verdict: Verdict, facts: Option<Facts>) -> Option<Answer> {
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
    pub(super) fn lookups(&self) -> Vec<Lookup> {
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

/// The lookups that settle `target`: the repository and its owner, and what is asked in it.
pub(super) fn lookups_of(target: &Target) -> Vec<Lookup> {
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
pub(super) fn group(lookups: Vec<Lookup>) -> Vec<Group> {
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
pub(super) fn read_answers(
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

pub(super) fn is_secondary(message: &str) -> bool {
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
pub(super) fn exhausted_for(headers: &HeaderMap) -> Option<Duration> {
    (header(headers, "x-ratelimit-remaining")? == "0").then(|| reset_wait(headers))?
}

fn reset_wait(headers: &HeaderMap) -> Option<Duration> {
    let reset: u64 = header(headers, "x-ratelimit-reset")?.parse().ok()?;
    Some(api::until_epoch(reset, SystemTime::now()))
}

/// GitHub's rule for a secondary limit: `retry-after` if given, else the primary reset if the
/// quota is spent, else a minute.
pub(super) fn secondary_wait(headers: &HeaderMap) -> Duration {
    super::super::probe::retry_after(headers, SystemTime::now())
        .or_else(|| exhausted_for(headers))
        .unwrap_or(api::DEFAULT_PAUSE)
}

#[cfg(test)]
mod tests {
    use super::super::target::target;
    use super::*;
    use url::Url;

    fn target_of(url: &str) -> Option<Target> {
        target(&Url::parse(url).expect("test url"))
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
}
