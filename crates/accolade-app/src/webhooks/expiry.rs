//! `award.expired`: an award expires by reaching its `validUntil`, with no write of its own,
//! so the hourly expiry scan looks for awards that expired lately. Each event carries a
//! dedupe key per award, so a scan that sees an award again (the window spans two days, to
//! outlast a stopped server) stores no second delivery.

use super::{EventType, WebhookEvent};
use crate::{App, AppResult};
use accolade_core::OrgId;
use serde_json::Value;
use std::collections::BTreeMap;
use time::Duration;

/// How far back a scan looks for expired awards.
pub const EXPIRY_WINDOW: Duration = Duration::days(2);
/// Awards read per query.
const BATCH: i64 = 500;

impl App {
    /// Queues `award.expired` for every active award whose expiry passed in the last
    /// [`EXPIRY_WINDOW`], once per award and endpoint. Returns the deliveries stored.
    pub async fn emit_expired_awards(&self) -> AppResult<u64> {
        let now = self.now();
        let mut from = now - EXPIRY_WINDOW;
        let mut after = None;
        let mut stored = 0;
        loop {
            let awards = self
                .store
                .awards_expired_between(from, after, now, BATCH)
                .await?;
            let Some(last) = awards.last() else {
                return Ok(stored);
            };
            let full = awards.len() as i64 == BATCH;
            // Keyset paging: a bulk issue gives thousands of awards the same expiry instant.
            (from, after) = (last.valid_until.unwrap_or(now), Some(last.id));
            let mut by_org: BTreeMap<OrgId, Vec<WebhookEvent>> = BTreeMap::new();
            for award in &awards {
                let mut event = self.award_event(EventType::AwardExpired, award);
                if let Some(data) = event.data.as_object_mut() {
                    data.insert("status".into(), Value::from("expired"));
                }
                event.dedupe_key = Some(format!("award.expired:{}", award.id));
                by_org.entry(award.org_id).or_default().push(event);
            }
            for (org, events) in by_org {
                stored += self.emit_webhooks(org, &events).await?;
            }
            if !full {
                return Ok(stored);
            }
        }
    }
}
