//! Revocation and suspension, and the signed Bitstring Status List credentials that publish
//! them. The lists are derived from the awards' states (one source of truth) and re-signed
//! only when an organization's status version changes.

use crate::mail::MailLanguage;
use crate::webhooks::EventType;
use crate::{App, AppError, AppResult, SignedStatusList, rfc3339};
use accolade_core::{Actor, Award, AwardId, AwardStatus, Organization, StatusPurpose};
use accolade_credentials::proof::{self, ProofOptions};
use accolade_credentials::status_list::{BitstringStatusList, MIN_LIST_BITS};
use accolade_store::{QueuedEmail, StatusChange, StatusChanged, may_change};
use serde_json::json;
use std::sync::Arc;

/// Entries in each organization's status lists: 8 × the spec's minimum of 131,072, i.e.
/// 1,048,576 (128 KiB raw, a few KiB gzipped while sparse), so that one organization can hold
/// about 786,000 awards (at 75 % fill, see `issue.rs`) with positions still drawn at random.
/// Issuing (single and bulk) and the published lists use this one length; growing it later
/// keeps every earlier position valid.
pub(crate) const STATUS_LIST_BITS: usize = 8 * MIN_LIST_BITS;

/// Longest reason a status change keeps.
const MAX_REASON: usize = 1000;

/// A revocation's reason, trimmed: required, at most [`MAX_REASON`] characters.
pub(crate) fn revocation_reason(reason: &str) -> AppResult<&str> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid_field(
            "reason",
            "Give a reason for revoking the badge: the badge page shows it.",
        ));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::invalid_field(
            "reason",
            "Shorten the reason to at most 1,000 characters.",
        ));
    }
    Ok(reason)
}

/// Refuses at once a change the award's state as read does not allow (the store checks
/// again, atomically, when it writes).
fn refuse_early(current: AwardStatus, to: AwardStatus) -> AppResult<()> {
    if may_change(current, to) {
        Ok(())
    } else {
        Err(refusal(current, to))
    }
}

/// Why an award in `current` cannot move to `to`.
fn refusal(current: AwardStatus, to: AwardStatus) -> AppError {
    let why = match (current, to) {
        (AwardStatus::Revoked, AwardStatus::Revoked) => {
            "This credential is already revoked; nothing was changed."
        }
        (AwardStatus::Revoked, AwardStatus::Suspended) => {
            "A revoked credential cannot be suspended: revocation is final. Issue a new badge if the earner should hold one again."
        }
        (AwardStatus::Revoked, AwardStatus::Active) => {
            "A revoked credential cannot be reinstated: revocation is final. Issue a new badge if the earner should hold one again."
        }
        (AwardStatus::Suspended, AwardStatus::Suspended) => {
            "This credential is already suspended. Reinstate it to make it valid again."
        }
        (AwardStatus::Active, AwardStatus::Active) => {
            "This credential is not suspended, so there is nothing to reinstate."
        }
        _ => "This credential's status changed meanwhile. Reload the page to see it as it is now.",
    };
    AppError::Conflict(why.into())
}

impl App {
    /// Revokes an award for good: the status change, its audit entry, the earner's notice
    /// and the status-list version bump in one transaction, as a compare-and-set on the
    /// award's state. An award already revoked (before, or by a change racing this one) is
    /// a `Conflict` and nothing is written.
    pub async fn revoke(&self, actor: &Actor, id: AwardId, reason: &str) -> AppResult<Award> {
        let reason = revocation_reason(reason)?;
        let award = self.award_by_id(id).await?;
        refuse_early(award.status, AwardStatus::Revoked)?;
        let notice = Award {
            status: AwardStatus::Revoked,
            status_reason: Some(reason.to_owned()),
            ..award.clone()
        };
        let email = self.revocation_notice(&notice).await?;
        let revoked = self
            .change_status(
                actor,
                &award,
                AwardStatus::Revoked,
                Some(reason),
                "award.revoke",
                Some(&email),
            )
            .await?;
        self.metrics.credentials_revoked.inc(&["single"]);
        Ok(revoked)
    }

    /// Suspends an active award until it is reinstated (one transaction with its audit
    /// entry). A suspended or revoked award is a `Conflict`.
    pub async fn suspend(
        &self,
        actor: &Actor,
        id: AwardId,
        reason: Option<&str>,
    ) -> AppResult<Award> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > MAX_REASON) {
            return Err(AppError::invalid_field(
                "reason",
                "Shorten the reason to at most 1,000 characters.",
            ));
        }
        let award = self.award_by_id(id).await?;
        refuse_early(award.status, AwardStatus::Suspended)?;
        self.change_status(
            actor,
            &award,
            AwardStatus::Suspended,
            reason,
            "award.suspend",
            None,
        )
        .await
    }

    /// Lifts a suspension (one transaction with its audit entry), only while the award is
    /// suspended: an active award, or one revoked before or during this call, is a
    /// `Conflict` and stays as it is.
    pub async fn reinstate(&self, actor: &Actor, id: AwardId) -> AppResult<Award> {
        let award = self.award_by_id(id).await?;
        refuse_early(award.status, AwardStatus::Active)?;
        self.change_status(
            actor,
            &award,
            AwardStatus::Active,
            None,
            "award.reinstate",
            None,
        )
        .await
    }

    /// The compare-and-set itself, with the audit entry and email written in its
    /// transaction.
    async fn change_status(
        &self,
        actor: &Actor,
        award: &Award,
        to: AwardStatus,
        reason: Option<&str>,
        action: &str,
        email: Option<&QueuedEmail>,
    ) -> AppResult<Award> {
        let audit = self.audit_event(
            award.org_id,
            actor,
            action,
            &award.id.to_string(),
            reason.unwrap_or(""),
        );
        let change = StatusChange {
            award: award.id,
            to,
            reason,
            at: self.now(),
            audit: &audit,
            email,
        };
        match self.store.change_award_status(&change).await? {
            StatusChanged::Changed(changed) => {
                self.page_changed(changed.id);
                // Right after the status change's transaction committed.
                let event_type = match to {
                    AwardStatus::Revoked => EventType::AwardRevoked,
                    AwardStatus::Suspended => EventType::AwardSuspended,
                    AwardStatus::Active => EventType::AwardReinstated,
                };
                let event = self.award_event(event_type, &changed.summary());
                self.notify_webhooks(changed.org_id, &[event]).await;
                Ok(*changed)
            }
            StatusChanged::Refused(current) => Err(refusal(current, to)),
            StatusChanged::NotFound => Err(AppError::NotFound("award")),
        }
    }

    /// The revocation notice for `award` (its reason set), ready to queue.
    pub(crate) async fn revocation_notice(&self, award: &Award) -> AppResult<QueuedEmail> {
        let achievement = self.achievement(award.achievement_id).await?;
        let org = self.org(award.org_id).await?;
        let language = MailLanguage::for_tag(crate::i18n::credential_language(&award.credential));
        self.revocation_email(&org, &achievement, &award.summary(), language)
    }

    /// The organization's signed status list for `purpose`, re-signed when its awards'
    /// states have changed since the cached copy.
    pub async fn status_list(
        &self,
        org: &Organization,
        purpose: StatusPurpose,
    ) -> AppResult<SignedStatusList> {
        let version = self.store.status_version(org.id).await?;
        if let Some(cached) = self.cached_status(org, purpose, version) {
            return Ok(cached);
        }
        let mut bits = BitstringStatusList::new(STATUS_LIST_BITS)
            .map_err(|e| AppError::internal("making a status list", e))?;
        for index in self.store.flagged_indices(org.id, purpose.marks()).await? {
            bits.set(u64::from(index), true)
                .map_err(|e| AppError::internal("marking a status list entry", e))?;
        }
        let url = self.urls().status_list(&org.slug, purpose);
        let did = self.urls().issuer_did(&org.slug);
        let unsigned = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": did,
            "validFrom": rfc3339(self.now()),
            "credentialSubject": {
                "id": format!("{url}#list"),
                "type": "BitstringStatusList",
                "statusPurpose": purpose.as_str(),
                "encodedList": bits.encode(),
            },
        });
        let (record, key) = self.signing_key(org).await?;
        let options = ProofOptions::assertion(
            self.verification_method(org, &record),
            Some(rfc3339(self.now())),
        );
        let signed = proof::sign(&unsigned, &key, &options)
            .map_err(|e| AppError::internal("signing the status list", e))?;
        let list = SignedStatusList {
            version,
            json: Arc::new(signed.to_string()),
        };
        if let Ok(mut cache) = self.status_cache.lock() {
            cache.insert((org.id, purpose), list.clone());
        }
        Ok(list)
    }

    fn cached_status(
        &self,
        org: &Organization,
        purpose: StatusPurpose,
        version: i64,
    ) -> Option<SignedStatusList> {
        let cache = self.status_cache.lock().ok()?;
        cache
            .get(&(org.id, purpose))
            .filter(|c| c.version == version)
            .cloned()
    }
}
