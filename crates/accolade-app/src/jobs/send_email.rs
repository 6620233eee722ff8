//! The `SendEmail` job: one outbox message through SMTP, its fate written back to the outbox.

use super::JobFailure;
use crate::App;
use crate::mail::SendError;
use accolade_core::OutboxId;
use accolade_store::{OutboxMessage, OutboxState, OutboxUpdate};
use lettre::message::{Mailbox, MultiPart};

impl App {
    /// Sends the message unless it already went out. Without SMTP it is marked unsent and the
    /// job is done (admins read it in the outbox); a transient failure is retried, marking
    /// the message failed on the `last_attempt`.
    pub(super) async fn send_email(
        &self,
        id: OutboxId,
        last_attempt: bool,
    ) -> Result<(), JobFailure> {
        let message = self
            .store
            .outbox_message(id)
            .await
            .map_err(|e| JobFailure::Retry(e.to_string()))?
            .ok_or_else(|| JobFailure::GiveUp(format!("outbox message {id} does not exist")))?;
        if message.state == OutboxState::Sent {
            return Ok(()); // a re-run of a job whose worker died after sending
        }
        let outcome = match self.build_message(&message) {
            Ok(email) => self.mailer.send(email).await,
            Err(e) => Err(e),
        };
        let (state, error, attempted, result) = match outcome {
            Ok(()) => (OutboxState::Sent, None, true, Ok(())),
            Err(SendError::NotConfigured) => (
                OutboxState::Unsent,
                Some(SendError::NotConfigured.to_string()),
                false,
                Ok(()),
            ),
            Err(SendError::Transient(e)) => {
                let state = if last_attempt {
                    OutboxState::Failed
                } else {
                    OutboxState::Queued
                };
                let outcome = if last_attempt { "gave_up" } else { "retry" };
                self.metrics.mail_failures.inc(&[outcome]);
                tracing::warn!(outbox = %id, outcome, error = %e, "sending an email failed");
                (state, Some(e.clone()), true, Err(JobFailure::Retry(e)))
            }
            Err(SendError::Permanent(e)) => {
                self.metrics.mail_failures.inc(&["gave_up"]);
                tracing::warn!(outbox = %id, outcome = "gave_up", error = %e, "sending an email failed for good");
                (
                    OutboxState::Failed,
                    Some(e.clone()),
                    true,
                    Err(JobFailure::GiveUp(e)),
                )
            }
        };
        let update = OutboxUpdate {
            state,
            last_error: error.as_deref(),
            attempted,
            at: self.clock.now(),
        };
        self.store
            .update_outbox(id, &update)
            .await
            .map_err(|e| JobFailure::Retry(e.to_string()))?;
        result
    }

    fn build_message(&self, message: &OutboxMessage) -> Result<lettre::Message, SendError> {
        if !self.mailer.is_configured() {
            return Err(SendError::NotConfigured);
        }
        let from = self.mailer.from().ok_or_else(|| {
            SendError::Permanent("no valid sender address: set ACCOLADE_MAIL_FROM".into())
        })?;
        let to: Mailbox = message
            .to
            .as_str()
            .parse()
            .map_err(|e| SendError::Permanent(format!("recipient {}: {e}", message.to)))?;
        lettre::Message::builder()
            .from(from.clone())
            .to(to)
            .subject(message.subject.clone())
            .date(self.clock.now().into())
            .message_id(Some(format!("<{}@{}>", message.id, from.email.domain())))
            .multipart(MultiPart::alternative_plain_html(
                message.body_text.clone(),
                message.body_html.clone(),
            ))
            .map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))
    }
}
