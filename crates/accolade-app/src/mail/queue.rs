//! Writing emails into the outbox, each with the job that sends it. Queueing is two inserts in
//! one transaction and never touches the network, so issuing stays fast whatever the SMTP
//! server does.

use super::linkedin::{Certification, add_to_profile_url};
use super::templates::{self, BadgeIssued, EmailContent, Revoked};
use crate::jobs::JobKind;
use crate::{App, AppResult};
use accolade_core::{Achievement, Award, OrgId, Organization, OutboxId};
use accolade_store::{Enqueued, OutboxMessage, OutboxState, QueuedEmail};

/// The outbox `template` of the email sent when a badge is issued.
pub const BADGE_ISSUED: &str = "badge_issued";
/// The outbox `template` of the email sent when a badge is revoked.
pub const REVOCATION: &str = "revocation";

impl App {
    /// The "you have a badge" email for a freshly issued award, with its send job, ready to
    /// queue (one at a time, or many in one transaction with [`App::queue_emails`]). Its job
    /// key is the award's, so queueing it twice sends it once.
    pub fn badge_issued_email(
        &self,
        org: &Organization,
        achievement: &Achievement,
        award: &Award,
    ) -> AppResult<QueuedEmail> {
        let urls = self.urls();
        let credential_url = urls.credential(award.id);
        let award_id = award.id.to_string();
        let linkedin_url = add_to_profile_url(&Certification {
            name: &achievement.name,
            organization: &org.name,
            issued_at: award.issued_at,
            expires_at: award.valid_until,
            credential_url: &credential_url,
            credential_id: &award_id,
        });
        let image_url = achievement.image_id.map(|i| urls.image(i));
        let content = templates::badge_issued(&BadgeIssued {
            org_name: &org.name,
            badge_name: &achievement.name,
            badge_description: &achievement.description,
            image_url: image_url.as_deref(),
            recipient_name: award.recipient_name.as_deref(),
            credential_url: &credential_url,
            linkedin_url: &linkedin_url,
            valid_until: award.valid_until,
        });
        self.outbox_email(award, BADGE_ISSUED, content)
    }

    /// The revocation notice for a revoked award (its reason included), with its send job.
    pub fn revocation_email(
        &self,
        org: &Organization,
        achievement: &Achievement,
        award: &Award,
    ) -> AppResult<QueuedEmail> {
        let credential_url = self.urls().credential(award.id);
        let content = templates::revocation(&Revoked {
            org_name: &org.name,
            badge_name: &achievement.name,
            recipient_name: award.recipient_name.as_deref(),
            credential_url: &credential_url,
            reason: award.status_reason.as_deref().unwrap_or("not given"),
        });
        self.outbox_email(award, REVOCATION, content)
    }

    /// Stores the emails and their send jobs in one transaction (for a bulk issue: one call
    /// per chunk). Emails already queued under the same key are skipped.
    pub async fn queue_emails(&self, emails: &[QueuedEmail]) -> AppResult<Vec<Enqueued>> {
        Ok(self.store.enqueue_emails(emails).await?)
    }

    /// The outbox, newest first: one organization's or, for `None`, everyone's.
    pub async fn outbox(&self, org: Option<OrgId>, limit: i64) -> AppResult<Vec<OutboxMessage>> {
        Ok(self.store.outbox(org, limit).await?)
    }

    /// Queues a notification after the fact it reports (an award, a revocation) is already
    /// stored: a failure here must not turn that success into an error, so it is logged.
    pub(crate) async fn queue_notification(&self, email: AppResult<QueuedEmail>) {
        let queued = match email {
            Ok(email) => self.queue_emails(std::slice::from_ref(&email)).await,
            Err(e) => Err(e),
        };
        if let Err(e) = queued {
            tracing::error!(error = %e, "could not queue a notification email");
        }
    }

    /// Queues the revocation notice for an award just revoked.
    pub(crate) async fn notify_revoked(&self, award: &Award) {
        let email = async {
            let achievement = self.achievement(award.achievement_id).await?;
            let org = self.org(award.org_id).await?;
            self.revocation_email(&org, &achievement, award)
        };
        self.queue_notification(email.await).await;
    }

    fn outbox_email(
        &self,
        award: &Award,
        template: &str,
        content: EmailContent,
    ) -> AppResult<QueuedEmail> {
        let now = self.now();
        let id = OutboxId::new();
        let key = format!("mail:{template}:{}", award.id);
        Ok(QueuedEmail {
            message: OutboxMessage {
                id,
                org_id: award.org_id,
                award_id: Some(award.id),
                template: template.to_owned(),
                to: award.recipient_email.clone(),
                subject: content.subject,
                body_text: content.text,
                body_html: content.html,
                state: OutboxState::Queued,
                attempts: 0,
                last_error: None,
                created_at: now,
                sent_at: None,
            },
            job: JobKind::SendEmail { outbox_id: id }.new_job(Some(key), now),
        })
    }
}
