//! Accolade's public pages: view models, templates and the stylesheet, all embedded in the
//! binary. Handlers fill a view, call its render function and send the HTML with
//! [`CONTENT_SECURITY_POLICY`]; the stylesheet is served from [`STYLESHEET_PATH`].
//!
//! Pages use no inline scripts or styles and nothing from other origins; the few
//! first-party scripts (live previews, progress) only enhance pages that work without them.
//!
//! [`router`] serves them, with the issuer documents (DID documents, status lists), the
//! credentials themselves and the verify page, over the application API.

mod assets;
mod charts;
mod dates;
mod escape;
mod filters;
mod icons;
mod markdown;
mod render;
mod server;
mod translate;
pub mod views;

pub use assets::{
    CONTENT_SECURITY_POLICY, SCRIPTS, STYLESHEET, STYLESHEET_PATH, script_href, stylesheet_href,
};
pub use dates::{format_date, format_datetime};
pub use render::api_keys;
pub use render::api_reference;
pub use render::embed;
pub use render::{
    RenderError, auth, credential, dashboard, error_page, home, issuer, verify, workspace,
};
pub use render::{account_form, imports, imports_map, imports_report, invitation, members, outbox};
pub use render::{achievement_form, achievement_page, achievements, issue_form};
pub use render::{audit, award_detail, awards, awards_bulk, awards_expiring};
pub use render::{backpack, claim, portfolio};
pub use render::{designer, insights, settings};
pub use render::{earner_import, earner_import_detail};
pub use render::{pathway_form, pathway_page, pathways};
pub use render::{webhook, webhook_delivery, webhooks};
pub use server::client::{Cidr, ClientAddr, TrustedProxies};
pub use server::metrics::MetricsToken;
pub use server::observe::{REQUEST_ID_HEADER, well_formed_request_id};
pub use server::{
    DEFAULT_SHUTDOWN_GRACE, MaxInFlight, ServeOptions, router, router_with, serve, serve_metrics,
    serve_until, shutdown_signal,
};

#[cfg(test)]
mod tests;
