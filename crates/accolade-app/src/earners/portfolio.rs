//! The public portfolio at `/u/{handle}`: the public badges and public collections of one
//! account. Unlisted ones are shown only to whoever has their direct link; private ones never.
//! Nothing shows the account's email addresses.

use super::backpack::{BackpackBadge, CollectionView};
use super::profile::{Skill, skills_of};
use crate::{App, AppError, AppResult};
use accolade_core::{Actor, AwardId, CollectionId, Handle, HandleError, User, Visibility};
use accolade_store::StoreError;

/// A portfolio as anyone sees it.
#[derive(Debug, Clone)]
pub struct Portfolio {
    pub handle: Handle,
    /// The account's name.
    pub name: String,
    /// The account's headline; empty when not set.
    pub headline: String,
    /// `/images/{id}` of the profile photo, if there is one.
    pub photo_path: Option<String>,
    /// The skills of the public badges (empty on a single badge's or collection's page).
    pub skills: Vec<Skill>,
    pub badges: Vec<BackpackBadge>,
    pub collections: Vec<PortfolioCollection>,
}

/// A collection on a portfolio, with only the badges its viewer may see.
#[derive(Debug, Clone)]
pub struct PortfolioCollection {
    pub id: CollectionId,
    pub name: String,
    pub visibility: Visibility,
    pub badges: Vec<BackpackBadge>,
}

impl PortfolioCollection {
    /// A public collection lists public badges only; an unlisted one (reached by its link)
    /// shows public and unlisted badges; private badges never appear.
    fn of(view: CollectionView) -> Self {
        let shown = |b: &BackpackBadge| match view.collection.visibility {
            Visibility::Public => b.visibility == Visibility::Public,
            _ => b.visibility.by_link(),
        };
        Self {
            id: view.collection.id,
            name: view.collection.name.clone(),
            visibility: view.collection.visibility,
            badges: view.badges.iter().filter(|b| shown(b)).cloned().collect(),
        }
    }
}

impl App {
    /// Sets or changes the account's handle. Its old handle stops working at once.
    pub async fn set_handle(&self, actor: &Actor, user: &User, raw: &str) -> AppResult<Handle> {
        let handle = Handle::parse(raw).map_err(|e| {
            AppError::invalid_field(
                "handle",
                match e {
                    HandleError::Reserved => "This name is reserved. Choose another.",
                    _ => "Choose a name of 3 to 30 characters: lower-case letters a to z, digits and hyphens, like ada-lovelace.",
                },
            )
        })?;
        match self.store.set_handle(user.id, &handle, self.now()).await {
            Ok(()) => {}
            Err(StoreError::Conflict { .. }) => {
                return Err(AppError::Conflict(
                    "This handle is taken. Choose another.".into(),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        tracing::info!(actor = %actor.label, handle = %handle, "portfolio handle set");
        Ok(handle)
    }

    pub async fn handle_of(&self, user: &User) -> AppResult<Option<Handle>> {
        Ok(self.store.handle_of(user.id).await?)
    }

    async fn portfolio_owner(&self, raw: &str) -> AppResult<(Handle, User)> {
        let handle = Handle::parse(raw).map_err(|_| AppError::NotFound("portfolio"))?;
        let user_id = self
            .store
            .user_by_handle(&handle)
            .await?
            .ok_or(AppError::NotFound("portfolio"))?;
        let user = self
            .store
            .user(user_id)
            .await?
            .ok_or(AppError::NotFound("portfolio"))?;
        Ok((handle, user))
    }

    /// The portfolio's header: who it belongs to, with their headline and photo.
    async fn portfolio_header(&self, handle: Handle, user: &User) -> AppResult<Portfolio> {
        let profile = self.store.earner_profile(user.id).await?;
        Ok(Portfolio {
            handle,
            name: user.name.clone(),
            headline: profile.headline,
            photo_path: profile.image_id.map(|i| format!("/images/{i}")),
            skills: Vec::new(),
            badges: Vec::new(),
            collections: Vec::new(),
        })
    }

    /// The portfolio at `handle`: public badges and public collections.
    pub async fn portfolio(&self, handle: &str) -> AppResult<Portfolio> {
        let (handle, user) = self.portfolio_owner(handle).await?;
        let all = self.backpack_badges(&user).await?;
        let collections = self
            .collection_views(&user, &all)
            .await?
            .into_iter()
            .filter(|c| c.collection.visibility == Visibility::Public)
            .map(PortfolioCollection::of)
            .collect();
        let badges: Vec<BackpackBadge> = all
            .into_iter()
            .filter(|b| b.visibility == Visibility::Public)
            .collect();
        Ok(Portfolio {
            skills: skills_of(&badges),
            badges,
            collections,
            ..self.portfolio_header(handle, &user).await?
        })
    }

    /// One badge of a portfolio, by direct link: public or unlisted; private is `NotFound`.
    pub async fn portfolio_badge(
        &self,
        handle: &str,
        award: AwardId,
    ) -> AppResult<(Portfolio, BackpackBadge)> {
        let (handle, user) = self.portfolio_owner(handle).await?;
        let badge = self
            .backpack_badges(&user)
            .await?
            .into_iter()
            .find(|b| b.source.key() == award.to_string() && b.visibility.by_link())
            .ok_or(AppError::NotFound("badge"))?;
        Ok((self.portfolio_header(handle, &user).await?, badge))
    }

    /// One collection of a portfolio, by direct link: public or unlisted.
    pub async fn portfolio_collection(
        &self,
        handle: &str,
        id: CollectionId,
    ) -> AppResult<(Portfolio, PortfolioCollection)> {
        let (handle, user) = self.portfolio_owner(handle).await?;
        let all = self.backpack_badges(&user).await?;
        let collection = self
            .collection_views(&user, &all)
            .await?
            .into_iter()
            .find(|c| c.collection.id == id && c.collection.visibility.by_link())
            .map(PortfolioCollection::of)
            .ok_or(AppError::NotFound("collection"))?;
        Ok((self.portfolio_header(handle, &user).await?, collection))
    }
}
