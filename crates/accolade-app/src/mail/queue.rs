//! Writing emails into the outbox, each with the job that sends it. Queueing is two inserts in
//! one transaction and never touches the network, so issuing stays fast whatever the SMTP
//! server does.

use super::account_templates::{self, Invited, Reset};
use super::templates::{self, BadgeIssued, EmailContent, MailLanguage, Revoked};
use crate::jobs::JobKind;
use crate::{App, AppError, AppResult};
use accolade_core::{
    Achievement, Award, AwardId, AwardSummary, ClaimToken, Email, Invitation, JobId, OrgId,
    Organization, OutboxId, User,
};
use accolade_store::{Enqueued, OutboxMessage, OutboxState, QueuedEmail};

/// The outbox `template` of the email sent when a badge is issued.
pub const BADGE_ISSUED: &str = "badge_issued";
/// The outbox `template` of the email sent when a badge is revoked.
pub const REVOCATION: &str = "revocation";
/// The outbox `template` of an invitation to join an organization.
pub const INVITATION: &str = "invitation";
/// The outbox `template` of a password-reset link.
pub const PASSWORD_RESET: &str = "password_reset";

/// The outbox `template` of the link that confirms a new account's address.
pub const SIGNUP_CONFIRM: &str = "signup_confirm";
/// The outbox `template` of the note to an address that tried to sign up again.
pub const SIGNUP_EXISTING: &str = "signup_existing";

/// A badge-issued email and the claim token its link holds (only the token's hash is kept).
#[derive(Debug, Clone, PartialEq)]
pub struct BadgeEmail {
    pub email: QueuedEmail,
    pub claim: ClaimToken,
}

/// The outbox `template` of the link that verifies an earner's extra email address.
pub const EMAIL_VERIFICATION: &str = "email_verification";

/// Where an email goes and what it is filed under.
struct Envelope<'a> {
    org_id: Option<OrgId>,
    award_id: Option<AwardId>,
    to: &'a Email,
    template: &'a str,
    /// The send job's idempotency key: queueing the same key twice sends once.
    key: String,
}

impl App {
    /// The "you have a badge" email for a freshly issued award, with its send job, ready to
    /// queue (one at a time, or many in one transaction with [`App::queue_emails`]). Its job
    /// key is the award's, so queueing it twice sends it once.
    /// Its "view your badge" link is a new claim link: the email and the claim token are
    /// stored together by [`App::queue_badge_emails`] (or a bulk issue's chunk).
    pub fn badge_issued_email(
        &self,
        org: &Organization,
        achievement: &Achievement,
        award: &Award,
    ) -> AppResult<BadgeEmail> {
        let urls = self.urls();
        let (token, claim) = self.new_claim_token(award.id)?;
        let claim_url = format!("{}/claim/{token}", urls.base());
        let award_id = award.id.to_string();
        // The credential's language, else the achievement's; its texts as issued in it.
        let issued = crate::i18n::issued_texts(achievement, &award.credential);
        let tag = issued.language;
        let (badge_name, badge_description) = (issued.name, issued.description);
        // Through the tracked share link: counted, and it leads to LinkedIn only while the
        // badge is valid (an email cannot be taken back once the badge is revoked).
        let linkedin_url = format!("{}/s/{award_id}/linkedin-profile", urls.base());
        // A PNG at twice the size shown: mail readers show no SVG, and screens are dense.
        let image_url = achievement
            .image_id
            .map(|i| urls.image_png(i, 2 * templates::BADGE_IMAGE_PX));
        let content = templates::badge_issued(&BadgeIssued {
            org_name: &org.name,
            badge_name,
            badge_description,
            image_url: image_url.as_deref(),
            recipient_name: award.recipient_name.as_deref(),
            view_url: &claim_url,
            linkedin_url: &linkedin_url,
            valid_until: award.valid_until,
            language: MailLanguage::for_tag(Some(tag)),
        });
        Ok(BadgeEmail {
            email: self.outbox_email(
                (award.org_id, award.id, &award.recipient_email),
                BADGE_ISSUED,
                content,
            )?,
            claim,
        })
    }

    /// Stores badge emails with their send jobs and claim tokens in one transaction. An
    /// email queued before under the same key is skipped, and so is its new claim token.
    pub async fn queue_badge_emails(&self, emails: &[BadgeEmail]) -> AppResult<Vec<Enqueued>> {
        let (queued, claims): (Vec<QueuedEmail>, Vec<ClaimToken>) = emails
            .iter()
            .map(|e| (e.email.clone(), e.claim.clone()))
            .unzip();
        Ok(self.store.enqueue_badge_emails(&queued, &claims).await?)
    }

    /// The revocation notice for a revoked award (its reason included), in `language`, with
    /// its send job.
    pub fn revocation_email(
        &self,
        org: &Organization,
        achievement: &Achievement,
        award: &AwardSummary,
        language: MailLanguage,
    ) -> AppResult<QueuedEmail> {
        let credential_url = self.urls().credential(award.id);
        let content = templates::revocation(&Revoked {
            org_name: &org.name,
            badge_name: &achievement.name,
            recipient_name: award.recipient_name.as_deref(),
            credential_url: &credential_url,
            reason: award.status_reason.as_deref(),
            language,
        });
        self.outbox_email(
            (award.org_id, award.id, &award.recipient_email),
            REVOCATION,
            content,
        )
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

    /// The invitation email for `invitation`, whose secret `token` makes the link.
    pub fn invitation_email(
        &self,
        org: &Organization,
        inviter: &User,
        invitation: &Invitation,
        token: &str,
    ) -> AppResult<QueuedEmail> {
        let accept_url = format!("{}/invitations/{token}", self.urls().base());
        let content = account_templates::invitation(&Invited {
            org_name: &org.name,
            inviter_name: &inviter.name,
            role: role_words(invitation.role),
            accept_url: &accept_url,
            expires_at: invitation.expires_at,
        });
        self.message(
            Envelope {
                org_id: Some(org.id),
                award_id: None,
                to: &invitation.email,
                template: INVITATION,
                key: format!("mail:{INVITATION}:{}", invitation.token_hash),
            },
            content,
        )
    }

    /// The password-reset email for `user`, whose secret `token` makes the link. It belongs to
    /// no organization: only the operator sees it in the outbox.
    pub fn password_reset_email(
        &self,
        user: &User,
        token: &str,
        token_hash: &str,
    ) -> AppResult<QueuedEmail> {
        let reset_url = format!("{}/reset/{token}", self.urls().base());
        let content = account_templates::password_reset(&Reset {
            user_name: &user.name,
            email: user.email.as_str(),
            reset_url: &reset_url,
            valid_minutes: crate::accounts::RESET_LIFETIME.whole_minutes(),
        });
        self.message(
            Envelope {
                org_id: None,
                award_id: None,
                to: &user.email,
                template: PASSWORD_RESET,
                key: format!("mail:{PASSWORD_RESET}:{token_hash}"),
            },
            content,
        )
    }

    /// The link that confirms `to` for a new account (secret `token`); no organization's.
    pub(crate) fn signup_confirm_email(
        &self,
        to: &Email,
        name: &str,
        token: &str,
        token_hash: &str,
    ) -> AppResult<QueuedEmail> {
        let confirm_url = format!("{}/signup/confirm/{token}", self.urls().base());
        let content = super::signup_templates::confirm(&super::signup_templates::Confirm {
            name,
            email: to.as_str(),
            confirm_url: &confirm_url,
            valid_hours: crate::accounts::SIGNUP_LIFETIME.whole_hours(),
        });
        self.message(
            Envelope {
                org_id: None,
                award_id: None,
                to,
                template: SIGNUP_CONFIRM,
                key: format!("mail:{SIGNUP_CONFIRM}:{token_hash}"),
            },
            content,
        )
    }

    /// The note to `user` that someone tried to sign up with their address: links to sign
    /// in and to reset the password.
    pub(crate) fn signup_existing_email(&self, user: &User) -> AppResult<QueuedEmail> {
        let base = self.urls().base();
        let (signin_url, reset_url) = (format!("{base}/signin"), format!("{base}/forgot"));
        let content = super::signup_templates::existing(&super::signup_templates::Existing {
            user_name: &user.name,
            email: user.email.as_str(),
            signin_url: &signin_url,
            reset_url: &reset_url,
        });
        let once = crate::tokens::token_hash(&crate::tokens::new_token()?);
        self.message(
            Envelope {
                org_id: None,
                award_id: None,
                to: &user.email,
                template: SIGNUP_EXISTING,
                key: format!("mail:{SIGNUP_EXISTING}:{once}"),
            },
            content,
        )
    }

    /// The link that verifies `to` as one of `user`'s addresses (secret `token`). It belongs
    /// to no organization: only the operator sees it in the outbox.
    pub(crate) fn email_verification_email(
        &self,
        user: &User,
        to: &Email,
        token: &str,
        token_hash: &str,
    ) -> AppResult<QueuedEmail> {
        let url = format!("{}/backpack/emails/verify/{token}", self.urls().base());
        let content = crate::earners::verification_content(
            &user.name,
            to.as_str(),
            &url,
            crate::earners::EMAIL_LINK_LIFETIME.whole_hours(),
        );
        self.message(
            Envelope {
                org_id: None,
                award_id: None,
                to,
                template: EMAIL_VERIFICATION,
                key: format!("mail:{EMAIL_VERIFICATION}:{token_hash}"),
            },
            content,
        )
    }

    /// Queues the "you have a new badge" email of each award, in one transaction. Idempotent
    /// by award: an award whose email is already queued is skipped. (Bulk issuing queues its
    /// emails inside each chunk's transaction; this serves the awards of an import issued
    /// before that, and anyone who needs to queue them again.)
    pub async fn queue_award_emails(&self, awards: &[AwardId]) -> AppResult<usize> {
        let mut emails = Vec::with_capacity(awards.len());
        let mut cached: Option<(Organization, Achievement)> = None;
        for id in awards {
            let award = self.award_by_id(*id).await?;
            let fresh = match &cached {
                Some((org, achievement)) => {
                    org.id != award.org_id || achievement.id != award.achievement_id
                }
                None => true,
            };
            if fresh {
                let achievement = self.achievement(award.achievement_id).await?;
                let org = self.org(award.org_id).await?;
                cached = Some((org, achievement));
            }
            let (org, achievement) = cached
                .as_ref()
                .ok_or_else(|| AppError::internal_msg("no organization for an award"))?;
            emails.push(self.badge_issued_email(org, achievement, &award)?);
        }
        let queued = self.queue_badge_emails(&emails).await?;
        Ok(queued
            .iter()
            .filter(|e| matches!(e, Enqueued::New(_)))
            .count())
    }

    /// Whether mail goes out through an SMTP server (else it stays in the outbox, unsent).
    pub fn mail_configured(&self) -> bool {
        self.mailer.is_configured()
    }

    /// One message of an organization's outbox; another organization's answers `NotFound`.
    pub async fn org_outbox_message(&self, org: OrgId, id: OutboxId) -> AppResult<OutboxMessage> {
        self.store
            .outbox_message(id)
            .await?
            .filter(|m| m.org_id == Some(org))
            .ok_or(AppError::NotFound("message"))
    }

    /// An email to someone of the organization (an admin), under job key `key`.
    pub(crate) fn org_email(
        &self,
        org: OrgId,
        to: &Email,
        template: &str,
        key: String,
        content: EmailContent,
    ) -> AppResult<QueuedEmail> {
        self.message(
            Envelope {
                org_id: Some(org),
                award_id: None,
                to,
                template,
                key,
            },
            content,
        )
    }

    /// An email to an award's recipient, keyed by template and award.
    fn outbox_email(
        &self,
        (org_id, award_id, to): (OrgId, AwardId, &Email),
        template: &str,
        content: EmailContent,
    ) -> AppResult<QueuedEmail> {
        self.message(
            Envelope {
                org_id: Some(org_id),
                award_id: Some(award_id),
                to,
                template,
                key: format!("mail:{template}:{award_id}"),
            },
            content,
        )
    }

    fn message(&self, envelope: Envelope<'_>, content: EmailContent) -> AppResult<QueuedEmail> {
        let now = self.now();
        let (id, job_id) = self.time_ordered_ids()?;
        let mut job = JobKind::SendEmail { outbox_id: id }.new_job(Some(envelope.key), now);
        job.id = job_id;
        Ok(QueuedEmail {
            message: OutboxMessage {
                id,
                org_id: envelope.org_id,
                award_id: envelope.award_id,
                template: envelope.template.to_owned(),
                to: envelope.to.clone(),
                subject: content.subject,
                body_text: content.text,
                body_html: content.html,
                state: OutboxState::Queued,
                attempts: 0,
                last_error: None,
                created_at: now,
                sent_at: None,
            },
            job,
        })
    }

    /// Ids for a message and its job that sort by the time they were made (the layout of a
    /// UUID v7: milliseconds since 1970, then 74 random bits, as unguessable as a v4). A bulk
    /// issue writes 100,000 messages at once: random ids would scatter their index entries
    /// over the whole index, time-ordered ones append to it (seconds saved on SQLite).
    fn time_ordered_ids(&self) -> AppResult<(OutboxId, JobId)> {
        let millis = u64::try_from(self.clock().now().unix_timestamp_nanos() / 1_000_000)
            .unwrap_or_default();
        let mut random = [0u8; 20];
        getrandom::fill(&mut random)
            .map_err(|e| AppError::internal("reading the random source", e))?;
        let (a, b) = random.split_at(10);
        let id = |bytes: &[u8]| {
            let mut r = [0u8; 10];
            r.copy_from_slice(bytes);
            uuid::Builder::from_unix_timestamp_millis(millis, &r).into_uuid()
        };
        Ok((OutboxId::from_uuid(id(a)), JobId::from_uuid(id(b))))
    }
}

/// How an invitation email names a role.
fn role_words(role: accolade_core::Role) -> &'static str {
    use accolade_core::Role;
    match role {
        Role::Owner => "an owner (full control, including other owners)",
        Role::Admin => "an admin (you can manage badges, members and settings)",
        Role::Issuer => "an issuer (you can issue and revoke badges)",
        Role::Viewer => "a viewer (you can see the organization's badges)",
    }
}
