//! Finding and managing awards: the filtered awards list (and its export, page after page),
//! links between an award and its re-issue or renewal, expiry reminders sent once per
//! award and offset, and each organization's reminder offsets.

use crate::outbox::QueuedEmail;
use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::{
    AchievementId, AuditEvent, Award, AwardId, AwardLinks, AwardStanding, AwardState, AwardSummary,
    OrgId,
};
use time::OffsetDateTime;

/// Which of an organization's awards to list. Every field narrows the list; the default
/// lists them all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AwardFilter {
    pub achievement: Option<AchievementId>,
    /// "Expired" and "active" are told apart at [`AwardFilter::now`].
    pub state: Option<AwardState>,
    /// Issued at or after.
    pub issued_from: Option<OffsetDateTime>,
    /// Issued before.
    pub issued_before: Option<OffsetDateTime>,
    /// Part of the recipient's email or name, any case.
    pub recipient: Option<String>,
    /// Only awards whose `validUntil` is after `now` and at or before this (soonest first).
    pub expires_by: Option<OffsetDateTime>,
    /// The instant "expired" is judged at.
    pub now: Option<OffsetDateTime>,
}

/// Where a page of the newest-first list ends, to read the next page after it (the export
/// reads an organization's awards this way without holding them all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwardCursor {
    pub created_at: OffsetDateTime,
    pub id: AwardId,
}

impl AwardCursor {
    pub fn after(award: &AwardSummary) -> Self {
        Self {
            created_at: award.created_at,
            id: award.id,
        }
    }
}

impl Store {
    /// A page of the organization's awards that pass `filter`: newest first, or soonest to
    /// expire first when the filter has `expires_by`.
    pub async fn search_awards(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AwardSummary>, StoreError> {
        on_backend!(self.search_awards(org, filter, limit, offset))
    }

    /// How many of the organization's awards pass `filter`.
    pub async fn count_search_awards(
        &self,
        org: OrgId,
        filter: &AwardFilter,
    ) -> Result<i64, StoreError> {
        on_backend!(self.count_search_awards(org, filter))
    }

    /// The next `limit` awards (newest first) that pass `filter`, after `cursor`.
    pub async fn awards_after(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        cursor: Option<AwardCursor>,
        limit: i64,
    ) -> Result<Vec<AwardSummary>, StoreError> {
        on_backend!(self.awards_after(org, filter, cursor, limit))
    }

    /// An award's links to its re-issue or renewal; `None` if there is no such award.
    pub async fn award_links(&self, id: AwardId) -> Result<Option<AwardLinks>, StoreError> {
        on_backend!(self.award_links(id))
    }

    /// The award's status and links, without its credential (`None`: no such award).
    pub async fn award_standing(&self, id: AwardId) -> Result<Option<AwardStanding>, StoreError> {
        on_backend!(self.award_standing(id))
    }

    /// The organization's audit entries about one target (an award id), oldest first.
    pub async fn audit_events_for(
        &self,
        org: OrgId,
        target: &str,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        on_backend!(self.audit_events_for(org, target, limit))
    }

    // Expiry reminders.

    /// Active awards of the organization whose `validUntil` is after `from` and at or
    /// before `until`, that have no reminder for `offset_days` yet and were issued at least
    /// `offset_days` before they expire; soonest first.
    pub async fn reminder_candidates(
        &self,
        org: OrgId,
        from: OffsetDateTime,
        until: OffsetDateTime,
        offset_days: u32,
        limit: i64,
    ) -> Result<Vec<Award>, StoreError> {
        on_backend!(self.reminder_candidates(org, from, until, offset_days, limit))
    }

    /// Records that the `offset_days` reminder of an award is sent and queues its email, in
    /// one transaction. `false` (and nothing is queued) if that reminder was recorded
    /// before: two scans at once send it once.
    pub async fn record_expiry_reminder(
        &self,
        award: AwardId,
        offset_days: u32,
        at: OffsetDateTime,
        email: &QueuedEmail,
    ) -> Result<bool, StoreError> {
        on_backend!(self.record_expiry_reminder(award, offset_days, at, email))
    }

    /// The reminders recorded for an award: `(offset_days, sent_at)`, largest offset first.
    pub async fn expiry_reminders(
        &self,
        award: AwardId,
    ) -> Result<Vec<(u32, OffsetDateTime)>, StoreError> {
        on_backend!(self.expiry_reminders(award))
    }

    /// The organization's reminder offsets in days, largest first; `None` if never set.
    pub async fn reminder_offsets(&self, org: OrgId) -> Result<Option<Vec<u32>>, StoreError> {
        on_backend!(self.reminder_offsets(org))
    }

    pub async fn set_reminder_offsets(
        &self,
        org: OrgId,
        offsets: &[u32],
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        on_backend!(self.set_reminder_offsets(org, offsets, at))
    }
}
