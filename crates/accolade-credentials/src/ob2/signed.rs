//! Signed OB 2.0 assertions: a compact JWS (RS256) whose payload is the assertion, checked
//! with the key at `verification.creator`, which the issuer's profile must list.

use super::{checks, expanded, fetch_json, finish, node};
use crate::jwt::{self, keys::JwsKey};
use crate::verify::VerifyOptions;
use crate::verify::report::{CheckKind, Checks, CredentialKind, Flags, InputFormat, Report};
use serde_json::Value;

const KIND: CredentialKind = CredentialKind::Ob2Signed;

fn ids(v: Option<&Value>) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        o => o.get("id").and_then(Value::as_str).map(str::to_owned),
    };
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    }
}

pub(super) fn verify(
    token: &str,
    format: InputFormat,
    mut checks: Checks,
    opts: &VerifyOptions<'_>,
) -> Report {
    let mut flags = Flags::default();
    let jws = match jwt::decode_jws(token) {
        Ok(j) => j,
        Err(e) => {
            checks.fail(
                CheckKind::Parse,
                format!("the signed assertion could not be read: {e}"),
            );
            return finish(format, KIND, None, None, checks, flags);
        }
    };
    let assertion = Value::Object(jws.payload.clone());
    let alg = jws
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    checks.pass(
        CheckKind::Parse,
        format!("an Open Badges 2.0 signed assertion ({alg})"),
    );
    if let Err(e) =
        crate::jsonld::check_depth(&assertion, crate::jsonld::Limits::default().max_depth)
    {
        checks.fail(CheckKind::Shape, e.to_string());
        return finish(format, KIND, Some(assertion), None, checks, flags);
    }
    checks::context(&assertion, &mut checks);
    let badge = node(assertion.get("badge"), "BadgeClass", opts);
    let issuer = badge
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|b| node(b.get("issuer"), "issuer profile", opts));
    let (badge, issuer) = match (badge, issuer) {
        (Ok(b), Ok(i)) => (b, i),
        (Err(why), _) | (_, Err(why)) => {
            checks.fail(CheckKind::Shape, why);
            return finish(format, KIND, Some(assertion), None, checks, flags);
        }
    };
    let problems = checks::shape(&assertion, &badge, &issuer);
    match problems.is_empty() {
        true => checks.pass(
            CheckKind::Shape,
            "a well-formed Open Badges 2.0 assertion, BadgeClass and issuer",
        ),
        false => checks.fail(CheckKind::Shape, problems.join("; ")),
    }
    signature(&jws, &assertion, &issuer, opts, &mut checks);
    checks::dates(&assertion, opts, &mut checks, &mut flags);
    revocation(&assertion, &issuer, opts, &mut checks, &mut flags);
    checks::recipient(&assertion, opts, &mut checks);
    let shown = expanded(&assertion, Some(&badge), Some(&issuer));
    finish(format, KIND, Some(shown), Some(&issuer), checks, flags)
}

fn signature(
    jws: &jwt::Jws,
    assertion: &Value,
    issuer: &Value,
    opts: &VerifyOptions<'_>,
    checks: &mut Checks,
) {
    let alg = jws
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(creator) = assertion
        .pointer("/verification/creator")
        .and_then(Value::as_str)
    else {
        checks.skip(
            CheckKind::Proof,
            "the signature could not be checked: the assertion names no key (verification.creator)",
        );
        checks.fail(
            CheckKind::Key,
            "the assertion names no key (verification.creator)",
        );
        checks.skip(CheckKind::IssuerKey, "no key was found");
        return;
    };
    let key_doc = match fetch_json(creator, opts) {
        Ok(k) => k,
        Err(e) => {
            checks.skip(
                CheckKind::Proof,
                "the signature could not be checked without the issuer's key",
            );
            let why = format!("the signing key could not be fetched: {e}");
            match e.is_absent() {
                true => checks.fail(CheckKind::Key, why),
                false => checks.inconclusive(CheckKind::Key, why),
            }
            checks.skip(CheckKind::IssuerKey, "no key was found");
            return;
        }
    };
    let key = match key_doc
        .get("publicKeyPem")
        .and_then(Value::as_str)
        .map(JwsKey::from_pem)
    {
        Some(Ok(k)) => k,
        Some(Err(e)) => {
            checks.skip(
                CheckKind::Proof,
                "the signature could not be checked without a usable key",
            );
            checks.fail(CheckKind::Key, format!("the key at {creator}: {e}"));
            checks.skip(CheckKind::IssuerKey, "no usable key");
            return;
        }
        None => {
            checks.skip(
                CheckKind::Proof,
                "the signature could not be checked without a usable key",
            );
            checks.fail(
                CheckKind::Key,
                format!("the document at {creator} holds no publicKeyPem"),
            );
            checks.skip(CheckKind::IssuerKey, "no usable key");
            return;
        }
    };
    match key.verify(alg, jws.signing_input.as_bytes(), &jws.signature) {
        Ok(()) => checks.pass(
            CheckKind::Proof,
            format!("the {alg} signature matches the assertion exactly"),
        ),
        Err(e) => checks.fail(CheckKind::Proof, e.to_string()),
    }
    checks.pass(
        CheckKind::Key,
        format!("{} key published at {creator}", key.kind()),
    );
    let issuer_id = issuer.get("id").and_then(Value::as_str).unwrap_or_default();
    let owner = key_doc.get("owner").and_then(Value::as_str);
    let listed = ids(issuer.get("publicKey")).iter().any(|k| k == creator);
    match (owner, listed) {
        (Some(o), _) if o != issuer_id => checks.fail(
            CheckKind::IssuerKey,
            format!("the key is owned by {o}, not by the issuer {issuer_id}"),
        ),
        (_, true) => checks.pass(
            CheckKind::IssuerKey,
            format!("the issuer {issuer_id} lists this key in its profile"),
        ),
        (_, false) => checks.fail(
            CheckKind::IssuerKey,
            format!(
                "the issuer {issuer_id} does not list the key {creator} in its profile (publicKey)"
            ),
        ),
    }
}

fn revocation(
    assertion: &Value,
    issuer: &Value,
    opts: &VerifyOptions<'_>,
    checks: &mut Checks,
    flags: &mut Flags,
) {
    let Some(url) = issuer.get("revocationList").and_then(Value::as_str) else {
        checks.skip(
            CheckKind::Status,
            "the issuer publishes no revocation list, so the badge cannot be revoked",
        );
        return;
    };
    let list = match fetch_json(url, opts) {
        Ok(l) => l,
        Err(e) => {
            checks.inconclusive(
                CheckKind::Status,
                format!(
                    "the issuer's revocation list could not be read ({e}), so revocation could not be checked"
                ),
            );
            return;
        }
    };
    let id = assertion.get("id").and_then(Value::as_str);
    let uid = assertion.get("uid").and_then(Value::as_str);
    let entries = match list.get("revokedAssertions") {
        Some(Value::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    let hit = entries.iter().find(|e| match e {
        Value::String(s) => Some(s.as_str()) == id || Some(s.as_str()) == uid,
        o => {
            let eid = o.get("id").and_then(Value::as_str);
            let euid = o.get("uid").and_then(Value::as_str);
            (eid.is_some() && eid == id) || (euid.is_some() && euid == uid)
        }
    });
    match hit {
        Some(e) => {
            flags.revoked = true;
            let reason = e
                .get("revocationReason")
                .and_then(Value::as_str)
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            checks.fail(
                CheckKind::Status,
                format!("the issuer's revocation list at {url} revokes this assertion{reason}"),
            );
        }
        None => checks.pass(
            CheckKind::Status,
            format!("not on the issuer's revocation list at {url}"),
        ),
    }
}
