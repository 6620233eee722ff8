//! The records Accolade keeps: organizations (issuers), their signing keys, achievements
//! (badge classes), awards (issued credentials) and images. Plain data: the rules that
//! create and change them live in the application layer, storage in the store crate.

mod account;
mod achievement;
mod audit;
mod award;
mod design;
mod earner;
mod org;
mod pathway;

pub use account::{Invitation, Membership, Role, SessionRecord, User};
pub use achievement::{
    Achievement, AchievementTranslation, AlignmentSpec, CustomField, ExpiryPolicy, LangTag,
    LangTagError, Localized,
};
pub use audit::{Actor, AuditEvent};
pub use award::{
    Award, AwardLinks, AwardStanding, AwardState, AwardStatus, AwardStatusFields, AwardSummary,
    StatusPurpose,
};
pub use design::{Design, DesignLogo};
pub use earner::{
    ClaimToken, Collection, CollectionId, EarnerEmail, Handle, HandleError, Ownership, Visibility,
};
pub use org::{ImageRecord, Organization, SigningKeyRecord};
pub use pathway::{
    Pathway, PathwayId, Requirement, RequirementError, RequirementProgress, RequirementStep,
};
