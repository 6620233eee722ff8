//! Badge designs saved from the designer.

use super::Backend;
use super::codec::{RowReader, micros};
use crate::StoreError;
use crate::error::insert_error;
use accolade_core::{Design, DesignId, DesignLogo, OrgId};
use sqlx::{ColumnIndex, Decode, Type};

/// `SELECT … FROM designs` followed by the given clause, as one static statement.
macro_rules! select_designs {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, name, params, image_id, created_at, updated_at FROM designs ",
            $tail
        )
    };
}

sql_impl! {
    pub async fn insert_design(&self, design: &Design) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO designs (id, org_id, name, params, image_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(design.id.to_string())
        .bind(design.org_id.to_string())
        .bind(design.name.clone())
        .bind(design.params.clone())
        .bind(design.image_id.to_string())
        .bind(micros(design.created_at)?)
        .bind(micros(design.updated_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    /// Writes a design's name, parameters, image and update time; only within its own
    /// organization. `false` if the organization has no such design.
    pub async fn update_design(&self, design: &Design) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "UPDATE designs SET name = $1, params = $2, image_id = $3, updated_at = $4
             WHERE id = $5 AND org_id = $6 RETURNING id",
        )
        .bind(design.name.clone())
        .bind(design.params.clone())
        .bind(design.image_id.to_string())
        .bind(micros(design.updated_at)?)
        .bind(design.id.to_string())
        .bind(design.org_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    pub async fn design(&self, id: DesignId) -> Result<Option<Design>, StoreError> {
        let row = sqlx::query(select_designs!("WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(design_from_row::<DB>).transpose()
    }

    pub async fn designs(&self, org: OrgId) -> Result<Vec<Design>, StoreError> {
        let rows = sqlx::query(select_designs!(
            "WHERE org_id = $1 ORDER BY updated_at DESC, id"
        ))
        .bind(org.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(design_from_row::<DB>).collect()
    }

    pub async fn insert_design_logo(&self, logo: &DesignLogo) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO design_logos (image_id, org_id, name, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(logo.image_id.to_string())
        .bind(logo.org_id.to_string())
        .bind(logo.name.clone())
        .bind(micros(logo.created_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    pub async fn design_logos(&self, org: OrgId) -> Result<Vec<DesignLogo>, StoreError> {
        let rows = sqlx::query(
            "SELECT image_id, org_id, name, created_at FROM design_logos
             WHERE org_id = $1 ORDER BY created_at DESC, image_id",
        )
        .bind(org.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "design_logos");
                Ok(DesignLogo {
                    image_id: r.parsed("image_id")?,
                    org_id: r.parsed("org_id")?,
                    name: r.text("name")?,
                    created_at: r.time("created_at")?,
                })
            })
            .collect()
    }
}

fn design_from_row<DB>(row: &DB::Row) -> Result<Design, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "designs");
    Ok(Design {
        id: r.parsed("id")?,
        org_id: r.parsed("org_id")?,
        name: r.text("name")?,
        params: r.text("params")?,
        image_id: r.parsed("image_id")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}
