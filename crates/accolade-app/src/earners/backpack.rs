//! The backpack: every badge an account owns, from any organization on this instance, each
//! with its visibility; collections; and progress. Badges are listed as [`BackpackBadge`]s
//! whatever their source, so that badges imported from elsewhere can join the same list
//! (as another [`BadgeSource`]).

use crate::analytics::{Client, EventKind};
use crate::orgs::check_text;
use crate::{App, AppError, AppResult};
use accolade_core::{
    Achievement, AchievementId, Actor, AlignmentSpec, Award, AwardId, AwardState, Collection,
    CollectionId, OrgId, Organization, User, Visibility,
};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use time::OffsetDateTime;

/// Collections an account may have.
const MAX_COLLECTIONS: usize = 100;
/// Badges in one collection.
const MAX_IN_COLLECTION: usize = 500;

/// Where a badge in a backpack comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadgeSource {
    /// Issued on this instance, claimed by the account.
    Issued(AwardId),
}

impl BadgeSource {
    /// The badge's key in the backpack's forms and links.
    pub fn key(&self) -> String {
        match self {
            BadgeSource::Issued(id) => id.to_string(),
        }
    }
}

/// One badge of a backpack, as its pages show it.
#[derive(Debug, Clone)]
pub struct BackpackBadge {
    pub source: BadgeSource,
    /// The badge's name and description as issued, in the credential's language.
    pub name: String,
    pub description: String,
    /// The BCP 47 tag of `name` and `description`, when known.
    pub language: Option<String>,
    /// A path on this instance (`/images/{id}`), if the badge has an image.
    pub image_path: Option<String>,
    pub issuer_name: String,
    /// `/issuers/{slug}` for this instance's issuers.
    pub issuer_path: Option<String>,
    pub recipient_name: Option<String>,
    pub issued_at: OffsetDateTime,
    pub valid_until: Option<OffsetDateTime>,
    pub state: AwardState,
    pub visibility: Visibility,
    /// The credential's public page.
    pub credential_path: String,
    /// Which organization it came from (for progress), if issued here.
    pub org_id: Option<OrgId>,
    /// The skills, competencies or standards the badge aligns with.
    pub alignments: Vec<AlignmentSpec>,
}

/// A collection with its badges resolved, in order (badges no longer in the backpack left
/// out).
#[derive(Debug, Clone)]
pub struct CollectionView {
    pub collection: Collection,
    pub badges: Vec<BackpackBadge>,
}

/// How many badges an account holds from one organization. (Achievements declare no
/// pathways yet, so progress is counted per organization and per collection.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgProgress {
    pub org_name: String,
    pub issuer_path: Option<String>,
    pub earned: usize,
    /// How many achievements the organization offers.
    pub offered: usize,
}

/// Everything the backpack page shows.
#[derive(Debug, Clone)]
pub struct Backpack {
    pub badges: Vec<BackpackBadge>,
    pub collections: Vec<CollectionView>,
    pub progress: Vec<OrgProgress>,
}

impl App {
    /// The account's badges, newest issue first.
    pub async fn backpack_badges(&self, user: &User) -> AppResult<Vec<BackpackBadge>> {
        let owned = self.store.backpack_of(user.id).await?;
        let now = self.now();
        let mut orgs: HashMap<OrgId, Organization> = HashMap::new();
        let mut achievements: HashMap<AchievementId, Achievement> = HashMap::new();
        let mut out = Vec::with_capacity(owned.len());
        for (ownership, award) in owned {
            if let Entry::Vacant(slot) = orgs.entry(award.org_id) {
                slot.insert(self.org(award.org_id).await?);
            }
            if let Entry::Vacant(slot) = achievements.entry(award.achievement_id) {
                slot.insert(self.achievement(award.achievement_id).await?);
            }
            let (Some(org), Some(achievement)) = (
                orgs.get(&award.org_id),
                achievements.get(&award.achievement_id),
            ) else {
                continue;
            };
            out.push(issued_badge(
                org,
                achievement,
                &award,
                ownership.visibility,
                now,
            ));
        }
        Ok(out)
    }

    /// The backpack: badges, collections and progress.
    pub async fn backpack(&self, user: &User) -> AppResult<Backpack> {
        let badges = self.backpack_badges(user).await?;
        let collections = self.collection_views(user, &badges).await?;
        let mut progress: Vec<OrgProgress> = Vec::new();
        let mut counted: HashMap<OrgId, usize> = HashMap::new();
        for b in &badges {
            let Some(org) = b.org_id else { continue };
            *counted.entry(org).or_default() += 1;
        }
        for (org_id, earned) in counted {
            let org = self.org(org_id).await?;
            let offered = self.store.achievements(org_id).await?.len();
            progress.push(OrgProgress {
                org_name: org.name.clone(),
                issuer_path: Some(format!("/issuers/{}", org.slug)),
                earned,
                offered,
            });
        }
        progress.sort_by(|a, b| a.org_name.cmp(&b.org_name));
        Ok(Backpack {
            badges,
            collections,
            progress,
        })
    }

    pub(crate) async fn collection_views(
        &self,
        user: &User,
        badges: &[BackpackBadge],
    ) -> AppResult<Vec<CollectionView>> {
        let by_key: HashMap<String, &BackpackBadge> =
            badges.iter().map(|b| (b.source.key(), b)).collect();
        Ok(self
            .store
            .collections_of(user.id)
            .await?
            .into_iter()
            .map(|c| CollectionView {
                badges: c
                    .awards
                    .iter()
                    .filter_map(|a| by_key.get(&a.to_string()).map(|b| (*b).clone()))
                    .collect(),
                collection: c,
            })
            .collect())
    }

    /// Who may see one of the account's badges on its portfolio.
    pub async fn set_badge_visibility(
        &self,
        actor: &Actor,
        user: &User,
        award: AwardId,
        visibility: Visibility,
    ) -> AppResult<()> {
        let before = self.store.owner_of(award).await?;
        if !self
            .store
            .set_badge_visibility(user.id, award, visibility)
            .await?
        {
            return Err(AppError::NotFound("badge"));
        }
        tracing::info!(actor = %actor.label, %award, visibility = visibility.as_str(), "badge visibility");
        // The first time an earner shows a badge publicly, they have accepted it.
        let was_public = before.is_some_and(|o| o.visibility == Visibility::Public);
        if visibility == Visibility::Public && !was_public {
            let accepted_before = self
                .store
                .award_event_counts(award)
                .await?
                .iter()
                .any(|c| c.kind == EventKind::Accept.as_str());
            if !accepted_before {
                self.record_event(award, EventKind::Accept, "", &Client::default());
            }
        }
        Ok(())
    }

    /// A new, empty collection at the end of the list.
    pub async fn create_collection(
        &self,
        actor: &Actor,
        user: &User,
        name: &str,
        visibility: Visibility,
    ) -> AppResult<Collection> {
        let name = check_text("name", "the collection's name", name, 100)?;
        let existing = self.store.collections_of(user.id).await?;
        if existing.len() >= MAX_COLLECTIONS {
            return Err(AppError::invalid(format!(
                "An account can have at most {MAX_COLLECTIONS} collections."
            )));
        }
        let collection = Collection {
            id: CollectionId::new(),
            user_id: user.id,
            name,
            visibility,
            position: existing.iter().map(|c| c.position + 1).max().unwrap_or(0),
            awards: Vec::new(),
            created_at: self.now(),
        };
        self.store.insert_collection(&collection).await?;
        tracing::info!(actor = %actor.label, collection = %collection.id, "collection created");
        Ok(collection)
    }

    async fn own_collection(&self, user: &User, id: CollectionId) -> AppResult<Collection> {
        self.store
            .collections_of(user.id)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(AppError::NotFound("collection"))
    }

    /// Renames a collection and sets who may see it.
    pub async fn update_collection(
        &self,
        actor: &Actor,
        user: &User,
        id: CollectionId,
        name: &str,
        visibility: Visibility,
    ) -> AppResult<()> {
        let mut c = self.own_collection(user, id).await?;
        c.name = check_text("name", "the collection's name", name, 100)?;
        c.visibility = visibility;
        self.store.update_collection(&c).await?;
        tracing::info!(actor = %actor.label, collection = %id, "collection updated");
        Ok(())
    }

    pub async fn delete_collection(
        &self,
        actor: &Actor,
        user: &User,
        id: CollectionId,
    ) -> AppResult<()> {
        if !self.store.delete_collection(user.id, id).await? {
            return Err(AppError::NotFound("collection"));
        }
        tracing::info!(actor = %actor.label, collection = %id, "collection deleted");
        Ok(())
    }

    /// Adds one of the account's badges at the end of a collection (once).
    pub async fn add_to_collection(
        &self,
        actor: &Actor,
        user: &User,
        id: CollectionId,
        award: AwardId,
    ) -> AppResult<()> {
        let c = self.own_collection(user, id).await?;
        if self
            .store
            .owner_of(award)
            .await?
            .is_none_or(|o| o.user_id != user.id)
        {
            return Err(AppError::NotFound("badge"));
        }
        if c.awards.contains(&award) {
            return Ok(());
        }
        if c.awards.len() >= MAX_IN_COLLECTION {
            return Err(AppError::invalid(format!(
                "A collection can hold at most {MAX_IN_COLLECTION} badges."
            )));
        }
        let mut awards = c.awards;
        awards.push(award);
        self.store.set_collection_items(id, &awards).await?;
        tracing::info!(actor = %actor.label, collection = %id, %award, "added to collection");
        Ok(())
    }

    pub async fn remove_from_collection(
        &self,
        actor: &Actor,
        user: &User,
        id: CollectionId,
        award: AwardId,
    ) -> AppResult<()> {
        let c = self.own_collection(user, id).await?;
        let awards: Vec<AwardId> = c.awards.into_iter().filter(|a| *a != award).collect();
        self.store.set_collection_items(id, &awards).await?;
        tracing::info!(actor = %actor.label, collection = %id, %award, "removed from collection");
        Ok(())
    }

    /// Moves a badge one place earlier (`up`) or later in a collection.
    pub async fn move_in_collection(
        &self,
        actor: &Actor,
        user: &User,
        id: CollectionId,
        award: AwardId,
        up: bool,
    ) -> AppResult<()> {
        let mut awards = self.own_collection(user, id).await?.awards;
        let Some(at) = awards.iter().position(|a| *a == award) else {
            return Err(AppError::NotFound("badge"));
        };
        let to = if up { at.checked_sub(1) } else { Some(at + 1) };
        if let Some(to) = to.filter(|t| *t < awards.len()) {
            awards.swap(at, to);
            self.store.set_collection_items(id, &awards).await?;
        }
        tracing::info!(actor = %actor.label, collection = %id, %award, "moved in collection");
        Ok(())
    }
}

fn issued_badge(
    org: &Organization,
    achievement: &Achievement,
    award: &Award,
    visibility: Visibility,
    now: OffsetDateTime,
) -> BackpackBadge {
    let texts = crate::i18n::issued_texts(achievement, &award.credential);
    BackpackBadge {
        source: BadgeSource::Issued(award.id),
        name: texts.name.to_owned(),
        description: texts.description.to_owned(),
        language: Some(texts.language.to_owned()),
        image_path: achievement.image_id.map(|i| format!("/images/{i}")),
        issuer_name: org.name.clone(),
        issuer_path: Some(format!("/issuers/{}", org.slug)),
        recipient_name: award.recipient_name.clone(),
        issued_at: award.issued_at,
        valid_until: award.valid_until,
        state: award.state_at(now),
        visibility,
        credential_path: format!("/credentials/{}", award.id),
        org_id: Some(org.id),
        alignments: achievement.alignments.clone(),
    }
}
