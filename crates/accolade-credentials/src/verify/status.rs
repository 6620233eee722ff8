//! The status check: fetch each status list named by the credential, verify the list
//! credential itself, and read the credential's entry. Status never fails open: a list that
//! cannot be fetched, or that fails its own checks, leaves the status "could not be checked"
//! (inconclusive), never "not revoked".

use super::report::{CheckKind, Checks, Flags, Outcome};
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
        checks.inconclusive(
            CheckKind::Status,
            "status checking was turned off, so revocation was not checked",
        );
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
            CredentialStatus::Bitstring(e) => {
                bitstring(&e, ListKind::Bitstring, issuer_id, opts, checks, flags)
            }
            CredentialStatus::StatusList2021(e) => {
                bitstring(&e, ListKind::StatusList2021, issuer_id, opts, checks, flags)
            }
            CredentialStatus::RevocationList1EdTech { id } => revocation_list(cred, &id, opts, checks, flags),
            CredentialStatus::Unsupported { type_name } => {
                checks.inconclusive(CheckKind::Status, format!("the status type {type_name} is not supported, so the credential's status could not be checked"))
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
    crate::ijson::from_slice(&doc.body)
        .map_err(|e| format!("{url} did not return strict JSON: {e}"))
}

/// The two list formats that share one entry shape.
#[derive(Clone, Copy)]
enum ListKind {
    Bitstring,
    StatusList2021,
}

fn bitstring(
    entry: &StatusEntry,
    kind: ListKind,
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
            checks.inconclusive(
                CheckKind::Status,
                format!(
                    "the {what} list could not be fetched, so {what} could not be checked: {e}"
                ),
            );
            return;
        }
    };
    // A list that fails its own checks says nothing either way about the credential.
    let unusable = |checks: &mut Checks, why: String| {
        checks.inconclusive(
            CheckKind::Status,
            format!("{why}, so {what} could not be checked"),
        )
    };
    let list_issuer = super::issuer_id(&list);
    if let Err((outcome, why)) = super::proofs_and_key(&list, list_issuer.as_deref(), opts) {
        let qualifier = match outcome {
            Outcome::Failed => "is not authentic",
            _ => "could not be authenticated",
        };
        unusable(
            checks,
            format!(
                "the {what} list at {} {qualifier} ({why})",
                entry.list_credential
            ),
        );
        return;
    }
    if list_issuer.as_deref() != issuer_id {
        unusable(
            checks,
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
        unusable(checks, format!("the {what} list has expired"));
        return;
    }
    let read = match kind {
        ListKind::Bitstring => status_list::check_entry(entry, &list),
        ListKind::StatusList2021 => status_list::check_status_list_2021_entry(entry, &list),
    };
    match read {
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
                // A multi-bit value on a revocation or suspension list has no agreed meaning.
                checks.inconclusive(
                    CheckKind::Status,
                    format!("the {what} list gives this credential status {value} ({msg}), whose meaning is not defined"),
                );
            }
        }
        Err(e) => unusable(checks, format!("the {what} list could not be read ({e})")),
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
        Err(e) => checks.inconclusive(
            CheckKind::Status,
            format!("the revocation list could not be checked: {e}"),
        ),
    }
}
