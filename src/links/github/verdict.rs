//! From answers to verdicts: each URL's verdict from the lookups it needs (this run's and the
//! cache's), what is left to the page check, and the hint of a run without a token.

use super::super::api::{self, Concluded};
use super::super::cache::Cache;
use super::super::{Facts, RepoFacts, Settled, Verdict, Verdicts, Via};
use super::query::{Answer, Lookup};
use super::target::{Ask, Target, is_owner, is_repo_name, strip_git};
use super::{Pending, requests_for};
use url::Url;

/// What the API said in this run, by lookup.
pub type Asked = api::Asked<Lookup, Answer>;

/// How one lookup stands after the run.
type Known = api::Known<Answer>;

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
        let found = (asked.answers.get(lookup)).or_else(|| pending.known.get(lookup));
        asked.know(lookup, found)
    };
    let mut concluded = Concluded::default();
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

/// After a run without a token: how many GitHub links were requested page by page although
/// the API could have settled them, and how few API requests that would have taken.
pub fn hint(verdicts: &Verdicts) -> Option<String> {
    let fetched: Vec<&str> = verdicts
        .iter()
        .filter(|(url, settled)| {
            settled.via == Via::Http
                && !matches!(settled.verdict, Verdict::Skipped { .. })
                && super::super::api_for(url) == Some("github")
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

#[cfg(test)]
mod tests {
    use super::*;

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
