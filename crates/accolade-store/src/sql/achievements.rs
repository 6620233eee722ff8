//! Achievements (badge classes). Alignments, tags, translations and custom fields are JSON
//! text; the expiry policy is three plain columns (kind, instant, months) so queries can
//! read it. An update is a compare-and-set on `version`, so concurrent edits are detected.

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
                    expiry_kind, expiry_at, expiry_months, created_at, updated_at, version,
                    language, translations, custom_fields, evidence_requirements
             FROM achievements ",
            $tail
        )
    };
}

type ExpiryColumns = (&'static str, Option<i64>, Option<i64>);

fn expiry_columns(expiry: ExpiryPolicy) -> Result<ExpiryColumns, StoreError> {
    Ok(match expiry {
        ExpiryPolicy::Never => ("never", None, None),
        ExpiryPolicy::FixedDate(t) => ("fixed_date", Some(micros(t)?), None),
        ExpiryPolicy::MonthsAfterIssue(m) => ("months_after_issue", None, Some(i64::from(m))),
    })
}

sql_impl! {
    pub async fn insert_achievement(&self, a: &Achievement) -> Result<(), StoreError> {
        let (kind, at, months) = expiry_columns(a.expiry)?;
        sqlx::query(
            "INSERT INTO achievements (id, org_id, name, description, criteria_narrative,
                 criteria_url, achievement_type, image_id, alignments, credits, tags,
                 expiry_kind, expiry_at, expiry_months, created_at, updated_at, version,
                 language, translations, custom_fields, evidence_requirements)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $18, $19, $20, $21)",
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
        .bind(a.language.to_string())
        .bind(to_json("translations", &a.translations)?)
        .bind(to_json("custom_fields", &a.custom_fields)?)
        .bind(a.evidence_requirements.clone())
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    /// Replaces the achievement's editable columns (everything but its id, organization
    /// and creation time) if its stored version is still `expected_version`; `a.version`
    /// is the new one. `false` when someone else changed (or deleted) it first.
    pub async fn update_achievement(
        &self,
        a: &Achievement,
        expected_version: i64,
    ) -> Result<bool, StoreError> {
        let (kind, at, months) = expiry_columns(a.expiry)?;
        let done = sqlx::query(
            "UPDATE achievements SET name = $1, description = $2, criteria_narrative = $3,
                 criteria_url = $4, achievement_type = $5, image_id = $6, alignments = $7,
                 credits = $8, tags = $9, expiry_kind = $10, expiry_at = $11,
                 expiry_months = $12, updated_at = $13, version = $14, language = $15,
                 translations = $16, custom_fields = $17, evidence_requirements = $18
             WHERE id = $19 AND org_id = $20 AND version = $21 RETURNING id",
        )
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
        .bind(micros(a.updated_at)?)
        .bind(a.version)
        .bind(a.language.to_string())
        .bind(to_json("translations", &a.translations)?)
        .bind(to_json("custom_fields", &a.custom_fields)?)
        .bind(a.evidence_requirements.clone())
        .bind(a.id.to_string())
        .bind(a.org_id.to_string())
        .bind(expected_version)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(done.is_some())
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
        language: r.parsed("language")?,
        translations: r.json("translations")?,
        custom_fields: r.json("custom_fields")?,
        evidence_requirements: r.opt_text("evidence_requirements")?,
    })
}
