//! Hosted OB 2.0 assertions: the copy published at the assertion's own URL is the one
//! trusted, and that URL must be on an origin its issuer allows.

use super::{checks, expanded, fetch_json, finish, node};
use crate::did::FetchError;
use crate::jwt::resolve::origin;
use crate::verify::VerifyOptions;
use crate::verify::report::{CheckKind, Checks, CredentialKind, Flags, InputFormat, Report};
use serde_json::Value;

const KIND: CredentialKind = CredentialKind::Ob2Hosted;

fn authority(url: &str) -> Option<String> {
    origin(url).and_then(|o| o.split_once("://").map(|(_, a)| a.to_owned()))
}

fn list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether the issuer allows an assertion hosted at `id` (OB 2.0 verification policy: the
/// issuer's `verification.startsWith` / `allowedOrigins`, else the issuer id's own origin).
pub(super) fn origin_allowed(id: &str, issuer: &Value) -> Result<String, String> {
    let host = authority(id).ok_or_else(|| format!("{id} is not a web address"))?;
    let policy = issuer.get("verification");
    let starts = list(policy.and_then(|p| p.get("startsWith")));
    let allowed: Vec<String> = list(policy.and_then(|p| p.get("allowedOrigins")))
        .into_iter()
        .map(|o| authority(&o).unwrap_or(o).to_ascii_lowercase())
        .collect();
    if !starts.is_empty() && !starts.iter().any(|s| id.starts_with(s.as_str())) {
        return Err(format!(
            "the assertion's URL {id} does not start with any prefix its issuer allows ({})",
            starts.join(", ")
        ));
    }
    if !allowed.is_empty() {
        return match allowed.contains(&host) {
            true => Ok(format!("the issuer allows assertions hosted on {host}")),
            false => Err(format!(
                "the assertion is hosted on {host}, which its issuer does not allow (allowed: {})",
                allowed.join(", ")
            )),
        };
    }
    if !starts.is_empty() {
        return Ok("the issuer allows assertions at this address".into());
    }
    let issuer_id = issuer.get("id").and_then(Value::as_str).unwrap_or_default();
    match authority(issuer_id) {
        Some(h) if h == host => Ok(format!(
            "the assertion is hosted on its issuer's own site ({host})"
        )),
        Some(h) => Err(format!(
            "the assertion is hosted on {host}, but its issuer is on {h} and allows no other origin"
        )),
        None => Err(format!(
            "the issuer id {issuer_id:?} is not a web address to compare the assertion's with"
        )),
    }
}

pub(super) fn verify(
    url: &str,
    given: Option<Value>,
    format: InputFormat,
    mut checks: Checks,
    opts: &VerifyOptions<'_>,
) -> Report {
    let mut flags = Flags::default();
    if origin(url).is_none() {
        checks.fail(
            CheckKind::Parse,
            "the Open Badges 2.0 assertion has no web address (id) to check it at",
        );
        return finish(format, KIND, given, None, checks, flags);
    }
    let fetched = match fetch_json(url, opts) {
        Ok(v) => v,
        Err(FetchError::Status { status: 410, .. }) => {
            checks.pass(
                CheckKind::Parse,
                format!("an Open Badges 2.0 hosted assertion ({url})"),
            );
            flags.revoked = true;
            checks.fail(
                CheckKind::Status,
                format!("the issuer answers 410 Gone at {url}: the assertion has been revoked"),
            );
            return finish(format, KIND, given, None, checks, flags);
        }
        Err(e @ FetchError::Status { .. }) => {
            checks.pass(
                CheckKind::Parse,
                format!("an Open Badges 2.0 hosted assertion ({url})"),
            );
            checks.fail(
                CheckKind::Proof,
                format!("the issuer no longer publishes the assertion: {e}"),
            );
            return finish(format, KIND, given, None, checks, flags);
        }
        Err(e) => {
            checks.pass(
                CheckKind::Parse,
                format!("an Open Badges 2.0 hosted assertion ({url})"),
            );
            checks.inconclusive(
                CheckKind::Proof,
                format!(
                    "the published assertion could not be fetched, so authenticity is unknown ({e})"
                ),
            );
            return finish(format, KIND, given, None, checks, flags);
        }
    };
    checks.pass(
        CheckKind::Parse,
        format!("an Open Badges 2.0 hosted assertion, fetched from {url}"),
    );
    checks::context(&fetched, &mut checks);
    let badge = node(fetched.get("badge"), "BadgeClass", opts);
    let issuer = badge
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|b| node(b.get("issuer"), "issuer profile", opts));
    let (badge, issuer) = match (badge, issuer) {
        (Ok(b), Ok(i)) => (b, i),
        (Err(why), _) | (_, Err(why)) => {
            checks.fail(CheckKind::Shape, why);
            return finish(format, KIND, Some(fetched), None, checks, flags);
        }
    };
    let problems = checks::shape(&fetched, &badge, &issuer);
    match problems.is_empty() {
        true => checks.pass(
            CheckKind::Shape,
            "a well-formed Open Badges 2.0 assertion, BadgeClass and issuer",
        ),
        false => checks.fail(CheckKind::Shape, problems.join("; ")),
    }
    let published_id = fetched
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if published_id != url {
        checks.fail(CheckKind::Proof, format!("the document published at {url} has the id {published_id:?}, so it is not this assertion"));
    } else if given.as_ref().is_some_and(|g| g != &fetched) {
        checks.pass(CheckKind::Proof, format!("the assertion is published at its own URL {url}; the copy given differs from the published one, and only the published copy was checked"));
    } else {
        checks.pass(
            CheckKind::Proof,
            format!("the assertion is published at its own URL {url}"),
        );
    }
    checks.pass(
        CheckKind::Key,
        "a hosted assertion: its issuer's site vouches for it, no key is involved",
    );
    match origin_allowed(url, &issuer) {
        Ok(why) => checks.pass(CheckKind::IssuerKey, why),
        Err(why) => checks.fail(CheckKind::IssuerKey, why),
    }
    checks::dates(&fetched, opts, &mut checks, &mut flags);
    if fetched.get("revoked").and_then(Value::as_bool) == Some(true) {
        flags.revoked = true;
        let reason = fetched
            .get("revocationReason")
            .and_then(Value::as_str)
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        checks.fail(
            CheckKind::Status,
            format!("the issuer marks the assertion as revoked{reason}"),
        );
    } else {
        checks.pass(
            CheckKind::Status,
            "the issuer still publishes the assertion and has not revoked it",
        );
    }
    checks::recipient(&fetched, opts, &mut checks);
    let shown = expanded(&fetched, Some(&badge), Some(&issuer));
    finish(format, KIND, Some(shown), Some(&issuer), checks, flags)
}
