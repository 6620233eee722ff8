//! JSON-LD contexts bundled into the binary and pinned by SHA-256.
//!
//! Accolade never fetches a context at runtime: a document whose `@context` names a URL
//! that is not in this table is rejected. The files live in `contexts/` next to
//! `manifest.json`, which records each file's URL, SHA-256 and source (npm package or
//! repository commit). `interop/tools/bundle-contexts.mjs` regenerates them, and the
//! JavaScript interop loader (`interop/lib/loader.mjs`) reads the very same files, so both
//! stacks canonicalize with identical contexts.

/// One bundled context document.
#[derive(Debug)]
pub struct BundledContext {
    /// The context URL, exactly as it appears in `@context`.
    pub url: &'static str,
    /// The context document as shipped by its source (a JSON object with `@context`).
    pub json: &'static str,
    /// Lowercase hex SHA-256 of the bytes of `json`.
    pub sha256: &'static str,
}

macro_rules! bundled {
    ($url:expr, $file:literal, $sha256:literal) => {
        BundledContext {
            url: $url,
            json: include_str!(concat!("../contexts/", $file)),
            sha256: $sha256,
        }
    };
}

/// VC Data Model 2.0 context.
pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// VC Data Model 1.1 context.
pub const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";
/// Open Badges 3.0.3 context (current).
pub const OB_V3P0_3_0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// Open Badges 3.0 extensions context (1EdTech schema validator, revocation list, refresh).
pub const OB_V3P0_EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";

static CONTEXTS: [BundledContext; 14] = [
    bundled!(
        CREDENTIALS_V2,
        "credentials-v2.jsonld",
        "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f"
    ),
    bundled!(
        CREDENTIALS_V1,
        "credentials-v1.jsonld",
        "00d7dd6d3ad8b920e3e550dd3a3d9090bffcac84cdbf943da6924b3e0a5c8bb8"
    ),
    bundled!(
        "https://www.w3.org/ns/credentials/status/v1",
        "credentials-status-v1.jsonld",
        "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c"
    ),
    bundled!(
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "ob-v3p0-context-3.0.0.json",
        "c4a75b69d05ae3f072ca14ef03e5bb1435a4e3c6419cb6672b9ac46d0ee49a4f"
    ),
    bundled!(
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        "ob-v3p0-context-3.0.1.json",
        "9ce52215e2aed683d8b26e65b1c8fb5af63bcdf84dbce23194a1d0814a66349a"
    ),
    bundled!(
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        "ob-v3p0-context-3.0.2.json",
        "bba433989e1e700ca60838a3c22378e7d8381aeb0c9590f9ddf84d1714f10296"
    ),
    bundled!(
        OB_V3P0_3_0_3,
        "ob-v3p0-context-3.0.3.json",
        "01d87cc8b5357af557bfb09428f603c4691c49ef8a6089945a70bda1b96b1db2"
    ),
    bundled!(
        OB_V3P0_EXTENSIONS,
        "ob-v3p0-extensions.json",
        "146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3"
    ),
    bundled!(
        "https://w3id.org/openbadges/v2",
        "openbadges-v2.json",
        "393a890d7d95eb3a86f5f12309648a64c2d0676e5270e2967b5341a2dcea13d2"
    ),
    bundled!(
        "https://w3id.org/security/data-integrity/v1",
        "data-integrity-v1.jsonld",
        "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554"
    ),
    bundled!(
        "https://w3id.org/security/data-integrity/v2",
        "data-integrity-v2.jsonld",
        "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363"
    ),
    bundled!(
        "https://w3id.org/security/multikey/v1",
        "multikey-v1.jsonld",
        "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6"
    ),
    bundled!(
        "https://www.w3.org/ns/did/v1",
        "did-v1.jsonld",
        "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f"
    ),
    bundled!(
        "https://w3id.org/security/suites/ed25519-2020/v1",
        "ed25519-2020-v1.jsonld",
        "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588"
    ),
];

/// Test-only contexts (the W3C test vectors use the examples context, which defines
/// `@vocab`); compiled in only with the `test-contexts` feature, never in a release.
#[cfg(feature = "test-contexts")]
static TEST_CONTEXTS: [BundledContext; 1] = [BundledContext {
    url: "https://www.w3.org/ns/credentials/examples/v2",
    json: include_str!("../tests/vectors/contexts/credentials-examples-v2.jsonld"),
    sha256: "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
}];
#[cfg(not(feature = "test-contexts"))]
static TEST_CONTEXTS: [BundledContext; 0] = [];

/// The bundled context for `url` (exact, case-sensitive match; no normalization).
///
/// A context whose bytes do not match its pinned SHA-256 (a build from altered files) is
/// never returned, so documents using it fail as if the context were unknown.
pub fn get(url: &str) -> Option<&'static BundledContext> {
    CONTEXTS
        .iter()
        .chain(TEST_CONTEXTS.iter())
        .find(|c| c.url == url)
        .filter(|c| pin_holds(c))
}

/// Checks every context's pin once per process.
fn pin_holds(c: &BundledContext) -> bool {
    use sha2::{Digest, Sha256};
    use std::sync::OnceLock;
    static GOOD: OnceLock<Vec<&'static str>> = OnceLock::new();
    let good = GOOD.get_or_init(|| {
        CONTEXTS
            .iter()
            .chain(TEST_CONTEXTS.iter())
            .filter(|c| hex::encode(Sha256::digest(c.json.as_bytes())) == c.sha256)
            .map(|c| c.url)
            .collect()
    });
    good.contains(&c.url)
}

/// Every bundled context, in `manifest.json` order.
pub fn all() -> &'static [BundledContext] {
    &CONTEXTS
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};
    use std::collections::HashSet;
    use std::path::PathBuf;

    fn contexts_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contexts")
    }

    #[test]
    fn contexts_pins_match_bundled_bytes() {
        for c in all() {
            let digest = hex::encode(Sha256::digest(c.json.as_bytes()));
            assert_eq!(digest, c.sha256, "SHA-256 pin of {}", c.url);
        }
    }

    #[test]
    fn contexts_table_equals_manifest() {
        let text = std::fs::read_to_string(contexts_dir().join("manifest.json")).unwrap();
        let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
        let entries = manifest.as_array().unwrap();
        assert_eq!(entries.len(), all().len(), "manifest and table sizes");
        for (entry, c) in entries.iter().zip(all()) {
            assert_eq!(entry["url"], c.url);
            assert_eq!(entry["sha256"], c.sha256, "{}", c.url);
            assert!(entry["source"].as_str().is_some_and(|s| !s.is_empty()));
            let file = entry["file"].as_str().unwrap();
            let on_disk = std::fs::read(contexts_dir().join(file)).unwrap();
            assert_eq!(
                on_disk,
                c.json.as_bytes(),
                "{file} differs from the bundled copy"
            );
        }
    }

    #[test]
    fn contexts_parse_as_json_ld_contexts() {
        for c in all() {
            let v: serde_json::Value = serde_json::from_str(c.json).unwrap();
            assert!(
                v.get("@context").is_some_and(|ctx| ctx.is_object()),
                "{}",
                c.url
            );
        }
    }

    #[test]
    fn contexts_urls_are_unique_and_lookup_is_exact() {
        let urls: HashSet<&str> = all().iter().map(|c| c.url).collect();
        assert_eq!(urls.len(), all().len());
        for c in all() {
            assert!(std::ptr::eq(get(c.url).unwrap(), c));
        }
        assert!(get(CREDENTIALS_V2).is_some());
        assert!(get("https://www.w3.org/ns/credentials/v2/").is_none());
        assert!(get("http://www.w3.org/ns/credentials/v2").is_none());
        // The test-only examples context is never part of the production table.
        assert!(!urls.contains("https://www.w3.org/ns/credentials/examples/v2"));
    }

    #[test]
    fn contexts_ob_3_0_3_is_the_fullest_copy() {
        // Terms missing from some published copies; the bundled copy must define them.
        let v: serde_json::Value = serde_json::from_str(get(OB_V3P0_3_0_3).unwrap().json).unwrap();
        let ctx = &v["@context"];
        for term in [
            "awardedDate",
            "inLanguage",
            "jti",
            "endorsement",
            "achievement",
        ] {
            let defined = ctx.get(term).is_some()
                || ctx["AchievementSubject"]["@context"].get(term).is_some();
            assert!(defined, "OB 3.0.3 context lacks {term}");
        }
    }
}
