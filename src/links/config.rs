//! The `[links]` table of `survey-lint.toml`. Every value is checked while the file is read,
//! so a bad pattern or address is a config error with a line and column, not a surprise mid-run.

use ipnet::IpNet;
use regex::Regex;
use serde::Deserialize;
use serde::de::{self, Deserializer};
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

/// The `[links]` table of `survey-lint.toml`. Missing keys take the defaults documented per field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkConfig {
    /// `true`, or a list of addresses / CIDRs that may be requested although private.
    /// Default `false`: loopback, private, link-local, CGNAT, metadata… are never requested.
    pub allow_private: AllowPrivate,
    /// Requests in flight at once, all hosts together. Default 128: high enough that the
    /// per-host limit is what paces a run over a few busy hosts.
    pub max_concurrency: usize,
    /// Requests in flight at once to one host. Default 8: polite, and what most hosts tolerate.
    pub max_per_host: usize,
    /// Time limit for one request (connect, headers and the bounded body read). Default `"20s"`.
    pub request_timeout: ConfigDuration,
    /// Time limit for the whole link check; what is not settled by then is unreachable.
    /// Default `"5m"`.
    pub total_timeout: ConfigDuration,
    /// Retries after a timeout, a connection failure, a 5xx or a 429. Default 2.
    pub max_retries: u32,
    /// First retry delay; it doubles on each retry, with jitter. Default `"1s"`.
    pub retry_backoff: ConfigDuration,
    /// Redirect hops followed before giving up. Default 10.
    pub max_redirects: usize,
    /// Status codes that mean alive: numbers or `"200-299"` ranges. Default `["200-299"]`.
    pub accept: Vec<StatusRange>,
    /// Regular expressions; a URL matching any of them is not checked. Default none; at most
    /// [`crate::fields::pattern::MAX_PATTERNS`].
    #[serde(deserialize_with = "patterns")]
    pub exclude: Vec<Pattern>,
    /// How long a cached alive, dead or redirected verdict is trusted. Default `"1d"`.
    pub cache_max_age: ConfigDuration,
    /// Folder for `links.json`. Default: the user's cache folder + `survey-lint`.
    /// A relative path is taken from the working directory; a config must keep it inside its
    /// repository (checked by `config::load`).
    pub cache_dir: Option<PathBuf>,
    /// The `User-Agent` header. Default `survey-lint/<version>`.
    pub user_agent: String,
    /// `[links.api]`: where the link APIs live.
    pub api: ApiEndpoints,
}

/// `[links.api]`: the base URLs of the APIs that settle links of their hosts. Tests point them
/// at loopback mocks; GitHub Enterprise users set their own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApiEndpoints {
    /// GitHub's API root; GraphQL is `{github}/graphql`. Default `https://api.github.com`.
    pub github: ApiUrl,
    /// arXiv's export API, queried as `{arxiv}?id_list=…&max_results=…`. Default
    /// `https://export.arxiv.org/api/query`.
    pub arxiv: ApiUrl,
    /// The Hugging Face Hub; a repository is `{huggingface}/api/models|datasets|spaces/ID`.
    /// Default `https://huggingface.co`.
    pub huggingface: ApiUrl,
}

impl Default for ApiEndpoints {
    fn default() -> Self {
        let url = |text: &str| ApiUrl(Url::parse(text).expect("a valid URL"));
        ApiEndpoints {
            github: url("https://api.github.com"),
            arxiv: url("https://export.arxiv.org/api/query"),
            huggingface: url("https://huggingface.co"),
        }
    }
}

/// An API's base URL: http(s), without a query or a fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiUrl(pub Url);

impl ApiUrl {
    /// The base URL with `path` appended (`https://api.github.com` + `graphql`).
    pub fn join(&self, path: &str) -> Url {
        let mut url = self.0.clone();
        let base = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{base}/{path}"));
        url
    }
}

impl<'de> Deserialize<'de> for ApiUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let url = Url::parse(text.trim())
            .map_err(|e| de::Error::custom(format!("`{text}` is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(de::Error::custom(format!(
                "`{text}` is not an http(s) URL such as \"https://api.github.com\""
            )));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(de::Error::custom(format!(
                "`{text}` must not have a query or a fragment"
            )));
        }
        Ok(ApiUrl(url))
    }
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            allow_private: AllowPrivate::default(),
            max_concurrency: 128,
            max_per_host: 8,
            request_timeout: ConfigDuration(Duration::from_secs(20)),
            total_timeout: ConfigDuration(Duration::from_secs(300)),
            max_retries: 2,
            retry_backoff: ConfigDuration(Duration::from_secs(1)),
            max_redirects: 10,
            accept: vec![StatusRange {
                low: 200,
                high: 299,
            }],
            exclude: Vec::new(),
            cache_max_age: ConfigDuration(Duration::from_secs(24 * 3600)),
            cache_dir: None,
            user_agent: concat!("survey-lint/", env!("CARGO_PKG_VERSION")).to_string(),
            api: ApiEndpoints::default(),
        }
    }
}

impl LinkConfig {
    /// The settings that decide a verdict, as text, e.g. `accept 200-299; redirects 10;
    /// private none`: the link cache serves a verdict only to a run with the same ones. The
    /// address policy is among them: a name that resolved to loopback under `allow_private`
    /// must be skipped, not served as alive, once private addresses are refused again.
    pub fn verdict_policy(&self) -> String {
        let accept: Vec<String> = self
            .accept
            .iter()
            .map(|r| format!("{}-{}", r.low, r.high))
            .collect();
        format!(
            "accept {}; redirects {}; private {}",
            accept.join(","),
            self.max_redirects,
            self.allow_private
        )
    }

    /// Whether `status` counts as alive.
    pub fn accepts(&self, status: u16) -> bool {
        self.accept
            .iter()
            .any(|r| (r.low..=r.high).contains(&status))
    }

    /// The first exclude pattern that matches `url`, if any.
    pub fn excluded_by(&self, url: &str) -> Option<&str> {
        self.exclude
            .iter()
            .find(|p| p.0.is_match(url))
            .map(|p| p.0.as_str())
    }
}

/// `links.allow_private`: `false` (the default), `true`, or a list of addresses and CIDRs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowPrivate {
    All(bool),
    List(Vec<AllowedNet>),
}

impl Default for AllowPrivate {
    fn default() -> Self {
        AllowPrivate::All(false)
    }
}

impl AllowPrivate {
    /// Whether the policy lets a request go to `ip` although it is not public.
    pub fn allows(&self, ip: IpAddr) -> bool {
        match self {
            AllowPrivate::All(all) => *all,
            AllowPrivate::List(nets) => nets.iter().any(|n| n.0.contains(&ip)),
        }
    }
}

/// `true`, `false`, or addresses and CIDRs separated by commas (`127.0.0.1,10.0.0.0/8`): the
/// value of `--allow-private` and `SURVEY_LINT_ALLOW_PRIVATE`.
impl std::str::FromStr for AllowPrivate {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim() {
            "true" => Ok(AllowPrivate::All(true)),
            "false" | "" => Ok(AllowPrivate::All(false)),
            list => list
                .split(',')
                .map(str::parse)
                .collect::<Result<_, _>>()
                .map(AllowPrivate::List)
                .map_err(|e| {
                    format!("{e}; expected true, false or addresses / CIDRs separated by commas")
                }),
        }
    }
}

impl std::fmt::Display for AllowPrivate {
    /// `none`, `all`, or the list: how the link cache names the policy.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AllowPrivate::All(false) => f.write_str("none"),
            AllowPrivate::All(true) => f.write_str("all"),
            AllowPrivate::List(nets) => {
                let nets: Vec<String> = nets.iter().map(|n| n.0.to_string()).collect();
                f.write_str(&nets.join(","))
            }
        }
    }
}

impl<'de> Deserialize<'de> for AllowPrivate {
    // By hand rather than `untagged`, so that a bad entry is named in the error.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            All(bool),
            List(Vec<String>),
        }
        match Raw::deserialize(d) {
            Ok(Raw::All(all)) => Ok(AllowPrivate::All(all)),
            Ok(Raw::List(list)) => list
                .iter()
                .map(|entry| entry.parse().map_err(de::Error::custom))
                .collect::<Result<_, _>>()
                .map(AllowPrivate::List),
            Err(_) => Err(de::Error::custom(
                "expected true, false or a list of addresses / CIDRs such as [\"127.0.0.1\"]",
            )),
        }
    }
}

/// One entry of `allow_private`: an address (`"127.0.0.1"`) or a CIDR (`"10.0.0.0/8"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowedNet(pub IpNet);

impl std::str::FromStr for AllowedNet {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(net) = text.parse::<IpNet>() {
            return Ok(AllowedNet(net));
        }
        text.parse::<IpAddr>()
            .map(|ip| AllowedNet(IpNet::from(ip)))
            .map_err(|_| format!("`{text}` is neither an IP address nor a CIDR"))
    }
}

/// An inclusive range of HTTP status codes; a single code is a range of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusRange {
    pub low: u16,
    pub high: u16,
}

impl std::str::FromStr for StatusRange {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a status code or a range like \"200-299\"");
        let code = |s: &str| {
            s.trim()
                .parse::<u16>()
                .ok()
                .filter(|c| (100..=999).contains(c))
        };
        let (low, high) = match text.split_once('-') {
            Some((low, high)) => (code(low).ok_or_else(bad)?, code(high).ok_or_else(bad)?),
            None => {
                let c = code(text).ok_or_else(bad)?;
                (c, c)
            }
        };
        if low > high {
            return Err(bad());
        }
        Ok(StatusRange { low, high })
    }
}

impl<'de> Deserialize<'de> for StatusRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Code(i64),
            Text(String),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Code(c) => c.to_string(),
            Raw::Text(t) => t,
        };
        text.parse().map_err(de::Error::custom)
    }
}

fn patterns<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Pattern>, D::Error> {
    let patterns = Vec::<Pattern>::deserialize(d)?;
    crate::fields::pattern::within_count(patterns.len())
        .map_err(|e| de::Error::custom(format!("too many exclude patterns: {e}")))?;
    Ok(patterns)
}

/// An `exclude` pattern: a regular expression matched anywhere in the URL as written.
#[derive(Debug, Clone)]
pub struct Pattern(pub Regex);

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        crate::fields::pattern::regex(&text)
            .map(Pattern)
            .map_err(|e| de::Error::custom(format!("invalid exclude pattern: {e}")))
    }
}

/// A duration written as seconds (`30`, `0.5`) or with a unit: `"500ms"`, `"10s"`, `"5m"`,
/// `"2h"`, `"1d"`, `"2w"`, `"2y"` (a year is 365 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigDuration(pub Duration);

impl std::str::FromStr for ConfigDuration {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let bad =
            || format!("`{text}` is not a duration like \"30s\", \"5m\", \"1d\" or \"500ms\"");
        let text_trim = text.trim();
        let split = text_trim
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text_trim.len());
        let (number, unit) = text_trim.split_at(split);
        let number: f64 = number.parse().map_err(|_| bad())?;
        let scale = match unit.trim() {
            "ms" => 0.001,
            "" | "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            "w" => 7.0 * 86400.0,
            "y" => 365.0 * 86400.0,
            _ => return Err(bad()),
        };
        seconds(number * scale).ok_or_else(bad)
    }
}

fn seconds(secs: f64) -> Option<ConfigDuration> {
    // Ten years is beyond any sensible limit and keeps Duration arithmetic far from overflow.
    let valid = secs.is_finite() && (0.0..=315_360_000.0).contains(&secs);
    valid.then(|| ConfigDuration(Duration::from_secs_f64(secs)))
}

impl<'de> Deserialize<'de> for ConfigDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Float(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(n) => seconds(n as f64),
            Raw::Float(f) => seconds(f),
            Raw::Text(t) => return t.parse().map_err(de::Error::custom),
        }
        .ok_or_else(|| de::Error::custom("a duration must be between 0 and ten years"))
    }
}
