//! arXiv links settled through the export API (`GET {links.api.arxiv}?id_list=…&max_results=N`)
//! instead of page requests: up to 100 identifiers a request, one request at a time, at least
//! 3 s apart, as arXiv's terms of use ask (<https://info.arxiv.org/help/api/tou.html>). Each
//! paper is asked once per run, without a version, so that the answer is its latest version:
//! a link to a version beyond it is dead, and a latest version whose comment says it was
//! withdrawn is `withdrawn-paper`. The title comes with the answer, for `mismatched-paper`.
//!
//! The feed's entries are matched to the request by their `<id>` (their order is not the
//! request's); an identifier missing from the feed does not exist. `max_results` is the batch
//! size, since the API answers 10 entries by default and drops the rest without a word.
//! Identifiers are checked locally first, as one the API cannot read fails the whole request
//! (HTTP 400 with an error entry); should that happen all the same, the identifier it names is
//! reported as malformed and the rest of the batch is asked again. `Rate exceeded.` (as a 429,
//! a 503 or even a 200) holds every request for a growing pause, within the run's budget.
//!
//! Answers (title, latest version, withdrawal) are cached by identifier, so a warm run asks
//! nothing and the paper rules still have their titles. No credentials are ever sent.

mod feed;
mod target;

pub use feed::{Entry, EntryId, Feed, parse};
pub use target::{Paper, Target, parse_id, target};

use super::api::{self, BatchApi, Concluded, Fault, Known, Pacing, Sent};
use super::cache::Cache;
use super::config::LinkConfig;
use super::walk::Progress;
use super::{Facts, PaperFacts, Settled, Verdict, Via, malformed};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};
use tokio::time::Instant;
use url::Url;

/// Identifiers in one request.
pub const MAX_BATCH: usize = 100;
/// The least time between two requests (arXiv's terms of use).
pub const MIN_INTERVAL: Duration = Duration::from_secs(3);
/// The longest pause after `Rate exceeded.` without a `Retry-After`.
const MAX_PAUSE: Duration = Duration::from_secs(60);
/// A hundred entries with their abstracts are a few hundred kilobytes.
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// The requests the API takes for `urls`: one per [`MAX_BATCH`] distinct papers.
pub fn requests_for<'u>(urls: impl Iterator<Item = &'u str>) -> usize {
    let papers: HashSet<String> = urls
        .filter_map(
            |u| match Url::parse(u.trim()).ok().as_ref().and_then(target) {
                Some(Target::Paper(paper)) => Some(paper.id),
                _ => None,
            },
        )
        .collect();
    papers.len().div_ceil(MAX_BATCH)
}

/// What the API said of one identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Paper(PaperFacts),
    /// Not in the feed: no such paper.
    Missing,
    /// The API could not read the identifier (HTTP 400).
    Malformed(String),
}

impl Answer {
    fn to_cached(&self, id: &str) -> Option<(Verdict, Option<Facts>)> {
        match self {
            Answer::Paper(facts) => Some((Verdict::Alive, Some(Facts::ArxivPaper(facts.clone())))),
            Answer::Missing => Some((
                Verdict::Dead {
                    reason: no_paper(id),
                },
                None,
            )),
            Answer::Malformed(_) => None,
        }
    }

    fn from_cached(verdict: Verdict, facts: Option<Facts>) -> Option<Answer> {
        match (verdict, facts) {
            (Verdict::Alive, Some(Facts::ArxivPaper(facts))) => Some(Answer::Paper(facts)),
            (Verdict::Dead { .. }, None) => Some(Answer::Missing),
            _ => None,
        }
    }
}

fn no_paper(id: &str) -> String {
    format!("no arXiv paper {id}")
}

/// The export API client of one run.
pub struct Client {
    http: reqwest::Client,
    endpoint: Url,
    cache_prefix: String,
    max_retries: u32,
    backoff: Duration,
    /// `Rate exceeded.` answers in a row: each doubles the pause.
    limited: AtomicU32,
}

impl Client {
    /// The client, unless the address policy refuses the configured endpoint (a warning says
    /// so, and arXiv links are checked page by page).
    pub fn new(config: &LinkConfig) -> Option<Client> {
        let endpoint = config.api.arxiv.0.clone();
        let http = api::client_for(&endpoint, config, "arXiv API", "arXiv links")?;
        Some(Client {
            http,
            cache_prefix: format!("arxiv-api {endpoint} "),
            endpoint,
            max_retries: config.max_retries,
            backoff: config.retry_backoff.0,
            limited: AtomicU32::new(0),
        })
    }

    /// Which of `urls` the cache settles, and the identifiers to ask about for the others.
    pub fn plan(&self, urls: Vec<(String, Url, Target)>, cache: Option<&Cache>) -> Plan {
        let mut known = HashMap::new();
        let mut needed = Vec::new();
        let mut seen = HashSet::new();
        for (_, _, target) in &urls {
            let Target::Paper(paper) = target else {
                continue;
            };
            if !seen.insert(paper.id.clone()) {
                continue;
            }
            let cached = cache
                .and_then(|c| c.get_with_facts(&self.cache_key(&paper.id)))
                .and_then(|(verdict, facts)| Answer::from_cached(verdict, facts));
            match cached {
                Some(answer) => {
                    known.insert(paper.id.clone(), answer);
                }
                None => needed.push(paper.id.clone()),
            }
        }
        // A stable order, so that runs over the same survey send the same requests.
        needed.sort();
        Plan {
            ids: needed,
            pending: Pending {
                urls,
                known,
                cache_prefix: self.cache_prefix.clone(),
            },
        }
    }

    fn cache_key(&self, id: &str) -> String {
        cache_key(&self.cache_prefix, id)
    }

    /// Asks about `ids`, a batch at a time, by `deadline`.
    pub async fn ask(&self, ids: Vec<String>, deadline: Instant, progress: &Progress) -> Asked {
        let pacing = Pacing {
            max_batch: MAX_BATCH,
            max_retries: self.max_retries,
            backoff: self.backoff,
            min_interval: MIN_INTERVAL,
            deadline,
        };
        let bar = progress.bar(
            ids.len().div_ceil(MAX_BATCH),
            "arXiv API {bar:30} {pos}/{len} batches",
        );
        let finished = api::run_batches(self, ids, &pacing, &bar).await;
        let mut asked = Asked {
            requests: finished.requests,
            ..Asked::default()
        };
        for answers in finished.answers {
            asked.answers.extend(answers);
        }
        for (id, reason) in finished.refused {
            asked.answers.insert(id, Answer::Malformed(reason));
        }
        asked.unanswered.extend(finished.unanswered);
        asked.given_up.extend(finished.given_up);
        if let Some(warning) = finished.warning {
            eprintln!("warning: {warning}");
        }
        asked
    }

    async fn get(&self, ids: &[String]) -> Sent<Vec<(String, Answer)>> {
        let mut url = self.endpoint.clone();
        // Identifiers are checked (digits, letters, `.`, `-`, `/`): nothing to escape.
        url.set_query(Some(&format!(
            "id_list={}&max_results={}",
            ids.join(","),
            ids.len()
        )));
        let mut response = match self.http.get(url).send().await {
            Ok(response) => response,
            Err(error) => {
                return Sent {
                    result: Err(api::connection_fault(&error, "arXiv", &self.endpoint)),
                    exhausted_for: None,
                };
            }
        };
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = api::read_body(&mut response, MAX_ANSWER_BYTES).await;
        let result = self.judge(status, &headers, &String::from_utf8_lossy(&body), ids);
        if !matches!(result, Err(Fault::Limited { .. })) {
            self.limited.store(0, Ordering::Relaxed);
        }
        Sent {
            result,
            exhausted_for: None,
        }
    }

    fn judge(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &str,
        ids: &[String],
    ) -> Result<Vec<(String, Answer)>, Fault> {
        let status_text = api::status_text(status);
        // `Rate exceeded.` comes as a 429, a 503, and has been seen as a 200.
        if body.trim_start().starts_with("Rate exceeded") || status.as_u16() == 429 {
            return Err(Fault::Limited {
                after: self.pause(headers),
                reason: format!("arXiv API: {status_text}, rate exceeded"),
            });
        }
        match status.as_u16() {
            200 => match parse(body) {
                Ok(feed) => read_answers(&feed, ids),
                Err(why) => Err(Fault::Transient {
                    reason: format!("arXiv API: {status_text} with an answer that is {why}"),
                }),
            },
            400 => Err(refused(body, ids).unwrap_or_else(|| Fault::GiveUp {
                warning: format!(
                    "the arXiv API at {} refused a request ({status_text}); arXiv links are checked page by page instead",
                    self.endpoint
                ),
            })),
            _ if status.is_server_error() => Err(Fault::Transient {
                reason: format!("arXiv API: {status_text}"),
            }),
            _ => Err(Fault::GiveUp {
                warning: format!(
                    "the arXiv API at {} answered {status_text}; arXiv links are checked page by page instead",
                    self.endpoint
                ),
            }),
        }
    }

    /// `Retry-After` when given; otherwise 3 s, doubled for each limit in a row, at most a
    /// minute.
    fn pause(&self, headers: &HeaderMap) -> Duration {
        let row = self.limited.fetch_add(1, Ordering::Relaxed);
        super::probe::retry_after(headers, SystemTime::now())
            .unwrap_or_else(|| MIN_INTERVAL.saturating_mul(1 << row.min(8)).min(MAX_PAUSE))
    }
}

impl BatchApi for Client {
    type Item = String;
    type Answers = Vec<(String, Answer)>;

    fn send(&self, batch: &[String]) -> impl Future<Output = Sent<Self::Answers>> + Send {
        self.get(batch)
    }
}

fn cache_key(prefix: &str, id: &str) -> String {
    format!("{prefix}{id}")
}

/// The answer for every identifier of a batch from a 200 feed: the entries by their `<id>`,
/// whatever their order; an identifier without an entry does not exist.
fn read_answers(feed: &Feed, ids: &[String]) -> Result<Vec<(String, Answer)>, Fault> {
    let mut papers: HashMap<String, PaperFacts> = HashMap::new();
    for entry in &feed.entries {
        if let EntryId::Paper { id, version } = entry.read_id() {
            let facts = PaperFacts {
                id: id.clone(),
                version,
                title: entry.title.clone(),
                withdrawn: entry.withdrawn(),
            };
            papers.entry(id).or_insert(facts);
        }
    }
    // A feed without one paper for a batch of several is more likely a fault of the service
    // than a batch of papers that do not exist: not worth a "dead" for each.
    if papers.is_empty() && ids.len() > 1 {
        return Err(Fault::Transient {
            reason: format!(
                "arXiv API: a feed without any of the {} papers asked for",
                ids.len()
            ),
        });
    }
    Ok(ids
        .iter()
        .map(|id| {
            let answer = match papers.remove(id) {
                Some(facts) => Answer::Paper(facts),
                None => Answer::Missing,
            };
            (id.clone(), answer)
        })
        .collect())
}

/// A 400 feed's error entry (`…/api/errors#incorrect_id_format_for_X`), as the refusal of
/// the identifier it names; `None` when it names none of the batch.
fn refused(body: &str, ids: &[String]) -> Option<Fault> {
    let feed = parse(body).ok()?;
    let (error, summary) = feed.entries.iter().find_map(|e| match e.read_id() {
        EntryId::Error(error) => Some((error, e.summary.clone())),
        _ => None,
    })?;
    let named = error.strip_prefix("incorrect_id_format_for_")?;
    let at = ids.iter().position(|id| id == named)?;
    let reason = if summary.is_empty() {
        format!("the arXiv API says: incorrect id format for {named}")
    } else {
        format!("the arXiv API says: {summary}")
    };
    Some(Fault::Refused {
        items: vec![at],
        reason,
    })
}

/// What [`Client::plan`] found: the identifiers to ask about, and the URLs waiting for them.
pub struct Plan {
    pub ids: Vec<String>,
    pub pending: Pending,
}

impl Plan {
    /// Nothing to settle through the API.
    pub fn empty() -> Plan {
        Plan {
            ids: Vec::new(),
            pending: Pending::empty(),
        }
    }
}

/// URLs waiting for their papers, and the answers the cache already had (by paper id).
pub type Pending = api::Pending<Target, String, Answer>;

/// What the API said in this run, by paper id.
pub type Asked = api::Asked<String, Answer>;

/// The verdict of every pending URL, and this run's answers written to the cache.
pub fn conclude(pending: Pending, asked: Option<Asked>, cache: Option<&mut Cache>) -> Concluded {
    let asked = asked.unwrap_or_default();
    if let Some(cache) = cache {
        for (id, answer) in &asked.answers {
            if let Some((verdict, facts)) = answer.to_cached(id) {
                cache.insert_with_facts(&cache_key(&pending.cache_prefix, id), &verdict, facts);
            }
        }
    }
    let mut concluded = Concluded::default();
    for (key, url, target) in pending.urls {
        let paper = match target {
            Target::Paper(paper) => paper,
            Target::Malformed(reason) => {
                let settled = via_api(Verdict::Skipped {
                    reason: malformed(&reason),
                });
                concluded.settled.push((key, settled));
                continue;
            }
        };
        let found = (asked.answers.get(&paper.id)).or_else(|| pending.known.get(&paper.id));
        let settled = match asked.know(&paper.id, found) {
            Known::Answer(answer) => settle_one(&paper, &answer),
            Known::Unanswered(reason) => via_api(Verdict::Unreachable { reason }),
            Known::Nothing => {
                concluded.fallback.push((key, url));
                continue;
            }
        };
        concluded.settled.push((key, settled));
    }
    concluded
}

fn via_api(verdict: Verdict) -> Settled {
    Settled {
        verdict,
        via: Via::ArxivApi,
        facts: None,
    }
}

/// One link's verdict from its paper's answer.
fn settle_one(paper: &Paper, answer: &Answer) -> Settled {
    match answer {
        Answer::Missing => via_api(Verdict::Dead {
            reason: no_paper(&paper.id),
        }),
        Answer::Malformed(reason) => via_api(Verdict::Skipped {
            reason: malformed(reason),
        }),
        Answer::Paper(facts) => {
            let verdict = match paper.version {
                Some(version) if version > facts.version => Verdict::Dead {
                    reason: format!(
                        "arXiv paper {} has no version {version} (the latest is v{})",
                        paper.id, facts.version
                    ),
                },
                _ => Verdict::Alive,
            };
            Settled {
                verdict,
                via: Via::ArxivApi,
                facts: Some(Facts::ArxivPaper(facts.clone())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn entries_are_matched_by_id_and_absent_ones_are_missing() {
        let body = r#"<feed xmlns="http://www.w3.org/2005/Atom">
<entry><id>http://arxiv.org/abs/2303.08774v6</id><title>GPT-4 Technical Report</title></entry>
<entry><id>http://arxiv.org/abs/2302.13971v1</id><title>LLaMA: Open and Efficient Foundation Language
  Models</title></entry></feed>"#;
        let feed = parse(body).expect("a feed");
        let asked = ids(&["2302.13971", "2302.99999", "2303.08774"]);
        let answers = read_answers(&feed, &asked).expect("answers");
        assert_eq!(answers[0].0, "2302.13971");
        assert!(
            matches!(&answers[0].1, Answer::Paper(p) if p.title == "LLaMA: Open and Efficient Foundation Language Models" && p.version == 1)
        );
        assert_eq!(answers[1], ("2302.99999".to_string(), Answer::Missing));
        assert!(matches!(&answers[2].1, Answer::Paper(p) if p.version == 6));
    }

    #[test]
    fn an_empty_feed_for_several_papers_is_a_fault() {
        let feed = parse(r#"<feed xmlns="http://www.w3.org/2005/Atom"></feed>"#).expect("feed");
        assert!(read_answers(&feed, &ids(&["2302.13971", "2303.08774"])).is_err());
        assert_eq!(
            read_answers(&feed, &ids(&["2302.99999"])).expect("answers"),
            [("2302.99999".to_string(), Answer::Missing)]
        );
    }

    #[test]
    fn versions_beyond_the_latest_are_dead() {
        let facts = PaperFacts {
            id: "2302.13971".into(),
            version: 2,
            title: "T".into(),
            withdrawn: None,
        };
        let answer = Answer::Paper(facts);
        let at = |version| {
            settle_one(
                &Paper {
                    id: "2302.13971".into(),
                    version,
                },
                &answer,
            )
            .verdict
        };
        assert_eq!(at(None), Verdict::Alive);
        assert_eq!(at(Some(2)), Verdict::Alive);
        assert_eq!(
            at(Some(3)),
            Verdict::Dead {
                reason: "arXiv paper 2302.13971 has no version 3 (the latest is v2)".into()
            }
        );
    }

    #[test]
    fn requests_count_distinct_papers() {
        let urls = [
            "https://arxiv.org/abs/2302.13971",
            "https://arxiv.org/pdf/2302.13971v2.pdf",
            "https://arxiv.org/abs/2303.08774",
            "https://example.com/x",
        ];
        assert_eq!(requests_for(urls.iter().copied()), 1);
    }
}
