//! The SSRF guard proper: we resolve the host ourselves, vet every address, and hand
//! ureq a resolver that can only return those vetted addresses. DNS is asked once per
//! hop, so a rebinding answer between the check and the connect cannot happen.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

use crate::ip::classify_ip;
use crate::policy::FetchPolicy;
use crate::url::{Host, TargetUrl};

/// ureq keeps at most this many addresses per lookup.
const MAX_ADDRS: usize = 16;

/// Why a target was not given addresses to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VetError {
    Refused(String),
    Network(String),
    Timeout,
}

/// Resolves `target` and returns the addresses to connect to, all permitted by `policy`.
pub(crate) fn vet(
    target: &TargetUrl,
    policy: &FetchPolicy,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, VetError> {
    let host = target.host();
    let addrs = match host {
        Host::Ip(ip) => vec![SocketAddr::new(*ip, target.port())],
        Host::Domain(name) => resolve(name, target.port(), timeout)?,
    };
    if addrs.is_empty() {
        return Err(VetError::Network(format!("{host} has no addresses")));
    }
    if !policy.allow_lists(host) {
        // ANY bad address refuses the host: connecting to "the good one" would still let
        // an attacker's DNS choose which one the connector tries first.
        if let Some(bad) = addrs.iter().find(|a| !policy.permits(classify_ip(a.ip()))) {
            let class = classify_ip(bad.ip());
            return Err(VetError::Refused(format!(
                "{host} is {}, a {class} address",
                bad.ip()
            )));
        }
    }
    Ok(addrs)
}

/// `ToSocketAddrs` cannot be cancelled, so it runs on its own thread and we stop waiting
/// at the deadline; a stuck lookup then finishes (or not) without holding the caller.
fn resolve(name: &str, port: u16, timeout: Duration) -> Result<Vec<SocketAddr>, VetError> {
    let (tx, rx) = mpsc::sync_channel(1);
    let query = (name.to_owned(), port);
    thread::Builder::new()
        .name("accolade-net-dns".into())
        .spawn(move || {
            let result = (query.0.as_str(), query.1)
                .to_socket_addrs()
                .map(|it| it.collect::<Vec<_>>());
            // The receiver may have given up already; nothing to do then.
            let _ = tx.send(result);
        })
        .map_err(|e| VetError::Network(format!("cannot start resolver thread: {e}")))?;
    match rx.recv_timeout(timeout) {
        Ok(Ok(mut addrs)) => {
            let mut seen = Vec::with_capacity(addrs.len());
            addrs.retain(|a| {
                let fresh = !seen.contains(a);
                seen.push(*a);
                fresh
            });
            addrs.truncate(MAX_ADDRS);
            Ok(addrs)
        }
        Ok(Err(e)) => Err(VetError::Network(format!("cannot resolve {name}: {e}"))),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(VetError::Timeout),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err(VetError::Network(format!("resolver for {name} died")))
        }
    }
}

/// A ureq resolver that knows one host and answers with its vetted addresses only.
#[derive(Debug)]
pub(crate) struct PinnedResolver {
    host: String,
    port: u16,
    addrs: Vec<SocketAddr>,
}

impl PinnedResolver {
    pub(crate) fn new(target: &TargetUrl, addrs: Vec<SocketAddr>) -> Self {
        PinnedResolver {
            host: target.host().to_string(),
            port: target.port(),
            addrs,
        }
    }
}

impl Resolver for PinnedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        _config: &ureq::config::Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // Anything but the vetted authority (a proxy, a redirect ureq chose to follow on
        // its own) is a bug somewhere: refuse rather than connect somewhere unvetted.
        let default_port = match uri.scheme_str() {
            Some("https") => 443,
            _ => 80,
        };
        let port = uri.port_u16().unwrap_or(default_port);
        if uri.host() != Some(self.host.as_str()) || port != self.port {
            return Err(ureq::Error::HostNotFound);
        }
        let mut out = self.empty();
        for addr in &self.addrs {
            if out.try_push(*addr).is_err() {
                break;
            }
        }
        Ok(out)
    }
}
