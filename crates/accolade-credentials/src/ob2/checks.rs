//! Checks shared by hosted and signed OB 2.0 assertions: context, shape, dates, recipient.

use crate::identity::{self, RecipientMatch};
use crate::verify::VerifyOptions;
use crate::verify::report::{CheckKind, Checks, Flags};
use md5::Digest as _;
use serde_json::Value;
use subtle::ConstantTimeEq as _;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub(super) fn context(assertion: &Value, checks: &mut Checks) {
    let ctx = match assertion.get("@context") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if ctx.contains(&super::CONTEXT_V2) {
        checks.pass(CheckKind::Context, "the Open Badges 2.0 context");
    } else if ctx.iter().any(|c| c.contains("w3id.org/openbadges/v1")) {
        checks.warn(
            CheckKind::Context,
            "an Open Badges 1.x assertion, read as 2.0",
        );
    } else {
        checks.warn(
            CheckKind::Context,
            "the assertion does not name the Open Badges 2.0 context",
        );
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn types(v: &Value) -> Vec<&str> {
    match v.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// What is missing or wrong in the assertion, its BadgeClass and its Issuer.
pub(super) fn shape(assertion: &Value, badge: &Value, issuer: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut need = |node: &Value, what: &str, keys: &[&str]| {
        for k in keys {
            if node
                .get(*k)
                .is_none_or(|v| v.is_null() || v.as_str() == Some(""))
            {
                out.push(format!("the {what} has no {k}"));
            }
        }
    };
    need(
        assertion,
        "assertion",
        &["id", "recipient", "badge", "verification", "issuedOn"],
    );
    need(
        badge,
        "BadgeClass",
        &["id", "name", "description", "image", "criteria", "issuer"],
    );
    need(issuer, "issuer profile", &["id", "name"]);
    if !types(assertion).contains(&"Assertion") && assertion.get("type").is_some() {
        out.push("the assertion's type is not Assertion".into());
    }
    if !types(badge).contains(&"BadgeClass") && badge.get("type").is_some() {
        out.push("the badge's type is not BadgeClass".into());
    }
    if !types(issuer)
        .iter()
        .any(|t| *t == "Issuer" || *t == "Profile")
        && issuer.get("type").is_some()
    {
        out.push("the issuer's type is not Issuer or Profile".into());
    }
    let issuer_id = str_of(issuer, "id");
    match badge.get("issuer") {
        Some(Value::String(s)) if Some(s.as_str()) != issuer_id => {
            out.push(format!(
                "the BadgeClass names the issuer {s}, but the issuer profile is {}",
                issuer_id.unwrap_or("unnamed")
            ));
        }
        _ => {}
    }
    if let Some(r) = assertion.get("recipient") {
        if str_of(r, "identity").is_none() {
            out.push("the recipient has no identity".into());
        }
        if str_of(r, "type").is_none() {
            out.push("the recipient has no type".into());
        }
    }
    out
}

fn date(v: &Value, key: &str) -> Option<Result<OffsetDateTime, String>> {
    let raw = v.get(key)?;
    Some(match raw {
        // OB 1.0 allowed Unix timestamps.
        Value::Number(n) => n
            .as_i64()
            .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
            .ok_or_else(|| format!("{key} is not a date")),
        Value::String(s) => OffsetDateTime::parse(s, &Rfc3339)
            .or_else(|_| OffsetDateTime::parse(&format!("{s}T00:00:00Z"), &Rfc3339))
            .map_err(|_| format!("{key} ({s}) is not an ISO 8601 date with a time zone")),
        _ => Err(format!("{key} is not a date")),
    })
}

pub(super) fn dates(
    assertion: &Value,
    opts: &VerifyOptions<'_>,
    checks: &mut Checks,
    flags: &mut Flags,
) {
    let now = opts.clock.now();
    let issued = date(assertion, "issuedOn");
    let expires = date(assertion, "expires");
    let show = |k: &str| {
        assertion
            .get(k)
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .unwrap_or_default()
    };
    match (issued, expires) {
        (Some(Err(why)), _) | (_, Some(Err(why))) => checks.fail(CheckKind::ValidityPeriod, why),
        (None, _) => checks.fail(
            CheckKind::ValidityPeriod,
            "the assertion has no issuedOn date",
        ),
        (Some(Ok(i)), _) if now + opts.skew < i => {
            flags.not_yet_valid = true;
            checks.fail(
                CheckKind::ValidityPeriod,
                format!("not valid yet: issued on {}", show("issuedOn")),
            );
        }
        (_, Some(Ok(e))) if e + opts.skew < now => {
            flags.expired = true;
            checks.fail(
                CheckKind::ValidityPeriod,
                format!("expired on {}", show("expires")),
            );
        }
        (_, Some(Ok(_))) => checks.pass(
            CheckKind::ValidityPeriod,
            format!(
                "issued on {}, valid until {}",
                show("issuedOn"),
                show("expires")
            ),
        ),
        (_, None) => checks.pass(
            CheckKind::ValidityPeriod,
            format!("issued on {}, with no expiry", show("issuedOn")),
        ),
    }
}

/// "Issued to this email?" against the recipient (plain, sha256 or legacy md5 hashes).
pub(super) fn recipient(assertion: &Value, opts: &VerifyOptions<'_>, checks: &mut Checks) {
    let Some(email) = &opts.recipient else {
        checks.skip(CheckKind::Recipient, "no recipient was asked about");
        return;
    };
    if let Some(matched) = md5_match(assertion, email.as_str()) {
        match matched {
            true => checks.pass(
                CheckKind::Recipient,
                "the badge was issued to this email address (salted MD5 hash)",
            ),
            false => checks.fail(
                CheckKind::Recipient,
                "the badge was not issued to this email address (1 email identity compared)",
            ),
        }
        return;
    }
    match identity::issued_to_email(assertion, email) {
        m @ RecipientMatch::Match { .. } => checks.pass(
            CheckKind::Recipient,
            m.to_string().replace("credential", "badge"),
        ),
        m => checks.fail(
            CheckKind::Recipient,
            m.to_string().replace("credential", "badge"),
        ),
    }
}

/// A legacy `md5$…` email hash: whether it is the hash of `email` (lower-cased, as issuers
/// hashed it) with the salt. `None` when the recipient is not such a hash.
fn md5_match(assertion: &Value, email: &str) -> Option<bool> {
    let r = assertion.get("recipient")?;
    if !matches!(r.get("type").and_then(Value::as_str), Some("email")) {
        return None;
    }
    let identity = r.get("identity").and_then(Value::as_str)?;
    let (alg, hex) = identity.split_once('$')?;
    if !alg.eq_ignore_ascii_case("md5") {
        return None;
    }
    let salt = r.get("salt").and_then(Value::as_str).unwrap_or_default();
    let digest = md5::Md5::digest(format!("{email}{salt}").as_bytes());
    let ours = hex::encode(digest);
    // Both are public-length hex strings; compare without early exit.
    let theirs = hex.trim().to_ascii_lowercase();
    Some(ours.as_bytes().ct_eq(theirs.as_bytes()).into())
}
