use serde::Serialize;

use super::Layout;

/// The instance's landing page.
#[derive(Debug, Clone, Serialize)]
pub struct HomeView {
    pub layout: Layout,
    pub organizations: Vec<OrganizationCard>,
    /// Where "Start issuing badges" leads: sign-up, then the dashboard (where an
    /// organization is created), or the dashboard itself when signed in.
    pub issue_url: String,
}

/// One issuing organization in the list on the home page.
#[derive(Debug, Clone, Serialize)]
pub struct OrganizationCard {
    pub name: String,
    /// The organization's public page, e.g. `/issuers/{slug}`.
    pub url: String,
    pub logo_url: Option<String>,
    /// A short description; the template shows it as one paragraph.
    pub description: Option<String>,
}
