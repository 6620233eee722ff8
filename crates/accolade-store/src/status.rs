//! Award status changes and issuing, each one transaction with everything it writes.
//!
//! A status change is a compare-and-set in SQL: the `UPDATE` names the states the award may
//! move from, so two changes racing each other cannot both act on what they read before.
//! Revocation is final: no change moves an award out of `revoked` (the schema refuses it
//! too, see migration 0016), and the status lists are derived from the awards' states, so a
//! revocation bit, once published, stays set. The audit entry, the earner's email and the
//! organization's status-version bump are written in the same transaction as the change.

use crate::outbox::QueuedEmail;
use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::{AuditEvent, Award, AwardId, AwardStatus, AwardSummary, ClaimToken, OrgId};
use time::OffsetDateTime;

/// Whether an award in `from` may move to `to`: active ⇄ suspended, either to revoked,
/// nothing out of revoked.
pub fn may_change(from: AwardStatus, to: AwardStatus) -> bool {
    use AwardStatus::{Active, Revoked, Suspended};
    matches!(
        (from, to),
        (Active, Suspended) | (Active, Revoked) | (Suspended, Revoked) | (Suspended, Active)
    )
}

/// The states an award may move to `to` from, as an SQL list of literals.
pub(crate) fn sql_sources(to: AwardStatus) -> &'static str {
    match to {
        AwardStatus::Revoked => "('active', 'suspended')",
        AwardStatus::Suspended => "('active')",
        AwardStatus::Active => "('suspended')",
    }
}

/// One award's status change, with its audit entry and, for a revocation, the earner's
/// notice; all written in one transaction, or none of it.
#[derive(Debug, Clone, Copy)]
pub struct StatusChange<'a> {
    pub award: AwardId,
    pub to: AwardStatus,
    /// Stored as the award's status reason (`None` clears it).
    pub reason: Option<&'a str>,
    pub at: OffsetDateTime,
    pub audit: &'a AuditEvent,
    pub email: Option<&'a QueuedEmail>,
}

/// What a [`StatusChange`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum StatusChanged {
    /// Changed; the award as it now is.
    Changed(Box<Award>),
    /// Not changed (and nothing written): the award is in this state, which may not move to
    /// the one asked for (see [`may_change`]).
    Refused(AwardStatus),
    NotFound,
}

/// One award of a bulk revocation, with its audit entry and notice, written only if the
/// award is revoked by this call.
#[derive(Debug, Clone, PartialEq)]
pub struct Revocation {
    pub award: AwardId,
    pub audit: AuditEvent,
    pub email: Option<QueuedEmail>,
}

/// Most awards one [`Store::revoke_awards`] call takes (one statement, one transaction).
pub const REVOCATIONS_PER_BATCH: usize = 500;

/// A new award that continues an older one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Succession<'a> {
    /// A corrected credential: the old award, while active and not yet superseded, is
    /// revoked with `reason` and linked to the new one.
    Supersedes { old: AwardId, reason: &'a str },
    /// A renewal: the old award, while active and not yet renewed, is linked to the new one.
    Renews { old: AwardId },
}

/// A freshly signed award and everything issuing it writes, in one transaction: the award,
/// its email and claim token, its audit entries and, for a re-issue or renewal, the change
/// to the award it continues.
#[derive(Debug, Clone, Copy)]
pub struct IssuedAward<'a> {
    pub award: &'a Award,
    pub email: Option<&'a QueuedEmail>,
    pub claims: &'a [ClaimToken],
    pub audit: &'a [AuditEvent],
    pub follows: Option<Succession<'a>>,
}

impl Store {
    /// Applies the change if the award's current state may move to `change.to`, with its
    /// audit entry, email and the organization's status-version bump, in one transaction.
    /// A failing write (audit, email) rolls the whole change back.
    pub async fn change_award_status(
        &self,
        change: &StatusChange<'_>,
    ) -> Result<StatusChanged, StoreError> {
        on_backend!(self.change_award_status(change))
    }

    /// Revokes those of `batch` (at most [`REVOCATIONS_PER_BATCH`]) that belong to `org` and
    /// are active or suspended, in one statement, and writes their audit entries and emails
    /// and bumps the status version, all in one transaction. Returns the ids revoked; the
    /// others were already revoked or are not the organization's, and nothing is written
    /// for them.
    pub async fn revoke_awards(
        &self,
        org: OrgId,
        reason: &str,
        at: OffsetDateTime,
        batch: &[Revocation],
    ) -> Result<Vec<AwardId>, StoreError> {
        on_backend!(self.revoke_awards(org, reason, at, batch))
    }

    /// Stores a new award with its email, claim tokens, audit entries and succession in one
    /// transaction. `Ok(false)`, and nothing written, when the succession no longer holds
    /// (the old award was revoked, re-issued or renewed meanwhile). A status index already
    /// used in the organization fails with `Conflict { what: "status_index" }`.
    pub async fn insert_issued_award(&self, issued: &IssuedAward<'_>) -> Result<bool, StoreError> {
        on_backend!(self.insert_issued_award(issued))
    }

    /// Those of `ids` that are the organization's awards (any order; unknown ids left out).
    pub async fn org_awards_by_ids(
        &self,
        org: OrgId,
        ids: &[AwardId],
    ) -> Result<Vec<AwardSummary>, StoreError> {
        on_backend!(self.org_awards_by_ids(org, ids))
    }
}
