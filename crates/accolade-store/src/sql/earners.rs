//! The earner's side: claim tokens (hashes only), which account owns an award and who may see
//! it, an account's extra email addresses, collections (in `earners/collections.rs`) and
//! portfolio handles. The [`Store`] methods are here too, next to their statements.

mod collections;

use super::Backend;
use super::audit::insert_audits_on;
use super::awards::{AWARD_COLUMNS, SUMMARY_COLUMNS, award_from_row, summary_from_row};
use super::codec::{RowReader, micros, opt_micros};
use super::outbox::enqueue_emails_on;
use super::params::Params;
use crate::error::{UniqueKey, insert_error};
use crate::jobs::Enqueued;
use crate::outbox::QueuedEmail;
use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::{
    AuditEvent, Award, AwardId, AwardSummary, ClaimToken, Collection, CollectionId, EarnerEmail,
    Email, Handle, Ownership, UserId, Visibility,
};
use sqlx::{ColumnIndex, Decode, Encode, IntoArguments, Type};
use time::OffsetDateTime;

/// Claim tokens per multi-row insert (4 parameters each).
const TOKENS_PER_INSERT: usize = 500;

/// A claim token by its hash (the link in a badge email).
pub(super) const CLAIM_TOKEN: &str =
    "SELECT token_hash, award_id, created_at, expires_at, used_at, used_by
     FROM claim_tokens WHERE token_hash = $1";

const HANDLE: UniqueKey = UniqueKey {
    what: "handle",
    index: "handles_handle_uq",
    sqlite_columns: "handles.handle",
};

const VERIFIED_EMAIL: UniqueKey = UniqueKey {
    what: "email",
    index: "earner_emails_verified_uq",
    sqlite_columns: "earner_emails.email",
};

/// What a claim did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The award is now the user's; the token is used up.
    Claimed(AwardId),
    /// The award was already this user's.
    AlreadyYours(AwardId),
    /// Another account owns the award.
    OwnedByOther(AwardId),
    /// The token was used before (and the award is not this user's).
    Used(AwardId),
    Expired(AwardId),
    Unknown,
}

/// Stores claim tokens on `conn`, in multi-row statements: call it inside the transaction
/// that queues their emails (a bulk issue's chunk).
pub(super) async fn insert_claim_tokens_on<DB>(
    conn: &mut DB::Connection,
    tokens: &[ClaimToken],
) -> Result<(), StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
{
    for part in tokens.chunks(TOKENS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO claim_tokens (token_hash, award_id, created_at, expires_at) VALUES {}",
            Params::new::<DB>().tuples(part.len(), 4)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for t in part {
            q = q
                .bind(t.token_hash.clone())
                .bind(t.award_id.to_string())
                .bind(micros(t.created_at)?)
                .bind(micros(t.expires_at)?);
        }
        q.execute(&mut *conn)
            .await
            .map_err(|e| insert_error(e, &[]))?;
    }
    Ok(())
}

fn token_from_row<DB>(row: &DB::Row) -> Result<ClaimToken, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "claim_tokens");
    Ok(ClaimToken {
        token_hash: r.text("token_hash")?,
        award_id: r.parsed("award_id")?,
        created_at: r.time("created_at")?,
        expires_at: r.time("expires_at")?,
        used_at: r.opt_time("used_at")?,
        used_by: r.opt_parsed("used_by")?,
    })
}

fn visibility(s: &str) -> Result<Visibility, String> {
    Visibility::parse(s).ok_or_else(|| format!("unknown visibility {s:?}"))
}

fn ownership_from_row<DB>(row: &DB::Row) -> Result<Ownership, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "backpack");
    Ok(Ownership {
        award_id: r.parsed("b_award_id")?,
        user_id: r.parsed("b_user_id")?,
        visibility: r.text_with("b_visibility", visibility)?,
        claimed_at: r.time("b_claimed_at")?,
    })
}

fn email_from_row<DB>(row: &DB::Row) -> Result<EarnerEmail, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "earner_emails");
    Ok(EarnerEmail {
        user_id: r.parsed("user_id")?,
        email: r.text_with("email", Email::parse)?,
        token_hash: r.opt_text("token_hash")?,
        token_expires_at: r.opt_time("token_expires_at")?,
        verified_at: r.opt_time("verified_at")?,
        created_at: r.time("created_at")?,
    })
}

const EMAIL_COLUMNS: &str = "user_id, email, token_hash, token_expires_at, verified_at, created_at";
const OWNERSHIP_COLUMNS: &str = "b.award_id AS b_award_id, b.user_id AS b_user_id, \
     b.visibility AS b_visibility, b.claimed_at AS b_claimed_at";

sql_impl! {
    pub async fn add_claim_token(
        &self,
        token: &ClaimToken,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        insert_claim_tokens_on::<DB>(&mut tx, std::slice::from_ref(token)).await?;
        insert_audits_on::<DB>(&mut tx, std::slice::from_ref(audit)).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn enqueue_badge_emails(
        &self,
        emails: &[QueuedEmail],
        claims: &[ClaimToken],
    ) -> Result<Vec<Enqueued>, StoreError> {
        let mut tx = self.begin_write().await?;
        let results = enqueue_emails_on::<DB>(&mut tx, emails).await?;
        let fresh: Vec<ClaimToken> = emails
            .iter()
            .zip(&results)
            .filter(|(_, r)| matches!(r, Enqueued::New(_)))
            .filter_map(|(e, _)| e.message.award_id)
            .flat_map(|award| claims.iter().filter(move |c| c.award_id == award).cloned())
            .collect();
        insert_claim_tokens_on::<DB>(&mut tx, &fresh).await?;
        tx.commit().await?;
        Ok(results)
    }

    pub async fn claim_token(&self, token_hash: &str) -> Result<Option<ClaimToken>, StoreError> {
        let row = sqlx::query(CLAIM_TOKEN)
        .bind(token_hash.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(token_from_row::<DB>).transpose()
    }

    pub async fn claim_tokens_of(&self, award: AwardId) -> Result<Vec<ClaimToken>, StoreError> {
        let rows = sqlx::query(
            "SELECT token_hash, award_id, created_at, expires_at, used_at, used_by
             FROM claim_tokens WHERE award_id = $1 ORDER BY created_at, token_hash",
        )
        .bind(award.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token_from_row::<DB>).collect()
    }

    pub async fn claim_with_token(
        &self,
        token_hash: &str,
        user: UserId,
        visibility: Visibility,
        now: OffsetDateTime,
    ) -> Result<ClaimOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        let used = sqlx::query(
            "UPDATE claim_tokens SET used_at = $2, used_by = $3
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
             RETURNING award_id",
        )
        .bind(token_hash.to_owned())
        .bind(micros(now)?)
        .bind(user.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = used {
            let award: AwardId = RowReader::new(&row, "claim_tokens").parsed("award_id")?;
            let owned = sqlx::query(
                "INSERT INTO backpack (award_id, user_id, visibility, claimed_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (award_id) DO NOTHING
                 RETURNING award_id",
            )
            .bind(award.to_string())
            .bind(user.to_string())
            .bind(visibility.as_str().to_owned())
            .bind(micros(now)?)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| insert_error(e, &[]))?;
            if owned.is_some() {
                tx.commit().await?;
                return Ok(ClaimOutcome::Claimed(award));
            }
            tx.rollback().await?;
            return Ok(match self.owner_of(award).await? {
                Some(o) if o.user_id == user => ClaimOutcome::AlreadyYours(award),
                _ => ClaimOutcome::OwnedByOther(award),
            });
        }
        tx.rollback().await?;
        let Some(token) = self.claim_token(token_hash).await? else {
            return Ok(ClaimOutcome::Unknown);
        };
        let award = token.award_id;
        Ok(match self.owner_of(award).await? {
            Some(o) if o.user_id == user => ClaimOutcome::AlreadyYours(award),
            _ if token.used_at.is_some() => ClaimOutcome::Used(award),
            _ => ClaimOutcome::Expired(award),
        })
    }

    /// `false` if the award already has an owner.
    pub async fn add_to_backpack(&self, o: &Ownership) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO backpack (award_id, user_id, visibility, claimed_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (award_id) DO NOTHING
             RETURNING award_id",
        )
        .bind(o.award_id.to_string())
        .bind(o.user_id.to_string())
        .bind(o.visibility.as_str().to_owned())
        .bind(micros(o.claimed_at)?)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(done.is_some())
    }

    pub async fn owner_of(&self, award: AwardId) -> Result<Option<Ownership>, StoreError> {
        let sql = format!("SELECT {OWNERSHIP_COLUMNS} FROM backpack b WHERE b.award_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(award.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(ownership_from_row::<DB>).transpose()
    }

    pub async fn backpack_of(&self, user: UserId) -> Result<Vec<(Ownership, Award)>, StoreError> {
        let columns = AWARD_COLUMNS
            .split(", ")
            .map(|c| format!("a.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {OWNERSHIP_COLUMNS}, {columns} FROM backpack b
             JOIN awards a ON a.id = b.award_id
             WHERE b.user_id = $1 ORDER BY a.issued_at DESC, a.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((ownership_from_row::<DB>(r)?, award_from_row::<DB>(r)?)))
            .collect()
    }

    /// `false` if the award is not the user's.
    pub async fn set_badge_visibility(
        &self,
        user: UserId,
        award: AwardId,
        visibility: Visibility,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE backpack SET visibility = $3 WHERE user_id = $1 AND award_id = $2
             RETURNING award_id",
        )
        .bind(user.to_string())
        .bind(award.to_string())
        .bind(visibility.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await?;
        Ok(done.is_some())
    }

    /// Awards sent to the user's verified addresses that nobody owns yet, newest first.
    pub async fn waiting_awards(&self, user: UserId) -> Result<Vec<AwardSummary>, StoreError> {
        let columns = SUMMARY_COLUMNS
            .split(", ")
            .map(|c| format!("a.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns} FROM awards a
             JOIN earner_emails e ON e.email = a.recipient_email
             WHERE e.user_id = $1 AND e.verified_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM backpack b WHERE b.award_id = a.id)
             ORDER BY a.issued_at DESC, a.id LIMIT 500"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary_from_row::<DB>).collect()
    }

    /// Adds an address to verify, or renews its pending link. A verified address stays
    /// verified (its row is left as it is; `false`).
    pub async fn upsert_earner_email(&self, e: &EarnerEmail) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO earner_emails (user_id, email, token_hash, token_expires_at,
                 verified_at, created_at)
             VALUES ($1, $2, $3, $4, NULL, $5)
             ON CONFLICT (user_id, email) DO UPDATE SET token_hash = $3, token_expires_at = $4
                 WHERE earner_emails.verified_at IS NULL
             RETURNING email",
        )
        .bind(e.user_id.to_string())
        .bind(e.email.as_str().to_owned())
        .bind(e.token_hash.clone())
        .bind(opt_micros(e.token_expires_at)?)
        .bind(micros(e.created_at)?)
        .fetch_optional(&self.pool)
        .await
        .map_err(|err| insert_error(err, &[]))?;
        Ok(done.is_some())
    }

    /// Marks the address of an unexpired pending link verified; `None` for an unknown or
    /// expired link. An address verified by another account meanwhile is a `Conflict`.
    pub async fn verify_earner_email(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<EarnerEmail>, StoreError> {
        let sql = format!(
            "UPDATE earner_emails SET verified_at = $2, token_hash = NULL,
                 token_expires_at = NULL
             WHERE token_hash = $1 AND token_expires_at > $2 AND verified_at IS NULL
             RETURNING {EMAIL_COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash.to_owned())
            .bind(micros(now)?)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| insert_error(e, &[VERIFIED_EMAIL]))?;
        row.as_ref().map(email_from_row::<DB>).transpose()
    }

    /// Records an address as verified for the user (a claim link proved it); `false` when
    /// another account has it verified already.
    pub async fn mark_email_verified(
        &self,
        user: UserId,
        email: &Email,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO earner_emails (user_id, email, token_hash, token_expires_at,
                 verified_at, created_at)
             VALUES ($1, $2, NULL, NULL, $3, $3)
             ON CONFLICT (user_id, email) DO UPDATE SET verified_at = $3, token_hash = NULL,
                 token_expires_at = NULL
                 WHERE earner_emails.verified_at IS NULL
             RETURNING email",
        )
        .bind(user.to_string())
        .bind(email.as_str().to_owned())
        .bind(micros(now)?)
        .fetch_optional(&self.pool)
        .await;
        match done.map_err(|e| insert_error(e, &[VERIFIED_EMAIL])) {
            Ok(row) => Ok(row.is_some()),
            Err(StoreError::Conflict { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub async fn earner_emails(&self, user: UserId) -> Result<Vec<EarnerEmail>, StoreError> {
        let sql = format!(
            "SELECT {EMAIL_COLUMNS} FROM earner_emails WHERE user_id = $1 ORDER BY email"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(email_from_row::<DB>).collect()
    }

    pub async fn delete_earner_email(
        &self,
        user: UserId,
        email: &Email,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM earner_emails WHERE user_id = $1 AND email = $2 RETURNING email",
        )
        .bind(user.to_string())
        .bind(email.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await?;
        Ok(done.is_some())
    }

    /// Sets or changes the user's handle; a handle taken by someone else is
    /// `Conflict { what: "handle" }`.
    pub async fn set_handle(
        &self,
        user: UserId,
        handle: &Handle,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO handles (user_id, handle, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO UPDATE SET handle = $2, updated_at = $3",
        )
        .bind(user.to_string())
        .bind(handle.as_str().to_owned())
        .bind(micros(now)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[HANDLE]))?;
        Ok(())
    }

    pub async fn handle_of(&self, user: UserId) -> Result<Option<Handle>, StoreError> {
        let row = sqlx::query("SELECT handle FROM handles WHERE user_id = $1")
            .bind(user.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(|r| RowReader::new(r, "handles").text_with("handle", Handle::parse))
            .transpose()
    }

    pub async fn user_by_handle(&self, handle: &Handle) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query("SELECT user_id FROM handles WHERE handle = $1")
            .bind(handle.as_str().to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(|r| RowReader::new(r, "handles").parsed("user_id"))
            .transpose()
    }
}

impl Store {
    /// Stores one more claim link for an award (a link the issuer hands over themselves)
    /// with its audit entry, in one transaction.
    pub async fn add_claim_token(
        &self,
        token: &ClaimToken,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        on_backend!(self.add_claim_token(token, audit))
    }

    /// Queues badge emails with their claim tokens in one transaction; a token is stored
    /// only with a new email of its award (an email queued before is skipped, and so is its
    /// token).
    pub async fn enqueue_badge_emails(
        &self,
        emails: &[QueuedEmail],
        claims: &[ClaimToken],
    ) -> Result<Vec<Enqueued>, StoreError> {
        on_backend!(self.enqueue_badge_emails(emails, claims))
    }

    pub async fn claim_token(&self, token_hash: &str) -> Result<Option<ClaimToken>, StoreError> {
        on_backend!(self.claim_token(token_hash))
    }

    /// Every claim token of an award, oldest first.
    pub async fn claim_tokens_of(&self, award: AwardId) -> Result<Vec<ClaimToken>, StoreError> {
        on_backend!(self.claim_tokens_of(award))
    }

    /// Uses an unused, unexpired token to make its award the user's, in one transaction:
    /// at most one account ever owns an award, and a token makes an owner once.
    pub async fn claim_with_token(
        &self,
        token_hash: &str,
        user: UserId,
        visibility: Visibility,
        now: OffsetDateTime,
    ) -> Result<ClaimOutcome, StoreError> {
        on_backend!(self.claim_with_token(token_hash, user, visibility, now))
    }

    /// `false` if the award already has an owner.
    pub async fn add_to_backpack(&self, ownership: &Ownership) -> Result<bool, StoreError> {
        on_backend!(self.add_to_backpack(ownership))
    }

    pub async fn owner_of(&self, award: AwardId) -> Result<Option<Ownership>, StoreError> {
        on_backend!(self.owner_of(award))
    }

    /// The user's awards with their ownership, newest issue first.
    pub async fn backpack_of(&self, user: UserId) -> Result<Vec<(Ownership, Award)>, StoreError> {
        on_backend!(self.backpack_of(user))
    }

    /// `false` if the award is not the user's.
    pub async fn set_badge_visibility(
        &self,
        user: UserId,
        award: AwardId,
        visibility: Visibility,
    ) -> Result<bool, StoreError> {
        on_backend!(self.set_badge_visibility(user, award, visibility))
    }

    /// Awards sent to the user's verified addresses that nobody owns yet (500 at most).
    pub async fn waiting_awards(&self, user: UserId) -> Result<Vec<AwardSummary>, StoreError> {
        on_backend!(self.waiting_awards(user))
    }

    /// Adds an address with a pending verification link, or renews the link; `false` (and
    /// nothing changes) when the account has it verified already.
    pub async fn upsert_earner_email(&self, email: &EarnerEmail) -> Result<bool, StoreError> {
        on_backend!(self.upsert_earner_email(email))
    }

    /// Verifies the address of an unexpired pending link (once); `None` for an unknown or
    /// expired link; `Conflict { what: "email" }` if another account verified it first.
    pub async fn verify_earner_email(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<EarnerEmail>, StoreError> {
        on_backend!(self.verify_earner_email(token_hash, now))
    }

    /// Records an address verified for the user; `false` if it already was, or another
    /// account has it.
    pub async fn mark_email_verified(
        &self,
        user: UserId,
        email: &Email,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        on_backend!(self.mark_email_verified(user, email, now))
    }

    /// The user's extra addresses, verified or pending, by address.
    pub async fn earner_emails(&self, user: UserId) -> Result<Vec<EarnerEmail>, StoreError> {
        on_backend!(self.earner_emails(user))
    }

    pub async fn delete_earner_email(
        &self,
        user: UserId,
        email: &Email,
    ) -> Result<bool, StoreError> {
        on_backend!(self.delete_earner_email(user, email))
    }

    pub async fn set_handle(
        &self,
        user: UserId,
        handle: &Handle,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        on_backend!(self.set_handle(user, handle, now))
    }

    pub async fn handle_of(&self, user: UserId) -> Result<Option<Handle>, StoreError> {
        on_backend!(self.handle_of(user))
    }

    pub async fn user_by_handle(&self, handle: &Handle) -> Result<Option<UserId>, StoreError> {
        on_backend!(self.user_by_handle(handle))
    }

    // Collections.

    pub async fn insert_collection(&self, c: &Collection) -> Result<(), StoreError> {
        on_backend!(self.insert_collection(c))
    }

    /// The user's collections with their badges, in order.
    pub async fn collections_of(&self, user: UserId) -> Result<Vec<Collection>, StoreError> {
        on_backend!(self.collections_of(user))
    }

    /// Writes the name, visibility and position; `false` if it is not the user's.
    pub async fn update_collection(&self, c: &Collection) -> Result<bool, StoreError> {
        on_backend!(self.update_collection(c))
    }

    pub async fn delete_collection(
        &self,
        user: UserId,
        id: CollectionId,
    ) -> Result<bool, StoreError> {
        on_backend!(self.delete_collection(user, id))
    }

    /// Replaces the collection's badges with `awards`, in that order.
    pub async fn set_collection_items(
        &self,
        id: CollectionId,
        awards: &[AwardId],
    ) -> Result<(), StoreError> {
        on_backend!(self.set_collection_items(id, awards))
    }
}
