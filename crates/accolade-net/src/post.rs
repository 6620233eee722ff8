//! Guarded POSTs (webhook deliveries): the same vetting as a GET, one hop only (a redirect is
//! handed back as the answer, never followed), and only the start of the answer's body read.

use std::io::Read;
use std::time::{Duration, Instant};

use accolade_credentials::did::FetchError;

use crate::fetcher::{GuardedFetcher, refused, ureq_error, vet_error};
use crate::resolve::vet;
use crate::url::TargetUrl;

/// What a POST got back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostResponse {
    pub status: u16,
    /// Every header, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body's first bytes, at most the cap given to [`GuardedFetcher::post`].
    pub body: Vec<u8>,
}

impl PostResponse {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl GuardedFetcher {
    /// POSTs `body` with `headers` to `url`, within `timeout` (connection, sending and the
    /// answer's head together), reading at most `body_cap` bytes of the answer. Any status
    /// is an answer (3xx included: redirects are not followed); errors are refusals by the
    /// policy, network failures and timeouts.
    pub fn post(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        timeout: Duration,
        body_cap: usize,
    ) -> Result<PostResponse, FetchError> {
        let deadline = Instant::now() + timeout;
        let target = TargetUrl::parse(url).map_err(|e| refused(url, e))?;
        let url = target.to_string();
        let addrs = vet(
            &target,
            self.policy(),
            self.policy().connect_timeout.min(timeout),
        )
        .map_err(|e| vet_error(e, &url))?;
        let remaining = deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| FetchError::Timeout { url: url.clone() })?;
        let mut request = self.agent(&target, addrs, remaining).post(&url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send(body).map_err(|e| ureq_error(e, &url))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        // Only an excerpt is kept for the delivery log: an answer cut short or slow past the
        // deadline still counts by its status, with what arrived of its body.
        let mut excerpt = Vec::new();
        let _ = response
            .into_body()
            .into_reader()
            .take(body_cap as u64)
            .read_to_end(&mut excerpt);
        Ok(PostResponse {
            status,
            headers,
            body: excerpt,
        })
    }
}
