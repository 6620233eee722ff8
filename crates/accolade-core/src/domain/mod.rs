//! The records Accolade keeps: organizations (issuers), their signing keys, achievements
//! (badge classes), awards (issued credentials) and images. Plain data: the rules that
//! create and change them live in the application layer, storage in the store crate.

mod account;
mod achievement;
mod audit;
mod award;
mod org;

pub use account::{Invitation, Membership, Role, SessionRecord, User};
pub use achievement::{Achievement, AlignmentSpec, ExpiryPolicy};
pub use audit::{Actor, AuditEvent};
pub use award::{Award, AwardStatus, StatusPurpose};
pub use org::{ImageRecord, Organization, SigningKeyRecord};
