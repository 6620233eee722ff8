//! Sign-ups waiting for their address to be confirmed.

use super::codec::{RowReader, micros};
use crate::StoreError;
use crate::error::insert_error;
use time::OffsetDateTime;

/// A sign-up as it was asked for, until its link is followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignup {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    /// Where to go once signed in (a path on this site).
    pub next_path: Option<String>,
}

sql_impl! {
    /// Keeps a sign-up under its token's hash until `expires_at`; drops expired ones.
    pub async fn insert_pending_signup(
        &self,
        token_hash: &str,
        pending: &PendingSignup,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM pending_signups WHERE expires_at <= $1")
            .bind(micros(now)?)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO pending_signups (token_hash, email, name, password_hash, next_path, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash.to_owned())
        .bind(pending.email.clone())
        .bind(pending.name.clone())
        .bind(pending.password_hash.clone())
        .bind(pending.next_path.clone())
        .bind(micros(expires_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    /// Takes a pending sign-up once: `None` if the token is unknown, used or expired.
    pub async fn take_pending_signup(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<PendingSignup>, StoreError> {
        let row = sqlx::query(
            "DELETE FROM pending_signups WHERE token_hash = $1
             RETURNING email, name, password_hash, next_path, expires_at",
        )
        .bind(token_hash.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let r = RowReader::new(&row, "pending_signups");
        if r.int("expires_at")? <= micros(now)? {
            return Ok(None);
        }
        Ok(Some(PendingSignup {
            email: r.text("email")?,
            name: r.text("name")?,
            password_hash: r.text("password_hash")?,
            next_path: r.opt_text("next_path")?,
        }))
    }
}
