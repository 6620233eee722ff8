//! The organization's audit log page.

use serde::Serialize;

use super::{Layout, PagerView};

/// One entry: who did what to which thing, and when.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub when: String,
    pub who: String,
    pub action: String,
    pub target: String,
    /// The award's page when the target is one of the organization's awards.
    pub target_url: Option<String>,
    pub detail: String,
}

/// `/dashboard/orgs/{slug}/audit`: newest first, a page at a time.
#[derive(Debug, Clone, Serialize)]
pub struct AuditView {
    pub layout: Layout,
    pub slug: String,
    pub rows: Vec<AuditRow>,
    pub pager: PagerView,
}
