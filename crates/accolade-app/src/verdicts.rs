//! Verify once, keep the verdict. An award's credential never changes after it is issued,
//! and neither do the keys that signed it (retired keys stay published), so what verifying
//! it found about its signature, key, issuer and form is kept with the award, bound to the
//! SHA-256 of the exact stored bytes: a stored credential that differs from the one checked
//! is verified again, never trusted from an old verdict. Its validity period and status are
//! not kept: they are checked at each view, from the credential and the award's current
//! status.
//!
//! Verdicts are made off the issue path: the keeper (a background task of `serve`) verifies
//! awards shortly after they are issued, and at start every award that has none (awards
//! issued by another process, such as a command-line import or another server). A page whose
//! award has no usable verdict yet verifies it on the spot and keeps the result.

use crate::verify::LocalFetcher;
use crate::{App, AppError, AppResult};
use accolade_core::{Award, AwardId, AwardState};
use accolade_credentials::verify::{
    self, Check, CheckKind, CredentialKind, DEFAULT_SKEW, InputFormat, Outcome, Report,
    VerifyOptions,
};
use accolade_store::KeptVerdict;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

/// Awards verified per blocking task by the keeper.
const BATCH: i64 = 256;
/// Most newly issued awards waiting for the keeper; past that it scans instead.
const QUEUE: usize = 8_192;
/// How long the keeper waits after being woken, so a burst of issues (a bulk import, whose
/// chunks commit a second or so apart) is done before it competes for the CPU.
const QUIET: std::time::Duration = std::time::Duration::from_secs(3);

/// Newly issued awards waiting for a verdict, and counts of the work done.
#[derive(Debug, Default)]
pub(crate) struct Verdicts {
    queue: Mutex<VecDeque<AwardId>>,
    /// The queue overflowed (or the process started): look for every award without a verdict.
    scan: AtomicBool,
    wake: tokio::sync::Notify,
    /// Credentials verified because a page found no usable verdict.
    page_verifications: AtomicU64,
    /// Verdicts kept by the keeper.
    kept: AtomicU64,
}

impl Verdicts {
    /// Asks the keeper to verify these newly issued awards.
    pub(crate) fn due(&self, ids: impl IntoIterator<Item = AwardId>) {
        {
            let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            for id in ids {
                if queue.len() >= QUEUE {
                    self.scan.store(true, Ordering::Relaxed);
                    queue.clear();
                    break;
                }
                queue.push_back(id);
            }
        }
        self.wake.notify_one();
    }

    fn take(&self) -> Vec<AwardId> {
        self.queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
            .collect()
    }
}

/// Lowercase hex SHA-256 of a stored credential.
pub(crate) fn credential_digest(credential: &str) -> String {
    hex::encode(Sha256::digest(credential.as_bytes()))
}

/// What a page shows of a credential's verification.
#[derive(Debug)]
pub(crate) struct PageVerdict {
    pub report: Report,
    /// When the lasting checks (signature, key, issuer, form) were made, if they were kept
    /// from before rather than made for this page.
    pub lasting_checked_at: Option<OffsetDateTime>,
}

impl App {
    /// Credentials verified because a page found no usable kept verdict (since start).
    pub fn page_verifications(&self) -> u64 {
        self.verdicts.page_verifications.load(Ordering::Relaxed)
    }

    /// Verdicts kept by the background keeper (since start).
    pub fn verdicts_kept(&self) -> u64 {
        self.verdicts.kept.load(Ordering::Relaxed)
    }

    /// The lasting checks of a stored Data Integrity credential; `None` for anything else
    /// (those are verified whole at each view). Call from a blocking thread.
    fn lasting_checks_blocking(
        self: &Arc<Self>,
        runtime: &tokio::runtime::Handle,
        credential: &str,
    ) -> Option<Vec<Check>> {
        let fetch = LocalFetcher::new(self.clone(), runtime.clone());
        let mut opts = VerifyOptions::new(&fetch, self.clock());
        opts.resolve.http_for_loopback = self.config().http_for_loopback;
        // Status is read from the award at each view, never kept.
        opts.check_status = false;
        let mut report = verify::verify_bytes(credential.as_bytes(), &opts);
        if report.kind != CredentialKind::Ob3DataIntegrity || report.format != InputFormat::Json {
            return None;
        }
        self.show_own_scheme(&mut report);
        Some(
            report
                .checks
                .into_iter()
                .filter(|c| verify::lasting(c.check))
                .collect(),
        )
    }

    /// The verdict to keep for the lasting checks made at `at` on `credential`; `None` when
    /// one of them could not be carried out (a key out of reach says nothing lasting).
    fn verdict_to_keep(
        credential: &str,
        checks: &[Check],
        at: OffsetDateTime,
    ) -> AppResult<Option<KeptVerdict>> {
        if checks.iter().any(|c| c.outcome == Outcome::Inconclusive) {
            return Ok(None);
        }
        Ok(Some(KeptVerdict {
            credential_sha256: credential_digest(credential),
            checked_at: at,
            checks: serde_json::to_string(checks)
                .map_err(|e| AppError::internal("writing a verdict", e))?,
        }))
    }

    /// The verification shown on an award's page: the kept lasting checks when they were
    /// made on these very bytes, else made now (and kept); the validity period and status
    /// checked now in either case.
    pub(crate) async fn page_verdict(
        self: &Arc<Self>,
        award: &Award,
        kept: Option<KeptVerdict>,
    ) -> PageVerdict {
        let now = self.now();
        let kept = kept
            .filter(|k| k.credential_sha256 == credential_digest(&award.credential))
            .and_then(|k| {
                serde_json::from_str::<Vec<Check>>(&k.checks)
                    .ok()
                    .map(|checks| (checks, k.checked_at))
            });
        let (checks, lasting_checked_at) = match kept {
            Some((checks, at)) => (checks, Some(at)),
            None => {
                self.verdicts
                    .page_verifications
                    .fetch_add(1, Ordering::Relaxed);
                let app = self.clone();
                let runtime = tokio::runtime::Handle::current();
                let credential = award.credential.clone();
                let made = tokio::task::spawn_blocking(move || {
                    app.lasting_checks_blocking(&runtime, &credential)
                })
                .await
                .ok()
                .flatten();
                let Some(checks) = made else {
                    // Not a credential whose verdict can be kept: verified whole.
                    let report = self
                        .verify(award.credential.clone().into_bytes(), None)
                        .await;
                    return PageVerdict {
                        report,
                        lasting_checked_at: None,
                    };
                };
                let kept = match Self::verdict_to_keep(&award.credential, &checks, now) {
                    Ok(Some(verdict)) => self
                        .store
                        .keep_verdicts(&[(award.id, verdict)])
                        .await
                        .map_err(AppError::from),
                    Ok(None) => Ok(()),
                    Err(e) => Err(e),
                };
                if let Err(e) = kept {
                    tracing::warn!(award = %award.id, error = %crate::Chain(&e), "keeping a verdict failed");
                }
                (checks, None)
            }
        };
        let credential: Value = serde_json::from_str(&award.credential).unwrap_or(Value::Null);
        let status = self.status_check(&credential, award);
        let report = verify::recheck(credential, checks, status, now, DEFAULT_SKEW);
        PageVerdict {
            report: crate::own_status::with_status(report, &self.effective_status(award)),
            lasting_checked_at,
        }
    }

    /// The status check of one of this instance's credentials, from the award's status now
    /// (what its status lists are published from). A revoked or suspended award gets its
    /// failed check, with the date and reason, from [`crate::own_status::with_status`].
    fn status_check(&self, credential: &Value, award: &Award) -> Option<Check> {
        if credential.get("credentialStatus").is_none() {
            return Some(Check {
                check: CheckKind::Status,
                outcome: Outcome::Skipped,
                message: "the credential names no status list, so it cannot be revoked".into(),
            });
        }
        match self.effective_status(award).state {
            AwardState::Active | AwardState::Expired => Some(Check {
                check: CheckKind::Status,
                outcome: Outcome::Passed,
                message: "not revoked or suspended (recorded by the instance that issued it)"
                    .into(),
            }),
            AwardState::Revoked | AwardState::Suspended => None,
        }
    }

    /// Verifies and keeps the verdicts of these awards (those still without a usable one).
    async fn keep_verdicts_of(self: &Arc<Self>, ids: Vec<AwardId>) -> AppResult<usize> {
        let mut todo = Vec::new();
        for id in ids {
            if let Some(page) = self.store.award_for_page(id).await? {
                let digest = credential_digest(&page.award.credential);
                if page.verdict.is_none_or(|v| v.credential_sha256 != digest) {
                    todo.push((id, page.award.credential));
                }
            }
        }
        self.verify_and_keep(todo).await
    }

    /// Verifies credentials on one blocking thread and keeps their verdicts.
    async fn verify_and_keep(self: &Arc<Self>, batch: Vec<(AwardId, String)>) -> AppResult<usize> {
        if batch.is_empty() {
            return Ok(0);
        }
        let at = self.now();
        let app = self.clone();
        let runtime = tokio::runtime::Handle::current();
        let made = tokio::task::spawn_blocking(move || {
            batch
                .into_iter()
                .filter_map(|(id, credential)| {
                    let checks = app.lasting_checks_blocking(&runtime, &credential)?;
                    Some((id, credential, checks))
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| AppError::internal("verifying credentials to keep", e))?;
        let mut keep = Vec::with_capacity(made.len());
        for (id, credential, checks) in made {
            if let Some(verdict) = Self::verdict_to_keep(&credential, &checks, at)? {
                keep.push((id, verdict));
            }
        }
        self.store.keep_verdicts(&keep).await?;
        self.verdicts
            .kept
            .fetch_add(keep.len() as u64, Ordering::Relaxed);
        Ok(keep.len())
    }

    /// Verifies and keeps the verdict of every award that has none; returns how many were
    /// kept.
    pub async fn keep_missing_verdicts(self: &Arc<Self>) -> AppResult<usize> {
        let mut after = None;
        let mut kept = 0;
        loop {
            let batch = self.store.awards_without_verdict(after, BATCH).await?;
            let Some((last, _)) = batch.last() else {
                return Ok(kept);
            };
            after = Some(*last);
            kept += self.verify_and_keep(batch).await?;
        }
    }

    /// Starts the keeper: at once for every award without a verdict, then for awards as
    /// they are issued by this process. Abort the handle to stop it.
    pub fn spawn_verdict_keeper(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        app.verdicts.scan.store(true, Ordering::Relaxed);
        tokio::spawn(async move {
            loop {
                let scan = app.verdicts.scan.swap(false, Ordering::Relaxed);
                let done = match scan {
                    true => app.keep_missing_verdicts().await,
                    false => app.keep_verdicts_of(app.verdicts.take()).await,
                };
                if let Err(e) = done {
                    tracing::warn!(error = %crate::Chain(&e), "keeping verdicts failed");
                }
                if !app.verdicts.scan.load(Ordering::Relaxed) {
                    app.verdicts.wake.notified().await;
                }
                tokio::time::sleep(QUIET).await;
            }
        })
    }
}
