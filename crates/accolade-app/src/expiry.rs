//! Expiry reminders. An award's `validUntil` is fixed by its achievement's policy when it is
//! issued; each organization chooses how many days before it the earner is reminded
//! (30 and 7 unless changed). A scan, run by the job worker every hour, queues each reminder
//! once: a row per (award, offset) is inserted with the email in one transaction, so two
//! scans at once (two workers) cannot both send it. Revoked, suspended and expired awards
//! get none.

use crate::jobs::JobKind;
use crate::{App, AppError, AppResult};
use accolade_core::{Achievement, AchievementId, Actor, OrgId};
use accolade_store::Enqueued;
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};

/// Days before expiry, largest first, for an organization that has not chosen.
pub const DEFAULT_REMINDER_OFFSETS: [u32; 2] = [30, 7];
/// At most this many reminders per award.
pub const MAX_REMINDER_OFFSETS: usize = 5;
/// The longest offset: a year.
pub const MAX_REMINDER_DAYS: u32 = 365;
/// Candidates read per query.
const BATCH: i64 = 200;
/// Reminders one scan queues at most; the next scan continues.
const MAX_PER_SCAN: usize = 5000;

/// What one scan did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReminderSummary {
    /// Reminders queued by this scan.
    pub queued: usize,
    /// Reminders another scan had queued first.
    pub already_sent: usize,
    /// Reminders that could not be written (logged; retried by the next scan).
    pub failed: usize,
}

/// Parses offsets typed as `30, 7` (commas or spaces): whole days from 1 to 365, at most
/// five; an empty text turns reminders off. Returned largest first, without repeats.
pub fn parse_reminder_offsets(text: &str) -> AppResult<Vec<u32>> {
    let mut offsets = Vec::new();
    for part in text.split([',', ' ', ';']).filter(|p| !p.trim().is_empty()) {
        let days: u32 = part.trim().parse().map_err(|_| {
            AppError::invalid_field(
                "offsets",
                format!(
                    "“{}” is not a number of days. Enter whole numbers of days, like 30, 7.",
                    part.trim().chars().take(20).collect::<String>()
                ),
            )
        })?;
        if !(1..=MAX_REMINDER_DAYS).contains(&days) {
            return Err(AppError::invalid_field(
                "offsets",
                format!(
                    "Reminders can be sent 1 to {MAX_REMINDER_DAYS} days before expiry, not {days}."
                ),
            ));
        }
        if !offsets.contains(&days) {
            offsets.push(days);
        }
    }
    if offsets.len() > MAX_REMINDER_OFFSETS {
        return Err(AppError::invalid_field(
            "offsets",
            format!("A badge can have at most {MAX_REMINDER_OFFSETS} reminders."),
        ));
    }
    offsets.sort_unstable_by(|a, b| b.cmp(a));
    Ok(offsets)
}

fn days(n: u32) -> Duration {
    Duration::days(i64::from(n))
}

impl App {
    /// The organization's reminder offsets in days, largest first.
    pub async fn reminder_offsets(&self, org: OrgId) -> AppResult<Vec<u32>> {
        Ok(self
            .store
            .reminder_offsets(org)
            .await?
            .unwrap_or_else(|| DEFAULT_REMINDER_OFFSETS.to_vec()))
    }

    /// Sets the organization's reminder offsets from text like `30, 7` (see
    /// [`parse_reminder_offsets`]). Recorded in the audit log as a setting change.
    pub async fn set_reminder_offsets(
        &self,
        actor: &Actor,
        org: OrgId,
        text: &str,
    ) -> AppResult<Vec<u32>> {
        let offsets = parse_reminder_offsets(text)?;
        let before = self.reminder_offsets(org).await?;
        self.store
            .set_reminder_offsets(org, &offsets, self.now())
            .await?;
        let show = |o: &[u32]| {
            if o.is_empty() {
                "none".to_owned()
            } else {
                o.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
            }
        };
        let detail = format!("days before expiry: {} → {}", show(&before), show(&offsets));
        self.audit(
            org,
            actor,
            "settings.expiry_reminders",
            "expiry reminders",
            &detail,
        )
        .await?;
        Ok(offsets)
    }

    /// Queues the expiry reminders that are due, in every organization. Each offset has a
    /// window (between it and the next smaller offset), so an award gets the reminder of the
    /// window it is in, once; an award issued inside a window gets none for it.
    pub async fn send_expiry_reminders(&self) -> AppResult<ReminderSummary> {
        let mut summary = ReminderSummary::default();
        for org in self.store.orgs().await? {
            let mut offsets = self.reminder_offsets(org.id).await?;
            offsets.sort_unstable();
            let mut achievements: HashMap<AchievementId, Achievement> = HashMap::new();
            let mut inner = 0;
            for offset in offsets {
                let now = self.now();
                let from = now + days(inner);
                let until = now + days(offset);
                inner = offset;
                loop {
                    if summary.queued >= MAX_PER_SCAN {
                        return Ok(summary);
                    }
                    let batch = self
                        .store
                        .reminder_candidates(org.id, from, until, offset, BATCH)
                        .await?;
                    let mut progress = false;
                    for award in &batch {
                        let Some(expires_at) = award.valid_until else {
                            continue;
                        };
                        if !achievements.contains_key(&award.achievement_id) {
                            let a = self.achievement(award.achievement_id).await?;
                            achievements.insert(a.id, a);
                        }
                        let Some(achievement) = achievements.get(&award.achievement_id) else {
                            continue;
                        };
                        let recorded = match self.expiry_reminder_email(
                            &org,
                            achievement,
                            award,
                            offset,
                            expires_at,
                        ) {
                            Ok(email) => {
                                self.store
                                    .record_expiry_reminder(award.id, offset, self.now(), &email)
                                    .await
                            }
                            Err(e) => {
                                tracing::error!(award = %award.id, error = %crate::Chain(&e), "could not write an expiry reminder");
                                summary.failed += 1;
                                continue;
                            }
                        };
                        match recorded {
                            Ok(true) => {
                                summary.queued += 1;
                                progress = true;
                            }
                            Ok(false) => {
                                summary.already_sent += 1;
                                progress = true;
                            }
                            Err(e) => {
                                tracing::error!(award = %award.id, error = %crate::Chain(&e), "could not queue an expiry reminder");
                                summary.failed += 1;
                            }
                        }
                    }
                    if (batch.len() as i64) < BATCH || !progress {
                        break;
                    }
                }
            }
        }
        Ok(summary)
    }

    /// Enqueues this hour's reminder scan, once however many workers ask (its key names the
    /// hour).
    pub async fn schedule_expiry_reminders(&self) -> AppResult<Enqueued> {
        let key = format!("expiry-reminders:{}", hour_key(self.now()));
        self.enqueue(JobKind::ExpiryReminders, Some(key)).await
    }
}

/// `2026-03-01T09`: the hour an instant falls in (UTC).
pub(crate) fn hour_key(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn offsets_parse() {
        assert_eq!(parse_reminder_offsets("7, 30").unwrap(), [30, 7]);
        assert_eq!(parse_reminder_offsets(" 30 7 7 ").unwrap(), [30, 7]);
        assert_eq!(parse_reminder_offsets("").unwrap(), Vec::<u32>::new());
        for bad in ["0", "366", "x", "1,2,3,4,5,6", "-3"] {
            assert!(parse_reminder_offsets(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hour_keys() {
        assert_eq!(
            hour_key(datetime!(2026-03-01 09:59:59 UTC)),
            "2026-03-01T09"
        );
        assert_eq!(
            hour_key(datetime!(2026-03-01 00:30 +02:00)),
            "2026-02-28T22"
        );
    }
}
