//! What a [`GuardedFetcher`](crate::GuardedFetcher) may reach, and how much it may spend.

use std::net::IpAddr;
use std::time::Duration;

use crate::ip::IpClass;
use crate::url::Host;

/// Limits for outbound fetches. The default refuses every non-public address and keeps
/// time and size small: a verifier needs DID documents and status lists, not downloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPolicy {
    /// Lifts the loopback ranges only (127.0.0.0/8, ::1): for tests and local development.
    pub allow_loopback: bool,
    /// Lifts the private ranges (RFC 1918, CGNAT 100.64/10, fc00::/7). Link-local, and
    /// so the cloud metadata address, stays refused.
    pub allow_private: bool,
    /// Hosts fetched whatever their addresses (for development), compared exactly with
    /// the URL's host, case-insensitively; IP literals may be written in any IP syntax.
    pub allowed_hosts: Vec<String>,
    /// A body longer than this fails with `TooLarge`.
    pub max_body_bytes: usize,
    /// Bounds name resolution and each TCP connect.
    pub connect_timeout: Duration,
    /// Bounds the whole fetch, redirects and body included.
    pub total_timeout: Duration,
    /// Redirects followed before giving up.
    pub max_redirects: u32,
    pub user_agent: String,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            allow_loopback: false,
            allow_private: false,
            allowed_hosts: Vec::new(),
            max_body_bytes: 1024 * 1024,
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(10),
            max_redirects: 3,
            user_agent: concat!("accolade/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl FetchPolicy {
    /// May a connection go to an address of this class?
    pub fn permits(&self, class: IpClass) -> bool {
        match class {
            IpClass::Public => true,
            IpClass::Loopback => self.allow_loopback,
            IpClass::Private | IpClass::SharedAddressSpace => self.allow_private,
            _ => false,
        }
    }

    /// Is this host on the development allow-list?
    pub(crate) fn allow_lists(&self, host: &Host) -> bool {
        self.allowed_hosts.iter().any(|entry| {
            let entry = entry.trim();
            let bare = entry
                .strip_prefix('[')
                .and_then(|e| e.strip_suffix(']'))
                .unwrap_or(entry);
            match host {
                Host::Ip(ip) => bare.parse::<IpAddr>().is_ok_and(|allowed| allowed == *ip),
                Host::Domain(name) => trim_dot(bare).eq_ignore_ascii_case(trim_dot(name)),
            }
        })
    }
}

fn trim_dot(name: &str) -> &str {
    name.strip_suffix('.').unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_refuses_everything_but_public() {
        let policy = FetchPolicy::default();
        assert!(policy.permits(IpClass::Public));
        for class in [
            IpClass::Loopback,
            IpClass::Private,
            IpClass::SharedAddressSpace,
            IpClass::LinkLocal,
            IpClass::Unspecified,
            IpClass::Multicast,
            IpClass::Broadcast,
            IpClass::Documentation,
            IpClass::Benchmarking,
            IpClass::ProtocolAssignment,
            IpClass::Reserved,
        ] {
            assert!(!policy.permits(class), "{class}");
        }
        assert_eq!(policy.max_body_bytes, 1 << 20);
        assert_eq!(policy.max_redirects, 3);
    }

    #[test]
    fn switches_lift_only_their_ranges() {
        let loopback = FetchPolicy {
            allow_loopback: true,
            ..FetchPolicy::default()
        };
        assert!(loopback.permits(IpClass::Loopback));
        assert!(!loopback.permits(IpClass::Private));
        assert!(!loopback.permits(IpClass::Unspecified));
        let private = FetchPolicy {
            allow_private: true,
            ..FetchPolicy::default()
        };
        assert!(private.permits(IpClass::Private));
        assert!(private.permits(IpClass::SharedAddressSpace));
        assert!(!private.permits(IpClass::Loopback));
        assert!(!private.permits(IpClass::LinkLocal));
    }

    #[test]
    fn allow_list_matching() {
        let policy = FetchPolicy {
            allowed_hosts: vec!["Dev.Example".into(), "[::1]".into(), "127.0.0.1".into()],
            ..FetchPolicy::default()
        };
        assert!(policy.allow_lists(&Host::Domain("dev.example".into())));
        assert!(policy.allow_lists(&Host::Domain("dev.example.".into())));
        assert!(!policy.allow_lists(&Host::Domain("sub.dev.example".into())));
        assert!(policy.allow_lists(&Host::Ip("::1".parse().unwrap())));
        assert!(policy.allow_lists(&Host::Ip("127.0.0.1".parse().unwrap())));
        assert!(!policy.allow_lists(&Host::Ip("127.0.0.2".parse().unwrap())));
    }
}
