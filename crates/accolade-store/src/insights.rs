//! The issuer dashboard's roll-ups on [`Store`]; see `sql/insights.rs`.

use crate::store::on_backend;
use crate::{InsightCounts, PendingInsights, Store, StoreError};
use accolade_core::{AchievementId, OrgId};
use time::OffsetDateTime;

impl Store {
    /// The organization's badges (achievements) as id and name, by name.
    pub async fn badge_names(
        &self,
        org: OrgId,
    ) -> Result<Vec<(AchievementId, String)>, StoreError> {
        on_backend!(self.badge_names(org))
    }

    /// Days before this one (days since 1970-01-01, UTC) are in the dashboard's roll-ups.
    pub async fn insights_through(&self) -> Result<i64, StoreError> {
        on_backend!(self.insights_through())
    }

    /// Counts the days from the last roll-up to `through` (exclusive) into the dashboard's
    /// roll-ups, once even when several servers do it at the same moment; returns how many
    /// days were counted.
    pub async fn roll_up_insights(&self, through: i64) -> Result<u64, StoreError> {
        on_backend!(self.roll_up_insights(through))
    }

    /// The rolled-up counts of the organization (`badge` `None`) or one of its badges per day
    /// in `[from, to)`, oldest first; days without anything are absent.
    pub async fn insight_days(
        &self,
        org: OrgId,
        badge: Option<AchievementId>,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, InsightCounts)>, StoreError> {
        on_backend!(self.insight_days(org, badge, from, to))
    }

    /// The rolled-up shares per channel over `[from, to)`.
    pub async fn insight_channels(
        &self,
        org: OrgId,
        badge: Option<AchievementId>,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        on_backend!(self.insight_channels(org, badge, from, to))
    }

    /// The rolled-up counts of each of the organization's badges over `[from, to)`.
    pub async fn insight_badges(
        &self,
        org: OrgId,
        from: i64,
        to: i64,
    ) -> Result<Vec<(AchievementId, InsightCounts)>, StoreError> {
        on_backend!(self.insight_badges(org, from, to))
    }

    /// What happened to the organization's awards on days from `since` on, read from the
    /// raw tables (not rolled up yet).
    pub async fn pending_insights(
        &self,
        org: OrgId,
        since: i64,
    ) -> Result<PendingInsights, StoreError> {
        on_backend!(self.pending_insights(org, since))
    }

    /// Active awards of the organization (or one badge) whose validity ends in
    /// `(after, until]`.
    pub async fn awards_ending(
        &self,
        org: OrgId,
        badge: Option<AchievementId>,
        after: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        on_backend!(self.awards_ending(org, badge, after, until))
    }
}
