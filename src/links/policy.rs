//! Which addresses may be requested. A survey arrives in a pull request from anyone; its links
//! must not make a CI runner probe its own network (loopback services, the cloud metadata
//! endpoint, the office LAN). The rule holds on the *resolved* address of every connection:
//! [`PolicyResolver`] filters what DNS returns, and [`check_host`] covers IP-literal hosts,
//! for which reqwest never calls the resolver.

use super::config::AllowPrivate;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use url::{Host, Url};

/// Why an address is not public, or `None` when it is.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip == Ipv4Addr::new(169, 254, 169, 254) => "cloud metadata",
        _ if ip.is_broadcast() => "broadcast",
        (0, ..) => "unspecified",
        (127, ..) => "loopback",
        (10, ..) | (172, 16..=31, _) | (192, 168, _) => "private",
        (100, 64..=127, _) => "shared (CGNAT)",
        (169, 254, _) => "link-local",
        (192, 0, 0) => "IETF protocol assignment",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (198, 18..=19, _) => "benchmarking",
        (224..=239, ..) => "multicast",
        (240..=255, ..) => "reserved",
        _ => return None,
    })
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    // Addresses that carry an IPv4 address are judged by it: ::ffff:127.0.0.1 is loopback.
    if let Some(v4) = embedded_v4(ip) {
        return non_public_v4(v4);
    }
    let s = ip.segments();
    Some(match s {
        _ if ip.is_unspecified() => "unspecified",
        _ if ip.is_loopback() => "loopback",
        [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254] => "cloud metadata",
        [0x2001, 0x0db8, ..] => "documentation",
        [0x0100, 0, 0, 0, ..] => "discard",
        [x, ..] if x & 0xfe00 == 0xfc00 => "unique local",
        [x, ..] if x & 0xffc0 == 0xfe80 => "link-local",
        [x, ..] if x & 0xffc0 == 0xfec0 => "site-local",
        [x, ..] if x & 0xff00 == 0xff00 => "multicast",
        [0, 0, 0, 0, 0, 0, ..] => "reserved (IPv4-compatible)",
        _ => return None,
    })
}

/// The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), SIIT IPv4-translated
/// (::ffff:0:a.b.c.d, RFC 7915), NAT64 (64:ff9b::a.b.c.d, and the local-use 64:ff9b:1::/48 of
/// RFC 8215 with a /96 prefix) or 6to4 (2002:abcd:…) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, hi, lo] => Some(v4(hi, lo)),
        [0, 0, 0, 0, 0xffff, 0, hi, lo] => Some(v4(hi, lo)),
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(v4(hi, lo)),
        [0x64, 0xff9b, 1, _, _, _, hi, lo] => Some(v4(hi, lo)),
        [0x2002, hi, lo, ..] => Some(v4(hi, lo)),
        _ => None,
    }
}

/// The refusal of one address, carried through reqwest's error chain to become a verdict.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("address {ip} is {kind}; set links.allow_private to request it")]
pub struct Blocked {
    pub ip: IpAddr,
    pub kind: &'static str,
}

/// Checks one address against the policy.
pub fn check_ip(ip: IpAddr, allow: &AllowPrivate) -> Result<(), Blocked> {
    match non_public(ip) {
        Some(kind) if !allow.allows(ip) => Err(Blocked { ip, kind }),
        _ => Ok(()),
    }
}

/// Checks a URL whose host is an IP literal; domain names are left to [`PolicyResolver`].
pub fn check_host(url: &Url, allow: &AllowPrivate) -> Result<(), Blocked> {
    match url.host() {
        Some(Host::Ipv4(ip)) => check_ip(IpAddr::V4(ip), allow),
        Some(Host::Ipv6(ip)) => check_ip(IpAddr::V6(ip), allow),
        Some(Host::Domain(_)) | None => Ok(()),
    }
}

/// The reason of a dead link whose host name does not exist.
pub const NO_SUCH_HOST: &str = "no such host";

/// A DNS failure, sorted into "the name does not exist" (a dead link) and anything else
/// (no network, a server failure: unknown).
#[derive(Debug, Clone, thiserror::Error)]
pub enum LookupFailed {
    #[error("{NO_SUCH_HOST}")]
    NoSuchHost,
    #[error("DNS lookup failed: {0}")]
    Other(String),
}

impl LookupFailed {
    /// The platform resolver reports through `io::Error` text only; these are the messages of
    /// EAI_NONAME / EAI_NODATA on glibc, musl, macOS and Windows. Anything else (EAI_AGAIN on
    /// a machine without network, above all) stays uncertain.
    pub fn from_io(error: &std::io::Error) -> LookupFailed {
        let text = error.to_string();
        let lower = text.to_ascii_lowercase();
        let nxdomain = [
            "name or service not known",
            "no address associated with hostname",
            "nodename nor servname provided",
            "name does not resolve",
            "no such host is known",
        ];
        if nxdomain.iter().any(|m| lower.contains(m)) {
            LookupFailed::NoSuchHost
        } else {
            LookupFailed::Other(text)
        }
    }
}

/// What the system resolver answered for a name.
type Lookup = Result<Arc<[SocketAddr]>, LookupFailed>;

/// Each name is looked up once a run: the links of one host (thousands, in a survey) share the
/// answer, and lookups of one name at the same time wait for the first. A failure other than
/// "no such host" is shared only by those that waited for it: the next lookup asks again.
#[derive(Default)]
struct Lookups {
    names: std::sync::Mutex<std::collections::HashMap<String, Arc<tokio::sync::OnceCell<Lookup>>>>,
}

impl Lookups {
    async fn lookup(&self, host: &str) -> Lookup {
        self.lookup_with(host, || async {
            match tokio::net::lookup_host((host, 0)).await {
                Ok(found) => Ok(found.collect()),
                Err(e) => Err(LookupFailed::from_io(&e)),
            }
        })
        .await
    }

    /// [`Lookups::lookup`], asking `ask` when the name has no answer yet.
    async fn lookup_with<F, A>(&self, host: &str, ask: A) -> Lookup
    where
        A: FnOnce() -> F,
        F: std::future::Future<Output = Lookup>,
    {
        let cell = {
            let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(names.entry(host.to_string()).or_default())
        };
        let found = cell.get_or_init(ask).await.clone();
        if let Err(LookupFailed::Other(_)) = found {
            let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
            if names.get(host).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
                names.remove(host);
            }
        }
        found
    }
}

/// Resolves with the system resolver, then drops every address the policy refuses. If none is
/// left, the lookup fails with [`Blocked`], so the connection is never attempted.
pub struct PolicyResolver {
    allow: Arc<AllowPrivate>,
    /// Set once any name resolves to a public address: proof that DNS really answers, without
    /// which "no such host" may only mean "no network" (some sandboxes and containers answer
    /// every name with EAI_NONAME).
    resolved_public: Arc<AtomicBool>,
    lookups: Arc<Lookups>,
}

impl PolicyResolver {
    /// A resolver for one client, which keeps the answers it got for the client's life.
    pub fn new(allow: Arc<AllowPrivate>, resolved_public: Arc<AtomicBool>) -> PolicyResolver {
        PolicyResolver {
            allow,
            resolved_public,
            lookups: Arc::default(),
        }
    }
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = Arc::clone(&self.allow);
        let resolved_public = Arc::clone(&self.resolved_public);
        let lookups = Arc::clone(&self.lookups);
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found = lookups.lookup(&host).await?;
            if found.iter().any(|addr| non_public(addr.ip()).is_none()) {
                resolved_public.store(true, Ordering::Relaxed);
            }
            let (allowed, refused): (Vec<_>, Vec<_>) = found
                .iter()
                .map(|addr| (*addr, check_ip(addr.ip(), &allow)))
                .partition(|(_, verdict)| verdict.is_ok());
            if allowed.is_empty() {
                return Err(match refused.into_iter().find_map(|(_, v)| v.err()) {
                    Some(blocked) => blocked.into(),
                    None => Box::new(LookupFailed::NoSuchHost) as _,
                });
            }
            let addrs: Addrs = Box::new(allowed.into_iter().map(|(addr, _)| addr));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_name_is_looked_up_once_a_run_unless_the_lookup_failed_uncertainly() {
        use std::sync::atomic::AtomicUsize;
        let lookups = Arc::new(Lookups::default());
        let asked = Arc::new(AtomicUsize::new(0));
        let ask = |host: &'static str, answer: Lookup| {
            let (lookups, asked) = (Arc::clone(&lookups), Arc::clone(&asked));
            tokio::spawn(async move {
                let ask = || async {
                    asked.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    answer
                };
                lookups.lookup_with(host, ask).await
            })
        };
        let addr: SocketAddr = "93.184.215.14:0".parse().unwrap();
        let tasks: Vec<_> = (0..50)
            .map(|_| ask("a.example", Ok(Arc::from([addr]))))
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap()[..], [addr]);
        }
        assert_eq!(asked.load(Ordering::SeqCst), 1, "50 links, one lookup");
        // "No such host" is an answer too; another failure is asked again later.
        for _ in 0..3 {
            let gone = ask("gone.example", Err(LookupFailed::NoSuchHost));
            assert!(matches!(gone.await.unwrap(), Err(LookupFailed::NoSuchHost)));
        }
        assert_eq!(asked.load(Ordering::SeqCst), 2);
        for _ in 0..3 {
            let down = ask("down.example", Err(LookupFailed::Other("EAI_AGAIN".into())));
            assert!(matches!(down.await.unwrap(), Err(LookupFailed::Other(_))));
        }
        assert_eq!(asked.load(Ordering::SeqCst), 5);
    }

    fn kind(text: &str) -> Option<&'static str> {
        non_public(text.parse().expect("test address"))
    }

    #[test]
    fn refuses_every_non_public_range() {
        for ip in [
            "127.0.0.1",
            "127.9.9.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "169.254.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "255.255.255.255",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "240.0.0.1",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "fd00:ec2::254",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
            "::7f00:1",
            "::ffff:0:127.0.0.1",
            "::ffff:0:10.0.0.1",
            "::ffff:0:a9fe:a9fe",
            "64:ff9b:1::7f00:1",
        ] {
            assert!(kind(ip).is_some(), "{ip} should be refused");
        }
        assert_eq!(kind("169.254.169.254"), Some("cloud metadata"));
        assert_eq!(kind("fd00:ec2::254"), Some("cloud metadata"));
        assert_eq!(kind("::ffff:169.254.169.254"), Some("cloud metadata"));
        assert_eq!(kind("::ffff:0:169.254.169.254"), Some("cloud metadata"));
    }

    #[test]
    fn lets_public_addresses_through() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "192.169.0.1",
            "140.82.112.3",
            "2606:4700::6810:84e5",
            "2a00:1450:4001:82a::200e",
            "::ffff:8.8.8.8",
            "::ffff:0:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert_eq!(kind(ip), None, "{ip} should be public");
        }
    }

    #[test]
    fn allow_list_opens_only_what_it_names() {
        let allow = AllowPrivate::List(vec![
            "127.0.0.1".parse().expect("address"),
            "10.0.0.0/8".parse().expect("cidr"),
        ]);
        let ip = |s: &str| s.parse::<IpAddr>().expect("test address");
        assert!(check_ip(ip("127.0.0.1"), &allow).is_ok());
        assert!(check_ip(ip("10.200.0.1"), &allow).is_ok());
        assert!(check_ip(ip("8.8.8.8"), &allow).is_ok());
        let refused = check_ip(ip("127.0.0.2"), &allow).expect_err("not listed");
        assert_eq!(refused.kind, "loopback");
        assert!(check_ip(ip("169.254.169.254"), &allow).is_err());
        assert!(check_ip(ip("169.254.169.254"), &AllowPrivate::All(true)).is_ok());
    }

    #[test]
    fn ip_literal_hosts_are_checked() {
        let deny = AllowPrivate::default();
        for url in [
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://0x7f.1/",
            "http://2130706433/",
            "http://[::ffff:7f00:1]/",
        ] {
            let url = Url::parse(url).expect("test url");
            assert!(check_host(&url, &deny).is_err(), "{url} should be refused");
        }
        let public = Url::parse("https://example.com/").expect("test url");
        assert!(check_host(&public, &deny).is_ok());
    }

    #[test]
    fn lookup_errors_are_sorted() {
        let io = |m: &str| std::io::Error::other(m.to_string());
        let nx = io("failed to lookup address information: Name or service not known");
        assert!(matches!(
            LookupFailed::from_io(&nx),
            LookupFailed::NoSuchHost
        ));
        let again =
            io("failed to lookup address information: Temporary failure in name resolution");
        assert!(matches!(
            LookupFailed::from_io(&again),
            LookupFailed::Other(_)
        ));
    }
}
