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
pub use accolade_store::AwardFilter;

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

/// One page of a filtered awards list, with the count of all that pass the filter.
#[derive(Debug, Clone, PartialEq)]
pub struct AwardPage {
    pub awards: Vec<AwardSummary>,
    pub total: i64,
}

impl App {
    /// A page of the organization's awards that pass `filter` ("expired" judged now),
    /// newest first (soonest to expire first with `expires_by`), and how many pass in all.
    pub async fn search_awards(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        limit: i64,
        offset: i64,
    ) -> AppResult<AwardPage> {
        let filter = AwardFilter {
            now: Some(self.now()),
            ..filter.clone()
        };
        let limit = limit.clamp(1, MAX_PAGE);
        let awards = self
            .store
            .search_awards(org, &filter, limit, offset.max(0))
            .await?;
        let total = self.store.count_search_awards(org, &filter).await?;
        Ok(AwardPage { awards, total })
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
