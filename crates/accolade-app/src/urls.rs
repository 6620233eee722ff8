//! Where things live: every public URL and the did:web identity of each organization are
//! derived from the one public URL the operator configures.

use accolade_core::{AchievementId, AwardId, ImageId, Slug, StatusPurpose};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the public URL {0:?} must be an absolute http(s) URL without query or fragment, e.g. https://badges.example.org"
)]
pub struct PublicUrlError(pub String);

/// The instance's public base URL, e.g. `https://badges.example.org` (no trailing slash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    base: String,
    /// `did:web:{host}[%3A{port}][:{path…}]`
    did_base: String,
}

impl PublicUrl {
    pub fn parse(raw: &str) -> Result<Self, PublicUrlError> {
        let err = || PublicUrlError(raw.to_owned());
        let trimmed = raw.trim().trim_end_matches('/');
        let (scheme, rest) = trimmed.split_once("://").ok_or_else(err)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(err());
        }
        if rest.contains(['?', '#', '@', '\\', ' ']) || !rest.is_ascii() {
            return Err(err());
        }
        let (authority, path) = match rest.split_once('/') {
            Some((a, p)) => (a.to_ascii_lowercase(), p.to_owned()),
            None => (rest.to_ascii_lowercase(), String::new()),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') && h.ends_with(']') => {
                if p.is_empty()
                    || !p.bytes().all(|b| b.is_ascii_digit())
                    || p.parse::<u16>().is_err()
                {
                    return Err(err());
                }
                (h.to_owned(), Some(p.to_owned()))
            }
            _ => (authority.clone(), None),
        };
        if host.is_empty()
            || !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.[]:".contains(c))
        {
            return Err(err());
        }
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if segments.iter().any(|s| {
            !s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        }) {
            return Err(err());
        }
        let mut did_base = format!("did:web:{}", host.replace(':', "%3A"));
        if let Some(p) = &port {
            did_base.push_str("%3A");
            did_base.push_str(p);
        }
        for s in &segments {
            did_base.push(':');
            did_base.push_str(s);
        }
        let mut base = format!("{scheme}://{authority}");
        for s in &segments {
            base.push('/');
            base.push_str(s);
        }
        Ok(Self { base, did_base })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// `did:web:{host}:issuers:{slug}`, resolving to [`Self::did_document`].
    pub fn issuer_did(&self, slug: &Slug) -> String {
        format!("{}:issuers:{slug}", self.did_base)
    }

    pub fn issuer_page(&self, slug: &Slug) -> String {
        format!("{}/issuers/{slug}", self.base)
    }

    pub fn did_document(&self, slug: &Slug) -> String {
        format!("{}/issuers/{slug}/did.json", self.base)
    }

    pub fn status_list(&self, slug: &Slug, purpose: StatusPurpose) -> String {
        format!("{}/issuers/{slug}/status/{}", self.base, purpose.as_str())
    }

    pub fn credential(&self, id: AwardId) -> String {
        format!("{}/credentials/{id}", self.base)
    }

    pub fn achievement(&self, id: AchievementId) -> String {
        format!("{}/achievements/{id}", self.base)
    }

    pub fn image(&self, id: ImageId) -> String {
        format!("{}/images/{id}", self.base)
    }

    /// The image as a PNG `size` pixels square: rendered from an SVG, or the stored PNG.
    /// For mail, whose readers (Gmail, Outlook) show no SVG.
    pub fn image_png(&self, id: ImageId, size: u32) -> String {
        format!("{}/images/{id}.png?size={size}", self.base)
    }

    /// A path on this instance (`/credentials/…`) as an absolute URL under this base;
    /// anything else (a full URL, text) as given. A scheme-relative `//host/…` is not a
    /// path of ours and stays as it is.
    pub fn resolve_own(&self, input: &str) -> String {
        if input.starts_with('/') && !input.starts_with("//") && !input.starts_with("/\\") {
            format!("{}{input}", self.base)
        } else {
            input.to_owned()
        }
    }

    /// The path of `url` below this base (`/issuers/x/did.json`), if it is one of ours.
    /// The scheme is ignored: did:web always resolves over https, while a development
    /// instance may run on plain http.
    pub fn local_path<'a>(&self, url: &'a str) -> Option<&'a str> {
        let ours = self
            .base
            .split_once("://")
            .map_or(self.base.as_str(), |(_, r)| r);
        let theirs = url.split_once("://").map(|(_, r)| r)?;
        let rest = theirs.strip_prefix(ours)?;
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug() -> Slug {
        Slug::parse("acme").unwrap()
    }

    #[test]
    fn own_paths_resolve_against_the_base() {
        let urls = PublicUrl::parse("https://badges.example.org").unwrap();
        assert_eq!(
            urls.resolve_own("/credentials/1"),
            "https://badges.example.org/credentials/1"
        );
        assert_eq!(urls.resolve_own("//evil.example/x"), "//evil.example/x");
        assert_eq!(
            urls.resolve_own("https://a.example/c"),
            "https://a.example/c"
        );
        assert_eq!(urls.resolve_own("{\"a\":1}"), "{\"a\":1}");
    }

    #[test]
    fn dids_follow_the_did_web_rules() {
        let u = PublicUrl::parse("https://Badges.Example.org/").unwrap();
        assert_eq!(u.base(), "https://badges.example.org");
        assert_eq!(
            u.issuer_did(&slug()),
            "did:web:badges.example.org:issuers:acme"
        );
        let u = PublicUrl::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(
            u.issuer_did(&slug()),
            "did:web:127.0.0.1%3A8080:issuers:acme"
        );
        assert_eq!(
            u.did_document(&slug()),
            "http://127.0.0.1:8080/issuers/acme/did.json"
        );
        let u = PublicUrl::parse("https://example.org/badges").unwrap();
        assert_eq!(
            u.issuer_did(&slug()),
            "did:web:example.org:badges:issuers:acme"
        );
        assert_eq!(
            u.local_path("https://example.org/badges/issuers/acme/did.json"),
            Some("/issuers/acme/did.json")
        );
        assert_eq!(u.local_path("https://example.org/badgesX/y"), None);
        assert_eq!(u.local_path("https://evil.example/badges/x"), None);
    }

    #[test]
    fn bad_public_urls() {
        for bad in [
            "",
            "example.org",
            "ftp://x.org",
            "https://x.org?q",
            "https://u@x.org",
            "https://x.org:99999",
            "https://exämple.org",
            "https://x.org/a b",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
