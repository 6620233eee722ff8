//! Open Badges 2.0 verification, following the OB 2.0 verification rules: a hosted assertion
//! is trusted only as fetched from its own URL on an origin its issuer allows; a signed
//! assertion is a compact JWS (RS256) checked with the key its issuer lists. Revocation is
//! HTTP 410 or `revoked: true` (hosted) or the issuer's `revocationList` (signed). No JSON-LD
//! processing is needed for either: the checks are on the JSON as published.
//!
//! Every document comes through the caller's [`Fetch`](crate::did::Fetch), so the SSRF
//! guard, size and time limits of the caller apply.

mod checks;
mod hosted;
mod signed;

use crate::verify::report::{CheckKind, Checks, CredentialKind, Flags, InputFormat, Report};
use crate::verify::{self, VerifyOptions};
use serde_json::Value;

/// The OB 2.0 JSON-LD context.
pub const CONTEXT_V2: &str = "https://w3id.org/openbadges/v2";

/// Largest OB 2.0 document read.
const MAX_DOC_BYTES: usize = 1024 * 1024;

/// True when `v` is an OB 2.0 (or 1.x) assertion rather than an OB 3.0 credential.
pub fn looks_like_assertion(v: &Value) -> bool {
    let ctx_ob2 = match v.get("@context") {
        Some(Value::String(s)) => s.contains("w3id.org/openbadges/v"),
        Some(Value::Array(a)) => a.iter().any(|c| {
            c.as_str()
                .is_some_and(|s| s.contains("w3id.org/openbadges/v"))
        }),
        _ => false,
    };
    let typed = v.get("type").and_then(Value::as_str) == Some("Assertion");
    (ctx_ob2 || typed) && v.get("credentialSubject").is_none() && v.get("recipient").is_some()
}

/// What an OB 2.0 badge was given as.
enum Given {
    /// The URL of a hosted assertion.
    Url(String),
    /// Assertion JSON (hosted: the published copy is fetched again from its id).
    Json(Value),
    /// A signed assertion (compact JWS).
    Jws(String),
}

fn classify(text: &str) -> Result<Given, String> {
    let t = text.trim();
    if t.starts_with('{') {
        return match crate::ijson::from_str(t) {
            Ok(v @ Value::Object(_)) => Ok(Given::Json(v)),
            Ok(_) => Err("the Open Badges 2.0 assertion is not a JSON object".into()),
            Err(e) => Err(format!(
                "the Open Badges 2.0 assertion is not valid JSON: {e}"
            )),
        };
    }
    if t.starts_with("https://") || t.starts_with("http://") {
        return Ok(Given::Url(t.to_owned()));
    }
    if t.split('.').count() == 3 {
        return Ok(Given::Jws(t.to_owned()));
    }
    Err("the Open Badges 2.0 badge is neither an assertion, its URL, nor a signed assertion".into())
}

/// Verifies an OB 2.0 badge given as assertion JSON, a hosted assertion URL or a JWS.
pub fn verify(text: &str, format: InputFormat, opts: &VerifyOptions<'_>) -> Report {
    let mut checks = Checks::default();
    if text.len() > MAX_DOC_BYTES {
        checks.fail(
            CheckKind::Parse,
            "the Open Badges 2.0 assertion is larger than 1 MiB",
        );
        return verify::finish(
            format,
            CredentialKind::Unknown,
            None,
            checks,
            Flags::default(),
        );
    }
    let given = match classify(text) {
        Ok(g) => g,
        Err(why) => {
            checks.fail(CheckKind::Parse, why);
            return verify::finish(
                format,
                CredentialKind::Unknown,
                None,
                checks,
                Flags::default(),
            );
        }
    };
    match given {
        Given::Jws(token) => signed::verify(&token, format, checks, opts),
        Given::Json(v) if is_signed(&v) => {
            checks.fail(
                CheckKind::Parse,
                "this assertion says it is signed, but it was given without its signature (give the signed text, the JWS)",
            );
            verify::finish(
                format,
                CredentialKind::Ob2Signed,
                Some(v),
                checks,
                Flags::default(),
            )
        }
        Given::Json(v) => {
            let id = v
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            hosted::verify(&id, Some(v), format, checks, opts)
        }
        Given::Url(url) => hosted::verify(&url, None, format, checks, opts),
    }
}

fn is_signed(assertion: &Value) -> bool {
    matches!(
        assertion
            .pointer("/verification/type")
            .and_then(Value::as_str),
        Some("SignedBadge" | "signed")
    )
}

/// Fetches a JSON document (bounded by the caller's fetcher and by [`MAX_DOC_BYTES`]).
pub(crate) fn fetch_json(
    url: &str,
    opts: &VerifyOptions<'_>,
) -> Result<Value, crate::did::FetchError> {
    let doc = opts
        .fetch
        .get(url, "application/ld+json, application/json")?;
    let bad = |reason: &str| crate::did::FetchError::Network {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    if doc.body.len() > MAX_DOC_BYTES {
        return Err(crate::did::FetchError::TooLarge {
            url: url.to_owned(),
            limit: MAX_DOC_BYTES,
        });
    }
    let v: Value = crate::ijson::from_slice(&doc.body)
        .map_err(|e| bad(&format!("the answer is not strict JSON: {e}")))?;
    crate::jsonld::check_depth(&v, crate::jsonld::Limits::default().max_depth)
        .map_err(|_| bad("the JSON is nested too deeply"))?;
    Ok(v)
}

/// A node given inline or by URL (fetched).
pub(crate) fn node(
    v: Option<&Value>,
    what: &str,
    opts: &VerifyOptions<'_>,
) -> Result<Value, String> {
    match v {
        Some(Value::String(url)) => {
            fetch_json(url, opts).map_err(|e| format!("the {what} could not be fetched: {e}"))
        }
        Some(o @ Value::Object(_)) => Ok(o.clone()),
        _ => Err(format!("the assertion names no {what}")),
    }
}

/// The assertion with its BadgeClass and Issuer filled in, for display.
pub(crate) fn expanded(assertion: &Value, badge: Option<&Value>, issuer: Option<&Value>) -> Value {
    let mut out = assertion.clone();
    if let Some(b) = badge {
        out["badge"] = b.clone();
        if let Some(i) = issuer {
            out["badge"]["issuer"] = i.clone();
        }
    }
    out
}

/// Finishes a report, naming the issuer from the BadgeClass.
pub(crate) fn finish(
    format: InputFormat,
    kind: CredentialKind,
    assertion: Option<Value>,
    issuer: Option<&Value>,
    checks: Checks,
    flags: Flags,
) -> Report {
    let found = verify::Issuer {
        id: issuer
            .and_then(|i| i.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        name: issuer
            .and_then(|i| i.get("name"))
            .and_then(Value::as_str)
            .map(str::to_owned),
    };
    verify::finish_for(format, kind, assertion, found, checks, flags)
}
