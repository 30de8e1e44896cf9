//! A mock of GitHub's GraphQL endpoint (`POST /graphql`): it reads survey-lint's aliased
//! queries (`g{i}:repository(owner:$o{i},name:$n{i}){… e{j}:object … i{j}:issueOrPullRequest …
//! t{j}:release …} u{i}:repositoryOwner(login:$o{i})`) through their variables, and answers
//! in the shapes GitHub documents:
//!
//! - Partial data: HTTP 200, every alias that resolved kept, a missing repository `null` in
//!   `data` with one `errors` entry `{"type":"NOT_FOUND","path":["<alias>"],"locations":[…],
//!   "message":"Could not resolve to a Repository with the name 'o/n'."}`. `path` holds the
//!   response name, so the alias (graphql/graphql-spec, "Section 7 -- Response.md": path
//!   segments are response names; the message and type as printed by `gh api graphql`,
//!   cli/cli#436).
//! - `repository(owner:, name:)` follows renames by default (`followRenames: Boolean = true`
//!   in GitHub's public schema, octokit/graphql-schema `schema.graphql`), so an old name
//!   answers with the new `nameWithOwner`.
//! - `repositoryOwner(login:)` is `null` without an error for no such login
//!   (shardbox/shardbox-core `spec/fetchers/github_api_spec.cr`, "handles repositoryOwner:
//!   null").
//! - `object(expression:)` is `null` without an error for a missing ref or path (client
//!   fixtures such as `{"data":{"repository":{"object":null}}}`); `__typename` is `Blob` or
//!   `Tree` (`GitObject` in the schema).
//! - A missing issue is `null` with a NOT_FOUND error at `[repo alias, issue alias]`: "Could
//!   not resolve to an issue or pull request with the number of N." (cli/cli
//!   `pkg/cmd/issue/shared/lookup.go`). A missing release is `null` (schema: nullable).
//! - Rate-limit headers on every response: `x-ratelimit-limit`, `-remaining`, `-used`,
//!   `-reset`, `-resource: graphql` (docs.github.com, "Rate limits and query limits for the
//!   GraphQL API").

use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};

/// One repository as the mock knows it.
#[derive(Clone, Debug)]
pub struct Repository {
    /// As GitHub spells it now; differs from the key for a renamed or moved repository.
    pub name_with_owner: String,
    pub archived_at: Option<String>,
    pub last_commit: Option<String>,
    /// Refs (branches, tags, shas) that exist; `None`: every ref exists.
    pub refs: Option<Vec<String>>,
    /// Paths that exist at every ref; `None`: every path exists.
    pub paths: Option<Vec<String>>,
    /// Issues and pull requests that exist; `None`: every number exists.
    pub issues: Option<Vec<u32>>,
    pub releases: Vec<String>,
}

impl Repository {
    pub fn new(name_with_owner: &str) -> Repository {
        Repository {
            name_with_owner: name_with_owner.to_string(),
            archived_at: None,
            last_commit: Some("2025-06-01T09:15:22Z".to_string()),
            refs: Some(vec!["main".to_string(), "master".to_string()]),
            paths: None,
            issues: Some(Vec::new()),
            releases: Vec::new(),
        }
    }

    pub fn archived(mut self, at: &str) -> Repository {
        self.archived_at = Some(at.to_string());
        self
    }

    pub fn paths(mut self, paths: &[&str]) -> Repository {
        self.paths = Some(paths.iter().map(|p| p.to_string()).collect());
        self
    }

    pub fn issues(mut self, issues: &[u32]) -> Repository {
        self.issues = Some(issues.to_vec());
        self
    }

    pub fn releases(mut self, tags: &[&str]) -> Repository {
        self.releases = tags.iter().map(|t| t.to_string()).collect();
        self
    }

    pub fn last_commit(mut self, at: &str) -> Repository {
        self.last_commit = Some(at.to_string());
        self
    }

    fn has_object(&self, expression: &str) -> Option<&'static str> {
        let (reference, path) = match expression.split_once(':') {
            Some((reference, path)) => (reference, Some(path)),
            None => (expression, None),
        };
        if let Some(refs) = &self.refs
            && !refs.iter().any(|r| r == reference)
        {
            return None;
        }
        match path {
            None => Some("Commit"),
            Some("") => Some("Tree"),
            Some(path) => match &self.paths {
                None => Some("Blob"),
                Some(paths) if paths.iter().any(|p| p == path) => Some("Blob"),
                Some(paths) if paths.iter().any(|p| p.starts_with(&format!("{path}/"))) => {
                    Some("Tree")
                }
                Some(_) => None,
            },
        }
    }
}

/// What the mock knows: repositories by `owner/name` (lowercase; an old name of a renamed one
/// maps to it), and owners. With `everything_exists`, a repository it does not list exists
/// under the name asked, and so does every owner.
#[derive(Clone, Debug, Default)]
pub struct World {
    pub repositories: HashMap<String, Repository>,
    pub missing: HashSet<String>,
    pub owners: HashSet<String>,
    pub everything_exists: bool,
}

impl World {
    pub fn with(mut self, key: &str, repository: Repository) -> World {
        let owner = repository.name_with_owner.split('/').next().unwrap_or("");
        self.owners.insert(owner.to_ascii_lowercase());
        if let Some((old_owner, _)) = key.split_once('/') {
            self.owners.insert(old_owner.to_ascii_lowercase());
        }
        self.repositories
            .insert(key.to_ascii_lowercase(), repository);
        self
    }

    pub fn owner(mut self, login: &str) -> World {
        self.owners.insert(login.to_ascii_lowercase());
        self
    }

    /// A repository that is not found (with `everything_exists`).
    pub fn without(mut self, key: &str) -> World {
        self.missing.insert(key.to_ascii_lowercase());
        self
    }

    fn repository(&self, owner: &str, name: &str) -> Option<Repository> {
        let key = format!("{owner}/{name}").to_ascii_lowercase();
        if self.missing.contains(&key) {
            return None;
        }
        match self.repositories.get(&key) {
            Some(repository) => Some(repository.clone()),
            None if self.everything_exists => Some(Repository {
                refs: None,
                issues: None,
                ..Repository::new(&format!("{owner}/{name}"))
            }),
            None => None,
        }
    }

    fn has_owner(&self, login: &str) -> bool {
        self.everything_exists || self.owners.contains(&login.to_ascii_lowercase())
    }
}

/// The rate-limit headers of a response with `remaining` requests left, resetting at
/// `reset` (Unix seconds).
pub fn rate_headers(remaining: u32, reset: u64) -> Vec<(String, String)> {
    vec![
        (
            "content-type".into(),
            "application/json; charset=utf-8".into(),
        ),
        ("x-ratelimit-limit".into(), "5000".into()),
        ("x-ratelimit-remaining".into(), remaining.to_string()),
        ("x-ratelimit-used".into(), (5000 - remaining).to_string()),
        ("x-ratelimit-reset".into(), reset.to_string()),
        ("x-ratelimit-resource".into(), "graphql".into()),
    ]
}

/// The query's top-level aliases, in order: (`g3`, repository) or (`u3`, owner).
fn aliases(query: &str) -> Vec<(String, &'static str)> {
    let mut found = Vec::new();
    for (at, _) in query.match_indices(":repository(") {
        found.push((at, alias_before(query, at), "repository"));
    }
    for (at, _) in query.match_indices(":repositoryOwner(") {
        found.push((at, alias_before(query, at), "owner"));
    }
    found.sort();
    found.into_iter().map(|(_, a, k)| (a, k)).collect()
}

fn alias_before(query: &str, at: usize) -> String {
    let start = query[..at]
        .rfind(|c: char| !c.is_ascii_alphanumeric())
        .map_or(0, |i| i + 1);
    query[start..at].to_string()
}

/// The body of a 200 answer to `request` (the JSON survey-lint sends), and the number of
/// repository lookups in it.
pub fn answer(world: &World, request: &str) -> (String, usize) {
    let request: Value = serde_json::from_str(request).expect("the request body is JSON");
    let query = request["query"].as_str().expect("a query");
    let variables = request["variables"].as_object().expect("variables");
    let text = |name: &str| variables.get(name).and_then(Value::as_str).unwrap_or("");
    let mut data = Map::new();
    let mut errors = Vec::new();
    let mut repositories = 0;
    for (alias, kind) in aliases(query) {
        let i = &alias[1..];
        let owner = text(&format!("o{i}"));
        if kind == "owner" {
            let value = if world.has_owner(owner) {
                json!({"login": owner})
            } else {
                Value::Null
            };
            data.insert(alias, value);
            continue;
        }
        repositories += 1;
        let name = text(&format!("n{i}"));
        let Some(repository) = world.repository(owner, name) else {
            data.insert(alias.clone(), Value::Null);
            errors.push(json!({
                "type": "NOT_FOUND",
                "path": [alias],
                "locations": [{"line": 1, "column": 3}],
                "message": format!("Could not resolve to a Repository with the name '{owner}/{name}'."),
            }));
            continue;
        };
        let mut fields = Map::new();
        fields.insert("nameWithOwner".into(), json!(repository.name_with_owner));
        fields.insert("isArchived".into(), json!(repository.archived_at.is_some()));
        fields.insert("archivedAt".into(), json!(repository.archived_at));
        fields.insert("isDisabled".into(), json!(false));
        fields.insert(
            "defaultBranchRef".into(),
            match &repository.last_commit {
                Some(at) => json!({"target": {"__typename": "Commit", "committedDate": at}}),
                None => Value::Null,
            },
        );
        for j in 0.. {
            let Some(expression) = variables.get(&format!("g{i}e{j}")).and_then(Value::as_str)
            else {
                break;
            };
            let value = match repository.has_object(expression) {
                Some(kind) => json!({"__typename": kind}),
                None => Value::Null,
            };
            fields.insert(format!("e{j}"), value);
        }
        for j in 0.. {
            let Some(number) = variables.get(&format!("g{i}i{j}")).and_then(Value::as_u64) else {
                break;
            };
            let exists = match &repository.issues {
                Some(issues) => issues.contains(&(number as u32)),
                None => true,
            };
            if exists {
                fields.insert(format!("i{j}"), json!({"__typename": "Issue"}));
            } else {
                fields.insert(format!("i{j}"), Value::Null);
                errors.push(json!({
                    "type": "NOT_FOUND",
                    "path": [alias, format!("i{j}")],
                    "locations": [{"line": 1, "column": 9}],
                    "message": format!("Could not resolve to an issue or pull request with the number of {number}."),
                }));
            }
        }
        for j in 0.. {
            let Some(tag) = variables.get(&format!("g{i}t{j}")).and_then(Value::as_str) else {
                break;
            };
            let value = if repository.releases.iter().any(|t| t == tag) {
                json!({"tagName": tag})
            } else {
                Value::Null
            };
            fields.insert(format!("t{j}"), value);
        }
        data.insert(alias, Value::Object(fields));
    }
    let mut body = json!({"data": data});
    if !errors.is_empty() {
        body["errors"] = Value::Array(errors);
    }
    (body.to_string(), repositories)
}
