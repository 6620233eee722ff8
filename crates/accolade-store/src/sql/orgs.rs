//! Organizations, their signing keys, and images.

use super::Backend;
use super::codec::{RowReader, micros, opt_micros, to_json};
use crate::StoreError;
use crate::error::{UniqueKey, insert_error};
use accolade_core::{ImageRecord, KeyId, OrgId, Organization, SigningKeyRecord, Slug};
use sqlx::{ColumnIndex, Decode, Type};
use time::OffsetDateTime;

/// `SELECT … FROM orgs` followed by the given clause, as one static statement.
macro_rules! select_orgs {
    ($tail:literal) => {
        concat!(
            "SELECT id, slug, name, url, email, description, image_id, languages, created_at FROM orgs ",
            $tail
        )
    };
}

const SLUG: UniqueKey = UniqueKey {
    what: "slug",
    index: "orgs_slug_uq",
    sqlite_columns: "orgs.slug",
};

sql_impl! {
    pub async fn insert_org(&self, org: &Organization) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO orgs (id, slug, name, url, email, description, image_id, languages, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(org.id.to_string())
        .bind(org.slug.as_str().to_owned())
        .bind(org.name.clone())
        .bind(org.url.clone())
        .bind(org.email.as_ref().map(|e| e.as_str().to_owned()))
        .bind(org.description.clone())
        .bind(org.image_id.map(|i| i.to_string()))
        .bind(to_json("languages", &org.languages)?)
        .bind(micros(org.created_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[SLUG]))?;
        Ok(())
    }

    /// Writes the organization's profile: name, URL, email, description, logo and languages
    /// (the id, slug and creation time never change). `false` if there is no such organization.
    pub async fn update_org_profile(&self, org: &Organization) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "UPDATE orgs SET name = $1, url = $2, email = $3, description = $4, image_id = $5,
             languages = $6 WHERE id = $7 RETURNING id",
        )
        .bind(org.name.clone())
        .bind(org.url.clone())
        .bind(org.email.as_ref().map(|e| e.as_str().to_owned()))
        .bind(org.description.clone())
        .bind(org.image_id.map(|i| i.to_string()))
        .bind(to_json("languages", &org.languages)?)
        .bind(org.id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    pub async fn org(&self, id: OrgId) -> Result<Option<Organization>, StoreError> {
        let row = sqlx::query(select_orgs!("WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(org_from_row::<DB>).transpose()
    }

    pub async fn org_by_slug(&self, slug: &Slug) -> Result<Option<Organization>, StoreError> {
        let row = sqlx::query(select_orgs!("WHERE slug = $1"))
            .bind(slug.as_str().to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(org_from_row::<DB>).transpose()
    }

    pub async fn orgs(&self) -> Result<Vec<Organization>, StoreError> {
        let rows = sqlx::query(select_orgs!("ORDER BY name, id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(org_from_row::<DB>).collect()
    }

    pub async fn insert_key(&self, key: &SigningKeyRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO signing_keys (id, org_id, public_multibase, sealed_secret, created_at, retired_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(key.id.to_string())
        .bind(key.org_id.to_string())
        .bind(key.public_multibase.clone())
        .bind(key.sealed_secret.clone())
        .bind(micros(key.created_at)?)
        .bind(opt_micros(key.retired_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    pub async fn keys(&self, org: OrgId) -> Result<Vec<SigningKeyRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, org_id, public_multibase, sealed_secret, created_at, retired_at
             FROM signing_keys WHERE org_id = $1 ORDER BY created_at, id",
        )
        .bind(org.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "signing_keys");
                Ok(SigningKeyRecord {
                    id: r.parsed("id")?,
                    org_id: r.parsed("org_id")?,
                    public_multibase: r.text("public_multibase")?,
                    sealed_secret: r.bytes("sealed_secret")?,
                    created_at: r.time("created_at")?,
                    retired_at: r.opt_time("retired_at")?,
                })
            })
            .collect()
    }

    /// Retires a key that is still active; `false` if there is no such key or it was
    /// already retired (its first retirement date stands).
    pub async fn retire_key(&self, id: KeyId, at: OffsetDateTime) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "UPDATE signing_keys SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL RETURNING id",
        )
        .bind(micros(at)?)
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    pub async fn insert_image(&self, image: &ImageRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO images (id, org_id, content_type, bytes, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(image.id.to_string())
        .bind(image.org_id.map(|o| o.to_string()))
        .bind(image.content_type.clone())
        .bind(image.bytes.clone())
        .bind(micros(image.created_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    pub async fn image(
        &self,
        id: accolade_core::ImageId,
    ) -> Result<Option<ImageRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, org_id, content_type, bytes, created_at FROM images WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(image_from_row::<DB>).transpose()
    }

    pub async fn org_images(&self, org: OrgId) -> Result<Vec<ImageRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, org_id, content_type, bytes, created_at FROM images
             WHERE org_id = $1 ORDER BY created_at DESC, id",
        )
        .bind(org.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(image_from_row::<DB>).collect()
    }
}

fn image_from_row<DB>(row: &DB::Row) -> Result<ImageRecord, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "images");
    Ok(ImageRecord {
        id: r.parsed("id")?,
        org_id: r.opt_parsed("org_id")?,
        content_type: r.text("content_type")?,
        bytes: r.bytes("bytes")?,
        created_at: r.time("created_at")?,
    })
}

fn org_from_row<DB>(row: &DB::Row) -> Result<Organization, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "orgs");
    Ok(Organization {
        id: r.parsed("id")?,
        slug: r.text_with("slug", Slug::parse)?,
        name: r.text("name")?,
        url: r.text("url")?,
        email: r
            .opt_text("email")?
            .map(|e| accolade_core::Email::parse(&e))
            .transpose()
            .map_err(|e| StoreError::corrupt("orgs", "email", e))?,
        description: r.opt_text("description")?,
        image_id: r.opt_parsed("image_id")?,
        languages: r.json("languages")?,
        created_at: r.time("created_at")?,
    })
}
