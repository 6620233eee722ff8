//! What several servers of one instance share beyond the data itself (`0024_nodes.sql`):
//! files uploaded for a bulk issue, kept between the upload and the column-mapping step so
//! that any server reads what another one received; and the master key check, which keeps a
//! server with another master key from starting. The [`Store`] methods are here too, next to
//! their statements.

use super::codec::{RowReader, micros};
use crate::error::insert_error;
use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::OrgId;
use time::OffsetDateTime;

/// A staged file: its (cleaned) name and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedFile {
    pub file_name: String,
    pub content: Vec<u8>,
}

sql_impl! {
    async fn insert_staged_upload(
        &self,
        token: &str,
        org: OrgId,
        file: &StagedFile,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO staged_uploads (token, org_id, file_name, content, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token.to_owned())
        .bind(org.to_string())
        .bind(file.file_name.clone())
        .bind(file.content.clone())
        .bind(micros(at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    async fn staged_upload(&self, org: OrgId, token: &str) -> Result<Option<StagedFile>, StoreError> {
        let row = sqlx::query(
            "SELECT file_name, content FROM staged_uploads WHERE token = $1 AND org_id = $2",
        )
        .bind(token.to_owned())
        .bind(org.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref()
            .map(|row| {
                let r = RowReader::new(row, "staged_uploads");
                Ok(StagedFile {
                    file_name: r.text("file_name")?,
                    content: r.bytes("content")?,
                })
            })
            .transpose()
    }

    async fn has_staged_upload(&self, org: OrgId, token: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT token FROM staged_uploads WHERE token = $1 AND org_id = $2")
            .bind(token.to_owned())
            .bind(org.to_string())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    async fn delete_staged_upload(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM staged_uploads WHERE token = $1")
            .bind(token.to_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_staged_uploads_before(&self, at: OffsetDateTime) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM staged_uploads WHERE created_at < $1 RETURNING token")
            .bind(micros(at)?)
            .fetch_all(&self.pool)
            .await?;
        Ok(done.len() as u64)
    }
}

impl Store {
    /// Keeps an uploaded file under its `token` (a random secret) for `org`.
    pub async fn insert_staged_upload(
        &self,
        token: &str,
        org: OrgId,
        file: &StagedFile,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        on_backend!(self.insert_staged_upload(token, org, file, at))
    }

    /// The file staged under `token` for `org`; `None` for another organization's.
    pub async fn staged_upload(
        &self,
        org: OrgId,
        token: &str,
    ) -> Result<Option<StagedFile>, StoreError> {
        on_backend!(self.staged_upload(org, token))
    }

    /// Whether a file is staged under `token` for `org` (without reading it).
    pub async fn has_staged_upload(&self, org: OrgId, token: &str) -> Result<bool, StoreError> {
        on_backend!(self.has_staged_upload(org, token))
    }

    pub async fn delete_staged_upload(&self, token: &str) -> Result<(), StoreError> {
        on_backend!(self.delete_staged_upload(token))
    }

    /// Deletes the files staged before `at`; how many.
    pub async fn delete_staged_uploads_before(
        &self,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        on_backend!(self.delete_staged_uploads_before(at))
    }
}

// The master key check (the same migration): one row, written once.
sql_impl! {
    async fn claim_master_key_check(&self, sealed: &[u8], at: OffsetDateTime) -> Result<Vec<u8>, StoreError> {
        sqlx::query(
            "INSERT INTO master_key_check (id, sealed, created_at) VALUES (1, $1, $2)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(sealed.to_vec())
        .bind(micros(at)?)
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT sealed FROM master_key_check WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        RowReader::new(&row, "master_key_check").bytes("sealed")
    }
}

impl Store {
    /// The instance's master key check: `sealed` if there was none yet (it is stored), else
    /// the one stored first (concurrent callers agree on it).
    pub async fn claim_master_key_check(
        &self,
        sealed: &[u8],
        at: OffsetDateTime,
    ) -> Result<Vec<u8>, StoreError> {
        on_backend!(self.claim_master_key_check(sealed, at))
    }
}
