//! The issuer's insight dashboard: what happened to an organization's badges, or to one
//! badge, over a range of days — awards issued, claimed and accepted, shares by channel,
//! views, verifications, LinkedIn adds, downloads, embed impressions; the funnel issued →
//! claimed → shared → viewed; the top badges and channels; awards expiring soon and expired.
//!
//! It reads the daily roll-ups (counted once a day by [`App::roll_up_analytics`]) and, for
//! the days since the last roll-up, the raw tables, so a page costs the same whatever the
//! range and however many events there were.

mod csv;
mod range;

pub use accolade_store::InsightCounts;
pub use csv::{InsightTable, METRICS, metric_values};
pub use range::{DateRange, MAX_DAYS, PRESETS, date_number, day_number, number_date};

use crate::{App, AppResult};
use accolade_core::{AchievementId, OrgId};
use std::collections::{BTreeMap, HashMap};
use time::{Date, Duration};

/// How far ahead "expiring soon" looks.
pub const EXPIRING_WITHIN_DAYS: i64 = 30;

/// One step of the funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelStep {
    pub label: &'static str,
    pub count: i64,
    /// `count` as a share of the step before (`None` for the first step, or when the step
    /// before counted nothing).
    pub rate: Option<f64>,
}

/// One badge's counts over the range.
#[derive(Debug, Clone, PartialEq)]
pub struct BadgeInsight {
    pub id: AchievementId,
    pub name: String,
    pub counts: InsightCounts,
}

/// Everything the dashboard shows for a range.
#[derive(Debug, Clone, PartialEq)]
pub struct Insights {
    pub range: DateRange,
    /// The badge it is narrowed to, if any.
    pub badge: Option<AchievementId>,
    pub totals: InsightCounts,
    /// Every day of the range, oldest first, days without anything included.
    pub daily: Vec<(Date, InsightCounts)>,
    /// Shares per channel, most first (then by name).
    pub channels: Vec<(String, i64)>,
    pub funnel: Vec<FunnelStep>,
    /// The organization's badges with anything in the range, most issued first (then most
    /// viewed, then by name); empty when narrowed to one badge.
    pub badges: Vec<BadgeInsight>,
    /// Active awards whose validity ends within [`EXPIRING_WITHIN_DAYS`] from now.
    pub expiring_soon: i64,
    /// Active awards whose validity ended within the range (up to now).
    pub expired: i64,
    /// Every badge of the organization, by name (for choosing one).
    pub all_badges: Vec<(AchievementId, String)>,
}

/// The funnel issued → claimed → shared → viewed of some counts: awards issued, claimed, and
/// shared or viewed for the first time; each step's rate is of the step before.
pub fn funnel(c: &InsightCounts) -> Vec<FunnelStep> {
    let steps = [
        ("Issued", c.issued),
        ("Claimed", c.claimed),
        ("Shared", c.shared_awards),
        ("Viewed", c.viewed_awards),
    ];
    let mut out: Vec<FunnelStep> = Vec::with_capacity(steps.len());
    for (label, count) in steps {
        let rate = match out.last() {
            Some(prev) if prev.count > 0 => Some(count as f64 / prev.count as f64),
            _ => None,
        };
        out.push(FunnelStep { label, count, rate });
    }
    out
}

impl App {
    /// The organization's insights over `range`, or one of its badges' (`badge`; another
    /// organization's badge is "not found").
    pub async fn insights(
        &self,
        org: OrgId,
        range: DateRange,
        badge: Option<AchievementId>,
    ) -> AppResult<Insights> {
        let mut all_badges = self.store.badge_names(org).await?;
        all_badges.sort_by_cached_key(|(_, name)| name.to_lowercase());
        let names: HashMap<AchievementId, String> = all_badges.iter().cloned().collect();
        if let Some(b) = badge
            && !names.contains_key(&b)
        {
            return Err(crate::AppError::NotFound("achievement"));
        }
        let (from, to) = range.day_bounds();
        let through = self.store.insights_through().await?;
        let rolled_to = to.min(through);

        let mut by_day: BTreeMap<i64, InsightCounts> = BTreeMap::new();
        let mut channels: HashMap<String, i64> = HashMap::new();
        let mut badges: HashMap<AchievementId, InsightCounts> = HashMap::new();
        if from < rolled_to {
            for (day, c) in self.store.insight_days(org, badge, from, rolled_to).await? {
                by_day.entry(day).or_default().add(&c);
            }
            for (channel, n) in self
                .store
                .insight_channels(org, badge, from, rolled_to)
                .await?
            {
                *channels.entry(channel).or_default() += n;
            }
            if badge.is_none() {
                for (id, c) in self.store.insight_badges(org, from, rolled_to).await? {
                    badges.entry(id).or_default().add(&c);
                }
            }
        }
        if to > through {
            // Days not rolled up yet (normally just today): read live.
            let pending = self.store.pending_insights(org, through).await?;
            let wanted = |id: &AchievementId, day: i64| {
                day >= from && day < to && badge.is_none_or(|b| b == *id)
            };
            for (id, day, c) in pending.days.iter().filter(|(id, day, _)| wanted(id, *day)) {
                by_day.entry(*day).or_default().add(c);
                if badge.is_none() {
                    badges.entry(*id).or_default().add(c);
                }
            }
            for (_, _, channel, n) in pending
                .channels
                .iter()
                .filter(|(id, day, _, _)| wanted(id, *day))
            {
                *channels.entry(channel.clone()).or_default() += n;
            }
        }

        let mut totals = InsightCounts::default();
        for c in by_day.values() {
            totals.add(c);
        }
        let daily = (from..to)
            .map(|day| {
                (
                    number_date(day),
                    by_day.get(&day).copied().unwrap_or_default(),
                )
            })
            .collect();
        let mut channels: Vec<(String, i64)> =
            channels.into_iter().filter(|(_, n)| *n > 0).collect();
        channels.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut badges: Vec<BadgeInsight> = badges
            .into_iter()
            .filter(|(_, c)| *c != InsightCounts::default())
            .map(|(id, counts)| BadgeInsight {
                name: names.get(&id).cloned().unwrap_or_default(),
                id,
                counts,
            })
            .collect();
        badges.sort_by(|a, b| {
            b.counts
                .issued
                .cmp(&a.counts.issued)
                .then_with(|| b.counts.views.cmp(&a.counts.views))
                .then_with(|| a.name.cmp(&b.name))
        });

        let now = self.now();
        let expiring_soon = self
            .store
            .awards_ending(org, badge, now, now + Duration::days(EXPIRING_WITHIN_DAYS))
            .await?;
        let (start, end) = range.instants();
        let end = end.min(now);
        // Ends at `start` exactly belong to the day before: (after, until] shifted by a µs.
        let expired = if start < end {
            self.store
                .awards_ending(org, badge, start - Duration::microseconds(1), end)
                .await?
        } else {
            0
        };
        Ok(Insights {
            range,
            badge,
            funnel: funnel(&totals),
            totals,
            daily,
            channels,
            badges,
            expiring_soon,
            expired,
            all_badges,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn funnel_rates_are_of_the_step_before() {
        let c = InsightCounts {
            issued: 200,
            claimed: 150,
            shared_awards: 30,
            viewed_awards: 45,
            ..Default::default()
        };
        let f = funnel(&c);
        let labels: Vec<_> = f.iter().map(|s| s.label).collect();
        assert_eq!(labels, ["Issued", "Claimed", "Shared", "Viewed"]);
        assert_eq!(f[0].rate, None);
        assert_eq!(f[1].rate, Some(0.75));
        assert_eq!(f[2].rate, Some(0.2));
        assert_eq!(f[3].rate, Some(1.5));
        let empty = funnel(&InsightCounts::default());
        assert!(empty.iter().all(|s| s.rate.is_none() && s.count == 0));
        let none_claimed = funnel(&InsightCounts {
            issued: 3,
            shared_awards: 1,
            ..Default::default()
        });
        assert_eq!(none_claimed[1].rate, Some(0.0));
        assert_eq!(none_claimed[2].rate, None, "nothing claimed: no rate");
    }
}
