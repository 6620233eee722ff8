//! The status check: fetch each status list named by the credential, verify the list
//! credential itself, and read the credential's entry.

use super::report::{CheckKind, Checks, Flags};
use super::{VerifyOptions, shape};
use crate::status_list::{self, CredentialStatus, RevocationOutcome, StatusEntry, StatusOutcome};
use serde_json::Value;

pub(crate) fn check(
    cred: &Value,
    issuer_id: Option<&str>,
    opts: &VerifyOptions<'_>,
    checks: &mut Checks,
    flags: &mut Flags,
) {
    let Some(status) = cred.get("credentialStatus") else {
        checks.skip(
            CheckKind::Status,
            "the credential names no status list, so it cannot be revoked",
        );
        return;
    };
    if !opts.check_status {
        checks.skip(CheckKind::Status, "status checking was turned off");
        return;
    }
    let entries = match CredentialStatus::from_json(status) {
        Ok(e) => e,
        Err(e) => {
            checks.fail(
                CheckKind::Status,
                format!("the credentialStatus is malformed: {e}"),
            );
            return;
        }
    };
    for entry in entries {
        match entry {
            CredentialStatus::Bitstring(e) => bitstring(&e, issuer_id, opts, checks, flags),
            CredentialStatus::StatusList2021(e) => {
                checks.warn(CheckKind::Status, format!("the StatusList2021 entry at {} was not checked (superseded by Bitstring Status List)", e.list_credential))
            }
            CredentialStatus::RevocationList1EdTech { id } => revocation_list(cred, &id, opts, checks, flags),
            CredentialStatus::Unsupported { type_name } => {
                checks.warn(CheckKind::Status, format!("the status type {type_name} is not supported, so it was not checked"))
            }
        }
    }
}

fn fetch_json(url: &str, opts: &VerifyOptions<'_>) -> Result<Value, String> {
    let doc = opts
        .fetch
        .get(
            url,
            "application/vc+ld+json, application/ld+json, application/json",
        )
        .map_err(|e| e.to_string())?;
    serde_json::from_slice(&doc.body).map_err(|_| format!("{url} did not return JSON"))
}

fn bitstring(
    entry: &StatusEntry,
    issuer_id: Option<&str>,
    opts: &VerifyOptions<'_>,
    checks: &mut Checks,
    flags: &mut Flags,
) {
    let what = match entry.purpose.as_str() {
        "revocation" => "revocation",
        "suspension" => "suspension",
        other => {
            checks.skip(
                CheckKind::Status,
                format!("a status entry with purpose {other:?} carries no validity status"),
            );
            return;
        }
    };
    let list = match fetch_json(&entry.list_credential, opts) {
        Ok(l) => l,
        Err(e) => {
            checks.warn(
                CheckKind::Status,
                format!("the {what} list could not be fetched, so {what} was not checked: {e}"),
            );
            return;
        }
    };
    let list_issuer = super::issuer_id(&list);
    let (proof_ok, why) = super::proofs_and_key(&list, list_issuer.as_deref(), opts);
    if !proof_ok {
        checks.fail(
            CheckKind::Status,
            format!(
                "the {what} list at {} is not authentic: {why}",
                entry.list_credential
            ),
        );
        return;
    }
    if list_issuer.as_deref() != issuer_id {
        checks.fail(
            CheckKind::Status,
            format!(
                "the {what} list was issued by {}, not by the credential's issuer",
                list_issuer.unwrap_or_default()
            ),
        );
        return;
    }
    let now = opts.clock.now();
    if shape::parse_date(list.get("validUntil").unwrap_or(&Value::Null))
        .is_some_and(|until| until + opts.skew < now)
    {
        checks.fail(CheckKind::Status, format!("the {what} list has expired"));
        return;
    }
    match status_list::check_entry(entry, &list) {
        Ok(StatusOutcome::Unset) => checks.pass(CheckKind::Status, format!("not {}", past(what))),
        Ok(StatusOutcome::Set) => {
            if what == "revocation" {
                flags.revoked = true
            } else {
                flags.suspended = true
            }
            checks.fail(
                CheckKind::Status,
                format!("the issuer has {} this credential", past(what)),
            );
        }
        Ok(StatusOutcome::Value { value, message }) => {
            let msg = message.unwrap_or_else(|| format!("status value {value}"));
            if value == 0 {
                checks.pass(CheckKind::Status, msg);
            } else {
                checks.warn(CheckKind::Status, format!("the {what} list says: {msg}"));
            }
        }
        Err(e) => checks.fail(
            CheckKind::Status,
            format!("the {what} list could not be read: {e}"),
        ),
    }
}

fn past(what: &str) -> &'static str {
    if what == "revocation" {
        "revoked"
    } else {
        "suspended"
    }
}

fn revocation_list(
    cred: &Value,
    url: &str,
    opts: &VerifyOptions<'_>,
    checks: &mut Checks,
    flags: &mut Flags,
) {
    let id = cred.get("id").and_then(Value::as_str).unwrap_or_default();
    match fetch_json(url, opts)
        .and_then(|l| status_list::check_1edtech_revocation_list(id, &l).map_err(|e| e.to_string()))
    {
        Ok(RevocationOutcome::NotRevoked) => checks.pass(
            CheckKind::Status,
            "not listed in the issuer's revocation list",
        ),
        Ok(RevocationOutcome::Revoked { reason }) => {
            flags.revoked = true;
            let why = reason
                .map(|r| format!(" (reason: {r})"))
                .unwrap_or_default();
            checks.fail(
                CheckKind::Status,
                format!("the issuer has revoked this credential{why}"),
            );
        }
        Err(e) => checks.warn(
            CheckKind::Status,
            format!("the revocation list could not be checked: {e}"),
        ),
    }
}
