//! Revoking many awards at once, chosen on the list or named in an uploaded CSV (award ids
//! or credential links in its first column, as the export writes them). First a plan, for
//! the issuer to confirm: what will be revoked, and what will not and why. Then each award
//! is revoked as one revocation would be: audited, the earner notified.

use crate::{App, AppError, AppResult};
use accolade_core::{Actor, Award, AwardId, AwardStatus, OrgId};
use std::collections::HashSet;

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
    pub revocable: Vec<Award>,
    pub not_revocable: Vec<NotRevocable>,
}

/// What a bulk revocation did.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkRevokeOutcome {
    pub revoked: Vec<AwardId>,
    pub not_revoked: Vec<NotRevocable>,
}

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
        let record = record
            .map_err(|e| AppError::Invalid(format!("the file is not readable as CSV: {e}")))?;
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
    AppError::Invalid(format!(
        "at most {MAX_BULK_REVOKE} credentials can be revoked at once"
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
    /// which not: unreadable, not one of its awards, already revoked, listed twice.
    pub async fn plan_bulk_revoke(
        &self,
        org: OrgId,
        inputs: &[String],
    ) -> AppResult<BulkRevokePlan> {
        if inputs.len() > MAX_BULK_REVOKE {
            return Err(too_many());
        }
        let mut plan = BulkRevokePlan {
            revocable: Vec::new(),
            not_revocable: Vec::new(),
        };
        let mut seen = HashSet::new();
        for input in inputs {
            let Some(id) = award_ref(input) else {
                plan.not_revocable
                    .push(not(input, "not an award id or credential link"));
                continue;
            };
            if !seen.insert(id) {
                plan.not_revocable.push(not(input, "listed twice"));
                continue;
            }
            match self.store.award(id).await? {
                Some(a) if a.org_id == org => {
                    if a.status == AwardStatus::Revoked {
                        plan.not_revocable.push(not(input, "already revoked"));
                    } else {
                        plan.revocable.push(a);
                    }
                }
                _ => plan
                    .not_revocable
                    .push(not(input, "not found in this organization")),
            }
        }
        Ok(plan)
    }

    /// Revokes each of `ids` that belongs to the organization and is not revoked yet, all
    /// with one reason. Each revocation is audited and notified like a single one.
    pub async fn bulk_revoke(
        &self,
        actor: &Actor,
        org: OrgId,
        ids: &[AwardId],
        reason: &str,
    ) -> AppResult<BulkRevokeOutcome> {
        if reason.trim().is_empty() {
            return Err(AppError::Invalid(
                "a reason is required to revoke a credential".into(),
            ));
        }
        let inputs: Vec<String> = ids.iter().map(AwardId::to_string).collect();
        let plan = self.plan_bulk_revoke(org, &inputs).await?;
        let mut outcome = BulkRevokeOutcome {
            revoked: Vec::with_capacity(plan.revocable.len()),
            not_revoked: plan.not_revocable,
        };
        for award in plan.revocable {
            match self.revoke(actor, award.id, reason).await {
                Ok(_) => outcome.revoked.push(award.id),
                // Revoked by someone else since the plan was made.
                Err(AppError::Conflict(e)) => {
                    outcome.not_revoked.push(not(&award.id.to_string(), &e));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(outcome)
    }
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
