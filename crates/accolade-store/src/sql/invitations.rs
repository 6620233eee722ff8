//! Invitations to join an organization: stored by the hash of their token, used once.

use super::Backend;
use super::codec::{RowReader, micros, opt_micros};
use crate::StoreError;
use crate::error::insert_error;
use accolade_core::{Email, Invitation, OrgId, Role};
use sqlx::{ColumnIndex, Decode, Type};
use time::OffsetDateTime;

macro_rules! select_invitations {
    ($tail:literal) => {
        concat!(
            "SELECT token_hash, org_id, email, role, invited_by, created_at, expires_at,
                    accepted_at
             FROM invitations ",
            $tail
        )
    };
}

fn invitation_from_row<DB>(row: &DB::Row) -> Result<Invitation, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "invitations");
    Ok(Invitation {
        token_hash: r.text("token_hash")?,
        org_id: r.parsed("org_id")?,
        email: r.text_with("email", Email::parse)?,
        role: r.text_with("role", |s| {
            Role::parse(s).ok_or_else(|| format!("unknown role {s:?}"))
        })?,
        invited_by: r.parsed("invited_by")?,
        created_at: r.time("created_at")?,
        expires_at: r.time("expires_at")?,
        accepted_at: r.opt_time("accepted_at")?,
    })
}

sql_impl! {
    pub async fn insert_invitation(&self, i: &Invitation) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO invitations (token_hash, org_id, email, role, invited_by, created_at,
                 expires_at, accepted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(i.token_hash.clone())
        .bind(i.org_id.to_string())
        .bind(i.email.as_str().to_owned())
        .bind(i.role.as_str().to_owned())
        .bind(i.invited_by.to_string())
        .bind(micros(i.created_at)?)
        .bind(micros(i.expires_at)?)
        .bind(opt_micros(i.accepted_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    /// Marks an unexpired, unused invitation accepted and returns it; `None` if the token is
    /// unknown, expired or already used (one use, even under concurrent attempts).
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Invitation>, StoreError> {
        let row = sqlx::query(
            "UPDATE invitations SET accepted_at = $2
             WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2
             RETURNING token_hash, org_id, email, role, invited_by, created_at, expires_at,
                 accepted_at",
        )
        .bind(token_hash.to_owned())
        .bind(micros(now)?)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(invitation_from_row::<DB>).transpose()
    }

    pub async fn invitation(&self, token_hash: &str) -> Result<Option<Invitation>, StoreError> {
        let row = sqlx::query(select_invitations!("WHERE token_hash = $1"))
            .bind(token_hash.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(invitation_from_row::<DB>).transpose()
    }

    /// An organization's invitations neither accepted nor expired at `now`, newest first.
    pub async fn pending_invitations(
        &self,
        org: OrgId,
        now: OffsetDateTime,
    ) -> Result<Vec<Invitation>, StoreError> {
        let rows = sqlx::query(select_invitations!(
            "WHERE org_id = $1 AND accepted_at IS NULL AND expires_at > $2
             ORDER BY created_at DESC, token_hash"
        ))
        .bind(org.to_string())
        .bind(micros(now)?)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(invitation_from_row::<DB>).collect()
    }

    /// Deletes an organization's unaccepted invitation; `false` if there is none.
    pub async fn delete_invitation(
        &self,
        org: OrgId,
        token_hash: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM invitations
             WHERE org_id = $1 AND token_hash = $2 AND accepted_at IS NULL
             RETURNING token_hash",
        )
        .bind(org.to_string())
        .bind(token_hash.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        Ok(done.is_some())
    }
}
