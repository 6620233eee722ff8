//! A verdict made again from checks kept from an earlier verification of the very same
//! credential bytes. The signature, the signing key, the issuer's control of it and the
//! credential's form depend only on those bytes and on keys the issuer keeps published; the
//! validity period depends on the clock and the status on the issuer's current records, so
//! those two are always checked anew.

use super::report::{Check, CheckKind, Checks, CredentialKind, Flags, InputFormat, Report};
use super::{finish, shape, validity};
use serde_json::Value;
use time::{Duration, OffsetDateTime};

/// Whether a check's outcome lasts as long as the credential's bytes do (and may be kept).
pub fn lasting(kind: CheckKind) -> bool {
    !matches!(kind, CheckKind::ValidityPeriod | CheckKind::Status)
}

/// The report on a Data Integrity credential (JSON) from its `kept` lasting checks, made on
/// exactly these bytes, with the validity period checked at `now` (tolerating `skew`) and the
/// `status` check the caller made now (`None`: the caller adds it). Checks that do not last
/// are dropped from `kept`.
pub fn recheck(
    credential: Value,
    kept: Vec<Check>,
    status: Option<Check>,
    now: OffsetDateTime,
    skew: Duration,
) -> Report {
    let model = shape::check_context(&credential)
        .model
        .unwrap_or(shape::DataModel::V2);
    let (before, after): (Vec<Check>, Vec<Check>) = kept
        .into_iter()
        .filter(|c| lasting(c.check))
        .partition(|c| c.check != CheckKind::Recipient);
    let mut checks = Checks(before);
    let mut flags = Flags::default();
    validity(&credential, model, now, skew, &mut checks, &mut flags);
    checks.0.extend(status);
    checks.0.extend(after);
    finish(
        InputFormat::Json,
        CredentialKind::Ob3DataIntegrity,
        Some(credential),
        checks,
        flags,
    )
}
