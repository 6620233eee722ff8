//! Revocation and suspension, and the signed Bitstring Status List credentials that publish
//! them. The lists are derived from the awards' states (one source of truth) and re-signed
//! only when an organization's status version changes.

use crate::{App, AppError, AppResult, SignedStatusList, rfc3339};
use accolade_core::{Actor, Award, AwardId, AwardStatus, Organization, StatusPurpose};
use accolade_credentials::proof::{self, ProofOptions};
use accolade_credentials::status_list::{BitstringStatusList, MIN_LIST_BITS};
use serde_json::json;
use std::sync::Arc;

/// Entries in each organization's status lists: 8 × the spec's minimum of 131,072, i.e.
/// 1,048,576 (128 KiB raw, a few KiB gzipped while sparse), so that one organization can hold
/// about 786,000 awards (at 75 % fill, see `issue.rs`) with positions still drawn at random.
/// Issuing (single and bulk) and the published lists use this one length; growing it later
/// keeps every earlier position valid.
pub(crate) const STATUS_LIST_BITS: usize = 8 * MIN_LIST_BITS;

impl App {
    /// Revokes an award for good. The status list flips at once.
    pub async fn revoke(&self, actor: &Actor, id: AwardId, reason: &str) -> AppResult<Award> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::Invalid(
                "a reason is required to revoke a credential".into(),
            ));
        }
        if reason.chars().count() > 1000 {
            return Err(AppError::Invalid(
                "the reason is longer than 1,000 characters".into(),
            ));
        }
        let award = self.award_by_id(id).await?;
        if award.status == AwardStatus::Revoked {
            return Err(AppError::Conflict(
                "the credential is already revoked".into(),
            ));
        }
        let revoked = self
            .set_status(award, AwardStatus::Revoked, Some(reason))
            .await?;
        self.audit(
            revoked.org_id,
            actor,
            "award.revoke",
            &revoked.id.to_string(),
            reason,
        )
        .await?;
        self.notify_revoked(&revoked).await;
        Ok(revoked)
    }

    /// Suspends an award until it is reinstated.
    pub async fn suspend(
        &self,
        actor: &Actor,
        id: AwardId,
        reason: Option<&str>,
    ) -> AppResult<Award> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > 1000) {
            return Err(AppError::Invalid(
                "the reason is longer than 1,000 characters".into(),
            ));
        }
        let award = self.award_by_id(id).await?;
        match award.status {
            AwardStatus::Active => {
                let suspended = self
                    .set_status(award, AwardStatus::Suspended, reason)
                    .await?;
                self.audit(
                    suspended.org_id,
                    actor,
                    "award.suspend",
                    &suspended.id.to_string(),
                    reason.unwrap_or(""),
                )
                .await?;
                Ok(suspended)
            }
            AwardStatus::Suspended => Err(AppError::Conflict(
                "the credential is already suspended".into(),
            )),
            AwardStatus::Revoked => Err(AppError::Conflict(
                "a revoked credential cannot be suspended".into(),
            )),
        }
    }

    /// Lifts a suspension.
    pub async fn reinstate(&self, actor: &Actor, id: AwardId) -> AppResult<Award> {
        let award = self.award_by_id(id).await?;
        match award.status {
            AwardStatus::Suspended => {
                let active = self.set_status(award, AwardStatus::Active, None).await?;
                let id = active.id.to_string();
                self.audit(active.org_id, actor, "award.reinstate", &id, "")
                    .await?;
                Ok(active)
            }
            AwardStatus::Active => {
                Err(AppError::Conflict("the credential is not suspended".into()))
            }
            AwardStatus::Revoked => Err(AppError::Conflict(
                "a revoked credential cannot be reinstated".into(),
            )),
        }
    }

    async fn set_status(
        &self,
        award: Award,
        status: AwardStatus,
        reason: Option<&str>,
    ) -> AppResult<Award> {
        let now = self.now();
        if !self
            .store
            .set_award_status(award.id, status, reason, now)
            .await?
        {
            return Err(AppError::NotFound("award"));
        }
        self.page_changed(award.id);
        self.award_by_id(award.id).await
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
            .map_err(|e| AppError::Internal(e.to_string()))?;
        for index in self.store.flagged_indices(org.id, purpose.marks()).await? {
            bits.set(u64::from(index), true)
                .map_err(|e| AppError::Internal(e.to_string()))?;
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
            .map_err(|e| AppError::Internal(e.to_string()))?;
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
