//! Domain types and rules shared by every Accolade crate. No IO lives here.

mod clock;
pub mod domain;
mod email;
mod ids;
mod slug;

pub use clock::{Clock, FixedClock, SystemClock};
pub use domain::*;
pub use email::{Email, EmailError};
pub use ids::{
    AchievementId, ApiKeyId, AuditId, AwardId, DesignId, IdError, ImageId, ImportId, JobId, KeyId,
    OrgId, OutboxId, UserId,
};
pub use slug::{Slug, SlugError};
