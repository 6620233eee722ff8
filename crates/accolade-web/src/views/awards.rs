//! The awards pages of the workspace: the filtered list, one award, the bulk revocation
//! confirmation, and the awards expiring soon with the reminder settings.

use serde::Serialize;

use super::{Layout, OptionView};

/// The list's filter form, as submitted (echoed back into its inputs).
#[derive(Debug, Clone, Default, Serialize)]
pub struct AwardFilterView {
    pub achievement: String,
    pub status: String,
    pub from: String,
    pub to: String,
    pub recipient: String,
    pub achievements: Vec<OptionView>,
    pub statuses: Vec<OptionView>,
}

/// One award in a list.
#[derive(Debug, Clone, Serialize)]
pub struct AwardListRow {
    pub id: String,
    pub recipient_name: String,
    pub recipient_email: String,
    pub achievement: String,
    pub issued_on: String,
    pub expires_on: Option<String>,
    /// `active`, `suspended`, `revoked` or `expired`.
    pub status: String,
    pub url: String,
    /// Whether it can be picked for bulk revocation.
    pub selectable: bool,
}

/// Previous and next page links, with where the page is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PagerView {
    pub page: i64,
    pub pages: i64,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    /// Back to the first page, for lists paged by position (they show no page number).
    pub first_url: Option<String>,
}

/// `/dashboard/orgs/{slug}/awards`.
#[derive(Debug, Clone, Serialize)]
pub struct AwardsListView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    pub filter: AwardFilterView,
    pub rows: Vec<AwardListRow>,
    pub total: i64,
    /// "1,234 awards", or "More than 10,000 awards" past the count's cap.
    pub total_label: String,
    pub pager: PagerView,
    pub export_url: String,
    pub expiring_url: String,
    /// Issuers and above may revoke in bulk.
    pub can_revoke: bool,
    pub script_src: Option<String>,
    /// What in the filter could not be used.
    pub error: Option<String>,
}

/// A link to a related award.
#[derive(Debug, Clone, Serialize)]
pub struct RelatedView {
    pub label: String,
    pub id: String,
    pub url: String,
}

/// One entry of an award's history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub what: String,
    pub detail: String,
}

/// `/dashboard/orgs/{slug}/awards/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct AwardDetailView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    pub id: String,
    pub recipient_name: Option<String>,
    pub recipient_email: String,
    pub achievement: String,
    pub issued_on: String,
    pub expires_on: Option<String>,
    pub status: String,
    pub status_reason: Option<String>,
    pub status_changed_on: Option<String>,
    pub public_url: String,
    pub json_url: String,
    pub related: Vec<RelatedView>,
    pub history: Vec<HistoryRow>,
    pub reminders: Vec<String>,
    pub can_suspend: bool,
    pub can_reinstate: bool,
    pub can_revoke: bool,
    pub can_reissue: bool,
    pub can_renew: bool,
    /// The re-issue form's values (the current ones, or what was submitted).
    pub correct_email: String,
    pub correct_name: String,
    pub correct_language: String,
    pub notice: Option<String>,
    /// A message about the whole page's forms.
    pub error: Option<String>,
    /// A message about one input of the forms (a revocation reason, a corrected email).
    pub refused: Option<super::FieldError>,
    /// What happened to the credential: views, verifications, shares…
    pub totals: super::TotalsView,
    /// Offer "resend email" and "copy claim link" (mail is not reaching the earner).
    pub offer_delivery: bool,
    /// Why they are offered: no mail server (`true`) or a failed email.
    pub mail_unconfigured: bool,
    /// A claim link just made, shown this once.
    pub claim_link: Option<String>,
    /// How long a claim link works.
    pub claim_link_days: i64,
    /// The copy-to-clipboard script, with the claim link.
    pub copy_script: Option<String>,
}

/// An input that will not be revoked, and why.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedRow {
    pub input: String,
    pub reason: String,
}

/// The bulk revocation's confirmation page (and, once done, its outcome).
#[derive(Debug, Clone, Serialize)]
pub struct BulkRevokeView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    pub revocable: Vec<AwardListRow>,
    pub skipped: Vec<SkippedRow>,
    pub reason: String,
    /// After confirming: how many were revoked.
    pub revoked: Option<usize>,
    pub error: Option<String>,
}

/// `/dashboard/orgs/{slug}/awards/expiring`.
#[derive(Debug, Clone, Serialize)]
pub struct ExpiringView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    pub within_days: i64,
    pub windows: Vec<OptionView>,
    pub rows: Vec<AwardListRow>,
    pub total: i64,
    /// More than `total` (the count stops at its cap).
    pub total_more: bool,
    pub pager: PagerView,
    /// The reminder offsets as typed, e.g. `30, 7`.
    pub offsets: String,
    pub can_edit_offsets: bool,
    pub notice: Option<String>,
    pub error: Option<String>,
}
