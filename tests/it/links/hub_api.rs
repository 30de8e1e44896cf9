//! A mock of the Hugging Face Hub's repository API (`GET /api/models|datasets|spaces/ID`),
//! answering an anonymous client in the shapes the Hub sends (sources: huggingface/
//! huggingface_hub `src/huggingface_hub/utils/_http.py`, `hf_raise_for_status` and
//! `parse_ratelimit_headers`, its tests `tests/test_utils_errors.py` and
//! `tests/test_utils_http.py`, and its recorded cassette
//! `tests/cassettes/InferenceApiTest.test_inference_overriding_invalid_task.yaml`;
//! huggingface/hub-docs `docs/hub/rate-limits.md` and `docs/hub/repositories-settings.md`):
//!
//! - 200 `application/json` with `id`, `author`, `sha`, `private`, `gated` (`false`, `"auto"`
//!   or `"manual"`: a gated repository answers 200 too), `disabled`, `siblings`
//!   (`[{"rfilename": …}]`); models also carry the legacy `modelId`.
//! - A missing or private repository: 401 with `{"error":"Invalid username or password."}`
//!   and the same text in `X-Error-Message`, without `X-Error-Code` (what an anonymous client
//!   gets); or, in `not_found_as_404` mode, 404 with `X-Error-Code: RepoNotFound`,
//!   `X-Error-Message: Repository not found` and `{"error":"Repository not found"}`.
//! - A disabled repository: 403 with `X-Error-Message: Access to this resource is disabled.`
//! - A renamed one: `307 Temporary Redirect`, `Location` a relative path to the new id,
//!   `text/plain` body "Temporary Redirect. Redirecting to …".
//! - On every answer, `RateLimit: "api";r=R;t=T` and `RateLimit-Policy: "fixed
//!   window";"api";q=500;w=300` (IETF draft-ietf-httpapi-ratelimit-headers-09).

use std::collections::HashMap;

/// How the mock answers for one repository.
#[derive(Clone, Debug)]
pub enum State {
    /// Public, with these files at `main`.
    Public(Vec<String>),
    /// Gated (`"manual"`): listed, answered 200.
    Gated,
    /// Private or missing: 401 (or 404 `RepoNotFound`).
    Hidden,
    /// Disabled: 403.
    Disabled,
    /// Renamed: 307 to this id.
    Renamed(String),
}

/// What the mock knows, by `kind/id` in lowercase (`models/a/b`). With `everything_exists`,
/// a repository it does not list is public with a `config.json`, a `README.md`, a `LICENSE`
/// and a `MODEL_LICENSE`.
#[derive(Clone, Debug, Default)]
pub struct Hub {
    pub repos: HashMap<String, State>,
    pub everything_exists: bool,
    pub not_found_as_404: bool,
}

impl Hub {
    /// `kind` is `models`, `datasets` or `spaces`.
    pub fn with(mut self, kind: &str, id: &str, state: State) -> Hub {
        self.repos
            .insert(format!("{kind}/{}", id.to_ascii_lowercase()), state);
        self
    }
}

/// One answer: status, headers, body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The rate-limit headers with `remaining` requests left, the window resetting in `reset` s.
pub fn rate_headers(remaining: u32, reset: u32) -> Vec<(String, String)> {
    vec![
        (
            "ratelimit".into(),
            format!("\"api\";r={remaining};t={reset}"),
        ),
        (
            "ratelimit-policy".into(),
            "\"fixed window\";\"api\";q=500;w=300".into(),
        ),
    ]
}

/// The answer to `GET path`; `None` for a path that is not `/api/{kind}/{id}`.
pub fn answer(hub: &Hub, path: &str) -> Option<Answer> {
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let rest = path.strip_prefix("/api/")?;
    let (kind, id) = rest.split_once('/')?;
    if !matches!(kind, "models" | "datasets" | "spaces") || id.is_empty() {
        return None;
    }
    let key = format!("{kind}/{}", id.to_ascii_lowercase());
    let state = match hub.repos.get(&key) {
        Some(state) => state.clone(),
        None if hub.everything_exists => {
            let files = ["config.json", "README.md", "LICENSE", "MODEL_LICENSE"];
            State::Public(files.map(String::from).to_vec())
        }
        None => State::Hidden,
    };
    let json = |gated: &str, files: &[String]| {
        let siblings: Vec<serde_json::Value> = files
            .iter()
            .map(|f| serde_json::json!({"rfilename": f}))
            .collect();
        let author = id.split('/').next().unwrap_or(id);
        let mut body = serde_json::json!({
            "_id": "621ffdc036468d709f174338",
            "id": id,
            "author": author,
            "sha": "86b5e0934494bd15c9632b12f734a8a67f723594",
            "lastModified": "2024-02-19T11:06:12.000Z",
            "private": false,
            "gated": serde_json::from_str::<serde_json::Value>(gated).unwrap_or_default(),
            "disabled": false,
            "downloads": 72376843,
            "likes": 2065,
            "tags": ["transformers"],
            "siblings": siblings,
        });
        if kind == "models" {
            body["modelId"] = serde_json::json!(id);
        }
        body.to_string()
    };
    let content_json = (
        "content-type".to_string(),
        "application/json; charset=utf-8".to_string(),
    );
    Some(match state {
        State::Public(files) => Answer {
            status: 200,
            headers: vec![content_json],
            body: json("false", &files),
        },
        State::Gated => Answer {
            status: 200,
            headers: vec![content_json],
            body: json("\"manual\"", &["config.json".to_string()]),
        },
        State::Hidden if hub.not_found_as_404 => Answer {
            status: 404,
            headers: vec![
                content_json,
                ("x-error-code".into(), "RepoNotFound".into()),
                ("x-error-message".into(), "Repository not found".into()),
            ],
            body: r#"{"error":"Repository not found"}"#.into(),
        },
        State::Hidden => Answer {
            status: 401,
            headers: vec![
                content_json,
                (
                    "x-error-message".into(),
                    "Invalid username or password.".into(),
                ),
            ],
            body: r#"{"error":"Invalid username or password."}"#.into(),
        },
        State::Disabled => Answer {
            status: 403,
            headers: vec![
                content_json,
                (
                    "x-error-message".into(),
                    "Access to this resource is disabled.".into(),
                ),
            ],
            body: r#"{"error":"Access to this resource is disabled."}"#.into(),
        },
        State::Renamed(to) => {
            let location = format!("/api/{kind}/{to}");
            Answer {
                status: 307,
                headers: vec![
                    ("content-type".into(), "text/plain; charset=utf-8".into()),
                    ("location".into(), location.clone()),
                    ("x-powered-by".into(), "huggingface-moon".into()),
                ],
                body: format!("Temporary Redirect. Redirecting to {location}"),
            }
        }
    })
}
