//! The mail outbox: every email Accolade writes, with what became of it. A message and the
//! job that sends it are stored together, so a queued message always gets its delivery
//! attempts and an email is never sent without a record admins can read.

use crate::jobs::{Enqueued, NewJob};
use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::{AwardId, Email, OrgId, OutboxId};
use time::OffsetDateTime;

/// What became of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxState {
    /// Waiting to be sent, or to be retried after a failed attempt.
    Queued,
    Sent,
    /// Not sent because no SMTP server is configured; kept for admins to read.
    Unsent,
    /// Delivery given up after repeated failures.
    Failed,
}

impl OutboxState {
    pub const ALL: [OutboxState; 4] = [
        OutboxState::Queued,
        OutboxState::Sent,
        OutboxState::Unsent,
        OutboxState::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sent => "sent",
            OutboxState::Unsent => "unsent",
            OutboxState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// One email, as written and as delivered (or not).
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMessage {
    pub id: OutboxId,
    /// The organization the message is about; `None` for account mail (password resets),
    /// which only the operator sees.
    pub org_id: Option<OrgId>,
    pub award_id: Option<AwardId>,
    /// Which message this is (`badge_issued`, `revocation`, …).
    pub template: String,
    pub to: Email,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub state: OutboxState,
    /// Delivery attempts so far.
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

/// A message to store and the job that will send it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedEmail {
    pub message: OutboxMessage,
    pub job: NewJob,
}

/// What a delivery attempt (or the lack of a mail server) did to a message.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxUpdate<'a> {
    pub state: OutboxState,
    pub last_error: Option<&'a str>,
    /// Whether this was a delivery attempt (counted in `attempts`).
    pub attempted: bool,
    pub at: OffsetDateTime,
}

impl Store {
    /// Stores the messages and their jobs in one transaction. A message whose job's
    /// idempotency key is already taken is skipped (`Enqueued::Existing`): enqueuing the
    /// same notification twice sends it once. For one award as for a bulk issue.
    pub async fn enqueue_emails(
        &self,
        emails: &[QueuedEmail],
    ) -> Result<Vec<Enqueued>, StoreError> {
        on_backend!(self.enqueue_emails(emails))
    }

    /// The messages about one award, oldest first (at most 200).
    pub async fn award_outbox(&self, award: AwardId) -> Result<Vec<OutboxMessage>, StoreError> {
        on_backend!(self.award_outbox(award))
    }

    pub async fn outbox_message(&self, id: OutboxId) -> Result<Option<OutboxMessage>, StoreError> {
        on_backend!(self.outbox_message(id))
    }

    /// Messages, newest first: one organization's, or every organization's for `None`.
    pub async fn outbox(
        &self,
        org: Option<OrgId>,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        on_backend!(self.outbox(org, limit))
    }

    /// Records what became of a message. `false` if there is no such message.
    pub async fn update_outbox(
        &self,
        id: OutboxId,
        update: &OutboxUpdate<'_>,
    ) -> Result<bool, StoreError> {
        on_backend!(self.update_outbox(id, update))
    }

    /// How many messages are in each state (every state, zeros included).
    pub async fn outbox_counts(&self) -> Result<Vec<(OutboxState, i64)>, StoreError> {
        on_backend!(self.outbox_counts())
    }
}
