//! [`Store`]: the one storage API the application calls, whatever the backend.

use crate::StoreError;
use crate::sql::{Backend, SqlStore};
use accolade_core::{
    Achievement, AchievementId, AuditEvent, Award, AwardId, AwardStatus, AwardSummary, Design,
    DesignId, DesignLogo, ImageId, ImageRecord, KeyId, OrgId, Organization, SigningKeyRecord, Slug,
};
use time::OffsetDateTime;

/// A connection pool to the database, on either backend. Cheap to clone (the pool is shared).
/// Instants are stored with microsecond precision.
#[derive(Clone, Debug)]
pub struct Store(pub(crate) Inner);

/// How many connections a pool holds, and how many of them wait unused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Open connections, in use or idle.
    pub size: u32,
    pub idle: usize,
    /// The most the pool opens.
    pub max: u32,
}

#[derive(Clone, Debug)]
pub(crate) enum Inner {
    Sqlite(SqlStore<sqlx::Sqlite>),
    Postgres(SqlStore<sqlx::Postgres>),
}

/// Calls the same generic method on whichever backend the store holds: the one dispatch
/// from [`Store`] to [`SqlStore`], used by every file that adds to the store's API.
macro_rules! on_backend {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match &$self.0 {
            $crate::store::Inner::Sqlite(s) => s.$method($($arg),*).await,
            $crate::store::Inner::Postgres(s) => s.$method($($arg),*).await,
        }
    };
}
pub(crate) use on_backend;

impl Store {
    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        match self.0 {
            Inner::Sqlite(_) => <sqlx::Sqlite as Backend>::NAME,
            Inner::Postgres(_) => <sqlx::Postgres as Backend>::NAME,
        }
    }

    /// The connection pool's use now.
    pub fn pool_stats(&self) -> PoolStats {
        fn of<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> PoolStats {
            PoolStats {
                size: pool.size(),
                idle: pool.num_idle(),
                max: pool.options().get_max_connections(),
            }
        }
        match &self.0 {
            Inner::Sqlite(s) => of(&s.pool),
            Inner::Postgres(s) => of(&s.pool),
        }
    }

    /// The versions of this build's migrations not applied to the database (empty when the
    /// schema is current). Fails when the database cannot be reached.
    pub async fn pending_migrations(&self) -> Result<Vec<i64>, StoreError> {
        match &self.0 {
            Inner::Sqlite(s) => s.pending_migrations().await,
            Inner::Postgres(s) => s.pending_migrations().await,
        }
    }

    /// Closes every pooled connection, waiting for those in use to come back.
    pub async fn close(&self) {
        match &self.0 {
            Inner::Sqlite(s) => s.pool.close().await,
            Inner::Postgres(s) => s.pool.close().await,
        }
    }

    // Organizations.

    /// A taken slug fails with `Conflict { what: "slug" }`.
    pub async fn insert_org(&self, org: &Organization) -> Result<(), StoreError> {
        on_backend!(self.insert_org(org))
    }

    pub async fn org(&self, id: OrgId) -> Result<Option<Organization>, StoreError> {
        on_backend!(self.org(id))
    }

    pub async fn org_by_slug(&self, slug: &Slug) -> Result<Option<Organization>, StoreError> {
        on_backend!(self.org_by_slug(slug))
    }

    /// Every organization, by name.
    pub async fn orgs(&self) -> Result<Vec<Organization>, StoreError> {
        on_backend!(self.orgs())
    }

    /// Writes the profile (name, URL, email, description, logo, languages); `false` if there
    /// is no such organization.
    pub async fn update_org_profile(&self, org: &Organization) -> Result<bool, StoreError> {
        on_backend!(self.update_org_profile(org))
    }

    // Signing keys.

    pub async fn insert_key(&self, key: &SigningKeyRecord) -> Result<(), StoreError> {
        on_backend!(self.insert_key(key))
    }

    /// The organization's keys, retired ones included, oldest first.
    pub async fn keys(&self, org: OrgId) -> Result<Vec<SigningKeyRecord>, StoreError> {
        on_backend!(self.keys(org))
    }

    /// `false` if there is no such key or it is already retired.
    pub async fn retire_key(&self, id: KeyId, at: OffsetDateTime) -> Result<bool, StoreError> {
        on_backend!(self.retire_key(id, at))
    }

    // Images.

    pub async fn insert_image(&self, image: &ImageRecord) -> Result<(), StoreError> {
        on_backend!(self.insert_image(image))
    }

    pub async fn image(&self, id: ImageId) -> Result<Option<ImageRecord>, StoreError> {
        on_backend!(self.image(id))
    }

    // Achievements.

    pub async fn insert_achievement(&self, achievement: &Achievement) -> Result<(), StoreError> {
        on_backend!(self.insert_achievement(achievement))
    }

    /// Compare-and-set on the version: `false` when the stored version is no longer
    /// `expected_version` (someone else saved first); `achievement.version` is the new one.
    pub async fn update_achievement(
        &self,
        achievement: &Achievement,
        expected_version: i64,
    ) -> Result<bool, StoreError> {
        on_backend!(self.update_achievement(achievement, expected_version))
    }

    pub async fn achievement(&self, id: AchievementId) -> Result<Option<Achievement>, StoreError> {
        on_backend!(self.achievement(id))
    }

    /// The organization's achievements, by name.
    pub async fn achievements(&self, org: OrgId) -> Result<Vec<Achievement>, StoreError> {
        on_backend!(self.achievements(org))
    }

    // Awards.

    /// A status index already used in the organization fails with
    /// `Conflict { what: "status_index" }`.
    pub async fn insert_award(&self, award: &Award) -> Result<(), StoreError> {
        on_backend!(self.insert_award(award))
    }

    pub async fn award(&self, id: AwardId) -> Result<Option<Award>, StoreError> {
        on_backend!(self.award(id))
    }

    /// A page of the organization's awards, newest first.
    pub async fn awards(
        &self,
        org: OrgId,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AwardSummary>, StoreError> {
        on_backend!(self.awards(org, limit, offset))
    }

    pub async fn count_awards(&self, org: OrgId) -> Result<i64, StoreError> {
        on_backend!(self.count_awards(org))
    }

    /// Sets the status (with reason and time) and bumps the organization's status version,
    /// in one transaction, if the award's state may move to `status` (see
    /// [`crate::may_change`]: never out of revoked). `false` if there is no such award or it
    /// may not. Writes no audit entry: the application uses
    /// [`Store::change_award_status`].
    pub async fn set_award_status(
        &self,
        id: AwardId,
        status: AwardStatus,
        reason: Option<&str>,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        on_backend!(self.set_award_status(id, status, reason, at))
    }

    /// The status-list indices of the organization's awards in `status`, ascending.
    pub async fn flagged_indices(
        &self,
        org: OrgId,
        status: AwardStatus,
    ) -> Result<Vec<u32>, StoreError> {
        on_backend!(self.flagged_indices(org, status))
    }

    /// Starts at 0 and grows with every status change in the organization; signed status
    /// lists are cached under it. An unknown organization is `NotFound`.
    pub async fn status_version(&self, org: OrgId) -> Result<i64, StoreError> {
        on_backend!(self.status_version(org))
    }

    // Images of an organization.

    /// The organization's images (badge images, logos), newest first, without their bytes'
    /// cost mattering: images are small and few.
    pub async fn org_images(&self, org: OrgId) -> Result<Vec<ImageRecord>, StoreError> {
        on_backend!(self.org_images(org))
    }

    // Badge designs.

    pub async fn insert_design(&self, design: &Design) -> Result<(), StoreError> {
        on_backend!(self.insert_design(design))
    }

    /// `false` if the design's organization has no design with its id.
    pub async fn update_design(&self, design: &Design) -> Result<bool, StoreError> {
        on_backend!(self.update_design(design))
    }

    pub async fn design(&self, id: DesignId) -> Result<Option<Design>, StoreError> {
        on_backend!(self.design(id))
    }

    /// The organization's designs, most recently saved first.
    pub async fn designs(&self, org: OrgId) -> Result<Vec<Design>, StoreError> {
        on_backend!(self.designs(org))
    }

    pub async fn insert_design_logo(&self, logo: &DesignLogo) -> Result<(), StoreError> {
        on_backend!(self.insert_design_logo(logo))
    }

    /// Logos uploaded in the organization's designer, newest first.
    pub async fn design_logos(&self, org: OrgId) -> Result<Vec<DesignLogo>, StoreError> {
        on_backend!(self.design_logos(org))
    }

    // Audit log.

    pub async fn insert_audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
        on_backend!(self.insert_audit(event))
    }

    /// A page of the organization's audit log, newest first.
    pub async fn audit_events(
        &self,
        org: OrgId,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        on_backend!(self.audit_events(org, limit, offset))
    }

    // Analytics.

    /// Appends the events in one transaction.
    pub async fn insert_events(&self, events: &[crate::AnalyticsEvent]) -> Result<(), StoreError> {
        on_backend!(self.insert_events(events))
    }

    /// The award's events, oldest first.
    pub async fn award_events(
        &self,
        award: AwardId,
    ) -> Result<Vec<crate::AnalyticsEvent>, StoreError> {
        on_backend!(self.award_events(award))
    }

    /// The award's events counted by kind and channel.
    pub async fn award_event_counts(
        &self,
        award: AwardId,
    ) -> Result<Vec<crate::EventCount>, StoreError> {
        on_backend!(self.award_event_counts(award))
    }

    /// The award's rolled-up days, oldest first.
    pub async fn daily_event_counts(
        &self,
        award: AwardId,
    ) -> Result<Vec<crate::DailyCount>, StoreError> {
        on_backend!(self.daily_event_counts(award))
    }

    /// Counts the events before `before` by award, day, kind and channel (with distinct
    /// visitors) and deletes their rows; returns how many events were rolled up. Totals are
    /// the same before and after.
    pub async fn roll_up_events(&self, before: time::OffsetDateTime) -> Result<u64, StoreError> {
        on_backend!(self.roll_up_events(before))
    }

    /// The events on the organization's awards, counted by achievement, kind and channel.
    pub async fn achievement_event_counts(
        &self,
        org: OrgId,
    ) -> Result<Vec<(AchievementId, crate::EventCount)>, StoreError> {
        on_backend!(self.achievement_event_counts(org))
    }

    /// The salt of `day` (`YYYY-MM-DD`): `candidate` if the day had none yet, else the one
    /// stored first.
    pub async fn analytics_salt(&self, day: &str, candidate: &[u8]) -> Result<Vec<u8>, StoreError> {
        on_backend!(self.analytics_salt(day, candidate))
    }

    /// Forgets the salts of days before `day`; returns how many.
    pub async fn delete_analytics_salts_before(&self, day: &str) -> Result<u64, StoreError> {
        on_backend!(self.delete_analytics_salts_before(day))
    }

    /// The organization's LinkedIn company id, if it set one.
    pub async fn linkedin_org_id(&self, org: OrgId) -> Result<Option<String>, StoreError> {
        on_backend!(self.linkedin_org_id(org))
    }

    pub async fn set_linkedin_org_id(
        &self,
        org: OrgId,
        id: Option<&str>,
    ) -> Result<(), StoreError> {
        on_backend!(self.set_linkedin_org_id(org, id))
    }
}
