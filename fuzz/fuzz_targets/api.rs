//! The answers of the link APIs, as a hostile or broken server could send them: the arXiv
//! export API's Atom feed (`arxiv::parse`, each entry's identifier and withdrawal), arXiv
//! identifiers and URLs, and a Hugging Face Hub answer (status, headers, JSON body) read as
//! the client reads it. Nothing panics; a renamed repository's new id is only ever a Hub name,
//! so a `Location` header cannot carry table or link syntax into a fix.

#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use survey_lint::links::{arxiv, huggingface};
use url::Url;

#[derive(Arbitrary, Debug)]
struct Input {
    /// An Atom feed, an identifier and a URL at once.
    text: String,
    status: u16,
    headers: Vec<(u8, String)>,
    body: Vec<u8>,
    kind: u8,
    id: String,
}

/// The headers the Hub client reads, picked by number so that the fuzzer finds them.
const NAMES: [&str; 6] = [
    "location",
    "x-error-code",
    "x-error-message",
    "ratelimit",
    "ratelimit-policy",
    "retry-after",
];

fuzz_target!(|input: Input| {
    if let Ok(feed) = arxiv::parse(&input.text) {
        for entry in &feed.entries {
            let _ = entry.read_id();
            let _ = entry.withdrawn();
        }
    }
    let _ = arxiv::parse_id(&input.text);
    if let Ok(url) = Url::parse(&input.text) {
        let _ = arxiv::target(&url);
        let _ = huggingface::target(&url);
    }

    let Ok(status) = StatusCode::from_u16(input.status) else {
        return;
    };
    let mut headers = HeaderMap::new();
    for (name, value) in &input.headers {
        let name = HeaderName::from_static(NAMES[usize::from(*name) % NAMES.len()]);
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.append(name, value);
        }
    }
    let kind = match input.kind % 3 {
        0 => huggingface::Kind::Model,
        1 => huggingface::Kind::Dataset,
        _ => huggingface::Kind::Space,
    };
    let repo = huggingface::Repo {
        kind,
        id: input.id,
    };
    let _ = huggingface::rate_limit(&headers);
    if let Ok(huggingface::Answer::Moved(to)) =
        huggingface::read_answer(status, &headers, &input.body, &repo)
    {
        assert!(!to.is_empty() && to.split('/').count() <= 2, "{to:?}");
        assert!(
            to.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/')),
            "a new id with more than a Hub name: {to:?}"
        );
    }
});
