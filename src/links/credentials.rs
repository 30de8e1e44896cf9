//! Which credentials go with which request. A token belongs to one service; a link in a survey
//! can point anywhere, and a redirect can leave the service, so the decision is made afresh
//! for every hop from that hop's URL alone.

use reqwest::header::HeaderValue;
use url::Url;

/// Hosts that accept a `GITHUB_TOKEN`. Exact names: `github.com.evil.example` or
/// `gist.github.com` do not match.
const GITHUB_HOSTS: [&str; 3] = ["github.com", "api.github.com", "raw.githubusercontent.com"];

/// The `Authorization` header for `url`, when `github_token` is set and `url` is an https URL
/// on the default port of a GitHub host; `None` everywhere else.
pub fn credentials_for(url: &Url, github_token: Option<&str>) -> Option<HeaderValue> {
    let token = github_token?.trim();
    let on_github = url.scheme() == "https"
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none()
        && url
            .host_str()
            .is_some_and(|host| GITHUB_HOSTS.contains(&host));
    if !on_github || token.is_empty() {
        return None;
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(url: &str) -> Option<HeaderValue> {
        credentials_for(&Url::parse(url).expect("test url"), Some("t0ken"))
    }

    #[test]
    fn sent_to_github_hosts_over_https() {
        for url in [
            "https://github.com/lm-sys/FastChat",
            "https://api.github.com/repos/a/b",
            "https://raw.githubusercontent.com/a/b/main/README.md",
            "https://GitHub.com/a",
            "https://github.com:443/a",
        ] {
            let value = header(url).unwrap_or_else(|| panic!("{url} should get the token"));
            assert_eq!(value.to_str().ok(), Some("Bearer t0ken"));
            assert!(value.is_sensitive());
        }
    }

    #[test]
    fn withheld_everywhere_else() {
        for url in [
            "http://github.com/a",
            "https://github.com:8443/a",
            "https://gist.github.com/a",
            "https://github.com.evil.example/a",
            "https://evilgithub.com/a",
            "https://example.com/github.com",
            "https://user@github.com/a",
            "https://127.0.0.1/a",
            "https://huggingface.co/a",
        ] {
            assert_eq!(header(url), None, "{url} must not get the token");
        }
    }

    #[test]
    fn nothing_without_a_usable_token() {
        let url = Url::parse("https://github.com/a").expect("test url");
        assert_eq!(credentials_for(&url, None), None);
        assert_eq!(credentials_for(&url, Some("  ")), None);
        assert_eq!(credentials_for(&url, Some("bad\ntoken")), None);
    }
}
