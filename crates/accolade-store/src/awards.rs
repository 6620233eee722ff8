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

/// A cursor as a link carries it: `{created_at in microseconds}_{award id}`.
impl std::fmt::Display for AwardCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let micros = self.created_at.unix_timestamp_nanos() / 1000;
        write!(f, "{micros}_{}", self.id)
    }
}

impl std::str::FromStr for AwardCursor {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, StoreError> {
        let bad = || StoreError::Unstorable {
            what: "award cursor",
            detail: format!("{s:?} is not a position in the awards list"),
        };
        let (micros, id) = s.trim().split_once('_').ok_or_else(bad)?;
        let micros: i128 = micros.parse().map_err(|_| bad())?;
        let created_at =
            OffsetDateTime::from_unix_timestamp_nanos(micros * 1000).map_err(|_| bad())?;
        Ok(Self {
            created_at,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

/// Which page of the newest-first list to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAt {
    /// The newest awards.
    First,
    /// The awards just older than the cursor's.
    After(AwardCursor),
    /// The awards just newer than the cursor's (returned newest first too).
    Before(AwardCursor),
}

/// The most a filtered list counts: past it, a list says "more than 10,000". Counting stops
/// there, so a count costs the same in an organization of any size.
pub const COUNT_CAP: i64 = 10_000;

impl Store {
    /// A page of the organization's awards that pass `filter` by offset, soonest to expire
    /// first when the filter has `expires_by` (the expiring-soon list), else newest first.
    pub async fn search_awards(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AwardSummary>, StoreError> {
        on_backend!(self.search_awards(org, filter, limit, offset))
    }

    /// How many of the organization's awards pass `filter`, counting at most `cap`.
    pub async fn count_search_awards(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        cap: i64,
    ) -> Result<i64, StoreError> {
        on_backend!(self.count_search_awards(org, filter, cap))
    }

    /// Up to `limit` of the organization's awards that pass `filter` at `at`, newest first
    /// (`created_at`, then id). Pages read by key: awards issued meanwhile never shift a
    /// later page, so paging on skips and repeats none.
    pub async fn award_page(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        at: PageAt,
        limit: i64,
    ) -> Result<Vec<AwardSummary>, StoreError> {
        on_backend!(self.award_page(org, filter, at, limit))
    }

    /// How many awards the organization has (kept by the database as awards are inserted and
    /// deleted: one row read, whatever its size).
    pub async fn org_award_total(&self, org: OrgId) -> Result<i64, StoreError> {
        on_backend!(self.org_award_total(org))
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
