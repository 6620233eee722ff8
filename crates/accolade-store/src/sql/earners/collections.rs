//! Collections of a backpack: a named, ordered list of the owner's badges.

use super::super::Backend;
use super::super::codec::{RowReader, micros};
use crate::StoreError;
use crate::error::insert_error;
use accolade_core::{AwardId, Collection, CollectionId, UserId, Visibility};
use sqlx::{ColumnIndex, Decode, Type};

fn collection_from_row<DB>(row: &DB::Row) -> Result<Collection, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "collections");
    Ok(Collection {
        id: r.parsed("id")?,
        user_id: r.parsed("user_id")?,
        name: r.text("name")?,
        visibility: r.text_with("visibility", |s| {
            Visibility::parse(s).ok_or_else(|| format!("unknown visibility {s:?}"))
        })?,
        position: r.int("position")?,
        awards: Vec::new(),
        created_at: r.time("created_at")?,
    })
}

sql_impl! {
    pub async fn insert_collection(&self, c: &Collection) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO collections (id, user_id, name, visibility, position, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(c.id.to_string())
        .bind(c.user_id.to_string())
        .bind(c.name.clone())
        .bind(c.visibility.as_str().to_owned())
        .bind(c.position)
        .bind(micros(c.created_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    pub async fn collections_of(&self, user: UserId) -> Result<Vec<Collection>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, user_id, name, visibility, position, created_at FROM collections
             WHERE user_id = $1 ORDER BY position, created_at, id",
        )
        .bind(user.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut out = rows
            .iter()
            .map(collection_from_row::<DB>)
            .collect::<Result<Vec<_>, _>>()?;
        let items = sqlx::query(
            "SELECT i.collection_id, i.award_id FROM collection_items i
             JOIN collections c ON c.id = i.collection_id
             WHERE c.user_id = $1 ORDER BY i.position, i.award_id",
        )
        .bind(user.to_string())
        .fetch_all(&self.pool)
        .await?;
        for row in &items {
            let r = RowReader::new(row, "collection_items");
            let id: CollectionId = r.parsed("collection_id")?;
            let award: AwardId = r.parsed("award_id")?;
            if let Some(c) = out.iter_mut().find(|c| c.id == id) {
                c.awards.push(award);
            }
        }
        Ok(out)
    }

    pub async fn update_collection(&self, c: &Collection) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE collections SET name = $3, visibility = $4, position = $5
             WHERE id = $1 AND user_id = $2 RETURNING id",
        )
        .bind(c.id.to_string())
        .bind(c.user_id.to_string())
        .bind(c.name.clone())
        .bind(c.visibility.as_str().to_owned())
        .bind(c.position)
        .fetch_optional(&self.pool)
        .await?;
        Ok(done.is_some())
    }

    pub async fn delete_collection(
        &self,
        user: UserId,
        id: CollectionId,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM collections WHERE id = $1 AND user_id = $2 RETURNING id")
            .bind(id.to_string())
            .bind(user.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM collection_items WHERE collection_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.is_some())
    }

    pub async fn set_collection_items(
        &self,
        id: CollectionId,
        awards: &[AwardId],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM collection_items WHERE collection_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        for (position, award) in awards.iter().enumerate() {
            sqlx::query(
                "INSERT INTO collection_items (collection_id, award_id, position)
                 VALUES ($1, $2, $3)",
            )
            .bind(id.to_string())
            .bind(award.to_string())
            .bind(position as i64)
            .execute(&mut *tx)
            .await
            .map_err(|e| insert_error(e, &[]))?;
        }
        tx.commit().await?;
        Ok(())
    }
}
