//! Achievements (badge classes). Alignments and tags are JSON text; the expiry policy is
//! three plain columns (kind, instant, months) so queries can read it.

use super::Backend;
use super::codec::{RowReader, micros, to_json};
use crate::StoreError;
use crate::error::insert_error;
use accolade_core::{Achievement, AchievementId, ExpiryPolicy, OrgId};
use sqlx::{ColumnIndex, Decode, Type};

macro_rules! select_achievements {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, name, description, criteria_narrative, criteria_url,
                    achievement_type, image_id, alignments, credits, tags,
                    expiry_kind, expiry_at, expiry_months, created_at, updated_at, version
             FROM achievements ",
            $tail
        )
    };
}

sql_impl! {
    pub async fn insert_achievement(&self, a: &Achievement) -> Result<(), StoreError> {
        let (kind, at, months) = match a.expiry {
            ExpiryPolicy::Never => ("never", None, None),
            ExpiryPolicy::FixedDate(t) => ("fixed_date", Some(micros(t)?), None),
            ExpiryPolicy::MonthsAfterIssue(m) => ("months_after_issue", None, Some(i64::from(m))),
        };
        sqlx::query(
            "INSERT INTO achievements (id, org_id, name, description, criteria_narrative,
                 criteria_url, achievement_type, image_id, alignments, credits, tags,
                 expiry_kind, expiry_at, expiry_months, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(a.id.to_string())
        .bind(a.org_id.to_string())
        .bind(a.name.clone())
        .bind(a.description.clone())
        .bind(a.criteria_narrative.clone())
        .bind(a.criteria_url.clone())
        .bind(a.achievement_type.clone())
        .bind(a.image_id.map(|i| i.to_string()))
        .bind(to_json("alignments", &a.alignments)?)
        .bind(a.credits)
        .bind(to_json("tags", &a.tags)?)
        .bind(kind.to_owned())
        .bind(at)
        .bind(months)
        .bind(micros(a.created_at)?)
        .bind(micros(a.updated_at)?)
        .bind(a.version)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    pub async fn achievement(&self, id: AchievementId) -> Result<Option<Achievement>, StoreError> {
        let row = sqlx::query(select_achievements!("WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(achievement_from_row::<DB>).transpose()
    }

    pub async fn achievements(&self, org: OrgId) -> Result<Vec<Achievement>, StoreError> {
        let rows = sqlx::query(select_achievements!("WHERE org_id = $1 ORDER BY name, id"))
            .bind(org.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(achievement_from_row::<DB>).collect()
    }
}

fn achievement_from_row<DB>(row: &DB::Row) -> Result<Achievement, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "achievements");
    let expiry = match r.text("expiry_kind")?.as_str() {
        "never" => ExpiryPolicy::Never,
        "fixed_date" => ExpiryPolicy::FixedDate(
            r.opt_time("expiry_at")?
                .ok_or_else(|| StoreError::corrupt("achievements", "expiry_at", "missing"))?,
        ),
        "months_after_issue" => {
            let months = r
                .opt_int("expiry_months")?
                .ok_or_else(|| StoreError::corrupt("achievements", "expiry_months", "missing"))?;
            ExpiryPolicy::MonthsAfterIssue(
                u32::try_from(months)
                    .map_err(|e| StoreError::corrupt("achievements", "expiry_months", e))?,
            )
        }
        other => {
            return Err(StoreError::corrupt(
                "achievements",
                "expiry_kind",
                format!("unknown kind {other:?}"),
            ));
        }
    };
    Ok(Achievement {
        id: r.parsed("id")?,
        org_id: r.parsed("org_id")?,
        name: r.text("name")?,
        description: r.text("description")?,
        criteria_narrative: r.opt_text("criteria_narrative")?,
        criteria_url: r.opt_text("criteria_url")?,
        achievement_type: r.text("achievement_type")?,
        image_id: r.opt_parsed("image_id")?,
        alignments: r.json("alignments")?,
        credits: r.opt_real("credits")?,
        tags: r.json("tags")?,
        expiry,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        version: r.int("version")?,
    })
}
