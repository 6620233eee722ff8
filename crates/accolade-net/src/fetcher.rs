//! [`GuardedFetcher`]: the redirect loop, one guarded request per hop, and the bounded
//! body read.

use std::io::{self, Read};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use accolade_credentials::did::{Fetch, FetchError, FetchedDocument};
use ureq::Agent;
use ureq::http::{Response, header};
use ureq::unversioned::transport::DefaultConnector;

use crate::policy::FetchPolicy;
use crate::resolve::{PinnedResolver, VetError, vet};
use crate::url::{Scheme, TargetUrl};

/// A blocking HTTP(S) GET client that is safe to point at attacker-chosen URLs (see the
/// crate documentation for what it guarantees).
#[derive(Debug, Clone, Default)]
pub struct GuardedFetcher {
    policy: FetchPolicy,
}

impl GuardedFetcher {
    pub fn new(policy: FetchPolicy) -> Self {
        GuardedFetcher { policy }
    }

    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    /// One hop: vet, connect to the vetted addresses only, and return the response head.
    fn request(
        &self,
        target: &TargetUrl,
        accept: &str,
        deadline: Instant,
    ) -> Result<Response<ureq::Body>, FetchError> {
        let url = target.to_string();
        let remaining = time_left(deadline, &url)?;
        let addrs = vet(
            target,
            &self.policy,
            self.policy.connect_timeout.min(remaining),
        )
        .map_err(|e| vet_error(e, &url))?;
        // Resolution took some of the budget.
        let remaining = time_left(deadline, &url)?;
        self.agent(target, addrs, remaining)
            .get(&url)
            .header(header::ACCEPT, accept)
            .call()
            .map_err(|e| ureq_error(e, &url))
    }

    /// A fresh agent per hop, because its resolver is pinned to this hop's vetted
    /// addresses. Connection reuse is lost; a verifier makes few requests anyway.
    pub(crate) fn agent(
        &self,
        target: &TargetUrl,
        addrs: Vec<SocketAddr>,
        remaining: Duration,
    ) -> Agent {
        let config = Agent::config_builder()
            // A proxy from the environment would make the fetch on our behalf, beyond
            // the guard's sight.
            .proxy(None)
            // Redirects are ours to follow, so every hop goes through `vet`.
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(self.policy.user_agent.as_str())
            .timeout_global(Some(remaining))
            .timeout_connect(Some(self.policy.connect_timeout.min(remaining)))
            .max_idle_connections(0)
            .build();
        Agent::with_parts(
            config,
            DefaultConnector::new(),
            PinnedResolver::new(target, addrs),
        )
    }

    fn read_body(&self, response: Response<ureq::Body>, url: &str) -> Result<Vec<u8>, FetchError> {
        let limit = self.policy.max_body_bytes;
        let too_large = || FetchError::TooLarge {
            url: url.to_owned(),
            limit,
        };
        let declared = response
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|len| len > limit as u64) {
            return Err(too_large());
        }
        // Read one byte past the cap: that is how "exactly at the cap" and "over it" differ
        // when the server sends no (or a lying) Content-Length.
        let mut body = Vec::new();
        response
            .into_body()
            .into_reader()
            .take(limit as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| io_error(e, url))?;
        if body.len() > limit {
            return Err(too_large());
        }
        Ok(body)
    }
}

impl Fetch for GuardedFetcher {
    fn get(&self, url: &str, accept: &str) -> Result<FetchedDocument, FetchError> {
        let deadline = Instant::now() + self.policy.total_timeout;
        let mut target = TargetUrl::parse(url).map_err(|e| refused(url, e))?;
        let mut redirects = 0;
        loop {
            let response = self.request(&target, accept, deadline)?;
            let current = target.to_string();
            let status = response.status().as_u16();
            if matches!(status, 301 | 302 | 303 | 307 | 308) {
                let location = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| FetchError::Status {
                        url: current.clone(),
                        status,
                    })?;
                if redirects >= self.policy.max_redirects {
                    let reason = format!("more than {} redirects", self.policy.max_redirects);
                    return Err(FetchError::Refused {
                        url: current,
                        reason,
                    });
                }
                redirects += 1;
                target = follow(&target, location).map_err(|reason| refused(&current, reason))?;
                continue;
            }
            if !(200..300).contains(&status) {
                return Err(FetchError::Status {
                    url: current,
                    status,
                });
            }
            let content_type = response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = self.read_body(response, &current)?;
            return Ok(FetchedDocument {
                url: current,
                content_type,
                body,
            });
        }
    }
}

/// The next hop of a redirect. Its address is vetted like the first one's, by `request`.
fn follow(current: &TargetUrl, location: &str) -> Result<TargetUrl, String> {
    let next = current
        .join(location)
        .map_err(|e| format!("redirect to {location:?}: {e}"))?;
    // A downgrade would hand the rest of the exchange to anyone on the path.
    if current.scheme() == Scheme::Https && next.scheme() == Scheme::Http {
        return Err(format!("redirect from https down to {next}"));
    }
    Ok(next)
}

fn time_left(deadline: Instant, url: &str) -> Result<Duration, FetchError> {
    match deadline.checked_duration_since(Instant::now()) {
        Some(left) if !left.is_zero() => Ok(left),
        _ => Err(FetchError::Timeout {
            url: url.to_owned(),
        }),
    }
}

pub(crate) fn refused(url: &str, reason: impl ToString) -> FetchError {
    FetchError::Refused {
        url: url.to_owned(),
        reason: reason.to_string(),
    }
}

pub(crate) fn vet_error(error: VetError, url: &str) -> FetchError {
    match error {
        VetError::Refused(reason) => refused(url, reason),
        VetError::Network(reason) => FetchError::Network {
            url: url.to_owned(),
            reason,
        },
        VetError::Timeout => FetchError::Timeout {
            url: url.to_owned(),
        },
    }
}

pub(crate) fn ureq_error(error: ureq::Error, url: &str) -> FetchError {
    match error {
        ureq::Error::Timeout(_) => FetchError::Timeout {
            url: url.to_owned(),
        },
        ureq::Error::Io(e) if is_timeout(&e) => FetchError::Timeout {
            url: url.to_owned(),
        },
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => refused(url, error),
        other => FetchError::Network {
            url: url.to_owned(),
            reason: other.to_string(),
        },
    }
}

/// Body reads report ureq's own errors (its timeouts among them) wrapped in `io::Error`.
fn io_error(error: io::Error, url: &str) -> FetchError {
    ureq_error(ureq::Error::from(error), url)
}

fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> TargetUrl {
        TargetUrl::parse(s).unwrap()
    }

    #[test]
    fn follow_refuses_downgrade_and_bad_locations() {
        let https = url("https://a.example/x/y");
        assert_eq!(
            follow(&https, "/z").unwrap().to_string(),
            "https://a.example/z"
        );
        assert_eq!(
            follow(&https, "https://b.example/").unwrap().to_string(),
            "https://b.example/"
        );
        assert!(
            follow(&https, "http://b.example/")
                .unwrap_err()
                .contains("down to")
        );
        assert!(follow(&https, "//b.example/").is_ok()); // keeps https
        let http = url("http://a.example/");
        assert_eq!(
            follow(&http, "https://a.example/").unwrap().to_string(),
            "https://a.example/"
        );
        assert!(follow(&http, "ftp://a.example/").is_err());
        assert!(follow(&http, "http://user@a.example/").is_err());
    }

    #[test]
    fn ureq_timeouts_map_to_timeout() {
        let e = ureq_error(ureq::Error::Timeout(ureq::Timeout::Global), "u");
        assert_eq!(e, FetchError::Timeout { url: "u".into() });
        let e = io_error(io::Error::new(io::ErrorKind::TimedOut, "slow"), "u");
        assert_eq!(e, FetchError::Timeout { url: "u".into() });
        let e = ureq_error(ureq::Error::ConnectionFailed, "u");
        assert!(matches!(e, FetchError::Network { .. }));
    }
}
