//! An account's email addresses. Each is verified by a link sent to it (its token stored
//! hashed, expiring); badges sent to a verified address can be added to the backpack.

use crate::mail::EmailContent;
use crate::mail::templates::{MailLanguage, button, escape, layout, one_line};
use crate::tokens::{new_token, token_hash};
use crate::{App, AppError, AppResult};
use accolade_core::{
    Achievement, Actor, Award, AwardId, AwardSummary, EarnerEmail, Organization, Ownership, User,
};
use accolade_store::StoreError;
use time::Duration;

/// A badge sent to one of the account's verified addresses, not in any backpack yet.
#[derive(Debug, Clone)]
pub struct WaitingBadge {
    pub award: AwardSummary,
    pub achievement: Achievement,
    pub org: Organization,
}

/// How long an address's verification link works.
pub const EMAIL_LINK_LIFETIME: Duration = Duration::hours(48);

/// Addresses an account may hold besides its sign-in address.
const MAX_EMAILS: usize = 20;

const UNEXPECTED: &str = "If you did not ask for this, ignore this email: the address is not \
     added without this link.";

/// The verification email's words.
pub(crate) fn verification_content(
    user_name: &str,
    email: &str,
    url: &str,
    valid_hours: i64,
) -> EmailContent {
    let subject = "Confirm your email address for your badge backpack".to_owned();
    let hello = one_line(&format!("Hello {user_name},"));
    let text = format!(
        "{hello}\n\nConfirm that {email} is yours, so that badges sent to it can go into your \
         backpack:\n\n{url}\n\nThe link works for {valid_hours} hours.\n\n{UNEXPECTED}\n"
    );
    let inner = format!(
        r#"<tr><td style="padding:32px 32px 8px;font-size:16px;line-height:24px;">
<p style="margin:0 0 16px;">{hello}</p>
<p style="margin:0 0 16px;">Confirm that <strong>{email}</strong> is yours, so that badges sent to it can go into your backpack.</p>
<p style="margin:0 0 16px;">The link works for {valid_hours} hours.</p>
</td></tr>
<tr><td align="center" style="padding:8px 32px 24px;">{button}</td></tr>"#,
        hello = escape(&hello),
        email = escape(email),
        button = button(url, "Confirm this address", "#1d4ed8"),
    );
    EmailContent {
        html: layout(MailLanguage::English, &subject, &inner, UNEXPECTED),
        subject,
        text,
    }
}

impl App {
    /// Adds an address to `user`'s account and queues the link that verifies it.
    /// An address already verified (by this account or another) is refused.
    pub async fn add_earner_email(&self, actor: &Actor, user: &User, raw: &str) -> AppResult<()> {
        let email = crate::checks::parse_email("email", raw)?;
        let mine = self.store.earner_emails(user.id).await?;
        if mine
            .iter()
            .any(|e| e.email == email && e.verified_at.is_some())
        {
            return Err(AppError::Conflict(
                "This address is already verified for your account.".into(),
            ));
        }
        if mine.len() >= MAX_EMAILS {
            return Err(AppError::invalid_field(
                "email",
                format!(
                    "An account can have at most {MAX_EMAILS} email addresses. Remove one first."
                ),
            ));
        }
        let token = new_token()?;
        let now = self.now();
        let record = EarnerEmail {
            user_id: user.id,
            email: email.clone(),
            token_hash: Some(token_hash(&token)),
            token_expires_at: Some(now + EMAIL_LINK_LIFETIME),
            verified_at: None,
            created_at: now,
        };
        self.store.upsert_earner_email(&record).await?;
        let message = self.email_verification_email(user, &email, &token, &token_hash(&token))?;
        self.queue_emails(std::slice::from_ref(&message)).await?;
        tracing::info!(actor = %actor.label, "earner email verification queued");
        Ok(())
    }

    /// Verifies the address of a link sent by [`App::add_earner_email`], once, before it
    /// expires. The address must not be verified by another account meanwhile.
    pub async fn verify_earner_email(&self, token: &str) -> AppResult<EarnerEmail> {
        match self
            .store
            .verify_earner_email(&token_hash(token), self.now())
            .await
        {
            Ok(Some(e)) => Ok(e),
            Ok(None) => Err(AppError::NotFound("verification link")),
            Err(StoreError::Conflict { .. }) => Err(AppError::Conflict(
                "Another account has already verified this address.".into(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// The account's addresses, verified or waiting for their link.
    pub async fn earner_emails(&self, user: &User) -> AppResult<Vec<EarnerEmail>> {
        Ok(self.store.earner_emails(user.id).await?)
    }

    pub async fn remove_earner_email(
        &self,
        actor: &Actor,
        user: &User,
        raw: &str,
    ) -> AppResult<()> {
        let email = crate::checks::parse_email("email", raw)?;
        if !self.store.delete_earner_email(user.id, &email).await? {
            return Err(AppError::NotFound("address"));
        }
        tracing::info!(actor = %actor.label, "earner email removed");
        Ok(())
    }

    /// Badges sent to the account's verified addresses that nobody has added yet.
    pub async fn waiting_badges(&self, user: &User) -> AppResult<Vec<AwardSummary>> {
        Ok(self.store.waiting_awards(user.id).await?)
    }

    /// The waiting badges with what names them: the achievement and its issuer.
    pub async fn waiting_badges_named(&self, user: &User) -> AppResult<Vec<WaitingBadge>> {
        let mut named = Vec::new();
        for award in self.waiting_badges(user).await? {
            let achievement = self.achievement(award.achievement_id).await?;
            let org = self.org(award.org_id).await?;
            named.push(WaitingBadge {
                award,
                achievement,
                org,
            });
        }
        Ok(named)
    }

    /// Adds a badge sent to one of the account's verified addresses to its backpack.
    /// Anything else (another address, an award someone owns) is `NotFound` or `Conflict`.
    pub async fn add_waiting_badge(
        &self,
        actor: &Actor,
        user: &User,
        award: AwardId,
    ) -> AppResult<Award> {
        let award = self.award_by_id(award).await?;
        let verified = self
            .store
            .earner_emails(user.id)
            .await?
            .into_iter()
            .any(|e| e.email == award.recipient_email && e.verified_at.is_some());
        if !verified {
            return Err(AppError::NotFound("award"));
        }
        let added = self
            .store
            .add_to_backpack(&Ownership {
                award_id: award.id,
                user_id: user.id,
                visibility: super::DEFAULT_VISIBILITY,
                claimed_at: self.now(),
            })
            .await?;
        if !added {
            return Err(AppError::Conflict(
                "This badge is already in a backpack.".into(),
            ));
        }
        let detail = format!(
            "added by account {} (verified address {})",
            user.id,
            award.recipient_email.as_str()
        );
        self.audit(
            award.org_id,
            actor,
            "award.claim",
            &award.id.to_string(),
            &detail,
        )
        .await?;
        Ok(award)
    }
}
