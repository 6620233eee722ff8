//! Who is on the other end of a request. Behind a reverse proxy the socket peer is the
//! proxy, so every visitor would share one sign-in throttle, one rate limit and one
//! analytics identity. The proxy's `Forwarded` / `X-Forwarded-For` / `X-Forwarded-Proto`
//! headers name the real client, but anyone can send them: they are believed only when the
//! socket peer is one of the operator's trusted proxies (`--trusted-proxy CIDR`), and then
//! only as far back as the chain stays inside trusted addresses.

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use std::convert::Infallible;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

/// An address block, `203.0.113.0/24`, `2001:db8::/32` or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

/// Why a `--trusted-proxy` value was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not an address or address block (such as 10.0.0.0/8 or ::1)")]
pub struct CidrError(String);

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<Self, CidrError> {
        let bad = || CidrError(s.to_owned());
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Cidr { addr, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u32::from(net).into(), self.prefix, 32)
                    == masked(u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), self.prefix, 128)
                    == masked(u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn masked(bits: u128, prefix: u8, width: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        bits >> (width - prefix)
    }
}

/// IPv4 peers on a dual-stack socket show up as `::ffff:a.b.c.d`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The proxies whose forwarding headers are believed. Empty by default: nothing is.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    pub fn new(blocks: Vec<Cidr>) -> Self {
        TrustedProxies(blocks)
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The client of a request as far as it can be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr {
    /// The client's address: the socket peer, or, behind a trusted proxy, the nearest
    /// address the proxy chain names that is not itself a trusted proxy. `None` only when
    /// the server runs without a socket (tests calling the router directly).
    pub ip: Option<IpAddr>,
    /// The request came through a trusted proxy (so its request id may be kept too).
    pub via_trusted_proxy: bool,
    /// The scheme the client used, when a trusted proxy said so.
    pub forwarded_https: Option<bool>,
}

impl ClientAddr {
    /// The client as a key for throttles and rate limits: a hash of its address, never the
    /// address itself. An IPv6 client is keyed by its /64, the block one subscriber gets,
    /// so that walking through a block's addresses does not make a new client each time.
    pub fn key_bytes(&self) -> [u8; 12] {
        use sha2::{Digest, Sha256};
        let ip = match self.ip {
            Some(IpAddr::V6(v6)) => {
                IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()).to_string()
            }
            Some(v4) => v4.to_string(),
            None => String::new(),
        };
        let digest = Sha256::digest(ip.as_bytes());
        let mut key = [0u8; 12];
        key.copy_from_slice(&digest[..12]);
        key
    }

    /// [`Self::key_bytes`] as text (the sign-in throttle's client key).
    pub fn key(&self) -> String {
        hex::encode(self.key_bytes())
    }

    /// Works out the client from the socket peer and the forwarding headers.
    pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &TrustedProxies) -> Self {
        let peer = peer.map(canonical);
        let direct = ClientAddr {
            ip: peer,
            via_trusted_proxy: false,
            forwarded_https: None,
        };
        let Some(p) = peer.filter(|p| trusted.trusts(*p)) else {
            return direct;
        };
        let (chain, proto) = forwarded_chain(headers);
        // Walk from the nearest hop outwards: each trusted hop vouches for the one before.
        let mut client = p;
        for hop in chain.iter().rev() {
            match hop {
                Some(ip) => {
                    client = canonical(*ip);
                    if !trusted.trusts(client) {
                        break;
                    }
                }
                // An obfuscated or unparsable hop ends what can be known.
                None => break,
            }
        }
        ClientAddr {
            ip: Some(client),
            via_trusted_proxy: true,
            forwarded_https: proto.map(|p| p.eq_ignore_ascii_case("https")),
        }
    }
}

/// The hops the headers list, client first (`None` for a hop that names no address), and
/// the protocol the nearest proxy reported. `X-Forwarded-For` (with `X-Forwarded-Proto`) wins
/// over `Forwarded` (RFC 7239) when both are sent: the common proxies (nginx's
/// `$proxy_add_x_forwarded_for`, HAProxy, Caddy, Traefik, cloud load balancers) append to
/// `X-Forwarded-For` and pass a client's own `Forwarded` header on untouched, so preferring
/// `Forwarded` would let any client name itself. A proxy that writes only `Forwarded` must
/// drop `X-Forwarded-For` from what it passes on.
fn forwarded_chain(headers: &HeaderMap) -> (Vec<Option<IpAddr>>, Option<String>) {
    let xff: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !xff.is_empty() {
        let chain = xff
            .iter()
            .flat_map(|v| v.split(','))
            .map(|h| parse_node(h.trim()))
            .collect();
        let proto = headers
            .get_all("x-forwarded-proto")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .map(|p| p.trim().to_owned());
        return (chain, proto);
    }
    let mut chain = Vec::new();
    let mut proto = None;
    for element in headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
    {
        let mut hop = None;
        for pair in element.split(';') {
            let Some((k, v)) = pair.trim().split_once('=') else {
                continue;
            };
            let v = v.trim().trim_matches('"');
            if k.trim().eq_ignore_ascii_case("for") {
                hop = Some(parse_node(v));
            } else if k.trim().eq_ignore_ascii_case("proto") {
                proto = Some(v.to_owned());
            }
        }
        chain.push(hop.flatten());
    }
    (chain, proto)
}

/// One node of a forwarding header: `192.0.2.1`, `192.0.2.1:443`, `[2001:db8::1]:443` or
/// `2001:db8::1`.
fn parse_node(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    s.parse::<SocketAddr>().ok().map(|a| a.ip())
}

/// Puts the request's [`ClientAddr`] in its extensions for handlers and later layers.
pub(crate) async fn layer(
    State(trusted): State<Arc<TrustedProxies>>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = ClientAddr::resolve(peer, req.headers(), &trusted);
    req.extensions_mut().insert(client);
    next.run(req).await
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(parts
            .extensions
            .get::<ClientAddr>()
            .copied()
            .unwrap_or(ClientAddr {
                ip: parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|c| canonical(c.0.ip())),
                via_trusted_proxy: false,
                forwarded_https: None,
            }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn trusted(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().map(|s| s.parse().unwrap()).collect())
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_parse_and_match() {
        let c: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(c.contains(ip("10.255.1.2")));
        assert!(!c.contains(ip("11.0.0.1")));
        assert!(c.contains(ip("::ffff:10.1.2.3")));
        let one: Cidr = "127.0.0.1".parse().unwrap();
        assert_eq!(one.to_string(), "127.0.0.1/32");
        assert!(!one.contains(ip("127.0.0.2")));
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:1::5")));
        assert!(!v6.contains(ip("2001:db9::1")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "10.0.0/8", "", "::/129", "host.example"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forged_headers_from_an_untrusted_peer_are_ignored() {
        let h = headers(&[("x-forwarded-for", "1.2.3.4"), ("forwarded", "for=5.6.7.8")]);
        let c = ClientAddr::resolve(Some(ip("198.51.100.7")), &h, &trusted(&["127.0.0.1"]));
        assert_eq!(c.ip, Some(ip("198.51.100.7")));
        assert!(!c.via_trusted_proxy);
        // And with no proxy configured at all.
        let c = ClientAddr::resolve(Some(ip("127.0.0.1")), &h, &TrustedProxies::default());
        assert_eq!(c.ip, Some(ip("127.0.0.1")));
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let t = trusted(&["127.0.0.1", "10.0.0.0/8"]);
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.9, 10.0.0.5"),
            ("x-forwarded-proto", "https"),
        ]);
        let c = ClientAddr::resolve(Some(ip("127.0.0.1")), &h, &t);
        assert_eq!(c.ip, Some(ip("203.0.113.9")));
        assert!(c.via_trusted_proxy);
        assert_eq!(c.forwarded_https, Some(true));
    }

    #[test]
    fn a_client_cannot_prepend_its_way_past_the_proxy() {
        // The client sent "X-Forwarded-For: 9.9.9.9"; nginx appended the real address.
        let h = headers(&[("x-forwarded-for", "9.9.9.9, 203.0.113.9")]);
        let c = ClientAddr::resolve(Some(ip("127.0.0.1")), &h, &trusted(&["127.0.0.1"]));
        assert_eq!(c.ip, Some(ip("203.0.113.9")));
    }

    #[test]
    fn forwarded_understands_ports_and_ipv6() {
        let h = headers(&[(
            "forwarded",
            "for=\"[2001:db8::7]:4711\";proto=https, for=10.0.0.2:80",
        )]);
        let c = ClientAddr::resolve(Some(ip("10.0.0.1")), &h, &trusted(&["10.0.0.0/8"]));
        assert_eq!(c.ip, Some(ip("2001:db8::7")));
        assert_eq!(c.forwarded_https, Some(true));
        // An obfuscated hop stops the walk at the last known trusted address.
        let h = headers(&[("forwarded", "for=_hidden, for=10.0.0.2")]);
        let c = ClientAddr::resolve(Some(ip("10.0.0.1")), &h, &trusted(&["10.0.0.0/8"]));
        assert_eq!(c.ip, Some(ip("10.0.0.2")));
    }

    #[test]
    fn a_forwarded_header_passed_on_by_nginx_does_not_beat_its_x_forwarded_for() {
        // The client sent "Forwarded: for=9.9.9.9"; nginx passed it on untouched and appended
        // the real address to X-Forwarded-For.
        let h = headers(&[
            ("forwarded", "for=9.9.9.9;proto=https"),
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "http"),
        ]);
        let c = ClientAddr::resolve(Some(ip("127.0.0.1")), &h, &trusted(&["127.0.0.1"]));
        assert_eq!(c.ip, Some(ip("203.0.113.9")));
        assert_eq!(c.forwarded_https, Some(false));
    }

    #[test]
    fn keys_hide_the_address_and_group_an_ipv6_block() {
        let at = |s: &str| ClientAddr {
            ip: Some(ip(s)),
            via_trusted_proxy: false,
            forwarded_https: None,
        };
        let k = at("203.0.113.9").key();
        assert_eq!(k.len(), 24);
        assert!(!k.contains("203"));
        assert_ne!(k, at("203.0.113.10").key());
        assert_eq!(
            at("2001:db8:1:2::1").key(),
            at("2001:db8:1:2:ffff::9").key()
        );
        assert_ne!(at("2001:db8:1:2::1").key(), at("2001:db8:1:3::1").key());
    }

    #[test]
    fn a_trusted_peer_without_headers_is_the_client() {
        let c = ClientAddr::resolve(
            Some(ip("127.0.0.1")),
            &HeaderMap::new(),
            &trusted(&["127.0.0.1"]),
        );
        assert_eq!(c.ip, Some(ip("127.0.0.1")));
        assert!(c.via_trusted_proxy);
    }
}
