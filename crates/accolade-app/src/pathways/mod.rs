//! Pathways: an organization's routes toward a goal, as requirement trees over its own
//! achievements (all of, N of, credits at least X), optionally leading to a target badge.
//! Admins create, edit and delete them (each change audited); anyone can read one; an
//! earner's progress along them is computed from the current state of their awards every
//! time it is shown (`progress`), so a revocation or an expiry counts at once.
//!
//! Completing a pathway does not issue its target badge: that is issuing by rules, which
//! is not done here. Progress says whether the earner already holds the target.

mod progress;

pub use progress::PathwayProgress;

use crate::orgs::check_text;
use crate::{App, AppError, AppResult};
use accolade_core::{
    Achievement, AchievementId, Actor, OrgId, Organization, Pathway, PathwayId, Requirement,
    RequirementError,
};
use std::collections::{HashMap, HashSet};

/// Pathways one organization may have.
pub const MAX_PATHWAYS: usize = 200;
const MAX_NAME: usize = 200;
const MAX_DESCRIPTION: usize = 5_000;

/// A pathway's content, as an admin submits it (to create one, or to replace one's).
#[derive(Debug, Clone, PartialEq)]
pub struct NewPathway {
    pub org_id: OrgId,
    pub name: String,
    pub description: String,
    pub target: Option<AchievementId>,
    pub requirement: Requirement,
}

/// A pathway with what its public page shows: its organization, the achievements it
/// names (by id) and its target.
#[derive(Debug, Clone)]
pub struct PathwayDetails {
    pub pathway: Pathway,
    pub org: Organization,
    pub achievements: HashMap<AchievementId, Achievement>,
    pub target: Option<Achievement>,
}

/// A checked pathway content.
struct Checked {
    name: String,
    description: String,
}

impl App {
    /// Checks a pathway's content: its texts, the tree's shape, and that every badge it
    /// names (steps and target) is one of the organization's; another organization's
    /// badge is "not found".
    async fn check_pathway(&self, new: &NewPathway) -> AppResult<Checked> {
        let name = check_text("name", "the pathway's name", &new.name, MAX_NAME)?;
        let description = new.description.trim().to_owned();
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(crate::checks::too_long(
                "description",
                "the description",
                MAX_DESCRIPTION,
            ));
        }
        new.requirement.check().map_err(|e| {
            let field = match e {
                RequirementError::BadCredits | RequirementError::NoCreditSources => "credits",
                _ => "requirement",
            };
            AppError::invalid_field(field, crate::checks::sentence(&e.to_string()))
        })?;
        let own: HashSet<AchievementId> = self
            .store
            .achievements(new.org_id)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        let steps = new.requirement.achievements();
        if steps
            .iter()
            .chain(new.target.iter())
            .any(|a| !own.contains(a))
        {
            return Err(AppError::NotFound("achievement"));
        }
        if new.target.is_some_and(|t| steps.contains(&t)) {
            return Err(AppError::invalid_field(
                "target",
                "The badge a pathway leads to cannot also be one of its steps.",
            ));
        }
        Ok(Checked { name, description })
    }

    pub async fn create_pathway(&self, actor: &Actor, new: NewPathway) -> AppResult<Pathway> {
        let org = self.org(new.org_id).await?;
        let checked = self.check_pathway(&new).await?;
        if self.store.pathways(org.id).await?.len() >= MAX_PATHWAYS {
            return Err(AppError::invalid(format!(
                "An organization can have at most {MAX_PATHWAYS} pathways."
            )));
        }
        let now = self.now();
        let pathway = Pathway {
            id: PathwayId::new(),
            org_id: org.id,
            name: checked.name,
            description: checked.description,
            target: new.target,
            requirement: new.requirement,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        self.store.insert_pathway(&pathway).await?;
        self.audit(
            org.id,
            actor,
            "pathway.create",
            &pathway.id.to_string(),
            &pathway.name,
        )
        .await?;
        Ok(pathway)
    }

    /// Replaces the pathway's content if it is still at `expected_version`; otherwise
    /// `Conflict` and nothing changes. `changes.org_id` must be the pathway's organization.
    pub async fn update_pathway(
        &self,
        actor: &Actor,
        id: PathwayId,
        expected_version: i64,
        changes: NewPathway,
    ) -> AppResult<Pathway> {
        let current = self.org_pathway(changes.org_id, id).await?;
        if current.version != expected_version {
            return Err(edited_meanwhile());
        }
        let checked = self.check_pathway(&changes).await?;
        let updated = Pathway {
            name: checked.name,
            description: checked.description,
            target: changes.target,
            requirement: changes.requirement,
            updated_at: self.now(),
            version: expected_version + 1,
            ..current.clone()
        };
        if !self
            .store
            .update_pathway(&updated, expected_version)
            .await?
        {
            return Err(edited_meanwhile());
        }
        self.audit(
            updated.org_id,
            actor,
            "pathway.update",
            &updated.id.to_string(),
            &format!("{} (version {})", updated.name, updated.version),
        )
        .await?;
        Ok(updated)
    }

    pub async fn delete_pathway(&self, actor: &Actor, org: OrgId, id: PathwayId) -> AppResult<()> {
        let pathway = self.org_pathway(org, id).await?;
        if !self.store.delete_pathway(org, id).await? {
            return Err(AppError::NotFound("pathway"));
        }
        self.audit(org, actor, "pathway.delete", &id.to_string(), &pathway.name)
            .await?;
        Ok(())
    }

    /// The organization's pathways, by name.
    pub async fn pathways(&self, org: OrgId) -> AppResult<Vec<Pathway>> {
        Ok(self.store.pathways(org).await?)
    }

    /// The pathway if it belongs to `org`; another organization's is "not found".
    pub async fn org_pathway(&self, org: OrgId, id: PathwayId) -> AppResult<Pathway> {
        match self.store.pathway(id).await? {
            Some(p) if p.org_id == org => Ok(p),
            _ => Err(AppError::NotFound("pathway")),
        }
    }

    /// A pathway with its organization and badges, as its public page shows it.
    pub async fn pathway_details(&self, id: PathwayId) -> AppResult<PathwayDetails> {
        let pathway = self
            .store
            .pathway(id)
            .await?
            .ok_or(AppError::NotFound("pathway"))?;
        let org = self.org(pathway.org_id).await?;
        let mut achievements = self.achievements_by_id(org.id).await?;
        let named: HashSet<AchievementId> = pathway
            .requirement
            .achievements()
            .into_iter()
            .chain(pathway.target)
            .collect();
        achievements.retain(|id, _| named.contains(id));
        let target = pathway.target.and_then(|t| achievements.get(&t).cloned());
        Ok(PathwayDetails {
            pathway,
            org,
            achievements,
            target,
        })
    }

    pub(crate) async fn achievements_by_id(
        &self,
        org: OrgId,
    ) -> AppResult<HashMap<AchievementId, Achievement>> {
        Ok(self
            .store
            .achievements(org)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect())
    }
}

fn edited_meanwhile() -> AppError {
    AppError::Conflict(
        "Someone else changed this pathway in the meantime. Reload it to see their version.".into(),
    )
}
