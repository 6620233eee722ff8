//! An earner's progress along pathways, computed from the current state of their awards
//! each time it is asked for: only active awards count (a revoked, suspended or expired one
//! no longer does), across every organization on the instance.

use crate::{App, AppError, AppResult};
use accolade_core::{
    Achievement, AchievementId, Award, AwardState, Handle, OrgId, Organization, Pathway,
    RequirementProgress, User, Visibility,
};
use std::collections::{HashMap, HashSet};

/// Where an earner stands on one pathway.
#[derive(Debug, Clone)]
pub struct PathwayProgress {
    pub pathway: Pathway,
    pub org: Organization,
    /// The requirement tree evaluated; its root has the step counts.
    pub progress: RequirementProgress,
    /// The achievements the pathway names, by id (for names and images).
    pub achievements: HashMap<AchievementId, Achievement>,
    /// The badge the pathway leads to, if any.
    pub target: Option<Achievement>,
    /// Whether the earner already validly holds the target badge.
    pub target_held: bool,
    /// The badges to earn next, in the pathway's order.
    pub next_steps: Vec<Achievement>,
}

impl App {
    /// Progress along every pathway on which the account validly holds at least one of the
    /// badges the pathway names (a step or its target), by organization and pathway name.
    pub async fn pathway_progress(&self, user: &User) -> AppResult<Vec<PathwayProgress>> {
        let owned = self.store.backpack_of(user.id).await?;
        self.progress_over(owned.into_iter().map(|(_, award)| award))
            .await
    }

    /// The progress a portfolio shows: counting only the badges its owner made public.
    pub async fn portfolio_pathway_progress(
        &self,
        handle: &str,
    ) -> AppResult<Vec<PathwayProgress>> {
        let handle = Handle::parse(handle).map_err(|_| AppError::NotFound("portfolio"))?;
        let user = self
            .store
            .user_by_handle(&handle)
            .await?
            .ok_or(AppError::NotFound("portfolio"))?;
        let owned = self.store.backpack_of(user).await?;
        self.progress_over(
            owned
                .into_iter()
                .filter(|(o, _)| o.visibility == Visibility::Public)
                .map(|(_, award)| award),
        )
        .await
    }

    async fn progress_over(
        &self,
        awards: impl IntoIterator<Item = Award>,
    ) -> AppResult<Vec<PathwayProgress>> {
        let now = self.now();
        let mut held: HashMap<OrgId, HashSet<AchievementId>> = HashMap::new();
        for award in awards {
            if award.state_at(now) == AwardState::Active {
                held.entry(award.org_id)
                    .or_default()
                    .insert(award.achievement_id);
            }
        }
        let mut out = Vec::new();
        for (org_id, mine) in held {
            let relevant: Vec<Pathway> = self
                .store
                .pathways(org_id)
                .await?
                .into_iter()
                .filter(|p| {
                    p.target.is_some_and(|t| mine.contains(&t))
                        || p.requirement
                            .achievements()
                            .iter()
                            .any(|a| mine.contains(a))
                })
                .collect();
            if relevant.is_empty() {
                continue;
            }
            let org = self.org(org_id).await?;
            let all = self.achievements_by_id(org_id).await?;
            let credits: HashMap<AchievementId, f64> = all
                .iter()
                .filter_map(|(id, a)| a.credits.map(|c| (*id, c)))
                .collect();
            for pathway in relevant {
                out.push(one(pathway, org.clone(), &all, &mine, &credits));
            }
        }
        out.sort_by(|a, b| {
            (&a.org.name, &a.pathway.name, a.pathway.id).cmp(&(
                &b.org.name,
                &b.pathway.name,
                b.pathway.id,
            ))
        });
        Ok(out)
    }
}

fn one(
    pathway: Pathway,
    org: Organization,
    all: &HashMap<AchievementId, Achievement>,
    mine: &HashSet<AchievementId>,
    credits: &HashMap<AchievementId, f64>,
) -> PathwayProgress {
    let progress = pathway.requirement.evaluate(mine, credits);
    let named = pathway.requirement.achievements();
    let achievements = named
        .iter()
        .chain(pathway.target.iter())
        .filter_map(|id| all.get(id).map(|a| (*id, a.clone())))
        .collect();
    let next_steps = progress
        .next_steps
        .iter()
        .filter_map(|id| all.get(id).cloned())
        .collect();
    PathwayProgress {
        target: pathway.target.and_then(|t| all.get(&t).cloned()),
        target_held: pathway.target.is_some_and(|t| mine.contains(&t)),
        progress,
        achievements,
        next_steps,
        pathway,
        org,
    }
}
