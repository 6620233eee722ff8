//! The public credential page is the most visited page of an instance: every share,
//! embed click and QR scan lands on it. Verifying the credential and rendering the page on
//! each view would cost a millisecond of CPU; instead the rendered page is kept, per award
//! and page variant (its language), with what it was rendered from.
//!
//! Freshness rules:
//! - A kept page is served as is for [`REVALIDATE_AFTER`]. After that, the next view reloads
//!   the award's standing (status, reason and links: one indexed read, without the
//!   credential) and compares it with what the page was rendered from; any change renders
//!   the page again.
//! - The page's verification is made again at least every [`REVERIFY_AFTER`], and as soon as
//!   the credential's validity period starts or ends, so "checked at" never grows old and
//!   expiry shows at once. Making it again reads the award with its kept verdict (see
//!   [`crate::verdicts`]): the signature is verified once per stored credential, and the
//!   validity period and status are checked anew each time.
//! - Revoking, suspending, reinstating, re-issuing or renewing through this process forgets
//!   the award's pages at once; other processes (several servers on one PostgreSQL database)
//!   see the change within [`REVALIDATE_AFTER`].
//! - The kept pages are bounded by total size ([`MAX_BYTES`]); the least recently checked
//!   ones go first.

use crate::{App, AppError, AppResult};
use accolade_core::{Award, AwardId, AwardLinks, AwardStanding};
use accolade_credentials::verify::{DEFAULT_SKEW, Report};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use time::{Duration, OffsetDateTime};

/// How long a kept page is served without looking at the database.
pub const REVALIDATE_AFTER: Duration = Duration::seconds(1);
/// How long a verification result is trusted while nothing it depends on changed.
pub const REVERIFY_AFTER: Duration = Duration::minutes(5);
/// Upper bound on the bytes of kept pages.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// A rendered page, ready to send.
#[derive(Debug)]
pub struct KeptPage {
    pub html: Arc<str>,
    /// A strong validator of `html`, for conditional requests.
    pub etag: String,
}

/// Everything a page renders from, when it must be rendered.
#[derive(Debug)]
pub struct PageInputs {
    pub award: Award,
    pub links: AwardLinks,
    pub report: Report,
    /// When `report` was made.
    pub checked_at: OffsetDateTime,
    /// When the report's lasting checks (signature, key, issuer, form) were made, if they
    /// were kept from an earlier verification of the same stored credential rather than
    /// made at `checked_at`.
    pub signature_checked_at: Option<OffsetDateTime>,
    stamp: AwardStanding,
    verified_at: OffsetDateTime,
}

/// The answer of [`App::credential_page`].
#[derive(Debug)]
pub enum PageLookup {
    /// A kept page that is still current.
    Kept(Arc<KeptPage>),
    /// The page must be rendered from these, then kept with [`App::keep_credential_page`].
    Render(Box<PageInputs>),
}

#[derive(Debug)]
struct Entry {
    page: Arc<KeptPage>,
    stamp: AwardStanding,
    /// When the database was last compared with `stamp`.
    checked: OffsetDateTime,
    verified_at: OffsetDateTime,
    /// The next moment the credential's validity changes (validFrom or validUntil ahead).
    turns_at: Option<OffsetDateTime>,
}

impl Entry {
    fn usable(&self, now: OffsetDateTime) -> bool {
        now - self.verified_at < REVERIFY_AFTER && self.turns_at.is_none_or(|t| now < t)
    }
}

type Key = (AwardId, String);

/// The kept pages of one process.
#[derive(Debug, Default)]
pub struct PageCache {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<Key, Entry>,
    bytes: usize,
}

impl PageCache {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets every variant of an award's page.
    pub fn forget(&self, award: AwardId) {
        let mut inner = self.lock();
        let mut freed = 0;
        inner.entries.retain(|(id, _), e| {
            let keep = *id != award;
            if !keep {
                freed += e.page.html.len();
            }
            keep
        });
        inner.bytes -= freed;
    }

    fn insert(&self, key: Key, entry: Entry) {
        let mut inner = self.lock();
        inner.bytes += entry.page.html.len();
        if let Some(old) = inner.entries.insert(key, entry) {
            inner.bytes -= old.page.html.len();
        }
        if inner.bytes > MAX_BYTES {
            evict(&mut inner);
        }
    }
}

/// Drops the least recently checked entries until a quarter of the budget is free.
fn evict(inner: &mut Inner) {
    let mut ages: Vec<(OffsetDateTime, Key, usize)> = inner
        .entries
        .iter()
        .map(|(k, e)| (e.checked, k.clone(), e.page.html.len()))
        .collect();
    ages.sort_by_key(|(checked, _, _)| *checked);
    let target = MAX_BYTES / 4 * 3;
    for (_, key, len) in ages {
        if inner.bytes <= target {
            break;
        }
        inner.entries.remove(&key);
        inner.bytes -= len;
    }
}

/// The next moment after `now` at which the verifier starts or stops accepting the
/// credential (its validity period, widened by the tolerated clock skew).
fn turns_at(award: &Award, now: OffsetDateTime) -> Option<OffsetDateTime> {
    [
        Some(award.issued_at - DEFAULT_SKEW),
        award.valid_until.map(|u| u + DEFAULT_SKEW),
    ]
    .into_iter()
    .flatten()
    .filter(|t| *t > now)
    .min()
}

/// A strong entity tag for a page body: a 64-bit hash of its bytes, eight at a time
/// (distinct pages, distinct tags; the tag need not resist a forger, only change with the
/// page).
fn etag(html: &str) -> String {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |h: u64, w: u64| {
        let h = (h ^ w).wrapping_mul(K);
        h ^ (h >> 29)
    };
    let bytes = html.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut hash = mix(0xcbf2_9ce4_8422_2325, bytes.len() as u64);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = mix(hash, u64::from_le_bytes(word));
    }
    let mut last = [0u8; 8];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    hash = mix(hash, u64::from_le_bytes(last));
    format!("\"{hash:016x}\"")
}

impl App {
    /// The public page of an award in one variant (`variant` names what else the page
    /// depends on, such as its language): kept, or the inputs to render it from.
    pub async fn credential_page(
        self: &Arc<Self>,
        id: AwardId,
        variant: &str,
    ) -> AppResult<PageLookup> {
        let now = self.now();
        let key = (id, variant.to_owned());
        let kept = {
            let inner = self.pages.lock();
            inner.entries.get(&key).and_then(|e| {
                e.usable(now).then(|| {
                    (
                        e.page.clone(),
                        now - e.checked < REVALIDATE_AFTER,
                        e.stamp.clone(),
                    )
                })
            })
        };
        if let Some((page, true, _)) = &kept {
            self.metrics.page_cache.inc(&["hit"]);
            return Ok(PageLookup::Kept(page.clone()));
        }
        if let Some((page, _, kept_stamp)) = kept {
            let standing = self
                .store
                .award_standing(id)
                .await?
                .ok_or(AppError::NotFound("award"))?;
            if standing == kept_stamp {
                if let Some(e) = self.pages.lock().entries.get_mut(&key) {
                    e.checked = now;
                }
                self.metrics.page_cache.inc(&["hit"]);
                return Ok(PageLookup::Kept(page));
            }
        }
        self.metrics.page_cache.inc(&["miss"]);
        Ok(PageLookup::Render(Box::new(
            self.credential_page_inputs(id).await?,
        )))
    }

    /// What the public page of an award is rendered from, checked now, without looking at
    /// or filling the kept pages (for a page made for one signed-in visitor).
    pub async fn credential_page_inputs(self: &Arc<Self>, id: AwardId) -> AppResult<PageInputs> {
        let now = self.now();
        let found = self
            .store
            .award_for_page(id)
            .await?
            .ok_or(AppError::NotFound("award"))?;
        let (award, links) = (found.award, found.links);
        let stamp = AwardStanding::of(&award, links);
        let verdict = self.page_verdict(&award, found.verdict).await;
        Ok(PageInputs {
            award,
            links,
            report: verdict.report,
            checked_at: now,
            signature_checked_at: verdict.lasting_checked_at.filter(|at| *at < now),
            stamp,
            verified_at: now,
        })
    }

    /// Whether the award is in `user`'s backpack (claimed by them).
    pub async fn owns_award(&self, user: accolade_core::UserId, id: AwardId) -> AppResult<bool> {
        Ok(self
            .store
            .owner_of(id)
            .await?
            .is_some_and(|o| o.user_id == user))
    }

    /// Keeps a page rendered from `inputs` and returns it, ready to send.
    pub fn keep_credential_page(
        &self,
        variant: &str,
        inputs: &PageInputs,
        html: String,
    ) -> Arc<KeptPage> {
        let page = Arc::new(KeptPage {
            etag: etag(&html),
            html: html.into(),
        });
        self.pages.insert(
            (inputs.award.id, variant.to_owned()),
            Entry {
                page: page.clone(),
                stamp: inputs.stamp.clone(),
                checked: inputs.verified_at,
                verified_at: inputs.verified_at,
                turns_at: turns_at(&inputs.award, inputs.verified_at),
            },
        );
        page
    }

    /// Forgets the kept pages of an award whose state changed.
    pub(crate) fn page_changed(&self, id: AwardId) {
        self.pages.forget(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_differ_with_content() {
        assert_ne!(etag("<p>a</p>"), etag("<p>b</p>"));
        assert_eq!(etag("x"), etag("x"));
        // The length is part of the tag: trailing zero bytes do not collide.
        assert_ne!(etag("ab"), etag("ab\0"));
        assert_ne!(etag("0123456789abcdef"), etag("0123456789abcdeg"));
    }
}
