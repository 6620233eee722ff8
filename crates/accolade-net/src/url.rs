//! A deliberately narrow URL parser: absolute `http`/`https` URLs and the relative
//! references a `Location` header may carry. Anything unusual is refused rather than
//! interpreted, because every interpretation gap between us and another parser (a
//! browser, the resolver, the HTTP library) is a place where an SSRF check can be fooled.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why a URL was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("empty URL")]
    Empty,
    /// Internationalized hosts must arrive in punycode (`xn--`): we do not guess the
    /// mapping, so a homograph can never turn into another host behind the caller's back.
    #[error("non-ASCII characters (hosts must be punycode, paths percent-encoded)")]
    NonAscii,
    #[error("whitespace or control characters")]
    ControlCharacter,
    /// Browsers read `\` as `/` in http URLs, other parsers do not: refuse the ambiguity.
    #[error("backslash in URL")]
    Backslash,
    #[error("scheme {0:?} is not http or https")]
    UnsupportedScheme(String),
    #[error("not an absolute http(s) URL")]
    NotAbsolute,
    #[error("credentials (user info) in URL")]
    UserInfo,
    #[error("missing host")]
    NoHost,
    #[error("invalid host {0:?}")]
    BadHost(String),
    #[error("invalid IPv4 address {0:?}")]
    BadIpv4(String),
    #[error("invalid IPv6 address {0:?}")]
    BadIpv6(String),
    #[error("invalid port {0:?}")]
    BadPort(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// A host as we will look it up: an address literal never goes to DNS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Ip(IpAddr),
    /// Lower-case ASCII DNS name (punycode labels stay as given).
    Domain(String),
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Ip(IpAddr::V6(v6)) => write!(f, "[{v6}]"),
            Host::Ip(IpAddr::V4(v4)) => write!(f, "{v4}"),
            Host::Domain(name) => f.write_str(name),
        }
    }
}

/// A parsed, canonical absolute `http`/`https` URL without fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetUrl {
    scheme: Scheme,
    host: Host,
    port: u16,
    /// Always starts with `/`; the query, if any, is kept verbatim.
    path_and_query: String,
}

impl TargetUrl {
    /// Parses an absolute URL.
    pub fn parse(input: &str) -> Result<Self, UrlError> {
        if input.is_empty() {
            return Err(UrlError::Empty);
        }
        check_characters(input)?;
        let input = strip_fragment(input);
        let (scheme, rest) = input.split_once("://").ok_or(UrlError::NotAbsolute)?;
        let scheme = parse_scheme(scheme)?;
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path_and_query) = rest.split_at(authority_end);
        if authority.contains('@') {
            return Err(UrlError::UserInfo);
        }
        let (host, port) = split_host_port(authority)?;
        let port = match port {
            Some(p) => parse_port(p)?,
            None => scheme.default_port(),
        };
        Ok(TargetUrl {
            scheme,
            host: parse_host(host)?,
            port,
            path_and_query: normalize_path_and_query(path_and_query),
        })
    }

    /// Resolves a reference (a `Location` header) against this URL, as RFC 3986 §5.2.
    pub fn join(&self, reference: &str) -> Result<Self, UrlError> {
        check_characters(reference)?;
        let reference = strip_fragment(reference);
        if let Some(scheme) = scheme_of(reference) {
            // Absolute: only the `scheme://` form, `http:path` is refused as malformed.
            parse_scheme(scheme)?;
            return Self::parse(reference);
        }
        if reference.starts_with("//") {
            return Self::parse(&format!("{}:{reference}", self.scheme.as_str()));
        }
        let path_and_query = if reference.is_empty() {
            self.path_and_query.clone()
        } else if reference.starts_with('?') {
            format!("{}{reference}", self.path())
        } else if reference.starts_with('/') {
            normalize_path_and_query(reference)
        } else {
            // Merge: the base path up to its last `/`, then the relative path.
            let base = self.path();
            let dir = base.rfind('/').map_or("/", |i| &base[..=i]);
            normalize_path_and_query(&format!("{dir}{reference}"))
        };
        Ok(TargetUrl {
            path_and_query,
            ..self.clone()
        })
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    pub fn host(&self) -> &Host {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    fn path(&self) -> &str {
        self.path_and_query.split('?').next().unwrap_or("/")
    }

    pub fn path_and_query(&self) -> &str {
        &self.path_and_query
    }
}

impl fmt::Display for TargetUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme.as_str(), self.host)?;
        if self.port != self.scheme.default_port() {
            write!(f, ":{}", self.port)?;
        }
        f.write_str(&self.path_and_query)
    }
}

fn check_characters(input: &str) -> Result<(), UrlError> {
    if !input.is_ascii() {
        return Err(UrlError::NonAscii);
    }
    if input.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(UrlError::ControlCharacter);
    }
    if input.contains('\\') {
        return Err(UrlError::Backslash);
    }
    Ok(())
}

fn strip_fragment(input: &str) -> &str {
    input.split('#').next().unwrap_or("")
}

/// The scheme of a reference, if it has one (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" /
/// "-" / "." ) before the first `:`, with no `/`, `?` in front of it).
fn scheme_of(reference: &str) -> Option<&str> {
    let colon = reference.find(':')?;
    let candidate = &reference[..colon];
    let mut chars = candidate.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_ok && rest_ok).then_some(candidate)
}

fn parse_scheme(scheme: &str) -> Result<Scheme, UrlError> {
    match scheme.to_ascii_lowercase().as_str() {
        "http" => Ok(Scheme::Http),
        "https" => Ok(Scheme::Https),
        _ => Err(UrlError::UnsupportedScheme(scheme.to_owned())),
    }
}

fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), UrlError> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest
            .split_once(']')
            .ok_or_else(|| UrlError::BadIpv6(authority.to_owned()))?;
        return match after {
            "" => Ok((&authority[..v6.len() + 2], None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((&authority[..v6.len() + 2], Some(port))),
                None => Err(UrlError::BadHost(authority.to_owned())),
            },
        };
    }
    match authority.split_once(':') {
        Some((_, port)) if port.contains(':') => Err(UrlError::BadHost(authority.to_owned())),
        Some((host, port)) => Ok((host, Some(port))),
        None => Ok((authority, None)),
    }
}

fn parse_port(port: &str) -> Result<u16, UrlError> {
    let bad = || UrlError::BadPort(port.to_owned());
    if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match port.parse::<u16>() {
        Ok(0) | Err(_) => Err(bad()),
        Ok(p) => Ok(p),
    }
}

fn parse_host(host: &str) -> Result<Host, UrlError> {
    if host.is_empty() {
        return Err(UrlError::NoHost);
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        // Zone ids (`%25eth0`) fail here too: they only make sense on link-local addresses.
        return inner
            .parse::<Ipv6Addr>()
            .map(|ip| Host::Ip(IpAddr::V6(ip)))
            .map_err(|_| UrlError::BadIpv6(host.to_owned()));
    }
    let host = host.to_ascii_lowercase();
    if ends_in_number(&host) {
        return parse_ipv4(&host).map(|ip| Host::Ip(IpAddr::V4(ip)));
    }
    validate_domain(&host)?;
    Ok(Host::Domain(host))
}

fn validate_domain(host: &str) -> Result<(), UrlError> {
    let bad = || UrlError::BadHost(host.to_owned());
    let name = host.strip_suffix('.').unwrap_or(host);
    if name.len() > 253 {
        return Err(bad());
    }
    for label in name.split('.') {
        let chars_ok = label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if label.is_empty() || label.len() > 63 || !chars_ok {
            return Err(bad());
        }
    }
    Ok(())
}

/// The WHATWG rule: a host whose last label is a number is an IPv4 address, however it
/// is spelled. `inet_aton` (and so many resolvers) agrees, which is why `0x7f.1` or
/// `2130706433` must never be handed to DNS as a name.
fn ends_in_number(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    last.strip_prefix("0x")
        .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Parses the WHATWG IPv4 forms: one to four parts, each decimal, octal (leading `0`) or
/// hexadecimal (`0x`), the last part filling the remaining bytes.
fn parse_ipv4(host: &str) -> Result<Ipv4Addr, UrlError> {
    let bad = || UrlError::BadIpv4(host.to_owned());
    let trimmed = host.strip_suffix('.').unwrap_or(host);
    let parts: Vec<&str> = trimmed.split('.').collect();
    if parts.len() > 4 {
        return Err(bad());
    }
    let numbers: Vec<u64> = parts
        .iter()
        .map(|p| parse_ipv4_part(p).ok_or_else(bad))
        .collect::<Result<_, _>>()?;
    let (last, init) = numbers.split_last().ok_or_else(bad)?;
    if init.iter().any(|&n| n > 255) {
        return Err(bad());
    }
    let last_bits = 8 * (5 - numbers.len() as u32);
    if *last >= 1u64 << last_bits {
        return Err(bad());
    }
    let mut value = *last;
    for (i, &n) in init.iter().enumerate() {
        value += n << (8 * (3 - i as u32));
    }
    u32::try_from(value).map(Ipv4Addr::from).map_err(|_| bad())
}

fn parse_ipv4_part(part: &str) -> Option<u64> {
    let (digits, radix) = if let Some(hex) = part.strip_prefix("0x") {
        (hex, 16)
    } else if part.len() > 1 && part.starts_with('0') {
        (&part[1..], 8)
    } else {
        (part, 10)
    };
    // `from_str_radix` would take a leading `+`; WHATWG does not.
    if part.is_empty() || digits.len() > 32 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    if digits.is_empty() {
        return Some(0); // `0x` alone is zero in WHATWG.
    }
    u64::from_str_radix(digits, radix).ok()
}

fn normalize_path_and_query(path_and_query: &str) -> String {
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    let path = if path.is_empty() {
        "/".to_owned()
    } else {
        remove_dot_segments(path)
    };
    match query {
        Some(query) => format!("{path}?{query}"),
        None => path,
    }
}

/// RFC 3986 §5.2.4 for a path starting with `/`.
fn remove_dot_segments(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    let mut out: Vec<&str> = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "." | ".." => {
                if *segment == ".." {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            other => out.push(other),
        }
    }
    format!("/{}", out.join("/"))
}

#[cfg(test)]
mod tests;
