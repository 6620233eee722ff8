//! The batch path of issuing: status-list positions drawn in memory against the
//! organization's used set, and credentials built and signed on every core at once.

use crate::issue::MAX_FILL;
use crate::issue::details::IssueDetails;
use crate::status::STATUS_LIST_BITS;
use crate::{App, AppError, AppResult, rfc3339};
use accolade_core::{
    Achievement, Award, AwardId, AwardStatus, Email, KeyId, Organization, SigningKeyRecord,
};
use accolade_credentials::multikey::KeyPair;
use accolade_credentials::proof::{self, ProofOptions};
use accolade_store::PendingRow;
use std::collections::BTreeMap;
use std::sync::Arc;
use time::OffsetDateTime;

/// Free positions of an organization's status list, drawn at random (so a position tells
/// nothing of when or to whom a credential was issued), without a round trip per award.
pub(crate) struct IndexPool {
    used: Vec<u64>,
    count: usize,
    random: Vec<u8>,
}

impl IndexPool {
    pub fn new(used: impl IntoIterator<Item = u32>) -> Self {
        let mut pool = Self {
            used: vec![0; STATUS_LIST_BITS / 64],
            count: 0,
            random: Vec::new(),
        };
        for i in used {
            pool.mark(i);
        }
        pool
    }

    fn mark(&mut self, i: u32) -> bool {
        let (word, bit) = (i as usize / 64, 1u64 << (i % 64));
        match self.used.get_mut(word) {
            Some(w) if *w & bit == 0 => {
                *w |= bit;
                self.count += 1;
                true
            }
            _ => false,
        }
    }

    /// A free position, now taken; the list refuses to fill beyond 75 %.
    pub fn draw(&mut self) -> AppResult<u32> {
        if self.count >= MAX_FILL {
            return Err(AppError::StatusListFull);
        }
        loop {
            if self.random.len() < 4 {
                self.random = vec![0; 4096];
                getrandom::fill(&mut self.random)
                    .map_err(|e| AppError::internal("reading the random source", e))?;
            }
            let at = self.random.len() - 4;
            let mut b = [0u8; 4];
            b.copy_from_slice(&self.random[at..]);
            self.random.truncate(at);
            let i = u32::from_le_bytes(b) % STATUS_LIST_BITS as u32;
            if self.mark(i) {
                return Ok(i);
            }
        }
    }
}

/// Everything signing needs, unsealed once per run and shared by the signing threads.
pub(crate) struct Signer {
    pub app: Arc<App>,
    pub org: Organization,
    pub achievement: Achievement,
    pub key_id: KeyId,
    pub key: KeyPair,
    pub method: String,
}

impl Signer {
    pub async fn new(
        app: &Arc<App>,
        org: Organization,
        achievement: Achievement,
    ) -> AppResult<Self> {
        let (record, key): (SigningKeyRecord, KeyPair) = app.signing_key(&org).await?;
        let method = app.verification_method(&org, &record);
        Ok(Self {
            app: app.clone(),
            org,
            achievement,
            key_id: record.id,
            key,
            method,
        })
    }
}

/// A row ready to sign: its new award id and status position.
pub(crate) struct ToSign {
    pub row: PendingRow,
    pub id: AwardId,
    pub index: u32,
}

/// What signing made of a row.
pub(crate) enum Signed {
    /// The award, and its badge-issued email (with its claim token) ready to queue.
    Award(i64, Box<Award>, Box<crate::mail::BadgeEmail>),
    /// The row cannot be issued after all (e.g. the achievement's fixed expiry has passed).
    Failed(i64, String),
}

/// Signs the rows on every core (blocking: run it on a blocking thread).
pub(crate) fn sign_all(
    signer: &Signer,
    rows: Vec<ToSign>,
    now: OffsetDateTime,
) -> AppResult<Vec<Signed>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_thread = rows.len().div_ceil(threads).max(1);
    let options = ProofOptions::assertion(signer.method.clone(), Some(rfc3339(now)));
    std::thread::scope(|scope| {
        let handles: Vec<_> = rows
            .chunks(per_thread)
            .map(|part| {
                let options = &options;
                scope.spawn(move || {
                    part.iter()
                        .map(|r| sign_one(signer, r, options, now))
                        .collect::<AppResult<Vec<Signed>>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(rows.len());
        for h in handles {
            let part = h
                .join()
                .map_err(|_| AppError::internal_msg("a signing thread failed"))??;
            out.extend(part);
        }
        Ok(out)
    })
}

/// The row's custom field values in the achievement's field order. A required field without
/// a value fails the row (the achievement may have gained the field since the dry run).
fn row_details(achievement: &Achievement, stored: Option<&str>) -> Result<IssueDetails, String> {
    let given: BTreeMap<String, String> = match stored {
        Some(json) => serde_json::from_str(json)
            .map_err(|e| format!("the row's field values cannot be read: {e}"))?,
        None => BTreeMap::new(),
    };
    let mut details = IssueDetails::plain(achievement);
    for field in &achievement.custom_fields {
        match given.get(&field.key).filter(|v| !v.trim().is_empty()) {
            Some(v) => details.values.push((field.key.clone(), v.clone())),
            None if field.required => {
                return Err(format!("the {} is missing (it is required)", field.label));
            }
            None => {}
        }
    }
    Ok(details)
}

fn sign_one(
    signer: &Signer,
    r: &ToSign,
    options: &ProofOptions,
    now: OffsetDateTime,
) -> AppResult<Signed> {
    let row = &r.row;
    let email = match Email::parse(&row.email) {
        Ok(e) => e,
        Err(e) => return Ok(Signed::Failed(row.row_number, e.to_string())),
    };
    let issued_at = row.issued_at.unwrap_or(now);
    let valid_until = signer.achievement.expiry.expiry_for(issued_at);
    if valid_until.is_some_and(|u| u <= issued_at) {
        let reason = "the achievement's fixed expiry date is before the issue date";
        return Ok(Signed::Failed(row.row_number, reason.into()));
    }
    let details = match row_details(&signer.achievement, row.field_values.as_deref()) {
        Ok(d) => d,
        Err(reason) => return Ok(Signed::Failed(row.row_number, reason)),
    };
    let unsigned = signer.app.credential_json_with(
        &signer.org,
        &signer.achievement,
        (r.id, r.index),
        (&email, row.name.as_deref()),
        (issued_at, valid_until),
        &details,
    )?;
    let signed = proof::sign(&unsigned, &signer.key, options)
        .map_err(|e| AppError::internal("signing a credential", e))?;
    let credential = serde_json::to_string_pretty(&signed)
        .map_err(|e| AppError::internal("serializing a signed credential", e))?;
    let award = Award {
        id: r.id,
        org_id: signer.org.id,
        achievement_id: signer.achievement.id,
        recipient_email: email,
        recipient_name: row.name.clone(),
        issued_at,
        valid_until,
        status: AwardStatus::Active,
        status_reason: None,
        status_changed_at: None,
        status_index: r.index,
        key_id: signer.key_id,
        credential,
        created_at: now,
    };
    let email = signer
        .app
        .badge_issued_email(&signer.org, &signer.achievement, &award)?;
    Ok(Signed::Award(
        row.row_number,
        Box::new(award),
        Box::new(email),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_distinct_free_positions() {
        let mut pool = IndexPool::new([0, 1, 2]);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let i = pool.draw().unwrap();
            assert!(i > 2 && (i as usize) < STATUS_LIST_BITS);
            assert!(seen.insert(i));
        }
        assert_eq!(pool.count, 10_003);
    }
}
