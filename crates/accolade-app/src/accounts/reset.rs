//! Password reset by email: a single-use link valid for [`RESET_LIFETIME`], sent only to
//! existing accounts but answered identically for any address, and throttled per address.

use super::{RESET_LIFETIME, THROTTLE_WINDOW, secrets};
use crate::{App, AppError, AppResult};
use accolade_core::{Email, User};

/// Reset emails sent per address in [`THROTTLE_WINDOW`]; further requests send nothing.
pub const MAX_RESETS_PER_ACCOUNT: i64 = 3;

impl App {
    /// Starts a password reset: for an existing account, stores a token and queues the email
    /// with its link. Always succeeds with no sign of whether the account exists; returns the
    /// user and token when an email was queued (for tests and the command line).
    pub async fn request_password_reset(&self, email: &str) -> AppResult<Option<(User, String)>> {
        let Ok(email) = Email::parse(email) else {
            return Ok(None);
        };
        let now = self.now();
        let window = now - THROTTLE_WINDOW;
        let key = format!("reset:{}", email.as_str());
        if self.store.signin_failures(&key, window).await? >= MAX_RESETS_PER_ACCOUNT {
            return Ok(None);
        }
        let Some(user) = self.store.user_by_email(&email).await? else {
            return Ok(None);
        };
        self.store.record_signin_failure(&key, now, window).await?;
        let token = crate::tokens::new_token()?;
        let token_hash = crate::tokens::token_hash(&token);
        self.store
            .insert_password_reset(&token_hash, user.id, now + RESET_LIFETIME)
            .await?;
        let mail = self.password_reset_email(&user, &token, &token_hash)?;
        self.queue_emails(std::slice::from_ref(&mail)).await?;
        Ok(Some((user, token)))
    }

    /// Sets a new password with a reset token (once), and signs the user out everywhere.
    pub async fn reset_password(&self, token: &str, new_password: &str) -> AppResult<()> {
        secrets::check_password_rules(new_password)?;
        let user = self
            .store
            .use_password_reset(&crate::tokens::token_hash(token), self.now())
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "This reset link does not work any more: it was already used or it expired. Ask for a new one.",
                )
            })?;
        let hash = self.passwords.hash(new_password).await?;
        self.store.set_password_hash(user, &hash).await?;
        self.store.delete_sessions_of(user).await?;
        Ok(())
    }
}
