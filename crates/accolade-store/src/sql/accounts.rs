//! Users, sessions, memberships, invitations, password resets and sign-in throttling.

use super::codec::{RowReader, micros};
use crate::StoreError;
use crate::error::{UniqueKey, insert_error};
use accolade_core::{Email, Membership, OrgId, Role, SessionRecord, User, UserId};

use time::OffsetDateTime;

const EMAIL: UniqueKey = UniqueKey {
    what: "email",
    index: "users_email_uq",
    sqlite_columns: "users.email",
};
const MEMBERSHIP: UniqueKey = UniqueKey {
    what: "membership",
    index: "memberships_pkey",
    sqlite_columns: "memberships.user_id, memberships.org_id",
};

fn role_of(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("unknown role {s:?}"))
}

/// A session by its token's hash: every signed-in request.
pub(super) const SESSION: &str = "SELECT token_hash, user_id, csrf_token, created_at, expires_at \
     FROM sessions WHERE token_hash = $1";

sql_impl! {
    pub async fn insert_user(&self, u: &User) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(u.id.to_string())
            .bind(u.email.as_str().to_owned())
            .bind(u.name.clone())
            .bind(u.password_hash.clone())
            .bind(micros(u.created_at)?)
            .execute(&self.pool)
            .await
            .map_err(|e| insert_error(e, &[EMAIL]))?;
        Ok(())
    }

    async fn user_where(
        &self,
        clause: &'static str,
        value: String,
    ) -> Result<Option<User>, StoreError> {
        let sql = match clause {
            "id" => "SELECT id, email, name, password_hash, created_at FROM users WHERE id = $1",
            _ => "SELECT id, email, name, password_hash, created_at FROM users WHERE email = $1",
        };
        let row = sqlx::query(sql)
            .bind(value)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(|row| {
                let r = RowReader::new(row, "users");
                Ok(User {
                    id: r.parsed("id")?,
                    email: r.text_with("email", Email::parse)?,
                    name: r.text("name")?,
                    password_hash: r.text("password_hash")?,
                    created_at: r.time("created_at")?,
                })
            })
            .transpose()
    }

    pub async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.user_where("id", id.to_string()).await
    }

    pub async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        self.user_where("email", email.as_str().to_owned()).await
    }

    pub async fn set_password_hash(&self, id: UserId, hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING id")
            .bind(hash.to_owned())
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        Ok(done.is_some())
    }

    pub async fn insert_session(&self, s: &SessionRecord) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(s.token_hash.clone())
            .bind(s.user_id.to_string())
            .bind(s.csrf_token.clone())
            .bind(micros(s.created_at)?)
            .bind(micros(s.expires_at)?)
            .execute(&self.pool)
            .await
            .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(SESSION)
            .bind(token_hash.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(|row| {
                let r = RowReader::new(row, "sessions");
                Ok(SessionRecord {
                    token_hash: r.text("token_hash")?,
                    user_id: r.parsed("user_id")?,
                    csrf_token: r.text("csrf_token")?,
                    created_at: r.time("created_at")?,
                    expires_at: r.time("expires_at")?,
                })
            })
            .transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_sessions_of(&self, user: UserId) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn insert_membership(&self, m: &Membership) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO memberships (user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(m.user_id.to_string())
        .bind(m.org_id.to_string())
        .bind(m.role.as_str().to_owned())
        .bind(micros(m.created_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[MEMBERSHIP]))?;
        Ok(())
    }

    async fn memberships_where(
        &self,
        sql: &'static str,
        value: String,
    ) -> Result<Vec<Membership>, StoreError> {
        let rows = sqlx::query(sql).bind(value).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "memberships");
                Ok(Membership {
                    user_id: r.parsed("user_id")?,
                    org_id: r.parsed("org_id")?,
                    role: r.text_with("role", role_of)?,
                    created_at: r.time("created_at")?,
                })
            })
            .collect()
    }

    /// The organization's memberships with their accounts, in one query.
    pub async fn members_with_users(
        &self,
        org: OrgId,
    ) -> Result<Vec<(Membership, User)>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.user_id, m.org_id, m.role, m.created_at AS since,
                    u.email, u.name, u.password_hash, u.created_at
             FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.org_id = $1 ORDER BY m.created_at",
        )
        .bind(org.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "memberships");
                let user_id: UserId = r.parsed("user_id")?;
                let membership = Membership {
                    user_id,
                    org_id: r.parsed("org_id")?,
                    role: r.text_with("role", role_of)?,
                    created_at: r.time("since")?,
                };
                let user = User {
                    id: user_id,
                    email: r.text_with("email", Email::parse)?,
                    name: r.text("name")?,
                    password_hash: r.text("password_hash")?,
                    created_at: r.time("created_at")?,
                };
                Ok((membership, user))
            })
            .collect()
    }

    pub async fn memberships_of(&self, user: UserId) -> Result<Vec<Membership>, StoreError> {
        self.memberships_where(
            "SELECT user_id, org_id, role, created_at FROM memberships WHERE user_id = $1 ORDER BY created_at",
            user.to_string(),
        )
        .await
    }

    pub async fn members(&self, org: OrgId) -> Result<Vec<Membership>, StoreError> {
        self.memberships_where(
            "SELECT user_id, org_id, role, created_at FROM memberships WHERE org_id = $1 ORDER BY created_at",
            org.to_string(),
        )
        .await
    }

    pub async fn set_role(&self, user: UserId, org: OrgId, role: Role) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE memberships SET role = $1 WHERE user_id = $2 AND org_id = $3 RETURNING user_id",
        )
        .bind(role.as_str().to_owned())
        .bind(user.to_string())
        .bind(org.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(done.is_some())
    }

    pub async fn remove_membership(&self, user: UserId, org: OrgId) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM memberships WHERE user_id = $1 AND org_id = $2 RETURNING user_id",
        )
        .bind(user.to_string())
        .bind(org.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(done.is_some())
    }

    pub async fn insert_password_reset(
        &self,
        token_hash: &str,
        user: UserId,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash.to_owned())
        .bind(user.to_string())
        .bind(micros(expires_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    /// Uses a reset token once: the user it was for, or `None` if unknown, expired or used.
    pub async fn use_password_reset(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query(
            "UPDATE password_resets SET used_at = $2
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
        )
        .bind(token_hash.to_owned())
        .bind(micros(now)?)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref()
            .map(|row| RowReader::new(row, "password_resets").parsed("user_id"))
            .transpose()
    }

    /// Counts a failed sign-in for `key`; the count restarts when the window is over.
    /// Returns the failures in the current window.
    pub async fn record_signin_failure(
        &self,
        key: &str,
        now: OffsetDateTime,
        window_start: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO signin_throttle (key, failures, window_start) VALUES ($1, 1, $2)
             ON CONFLICT (key) DO UPDATE SET
               failures = CASE WHEN signin_throttle.window_start < $3 THEN 1 ELSE signin_throttle.failures + 1 END,
               window_start = CASE WHEN signin_throttle.window_start < $3 THEN $2 ELSE signin_throttle.window_start END
             RETURNING failures",
        )
        .bind(key.to_owned())
        .bind(micros(now)?)
        .bind(micros(window_start)?)
        .fetch_one(&self.pool)
        .await?;
        RowReader::new(&row, "signin_throttle").int("failures")
    }

    /// Failures for `key` in the window starting at `window_start`.
    pub async fn signin_failures(
        &self,
        key: &str,
        window_start: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT failures FROM signin_throttle WHERE key = $1 AND window_start >= $2",
        )
        .bind(key.to_owned())
        .bind(micros(window_start)?)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map_or(Ok(0), |row| {
            RowReader::new(row, "signin_throttle").int("failures")
        })
    }

    pub async fn clear_signin_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM signin_throttle WHERE key = $1")
            .bind(key.to_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
