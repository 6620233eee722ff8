//! View models: plain data the handlers fill and the templates read.
//!
//! Every text field is rendered escaped; URLs pass through the `href` filter, which drops
//! anything that is not `http(s):`, `mailto:` or a same-origin path.

mod achievement_page;
mod achievements;
mod api_keys;
mod api_reference;
mod audit;
mod awards;
mod checks;
mod credential;
mod designer;
mod downloads;
mod earner;
mod earner_import;
mod error;
mod home;
mod imports;
mod insights;
mod issuer;
mod layout;
mod members;
mod outbox;
mod pathways;
mod refusal;
mod settings;
mod share;
mod status;
mod verify;
mod webhooks;
mod workspace;

pub use achievement_page::AchievementPageView;
pub use achievements::{
    AchievementFormView, AchievementRow, AchievementsView, AlignmentRow, CurrentVersionView,
    CustomFieldRow, FieldLabelRow, FrameworkOption, ImageChoice, IssueFormView, TranslationRow,
};
pub use api_keys::{ApiKeyRow, ApiKeysView, CreatedKeyView, ScopeChoice};
pub use api_reference::{
    ApiBodyView, ApiFieldView, ApiOperationView, ApiReferenceView, ApiResponseView, ApiSchemaView,
    ApiTagView,
};
pub use audit::{AuditRow, AuditView};
pub use awards::{
    AwardDetailView, AwardFilterView, AwardListRow, AwardsListView, BulkRevokeView, ExpiringView,
    HistoryRow, PagerView, RelatedView, SkippedRow,
};
pub use checks::{CHECK_KINDS, CheckView, VerificationView, label as check_label};
pub use credential::{
    AlignmentView, CredentialView, EvidenceView, ResultView, evidence_of, results_of, wrap_points,
};
pub use designer::{DesignRow, DesignerView, SavedDesignView};
pub use downloads::{DownloadLink, DownloadsView};
pub use earner::{
    BackpackBadgeRow, BackpackView, BadgeCardView, ClaimView, CollectionBadgeRow, CollectionRow,
    EmailRow, PortfolioCollectionView, PortfolioView, ProgressRow, SkillView, WaitingRow,
    visibility_options,
};
pub use earner_import::{EarnerImportView, ImportedBadgeRow, ImportedBadgeView, verdict_label};
pub use error::ErrorView;
pub use home::{HomeView, OrganizationCard};
pub use imports::{ImportIssueRow, ImportListRow, ImportMapView, ImportReportView, ImportsView};
pub use insights::{ChartView, InsightsQuery, InsightsView, KpiView, LegendView, insight_sections};
pub use issuer::{AchievementCard, CatalogSearch, IssuerView, KeyView};
pub use layout::{Layout, UserNav};
pub use members::{AccountFormView, InvitationRow, InvitationView, MemberListRow, MembersView};
pub use outbox::{OutboxMessageView, OutboxRow, OutboxView};
pub use pathways::{
    FormRowView, ImportedRow, PathwayFormView, PathwayPageView, PathwayProgressView, PathwayRow,
    PathwaysView, StepBadgeView, StepView, credits_text,
};
pub use refusal::{FieldError, Refusal};
pub use settings::{SettingsKeyRow, SettingsView};
pub use share::{ChannelCount, EmbedView, ShareLink, ShareSubject, ShareView, TotalsView};
pub use status::{Banner, Status};
pub use verify::{INPUT_FORMATS, ReportView, VerifyView, format_label};
pub use webhooks::{
    AttemptView, DeliveryRow, DeliveryView, EndpointRow, EventChoice, WebhookView, WebhooksView,
};
pub use workspace::{
    AchievementLink, AuthView, AwardRow, DashboardView, FieldView, GuideStep, MemberRow,
    OptionView, OrgCardView, OrgWorkspaceView,
};
