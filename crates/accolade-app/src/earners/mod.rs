//! The earner's side. A badge email carries a claim link: it shows the badge to whoever opens
//! it, no account needed, and adds the badge to the backpack of the account that uses it
//! first (the token works once for that, and expires). An account may verify several email
//! addresses and collect the badges sent to them; its backpack holds every badge it owns,
//! each public, unlisted or private, in collections, and its public portfolio lives at a
//! handle it chooses.

mod backpack;
mod emails;
mod portfolio;
mod profile;

pub use accolade_store::EarnerProfile;
pub use backpack::{Backpack, BackpackBadge, BadgeSource, CollectionView, OrgProgress};
pub(crate) use emails::verification_content;
pub use emails::{EMAIL_LINK_LIFETIME, WaitingBadge};
pub use portfolio::{Portfolio, PortfolioCollection};
pub use profile::{MAX_HEADLINE_CHARS, Skill, skills_of};

use crate::{App, AppError, AppResult};
use accolade_core::{
    Achievement, Actor, Award, AwardId, AwardState, ClaimToken, Organization, User, Visibility,
};
use accolade_store::ClaimOutcome;
use time::Duration;

/// How long a badge email's claim link can add the badge to a backpack. (Viewing the badge
/// through it keeps working after that.)
pub const CLAIM_LIFETIME: Duration = Duration::days(90);

/// A claimed badge starts private: nothing about the earner appears on a portfolio until
/// they choose to show it. (The credential's own page stays reachable by its link, as the
/// issuer published it.)
pub const DEFAULT_VISIBILITY: Visibility = Visibility::Private;

/// Where a claim link stands for the person who opened it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimState {
    /// It can still add the badge to a backpack.
    Open,
    /// The badge is in the viewer's own backpack.
    Yours,
    /// The badge belongs to an account (not the viewer's).
    Claimed,
    /// The link can no longer add the badge to a backpack.
    Expired,
}

/// What a claim link shows: the badge, its issuer, and whether it can still be claimed.
#[derive(Debug, Clone)]
pub struct ClaimView {
    pub award: Award,
    pub achievement: Achievement,
    pub org: Organization,
    pub state: ClaimState,
    pub award_state: AwardState,
    /// Who may see it on the viewer's portfolio, when it is in the viewer's backpack.
    pub visibility: Option<Visibility>,
}

impl App {
    /// A new claim token for an award: the token for the link, and what is stored.
    pub(crate) fn new_claim_token(&self, award: AwardId) -> AppResult<(String, ClaimToken)> {
        let token = crate::tokens::new_token()?;
        let now = self.now();
        let record = ClaimToken {
            token_hash: crate::tokens::token_hash(&token),
            award_id: award,
            created_at: now,
            expires_at: now + CLAIM_LIFETIME,
            used_at: None,
            used_by: None,
        };
        Ok((token, record))
    }

    /// The badge behind a claim link, for anyone who has the link; `viewer` is the
    /// signed-in user, if any. An unknown token is `NotFound`.
    pub async fn claim_view(&self, token: &str, viewer: Option<&User>) -> AppResult<ClaimView> {
        let record = self
            .store
            .claim_token(&crate::tokens::token_hash(token))
            .await?
            .ok_or(AppError::NotFound("claim link"))?;
        let award = self.award_by_id(record.award_id).await?;
        let owner = self.store.owner_of(award.id).await?;
        let visibility = owner
            .as_ref()
            .filter(|o| viewer.is_some_and(|v| v.id == o.user_id))
            .map(|o| o.visibility);
        let state = match owner {
            Some(o) if viewer.is_some_and(|v| v.id == o.user_id) => ClaimState::Yours,
            Some(_) => ClaimState::Claimed,
            None if record.used_at.is_some() || record.expires_at <= self.now() => {
                ClaimState::Expired
            }
            None => ClaimState::Open,
        };
        let achievement = self.achievement(award.achievement_id).await?;
        let org = self.org(award.org_id).await?;
        Ok(ClaimView {
            award_state: award.state_at(self.now()),
            award,
            achievement,
            org,
            state,
            visibility,
        })
    }

    /// Adds the badge of a claim link to `user`'s backpack, once: the first account to use
    /// an unexpired link owns the badge; anyone after is refused (`Conflict`). Using the
    /// link proves the address the badge was sent to, so it becomes one of the account's
    /// verified addresses (unless another account verified it first).
    pub async fn claim(&self, actor: &Actor, user: &User, token: &str) -> AppResult<Award> {
        let now = self.now();
        let outcome = self
            .store
            .claim_with_token(
                &crate::tokens::token_hash(token),
                user.id,
                DEFAULT_VISIBILITY,
                now,
            )
            .await?;
        let award_id = match outcome {
            ClaimOutcome::Claimed(id) | ClaimOutcome::AlreadyYours(id) => id,
            ClaimOutcome::OwnedByOther(_) | ClaimOutcome::Used(_) => {
                return Err(AppError::Conflict(
                    "This badge was already added to another account's backpack.".into(),
                ));
            }
            ClaimOutcome::Expired(_) => {
                return Err(AppError::Conflict(
                    "this claim link has expired; ask the issuer for a new one, or add the \
                     address it was sent to your account"
                        .into(),
                ));
            }
            ClaimOutcome::Unknown => return Err(AppError::NotFound("claim link")),
        };
        let award = self.award_by_id(award_id).await?;
        if let ClaimOutcome::Claimed(_) = outcome {
            self.store
                .mark_email_verified(user.id, &award.recipient_email, now)
                .await?;
            let detail = format!("claimed by account {}", user.id);
            self.audit(
                award.org_id,
                actor,
                "award.claim",
                &award.id.to_string(),
                &detail,
            )
            .await?;
            // Right after the claim was written.
            let event =
                self.award_event(crate::webhooks::EventType::AwardClaimed, &award.summary());
            self.notify_webhooks(award.org_id, &[event]).await;
        }
        Ok(award)
    }
}
