//! Getting a badge to its earner when the email did not: send the badge email again, or make
//! a fresh claim link for the issuer to hand over themselves. Both are audited.

use crate::mail::queue::BADGE_ISSUED;
use crate::{App, AppError, AppResult};
use accolade_core::{Actor, Award, AwardStatus};
use accolade_store::OutboxState;

/// Whether the award page offers "resend email" and "copy claim link", and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryHelp {
    /// No SMTP server: emails are kept unsent.
    pub mail_unconfigured: bool,
    /// The latest badge email was not delivered (failed or kept unsent).
    pub email_failed: bool,
    /// Offer the two actions: the badge is not revoked nor claimed yet, and mail is not
    /// reaching the earner.
    pub offer: bool,
}

impl App {
    /// What the award page offers to get the badge to its earner.
    pub async fn delivery_help(&self, award: &Award) -> AppResult<DeliveryHelp> {
        let mail_unconfigured = !self.mailer.is_configured();
        let last = self
            .store
            .award_outbox(award.id)
            .await?
            .into_iter()
            .rfind(|m| m.template == BADGE_ISSUED);
        let email_failed = last
            .as_ref()
            .is_some_and(|m| matches!(m.state, OutboxState::Failed | OutboxState::Unsent));
        let claimed = self.store.owner_of(award.id).await?.is_some();
        let open = award.status != AwardStatus::Revoked && !claimed;
        Ok(DeliveryHelp {
            mail_unconfigured,
            email_failed,
            offer: open && (mail_unconfigured || email_failed),
        })
    }

    /// Queues the badge email again, with a new claim link. Refused for a revoked badge.
    pub async fn resend_badge_email(&self, actor: &Actor, award: &Award) -> AppResult<()> {
        if award.status == AwardStatus::Revoked {
            return Err(AppError::Conflict(
                "This badge is revoked, so its email is not sent again.".into(),
            ));
        }
        let org = self.org(award.org_id).await?;
        let achievement = self.achievement(award.achievement_id).await?;
        let mut email = self.badge_issued_email(&org, &achievement, award)?;
        // The first email's key is the award's; each resend is a message of its own.
        email.email.job.idempotency_key = Some(format!(
            "mail:{BADGE_ISSUED}:{}:resend:{}",
            award.id, email.email.message.id
        ));
        self.queue_badge_emails(std::slice::from_ref(&email))
            .await?;
        let detail = format!("to {}", award.recipient_email.as_str());
        self.audit(
            award.org_id,
            actor,
            "award.resend_email",
            &award.id.to_string(),
            &detail,
        )
        .await
    }

    /// A new claim link for the award, returned once (only its hash is kept). Refused for a
    /// revoked badge.
    pub async fn new_claim_link(&self, actor: &Actor, award: &Award) -> AppResult<String> {
        if award.status == AwardStatus::Revoked {
            return Err(AppError::Conflict(
                "This badge is revoked, so it cannot be claimed.".into(),
            ));
        }
        let (token, record) = self.new_claim_token(award.id)?;
        let audit = self.audit_event(
            award.org_id,
            actor,
            "award.claim_link",
            &award.id.to_string(),
            "a new claim link was made",
        );
        self.store.add_claim_token(&record, &audit).await?;
        Ok(format!("{}/claim/{token}", self.urls().base()))
    }
}
