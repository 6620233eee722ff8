//! Revoking many awards at once, chosen on the list or named in an uploaded CSV (award ids
//! or credential links in its first column, as the export writes them). First a plan, for
//! the issuer to confirm: what will be revoked, and what will not and why. Then the awards
//! are revoked in batches, each batch one statement and one transaction with its audit
//! entries and the earners' notices, as one revocation would be.

use crate::mail::MailLanguage;
use crate::status::revocation_reason;
use crate::{App, AppError, AppResult};
use accolade_core::{Achievement, AchievementId, Actor, AwardId, AwardStatus, AwardSummary, OrgId};
use accolade_store::{REVOCATIONS_PER_BATCH, Revocation};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

/// Most awards one bulk revocation may name.
pub const MAX_BULK_REVOKE: usize = 5000;

/// An input line that will not be revoked, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRevocable {
    pub input: String,
    pub reason: String,
}

/// What a bulk revocation would do.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkRevokePlan {
    pub revocable: Vec<AwardSummary>,
    pub not_revocable: Vec<NotRevocable>,
}

/// What a bulk revocation did.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkRevokeOutcome {
    /// Revoked by this call, in the order given, as they are now.
    pub revoked: Vec<AwardSummary>,
    /// How many of the ids named awards that were already revoked (before the plan, or by
    /// someone else while it ran).
    pub already_revoked: usize,
    /// How many of the ids named no award of the organization.
    pub not_found: usize,
    /// Every id not revoked by this call, with why: already revoked, not found, listed
    /// twice.
    pub not_revoked: Vec<NotRevocable>,
}

/// The reasons a plan gives that the outcome counts.
const ALREADY_REVOKED: &str = "already revoked";
const NOT_FOUND: &str = "not found in this organization";

/// The award id in a cell: an id, or a credential link (`…/credentials/{id}`, with or
/// without a `.json` ending, a query or a fragment).
pub fn award_ref(cell: &str) -> Option<AwardId> {
    let cell = cell.trim().trim_matches('\'');
    if let Ok(id) = cell.parse() {
        return Some(id);
    }
    let (_, tail) = cell.rsplit_once("/credentials/")?;
    let tail = tail.split(['?', '#', '/']).next().unwrap_or(tail);
    let tail = tail.strip_suffix(".json").unwrap_or(tail);
    tail.parse().ok()
}

/// The first cell of each row of an uploaded CSV, empty ones left out; a first row that
/// names no award is taken for a header and skipped.
pub fn award_refs_from_csv(bytes: &[u8]) -> AppResult<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut cells = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            AppError::invalid_field("file", format!("The file cannot be read as CSV ({e})."))
        })?;
        let Some(cell) = record.get(0).map(str::trim).filter(|c| !c.is_empty()) else {
            continue;
        };
        if n == 0 && award_ref(cell).is_none() {
            continue;
        }
        cells.push(cell.to_owned());
        if cells.len() > MAX_BULK_REVOKE {
            return Err(too_many());
        }
    }
    Ok(cells)
}

fn too_many() -> AppError {
    AppError::invalid(format!(
        "At most {MAX_BULK_REVOKE} badges can be revoked at once. Split the list."
    ))
}

fn not(input: &str, reason: &str) -> NotRevocable {
    NotRevocable {
        input: input.chars().take(200).collect(),
        reason: reason.to_owned(),
    }
}

impl App {
    /// Which of `inputs` (award ids or credential links) the organization can revoke, and
    /// which not: unreadable, not one of its awards, already revoked, listed twice. The
    /// awards are read in batches, not one query each.
    pub async fn plan_bulk_revoke(
        &self,
        org: OrgId,
        inputs: &[String],
    ) -> AppResult<BulkRevokePlan> {
        if inputs.len() > MAX_BULK_REVOKE {
            return Err(too_many());
        }
        let mut seen = HashSet::new();
        let mut lines = Vec::with_capacity(inputs.len());
        for input in inputs {
            let line = match award_ref(input) {
                None => Err("not an award id or credential link"),
                Some(id) if !seen.insert(id) => Err("listed twice"),
                Some(id) => Ok(id),
            };
            lines.push((input, line));
        }
        let ids: Vec<AwardId> = seen.into_iter().collect();
        let mut found: HashMap<AwardId, AwardSummary> = self
            .store
            .org_awards_by_ids(org, &ids)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let mut plan = BulkRevokePlan {
            revocable: Vec::new(),
            not_revocable: Vec::new(),
        };
        for (input, line) in lines {
            match line.map(|id| found.remove(&id)) {
                Err(why) => plan.not_revocable.push(not(input, why)),
                Ok(None) => plan.not_revocable.push(not(input, NOT_FOUND)),
                Ok(Some(a)) if a.status == AwardStatus::Revoked => {
                    plan.not_revocable.push(not(input, ALREADY_REVOKED));
                }
                Ok(Some(a)) => plan.revocable.push(a),
            }
        }
        Ok(plan)
    }

    /// Revokes each of `ids` that belongs to the organization and is not revoked yet, all
    /// with one reason, in batches of [`REVOCATIONS_PER_BATCH`]: each batch is one
    /// compare-and-set statement and one transaction with its audit entries, the earners'
    /// notices and the status-list version bump, so a batch is revoked entirely or not at
    /// all. An error stops at that batch (those before it stay revoked); running the same
    /// revocation again is safe: the awards already revoked are reported as such.
    pub async fn bulk_revoke(
        &self,
        actor: &Actor,
        org: OrgId,
        ids: &[AwardId],
        reason: &str,
    ) -> AppResult<BulkRevokeOutcome> {
        let reason = revocation_reason(reason)?;
        let inputs: Vec<String> = ids.iter().map(AwardId::to_string).collect();
        let plan = self.plan_bulk_revoke(org, &inputs).await?;
        let mut outcome = BulkRevokeOutcome {
            revoked: Vec::with_capacity(plan.revocable.len()),
            already_revoked: count(&plan.not_revocable, ALREADY_REVOKED),
            not_found: count(&plan.not_revocable, NOT_FOUND),
            not_revoked: plan.not_revocable,
        };
        let organization = self.org(org).await?;
        let mut achievements: HashMap<AchievementId, Achievement> = HashMap::new();
        for batch in plan.revocable.chunks(REVOCATIONS_PER_BATCH) {
            let at = self.now();
            let mut revocations = Vec::with_capacity(batch.len());
            let mut notices = Vec::with_capacity(batch.len());
            for award in batch {
                let achievement = match achievements.entry(award.achievement_id) {
                    Entry::Occupied(e) => e.into_mut(),
                    Entry::Vacant(e) => e.insert(self.achievement(award.achievement_id).await?),
                };
                let notice = AwardSummary {
                    status: AwardStatus::Revoked,
                    status_reason: Some(reason.to_owned()),
                    status_changed_at: Some(at),
                    ..award.clone()
                };
                let id = award.id.to_string();
                revocations.push(Revocation {
                    award: award.id,
                    audit: self.audit_event(org, actor, "award.revoke", &id, reason),
                    email: Some(self.revocation_email(
                        &organization,
                        achievement,
                        &notice,
                        // A list of awards carries no credentials: the badge's language is
                        // the one its credentials are issued in unless an award chose another.
                        MailLanguage::for_tag(Some(achievement.language.as_str())),
                    )?),
                });
                notices.push(notice);
            }
            let revoked: HashSet<AwardId> = self
                .store
                .revoke_awards(org, reason, at, &revocations)
                .await?
                .into_iter()
                .collect();
            // One webhook write per batch, right after the batch's transaction committed.
            let events: Vec<_> = notices
                .iter()
                .filter(|a| revoked.contains(&a.id))
                .map(|a| self.award_event(crate::webhooks::EventType::AwardRevoked, a))
                .collect();
            self.notify_webhooks(org, &events).await;
            for award in notices {
                if revoked.contains(&award.id) {
                    self.page_changed(award.id);
                    self.metrics.credentials_revoked.inc(&["bulk"]);
                    outcome.revoked.push(award);
                } else {
                    // Revoked by someone else since the plan was made.
                    outcome.already_revoked += 1;
                    outcome
                        .not_revoked
                        .push(not(&award.id.to_string(), ALREADY_REVOKED));
                }
            }
        }
        Ok(outcome)
    }
}

fn count(lines: &[NotRevocable], reason: &str) -> usize {
    lines.iter().filter(|l| l.reason == reason).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_from_ids_and_links() {
        let id = AwardId::new();
        for cell in [
            id.to_string(),
            format!(" {id} "),
            format!("https://badges.example.org/credentials/{id}"),
            format!("https://badges.example.org/credentials/{id}.json"),
            format!("https://badges.example.org/credentials/{id}?format=json#x"),
        ] {
            assert_eq!(award_ref(&cell), Some(id), "{cell}");
        }
        assert_eq!(award_ref("award_id"), None);
        assert_eq!(award_ref("https://x.example/credentials/nope"), None);
    }

    #[test]
    fn csv_first_column_header_skipped() {
        let (a, b) = (AwardId::new(), AwardId::new());
        let file = format!("award_id,name\n{a},Ada\n\n\"{b}\",\"Bob, Jr\"\nrubbish\n");
        let refs = award_refs_from_csv(file.as_bytes()).unwrap();
        assert_eq!(refs, [a.to_string(), b.to_string(), "rubbish".into()]);
    }
}
