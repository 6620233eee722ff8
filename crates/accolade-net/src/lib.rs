//! Outbound HTTP(S) for Accolade (GETs for verification, POSTs for webhooks), safe to point at attacker-chosen URLs: SSRF and
//! did:web spoofing (attacks 9 and 12 of the project's security list).
//!
//! [`GuardedFetcher`] implements the verifier's [`Fetch`](accolade_credentials::did::Fetch)
//! trait and promises:
//! - only absolute `http`/`https` URLs, without user info, with ASCII hosts (punycode is
//!   kept as given, never guessed); every IPv4 spelling (`2130706433`, `0177.0.0.1`,
//!   `0x7f.1`) is read as the address it denotes and judged as such;
//! - the host is resolved here, every address is classified by [`classify_ip`], and one
//!   non-public address refuses the host; the connection can only go to the addresses that
//!   were vetted, so DNS rebinding between check and connect is impossible;
//! - redirects are followed here, at most [`FetchPolicy::max_redirects`], each target
//!   vetted again, never from https down to http;
//! - bounded time (connect and total timeouts) and size (the body cap), no proxies, no
//!   content decoding (so no decompression bombs).

mod fetcher;
mod ip;
mod policy;
mod post;
mod resolve;
mod url;

pub use fetcher::GuardedFetcher;
pub use ip::{IpClass, classify_ip};
pub use policy::FetchPolicy;
pub use post::PostResponse;
pub use url::{Host, Scheme, TargetUrl, UrlError};
