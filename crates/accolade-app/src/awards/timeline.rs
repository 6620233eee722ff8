//! An award's history as its issuer reads it: what was done to it (the audit log), the
//! emails about it (from the outbox, with what became of them), its claim, and how it was
//! viewed and checked (analytics: single events of today, daily counts before), in time order.

use crate::{App, AppResult};
use accolade_core::Award;
use accolade_store::OutboxState;
use time::OffsetDateTime;

/// Most entries shown: the newest are kept.
const MAX_ENTRIES: usize = 300;

/// One thing that happened to an award.
#[derive(Debug, Clone, PartialEq)]
pub enum TimelineWhat {
    /// An action from the audit log (`award.issue`, `award.revoke`, …), by whom.
    Action {
        action: String,
        actor: String,
        detail: String,
    },
    /// An email about the award (`badge_issued`, `revocation`, …) and its delivery.
    Email {
        template: String,
        to: String,
        state: OutboxState,
        error: Option<String>,
    },
    /// The earner claimed the badge into their account.
    Claimed,
    /// Analytics events of one kind (`view`, `verification`, `share`, …): one event, or a
    /// day's count once rolled up.
    Events {
        kind: String,
        channel: String,
        count: i64,
        /// A day's count (its time is the start of the day) rather than a single event.
        daily: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub at: OffsetDateTime,
    pub what: TimelineWhat,
}

impl App {
    /// The award's history, oldest first: issue and status changes, emails, the claim,
    /// views and verifications.
    pub async fn award_timeline(&self, award: &Award) -> AppResult<Vec<TimelineEntry>> {
        let mut entries = Vec::new();
        for e in self.award_history(award).await? {
            entries.push(TimelineEntry {
                at: e.at,
                what: TimelineWhat::Action {
                    action: e.action,
                    actor: e.actor.label,
                    detail: e.detail,
                },
            });
        }
        for m in self.store.award_outbox(award.id).await? {
            entries.push(TimelineEntry {
                at: m.sent_at.unwrap_or(m.created_at),
                what: TimelineWhat::Email {
                    template: m.template,
                    to: m.to.as_str().to_owned(),
                    state: m.state,
                    error: m.last_error,
                },
            });
        }
        for t in self.store.claim_tokens_of(award.id).await? {
            if let Some(at) = t.used_at {
                entries.push(TimelineEntry {
                    at,
                    what: TimelineWhat::Claimed,
                });
            }
        }
        for d in self.store.daily_event_counts(award.id).await? {
            let Some(at) = OffsetDateTime::UNIX_EPOCH.checked_add(time::Duration::days(d.day))
            else {
                continue;
            };
            entries.push(TimelineEntry {
                at,
                what: TimelineWhat::Events {
                    kind: d.kind,
                    channel: d.channel,
                    count: d.events,
                    daily: true,
                },
            });
        }
        for e in self.store.award_events(award.id).await? {
            entries.push(TimelineEntry {
                at: e.at,
                what: TimelineWhat::Events {
                    kind: e.kind,
                    channel: e.channel,
                    count: 1,
                    daily: false,
                },
            });
        }
        // Stable: entries of the same instant keep the order above (an issue before its email).
        entries.sort_by_key(|e| e.at);
        let extra = entries.len().saturating_sub(MAX_ENTRIES);
        entries.drain(..extra);
        Ok(entries)
    }
}
