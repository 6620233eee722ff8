//! Managing an organization's awards: find them (filters, pages, counts), look at one (its
//! links and status history), re-issue a corrected credential, renew an expiring one,
//! export the list as CSV and revoke many at once.

mod bulk_revoke;
mod delivery;
mod export;
mod reissue;
mod timeline;

pub use accolade_store::OutboxState;
pub use bulk_revoke::{
    BulkRevokeOutcome, BulkRevokePlan, MAX_BULK_REVOKE, NotRevocable, award_ref,
    award_refs_from_csv,
};
pub use delivery::DeliveryHelp;
pub use export::{AwardExport, EXPORT_HEADER};
pub use reissue::Correction;
pub use timeline::{TimelineEntry, TimelineWhat};

use crate::{App, AppError, AppResult};
use accolade_core::{AuditEvent, Award, AwardId, AwardLinks, AwardStatus, AwardSummary, OrgId};
pub use accolade_store::{AwardCursor, AwardFilter, COUNT_CAP, PageAt};

/// Most awards on one page of the list.
pub const MAX_PAGE: i64 = 200;
/// Most status-history entries shown for one award.
const MAX_HISTORY: i64 = 200;

/// What may be done to an award now (for someone allowed to issue): the one place that
/// decides it, for every page and the API; the actions themselves check the same rules again
/// in the database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AwardActions {
    pub suspend: bool,
    pub reinstate: bool,
    pub revoke: bool,
    /// Issue a corrected credential in its place (the old one is revoked).
    pub reissue: bool,
    /// Issue it again with a new validity period.
    pub renew: bool,
}

impl AwardActions {
    /// The actions an award allows, given the links it already has.
    pub fn of(award: &Award, links: &AwardLinks) -> Self {
        let may = |to| accolade_store::may_change(award.status, to);
        Self {
            suspend: may(AwardStatus::Suspended),
            reinstate: may(AwardStatus::Active),
            revoke: may(AwardStatus::Revoked),
            reissue: why_not_reissue(award, links).is_none(),
            renew: why_not_renew(award, links).is_none(),
        }
    }
}

/// Why `award` cannot be re-issued now, or `None` if it can: the rule the award page's
/// button and [`App::reissue`] both follow.
pub(crate) fn why_not_reissue(award: &Award, links: &AwardLinks) -> Option<AppError> {
    match award.status {
        AwardStatus::Revoked => Some(AppError::Conflict(
            "A revoked badge cannot be re-issued.".into(),
        )),
        AwardStatus::Suspended => Some(AppError::Conflict(
            "Reinstate the badge before re-issuing it.".into(),
        )),
        AwardStatus::Active if links.replaced_by.is_some() => Some(AppError::Conflict(
            "This badge was already re-issued.".into(),
        )),
        AwardStatus::Active => None,
    }
}

/// Why `award` cannot be renewed now, or `None` if it can: the rule the award page's button
/// and [`App::renew`] both follow.
pub(crate) fn why_not_renew(award: &Award, links: &AwardLinks) -> Option<AppError> {
    if award.status != AwardStatus::Active {
        return Some(AppError::Conflict(format!(
            "A {} badge cannot be renewed.",
            award.status.as_str()
        )));
    }
    if award.valid_until.is_none() {
        return Some(AppError::invalid(
            "This badge does not expire, so there is nothing to renew.",
        ));
    }
    if links.renewed_by.is_some() {
        return Some(AppError::Conflict("This badge was already renewed.".into()));
    }
    None
}

/// The fewest characters a recipient search takes: a part of a name or email that short
/// would match most of a large list, and the search index works on three characters.
pub const MIN_SEARCH_CHARS: usize = 3;

/// Refuses a recipient search shorter than [`MIN_SEARCH_CHARS`] (after trimming; an empty
/// one is no search).
pub fn check_search(filter: &AwardFilter) -> AppResult<()> {
    let short = filter
        .recipient
        .as_deref()
        .map(|r| r.trim().chars().count())
        .is_some_and(|n| n > 0 && n < MIN_SEARCH_CHARS);
    if short {
        return Err(AppError::invalid_field(
            "recipient",
            "Type at least 3 characters of the recipient's name or email to search.",
        ));
    }
    Ok(())
}

/// How many awards pass a filter: exact up to [`COUNT_CAP`], "more than" beyond.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwardCount {
    /// The count, or [`COUNT_CAP`] when there are more.
    pub n: i64,
    /// There are more than `n`.
    pub more: bool,
}

impl AwardCount {
    fn capped(counted: i64) -> Self {
        Self {
            n: counted.min(COUNT_CAP),
            more: counted > COUNT_CAP,
        }
    }
}

/// One page of a filtered awards list (by offset: the expiring-soon list), with how many
/// pass the filter in all.
#[derive(Debug, Clone, PartialEq)]
pub struct AwardPage {
    pub awards: Vec<AwardSummary>,
    /// Exact up to [`COUNT_CAP`]; [`COUNT_CAP`] when there are more (then `more` is set).
    pub total: i64,
    pub more: bool,
}

/// One page of the awards list, newest first, with links to the pages around it.
#[derive(Debug, Clone, PartialEq)]
pub struct AwardList {
    pub awards: Vec<AwardSummary>,
    pub count: AwardCount,
    /// Where the newer page starts (`PageAt::Before` it), if there is one.
    pub newer: Option<AwardCursor>,
    /// Where the older page starts (`PageAt::After` it), if there is one.
    pub older: Option<AwardCursor>,
}

impl App {
    /// A page of the organization's awards that pass `filter` ("expired" judged now) by
    /// offset, soonest to expire first with `expires_by` (else newest first), and how many
    /// pass in all (up to [`COUNT_CAP`]).
    pub async fn search_awards(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        limit: i64,
        offset: i64,
    ) -> AppResult<AwardPage> {
        check_search(filter)?;
        let filter = AwardFilter {
            now: Some(self.now()),
            ..filter.clone()
        };
        let limit = limit.clamp(1, MAX_PAGE);
        let awards = self
            .store
            .search_awards(org, &filter, limit, offset.max(0))
            .await?;
        let count = self.count_awards(org, &filter).await?;
        Ok(AwardPage {
            awards,
            total: count.n,
            more: count.more,
        })
    }

    /// The organization's newest awards (the workspace's overview), without their credentials.
    pub async fn newest_awards(&self, org: OrgId, limit: i64) -> AppResult<Vec<AwardSummary>> {
        let filter = AwardFilter {
            now: Some(self.now()),
            ..AwardFilter::default()
        };
        let limit = limit.clamp(1, MAX_PAGE);
        Ok(self
            .store
            .award_page(org, &filter, PageAt::First, limit)
            .await?)
    }

    /// The page of the organization's awards that pass `filter` at `at`, newest first, with
    /// the pages around it and how many pass in all. Read by key: awards issued while
    /// someone pages never shift the pages after the first, so none is skipped or repeated.
    /// A page before the first full one is the first page.
    pub async fn list_awards(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        at: PageAt,
        limit: i64,
    ) -> AppResult<AwardList> {
        check_search(filter)?;
        let filter = AwardFilter {
            now: Some(self.now()),
            expires_by: None,
            ..filter.clone()
        };
        let limit = limit.clamp(1, MAX_PAGE);
        // One more than shown: whether there is a page beyond.
        let mut awards = self.store.award_page(org, &filter, at, limit + 1).await?;
        let (mut at, mut beyond) = (at, awards.len() as i64 > limit);
        if matches!(at, PageAt::Before(_)) {
            if beyond {
                awards.remove(0);
            } else {
                // Back at the newest: show the first page whole.
                at = PageAt::First;
                awards = self.store.award_page(org, &filter, at, limit + 1).await?;
                beyond = awards.len() as i64 > limit;
            }
        }
        let (newer, older) = match at {
            PageAt::First => {
                awards.truncate(limit as usize);
                (
                    None,
                    beyond
                        .then(|| awards.last().map(AwardCursor::after))
                        .flatten(),
                )
            }
            PageAt::After(cursor) => {
                awards.truncate(limit as usize);
                let newer = Some(awards.first().map_or(cursor, AwardCursor::after));
                (
                    newer,
                    beyond
                        .then(|| awards.last().map(AwardCursor::after))
                        .flatten(),
                )
            }
            PageAt::Before(cursor) => {
                let newer = awards.first().map(AwardCursor::after);
                (
                    newer,
                    Some(awards.last().map_or(cursor, AwardCursor::after)),
                )
            }
        };
        let count = self.count_awards(org, &filter).await?;
        Ok(AwardList {
            awards,
            count,
            newer,
            older,
        })
    }

    /// How many awards pass `filter`: the organization's kept total when nothing narrows
    /// it, else counted up to the cap.
    async fn count_awards(&self, org: OrgId, filter: &AwardFilter) -> AppResult<AwardCount> {
        let unfiltered = AwardFilter {
            now: filter.now,
            ..AwardFilter::default()
        };
        if *filter == unfiltered {
            let total = self.store.org_award_total(org).await?;
            return Ok(AwardCount {
                n: total,
                more: false,
            });
        }
        let counted = self
            .store
            .count_search_awards(org, filter, COUNT_CAP + 1)
            .await?;
        Ok(AwardCount::capped(counted))
    }

    /// The award if it belongs to `org`; another organization's award is "not found".
    pub async fn org_award(&self, org: OrgId, id: AwardId) -> AppResult<Award> {
        match self.store.award(id).await? {
            Some(a) if a.org_id == org => Ok(a),
            _ => Err(AppError::NotFound("award")),
        }
    }

    /// The award's links to the corrected credential that replaced it, the one it replaces,
    /// and its renewal. The public credential page shows `replaced_by`.
    pub async fn award_links(&self, id: AwardId) -> AppResult<AwardLinks> {
        self.store
            .award_links(id)
            .await?
            .ok_or(AppError::NotFound("award"))
    }

    /// What happened to the award, oldest first, from the audit log: issued, suspended,
    /// reinstated, revoked, re-issued, renewed.
    pub async fn award_history(&self, award: &Award) -> AppResult<Vec<AuditEvent>> {
        Ok(self
            .store
            .audit_events_for(award.org_id, &award.id.to_string(), MAX_HISTORY)
            .await?)
    }

    /// The expiry reminders sent for an award: `(days before expiry, when)`.
    pub async fn reminders_sent(
        &self,
        award: AwardId,
    ) -> AppResult<Vec<(u32, time::OffsetDateTime)>> {
        Ok(self.store.expiry_reminders(award).await?)
    }
}
