//! The proof of a VC-JWT: its signature, the key that made it, and whether the key is the
//! issuer's; and its `nbf`/`exp` claims against the clock.

use super::VerifyOptions;
use super::report::{CheckKind, Checks, Flags};
use crate::jwt::DecodedJwt;
use crate::jwt::resolve::{self, IssuerLink};

pub(super) fn proof_checks(
    jwt: &DecodedJwt,
    issuer: Option<&str>,
    opts: &VerifyOptions<'_>,
    checks: &mut Checks,
) {
    let alg = jwt.alg();
    let candidates = match resolve::find_keys(jwt, issuer, opts.fetch, &opts.resolve) {
        Ok(c) => c,
        Err(e) => {
            checks.skip(
                CheckKind::Proof,
                format!("the {alg} signature could not be checked without the issuer's key"),
            );
            match e.unreachable {
                true => checks.inconclusive(CheckKind::Key, e.reason),
                false => checks.fail(CheckKind::Key, e.reason),
            }
            checks.skip(CheckKind::IssuerKey, "no key was found");
            return;
        }
    };
    let mut last_error = String::new();
    for found in &candidates {
        match jwt.verify_signature(&found.key) {
            Ok(()) => {
                checks.pass(
                    CheckKind::Proof,
                    format!("the {alg} signature of the token matches its content exactly"),
                );
                checks.pass(CheckKind::Key, found.source.clone());
                match &found.link {
                    IssuerLink::Proven(why) => checks.pass(CheckKind::IssuerKey, why.clone()),
                    IssuerLink::Foreign(why) => checks.fail(CheckKind::IssuerKey, why.clone()),
                    IssuerLink::Unreachable(why) => {
                        checks.inconclusive(CheckKind::IssuerKey, why.clone())
                    }
                }
                return;
            }
            Err(e) => last_error = e.to_string(),
        }
    }
    checks.fail(CheckKind::Proof, last_error);
    match candidates.first() {
        Some(found) => checks.pass(CheckKind::Key, found.source.clone()),
        None => checks.skip(CheckKind::Key, "no key was found"),
    }
    checks.skip(CheckKind::IssuerKey, "the signature does not match");
}

/// `nbf` and `exp` against the clock (they normally equal the credential's own dates, which
/// are checked too).
pub(super) fn time_checks(
    jwt: &DecodedJwt,
    opts: &VerifyOptions<'_>,
    checks: &mut Checks,
    flags: &mut Flags,
) {
    let now = opts.clock.now().unix_timestamp();
    let skew = opts.skew.whole_seconds();
    let claim = |name: &str| jwt.payload.get(name).and_then(serde_json::Value::as_i64);
    if let Some(nbf) = claim("nbf").filter(|nbf| now + skew < *nbf) {
        flags.not_yet_valid = true;
        checks.fail(
            CheckKind::ValidityPeriod,
            format!("the token is not valid before {}", show(nbf)),
        );
    }
    if let Some(exp) = claim("exp").filter(|exp| *exp + skew < now) {
        flags.expired = true;
        checks.fail(
            CheckKind::ValidityPeriod,
            format!("the token expired on {}", show(exp)),
        );
    }
}

fn show(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| seconds.to_string())
}
