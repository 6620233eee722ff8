//! View models: plain data the handlers fill and the templates read.
//!
//! Every text field is rendered escaped; URLs pass through the `href` filter, which drops
//! anything that is not `http(s):`, `mailto:` or a same-origin path.

mod checks;
mod credential;
mod error;
mod home;
mod issuer;
mod layout;
mod status;
mod verify;
mod workspace;

pub use checks::{CheckView, VerificationView};
pub use credential::{AlignmentView, CredentialView, EvidenceView};
pub use error::ErrorView;
pub use home::{HomeView, OrganizationCard};
pub use issuer::{AchievementCard, IssuerView, KeyView};
pub use layout::{Layout, UserNav};
pub use status::{Banner, Status};
pub use verify::{ReportView, VerifyView};
pub use workspace::{
    AuthView, AwardRow, DashboardView, FieldView, MemberRow, OptionView, OrgCardView,
    OrgWorkspaceView,
};
