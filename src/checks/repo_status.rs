//! `archived-repo`, `stale-repo`: what the GitHub API said of the repository a link points
//! into. The link checker asks (with `GITHUB_TOKEN`) and hands the answer over with the
//! verdict; without it (`--offline`, no token, a link settled by a page request) these rules
//! find nothing.

use super::link_status::{verdict_for, where_};
use super::{Check, CheckContext, Kind};
use crate::diagnostic::{Finding, Sink};
use crate::links::config::ConfigDuration;
use crate::links::{RepoFacts, Verdict};
use serde::Deserialize;
use std::time::{Duration, SystemTime};

/// Which state of a repository a rule reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RepoCondition {
    /// Archived: read-only.
    Archived,
    /// No commit on the default branch for longer than `max_age`.
    Stale,
}

/// The settings of a repo-status rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepoStatusSettings {
    pub status: RepoCondition,
    /// For `stale`: how old the last commit may be. Default `"2y"`.
    #[serde(default)]
    pub max_age: Option<ConfigDuration>,
}

pub struct RepoStatus {
    condition: RepoCondition,
    max_age: Duration,
}

const DEFAULT_MAX_AGE: Duration = Duration::from_secs(2 * 365 * 86_400);

impl Kind for RepoStatus {
    type Settings = RepoStatusSettings;

    fn new(settings: &RepoStatusSettings) -> RepoStatus {
        RepoStatus {
            condition: settings.status,
            max_age: settings.max_age.map_or(DEFAULT_MAX_AGE, |d| d.0),
        }
    }
}

impl Check for RepoStatus {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let (doc, Some(verdicts)) = (cx.doc, cx.verdicts) else {
            return;
        };
        let now = SystemTime::now();
        for link in &doc.links {
            for url in doc.meant_urls(link) {
                let text = doc.url(link, url);
                let Some(settled) = verdict_for(verdicts, &text) else {
                    continue;
                };
                let Some(repo) = settled.repo() else {
                    continue;
                };
                if matches!(settled.verdict, Verdict::Dead { .. }) {
                    continue;
                }
                let Some(found) = self.judge(repo, now) else {
                    continue;
                };
                let place = doc
                    .place_of(link.span().start)
                    .map(|p| where_(cx, p))
                    .unwrap_or_default();
                let finding = Finding::new(url.span(), format!("{}{place}", found.message))
                    .label(found.label)
                    .help(found.help)
                    .url(text)
                    .via(settled.via.as_str());
                out.push(finding);
            }
        }
    }
}

struct Found {
    message: String,
    label: &'static str,
    help: &'static str,
}

impl RepoStatus {
    fn judge(&self, repo: &RepoFacts, now: SystemTime) -> Option<Found> {
        let name = &repo.name_with_owner;
        match self.condition {
            RepoCondition::Archived if repo.archived => {
                let since = match repo.archived_at.as_deref().and_then(day) {
                    Some(day) => format!("read-only since {day}"),
                    None => "read-only".to_string(),
                };
                Some(Found {
                    message: format!("`{name}` is archived ({since})"),
                    label: "archived",
                    help: "say in the row that the project is archived, or link its maintained successor",
                })
            }
            // An archived repository is reported as such; stale says nothing more of it.
            RepoCondition::Stale if !repo.archived => {
                let last = repo.last_commit.as_deref()?;
                let at = humantime::parse_rfc3339_weak(last).ok()?;
                let age = now.duration_since(at).ok()?;
                (age > self.max_age).then(|| Found {
                    message: format!(
                        "`{name}` has had no commit on its default branch since {} (more than {})",
                        day(last).unwrap_or(last),
                        describe(self.max_age)
                    ),
                    label: "stale",
                    help: "check whether the project is abandoned; if it is, say so in the row or drop it",
                })
            }
            _ => None,
        }
    }
}

/// The date of an RFC 3339 time: `2024-05-01` of `2024-05-01T12:00:00Z`.
fn day(time: &str) -> Option<&str> {
    let day = time.get(..10)?;
    let digits = |r: std::ops::Range<usize>| day[r].bytes().all(|b| b.is_ascii_digit());
    (digits(0..4) && &day[4..5] == "-" && digits(5..7) && &day[7..8] == "-" && digits(8..10))
        .then_some(day)
}

/// `2 years`, `1 year`, `90 days`.
fn describe(age: Duration) -> String {
    const YEAR: u64 = 365 * 86_400;
    let secs = age.as_secs();
    match (secs / YEAR, secs % YEAR) {
        (1, 0) => "1 year".to_string(),
        (years, 0) if years > 1 => format!("{years} years"),
        _ => match secs / 86_400 {
            1 => "1 day".to_string(),
            days => format!("{days} days"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(archived: bool, last_commit: &str) -> RepoFacts {
        RepoFacts {
            name_with_owner: "a/b".into(),
            archived,
            archived_at: archived.then(|| "2024-05-01T12:00:00Z".to_string()),
            last_commit: Some(last_commit.to_string()),
        }
    }

    fn at(time: &str) -> SystemTime {
        humantime::parse_rfc3339(time).expect("test time")
    }

    #[test]
    fn archived_repositories_say_since_when() {
        let rule = RepoStatus {
            condition: RepoCondition::Archived,
            max_age: DEFAULT_MAX_AGE,
        };
        let now = at("2025-01-01T00:00:00Z");
        let found = rule.judge(&repo(true, "2024-04-30T00:00:00Z"), now);
        assert_eq!(
            found.map(|f| f.message).as_deref(),
            Some("`a/b` is archived (read-only since 2024-05-01)")
        );
        assert!(
            rule.judge(&repo(false, "2010-01-01T00:00:00Z"), now)
                .is_none()
        );
    }

    #[test]
    fn stale_follows_max_age_and_leaves_archived_ones_alone() {
        let rule = RepoStatus {
            condition: RepoCondition::Stale,
            max_age: DEFAULT_MAX_AGE,
        };
        let now = at("2025-01-01T00:00:00Z");
        let old = rule.judge(&repo(false, "2022-12-01T09:15:22Z"), now);
        assert_eq!(
            old.map(|f| f.message).as_deref(),
            Some(
                "`a/b` has had no commit on its default branch since 2022-12-01 (more than 2 years)"
            )
        );
        assert!(
            rule.judge(&repo(false, "2023-02-01T00:00:00Z"), now)
                .is_none()
        );
        assert!(
            rule.judge(&repo(true, "2010-01-01T00:00:00Z"), now)
                .is_none()
        );
        let empty = RepoFacts {
            last_commit: None,
            ..repo(false, "")
        };
        assert!(rule.judge(&empty, now).is_none());
    }

    #[test]
    fn ages_read_as_words() {
        assert_eq!(describe(DEFAULT_MAX_AGE), "2 years");
        assert_eq!(describe(Duration::from_secs(365 * 86_400)), "1 year");
        assert_eq!(describe(Duration::from_secs(90 * 86_400)), "90 days");
    }
}
