//! An earner's public profile (headline and photo), one row per account. The [`Store`]
//! methods are here too, next to their statements.

use super::codec::{RowReader, micros};
use crate::error::insert_error;
use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::{ImageId, UserId};
use time::OffsetDateTime;

/// What an earner shows about themselves on their portfolio, next to their name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EarnerProfile {
    /// Short plain text; empty when not set.
    pub headline: String,
    /// The profile photo: an image stored without an organization.
    pub image_id: Option<ImageId>,
}

sql_impl! {
    async fn set_earner_profile(
        &self,
        user: UserId,
        profile: &EarnerProfile,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO earner_profiles (user_id, headline, image_id, updated_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id) DO UPDATE SET headline = $2, image_id = $3, updated_at = $4",
        )
        .bind(user.to_string())
        .bind(profile.headline.clone())
        .bind(profile.image_id.map(|i| i.to_string()))
        .bind(micros(now)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    async fn earner_profile(&self, user: UserId) -> Result<EarnerProfile, StoreError> {
        let row = sqlx::query("SELECT headline, image_id FROM earner_profiles WHERE user_id = $1")
            .bind(user.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(EarnerProfile::default());
        };
        let r = RowReader::new(&row, "earner_profiles");
        Ok(EarnerProfile {
            headline: r.text("headline")?,
            image_id: r.opt_parsed("image_id")?,
        })
    }
}

impl Store {
    /// Writes the account's headline and photo, replacing what was there.
    pub async fn set_earner_profile(
        &self,
        user: UserId,
        profile: &EarnerProfile,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        on_backend!(self.set_earner_profile(user, profile, now))
    }

    /// The account's headline and photo; empty when never set.
    pub async fn earner_profile(&self, user: UserId) -> Result<EarnerProfile, StoreError> {
        on_backend!(self.earner_profile(user))
    }
}
