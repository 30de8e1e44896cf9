//! Which requests carry a token. A token belongs to one service's API; a link in a survey can
//! point anywhere, so page requests (github.com pages included) never carry one, and an API
//! request carries it only to the endpoint the config names, over HTTPS — or over plain HTTP
//! to an address that `links.allow_private` allows, which is how a loopback mock is reached in
//! tests. API clients follow no redirect, so the token never crosses one.

use super::config::AllowPrivate;
use super::policy::non_public;
use reqwest::header::HeaderValue;
use std::net::IpAddr;
use url::{Host, Url};

/// The `Authorization` header for a request to the API endpoint `endpoint`, or why the token
/// is withheld.
pub fn credentials_for(
    endpoint: &Url,
    allow: &AllowPrivate,
    token: Option<&str>,
) -> Result<HeaderValue, String> {
    let token = token.map(str::trim).unwrap_or_default();
    if token.is_empty() {
        return Err("no token".to_string());
    }
    if !endpoint.username().is_empty() || endpoint.password().is_some() {
        return Err(format!("{endpoint} carries credentials of its own"));
    }
    match endpoint.scheme() {
        "https" => {}
        "http" => {
            // Plain HTTP only to an address the user allowed as private: a loopback mock or a
            // server on the user's own network, never a name that a resolver could change.
            let ip = match endpoint.host() {
                Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
                Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
                _ => return Err(format!("{endpoint} is plain HTTP")),
            };
            if non_public(ip).is_none() || !allow.allows(ip) {
                return Err(format!(
                    "{endpoint} is plain HTTP to an address links.allow_private does not allow"
                ));
            }
        }
        other => return Err(format!("{endpoint} is not HTTPS ({other}:)")),
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| "the token is not a valid header value".to_string())?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(endpoint: &str, allow: &AllowPrivate) -> Result<HeaderValue, String> {
        credentials_for(
            &Url::parse(endpoint).expect("test url"),
            allow,
            Some("t0ken"),
        )
    }

    #[test]
    fn sent_to_the_endpoint_over_https() {
        for url in [
            "https://api.github.com/graphql",
            "https://github.example.com/api/graphql",
        ] {
            let value = header(url, &AllowPrivate::default()).expect(url);
            assert_eq!(value.to_str().ok(), Some("Bearer t0ken"));
            assert!(value.is_sensitive());
        }
    }

    #[test]
    fn plain_http_only_to_an_allowed_private_address() {
        let loopback = AllowPrivate::List(vec!["127.0.0.1".parse().expect("address")]);
        assert!(header("http://127.0.0.1:8080/graphql", &loopback).is_ok());
        for (url, allow) in [
            ("http://127.0.0.1:8080/graphql", &AllowPrivate::default()),
            ("http://127.0.0.2:8080/graphql", &loopback),
            ("http://localhost:8080/graphql", &AllowPrivate::All(true)),
            ("http://api.github.com/graphql", &AllowPrivate::All(true)),
            ("http://8.8.8.8/graphql", &AllowPrivate::All(true)),
            ("ftp://api.github.com/graphql", &AllowPrivate::All(true)),
            ("https://user:pw@api.github.com/graphql", &loopback),
        ] {
            assert!(header(url, allow).is_err(), "{url} must not get the token");
        }
    }

    #[test]
    fn nothing_without_a_usable_token() {
        let url = Url::parse("https://api.github.com/graphql").expect("test url");
        let allow = AllowPrivate::default();
        assert!(credentials_for(&url, &allow, None).is_err());
        assert!(credentials_for(&url, &allow, Some("  ")).is_err());
        assert!(credentials_for(&url, &allow, Some("bad\ntoken")).is_err());
    }
}
