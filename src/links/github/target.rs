//! Which github.com URLs the API settles, and what each asks: the repository (`OWNER/NAME`,
//! with `blob/`, `tree/`, `releases/tag/`, `issues/N` … after it) or an owner.

use url::Url;

/// How many leading segments of `blob/a/b/c/…` are tried as the ref (`a`, `a/b`, `a/b/c`):
/// a branch name may hold slashes, and the URL does not say where it ends.
const MAX_REF_SEGMENTS: usize = 3;

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
    pub(super) fn new(owner: &str, name: &str) -> Repo {
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

/// GitHub logins: letters, digits and inner hyphens, at most 39 characters.
pub(super) fn is_owner(text: &str) -> bool {
    (1..=39).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !text.starts_with('-')
}

/// Repository names: letters, digits, `.`, `-`, `_`, at most 100 characters, not `.`/`..`.
pub(super) fn is_repo_name(text: &str) -> bool {
    (1..=100).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        && text != "."
        && text != ".."
}

pub(super) fn strip_git(name: &str) -> &str {
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
}
