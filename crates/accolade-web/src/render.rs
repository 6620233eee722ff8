//! The render functions: one per page, each taking its view.

use std::sync::OnceLock;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior, context};

use crate::views::{
    AuthView, Banner, CredentialView, DashboardView, DesignerView, ErrorView, HomeView, IssuerView,
    OrgWorkspaceView, SettingsView, VerifyView,
};
use crate::{escape, filters, stylesheet_href};

/// A template failed to render. It means a bug in a template, not bad input: every
/// view renders whatever its strings contain.
#[derive(Debug, thiserror::Error)]
#[error("rendering page: {0}")]
pub struct RenderError(#[from] minijinja::Error);

pub(crate) const TEMPLATES: [(&str, &str); 50] = [
    (
        "api_reference.html",
        include_str!("../templates/api_reference.html"),
    ),
    (
        "achievement_page.html",
        include_str!("../templates/achievement_page.html"),
    ),
    ("insights.html", include_str!("../templates/insights.html")),
    ("pathways.html", include_str!("../templates/pathways.html")),
    (
        "pathway_form.html",
        include_str!("../templates/pathway_form.html"),
    ),
    (
        "pathway_page.html",
        include_str!("../templates/pathway_page.html"),
    ),
    (
        "pathway_progress.html",
        include_str!("../templates/pathway_progress.html"),
    ),
    (
        "backpack_imported.html",
        include_str!("../templates/backpack_imported.html"),
    ),
    (
        "earner_import.html",
        include_str!("../templates/earner_import.html"),
    ),
    (
        "earner_import_detail.html",
        include_str!("../templates/earner_import_detail.html"),
    ),
    ("forms.html", include_str!("../templates/forms.html")),
    ("claim.html", include_str!("../templates/claim.html")),
    ("backpack.html", include_str!("../templates/backpack.html")),
    (
        "portfolio.html",
        include_str!("../templates/portfolio.html"),
    ),
    (
        "earner_macros.html",
        include_str!("../templates/earner_macros.html"),
    ),
    (
        "achievements.html",
        include_str!("../templates/achievements.html"),
    ),
    (
        "achievement_form.html",
        include_str!("../templates/achievement_form.html"),
    ),
    (
        "achievement_issue.html",
        include_str!("../templates/achievement_issue.html"),
    ),
    ("auth.html", include_str!("../templates/auth.html")),
    (
        "dashboard.html",
        include_str!("../templates/dashboard.html"),
    ),
    (
        "workspace.html",
        include_str!("../templates/workspace.html"),
    ),
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("issuer.html", include_str!("../templates/issuer.html")),
    (
        "credential.html",
        include_str!("../templates/credential.html"),
    ),
    (
        "credential_downloads.html",
        include_str!("../templates/credential_downloads.html"),
    ),
    ("verify.html", include_str!("../templates/verify.html")),
    (
        "credential_share.html",
        include_str!("../templates/credential_share.html"),
    ),
    ("embed.html", include_str!("../templates/embed.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("designer.html", include_str!("../templates/designer.html")),
    ("settings.html", include_str!("../templates/settings.html")),
    ("imports.html", include_str!("../templates/imports.html")),
    (
        "imports_map.html",
        include_str!("../templates/imports_map.html"),
    ),
    (
        "imports_report.html",
        include_str!("../templates/imports_report.html"),
    ),
    ("members.html", include_str!("../templates/members.html")),
    ("api_keys.html", include_str!("../templates/api_keys.html")),
    ("outbox.html", include_str!("../templates/outbox.html")),
    ("webhooks.html", include_str!("../templates/webhooks.html")),
    ("webhook.html", include_str!("../templates/webhook.html")),
    (
        "webhook_delivery.html",
        include_str!("../templates/webhook_delivery.html"),
    ),
    ("reset.html", include_str!("../templates/reset.html")),
    (
        "invitation.html",
        include_str!("../templates/invitation.html"),
    ),
    ("awards.html", include_str!("../templates/awards.html")),
    (
        "awards_pager.html",
        include_str!("../templates/awards_pager.html"),
    ),
    (
        "awards_detail.html",
        include_str!("../templates/awards_detail.html"),
    ),
    (
        "awards_bulk.html",
        include_str!("../templates/awards_bulk.html"),
    ),
    (
        "awards_expiring.html",
        include_str!("../templates/awards_expiring.html"),
    ),
    ("audit.html", include_str!("../templates/audit.html")),
];

static ENVIRONMENT: OnceLock<Result<Environment<'static>, minijinja::Error>> = OnceLock::new();

fn environment() -> Result<&'static Environment<'static>, RenderError> {
    ENVIRONMENT
        .get_or_init(build)
        .as_ref()
        .map_err(|e| RenderError(minijinja::Error::new(e.kind(), e.to_string())))
}

fn build() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    // A misspelt field fails the tests instead of printing nothing.
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()?,
    );
    env.set_formatter(escape::formatter);
    filters::register(&mut env);
    env.add_function("t", crate::translate::t);
    env.add_function("icon", crate::icons::icon);
    env.add_global(
        "languages",
        Value::from_iter(
            accolade_app::i18n::Lang::ALL
                .iter()
                .map(|l| Value::from_iter([l.tag(), l.native_name()])),
        ),
    );
    // Our own constant: safe as is, and unescaped it reads better in the page source.
    env.add_global(
        "stylesheet_href",
        Value::from_safe_string(stylesheet_href()),
    );
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    Ok(env)
}

fn render(name: &str, ctx: Value) -> Result<String, RenderError> {
    Ok(environment()?.get_template(name)?.render(ctx)?)
}

/// The instance's landing page.
pub fn home(view: &HomeView) -> Result<String, RenderError> {
    render("home.html", Value::from(Serde(view)))
}

/// An organization's public page.
pub fn issuer(view: &IssuerView) -> Result<String, RenderError> {
    render("issuer.html", Value::from(Serde(view)))
}

/// The public page of a badge class.
pub fn achievement_page(view: &crate::views::AchievementPageView) -> Result<String, RenderError> {
    render("achievement_page.html", Value::from(Serde(view)))
}

/// The public page of one issued credential.
pub fn credential(view: &CredentialView) -> Result<String, RenderError> {
    let banner = Banner::new(
        view.layout.lang,
        view.status,
        Some(&view.issuer_name),
        view.expires_on.as_deref(),
        view.status_reason.as_deref(),
    );
    render(
        "credential.html",
        context! { banner => Value::from(Serde(banner)), ..Value::from(Serde(view)) },
    )
}

/// The verify page, with the report below the form when there is one.
pub fn verify(view: &VerifyView) -> Result<String, RenderError> {
    let banner = view.report.as_ref().map(|report| {
        Value::from(Serde(Banner::new(
            view.layout.lang,
            report.status,
            report.issuer_name.as_deref(),
            None,
            None,
        )))
    });
    render(
        "verify.html",
        context! { banner => banner, ..Value::from(Serde(view)) },
    )
}

/// The API reference page.
pub fn api_reference(view: &crate::views::ApiReferenceView) -> Result<String, RenderError> {
    render("api_reference.html", Value::from(Serde(view)))
}

/// An error page.
pub fn error_page(view: &ErrorView) -> Result<String, RenderError> {
    render("error.html", Value::from(Serde(view)))
}

/// A sign-in or sign-up form.
pub fn auth(view: &AuthView) -> Result<String, RenderError> {
    render("auth.html", Value::from(Serde(view)))
}

/// The signed-in user's dashboard.
pub fn dashboard(view: &DashboardView) -> Result<String, RenderError> {
    render("dashboard.html", Value::from(Serde(view)))
}

/// An organization's workspace.
pub fn workspace(view: &OrgWorkspaceView) -> Result<String, RenderError> {
    render("workspace.html", Value::from(Serde(view)))
}

/// An organization's badge designer.
pub fn designer(view: &DesignerView) -> Result<String, RenderError> {
    render("designer.html", Value::from(Serde(view)))
}

/// An organization's settings: profile, logo, signing keys.
pub fn settings(view: &SettingsView) -> Result<String, RenderError> {
    render("settings.html", Value::from(Serde(view)))
}

/// The bulk-issue page: upload, and the organization's imports.
pub fn imports(view: &crate::views::ImportsView) -> Result<String, RenderError> {
    render("imports.html", Value::from(Serde(view)))
}

/// The column-mapping step of a bulk import.
pub fn imports_map(view: &crate::views::ImportMapView) -> Result<String, RenderError> {
    render("imports_map.html", Value::from(Serde(view)))
}

/// An import's dry-run report, progress or outcome.
pub fn imports_report(view: &crate::views::ImportReportView) -> Result<String, RenderError> {
    render("imports_report.html", Value::from(Serde(view)))
}

/// An organization's API keys.
pub fn api_keys(view: &crate::views::ApiKeysView) -> Result<String, RenderError> {
    render("api_keys.html", Value::from(Serde(view)))
}

/// An organization's members and invitations.
pub fn members(view: &crate::views::MembersView) -> Result<String, RenderError> {
    render("members.html", Value::from(Serde(view)))
}

/// An organization's outbox.
pub fn outbox(view: &crate::views::OutboxView) -> Result<String, RenderError> {
    render("outbox.html", Value::from(Serde(view)))
}

/// An organization's webhook endpoints.
pub fn webhooks(view: &crate::views::WebhooksView) -> Result<String, RenderError> {
    render("webhooks.html", Value::from(Serde(view)))
}

/// One webhook endpoint and its delivery log.
pub fn webhook(view: &crate::views::WebhookView) -> Result<String, RenderError> {
    render("webhook.html", Value::from(Serde(view)))
}

/// One webhook delivery and its attempts.
pub fn webhook_delivery(view: &crate::views::DeliveryView) -> Result<String, RenderError> {
    render("webhook_delivery.html", Value::from(Serde(view)))
}

/// A forgotten-password or new-password form.
pub fn account_form(view: &crate::views::AccountFormView) -> Result<String, RenderError> {
    render("reset.html", Value::from(Serde(view)))
}

/// The page of an invitation link.
pub fn invitation(view: &crate::views::InvitationView) -> Result<String, RenderError> {
    render("invitation.html", Value::from(Serde(view)))
}

/// An organization's awards, filtered, a page at a time.
pub fn awards(view: &crate::views::AwardsListView) -> Result<String, RenderError> {
    render("awards.html", Value::from(Serde(view)))
}

/// One award: its details, history and actions.
pub fn award_detail(view: &crate::views::AwardDetailView) -> Result<String, RenderError> {
    render("awards_detail.html", Value::from(Serde(view)))
}

/// A bulk revocation to confirm, or its outcome.
pub fn awards_bulk(view: &crate::views::BulkRevokeView) -> Result<String, RenderError> {
    render("awards_bulk.html", Value::from(Serde(view)))
}

/// The awards expiring soon, and the reminder settings.
pub fn awards_expiring(view: &crate::views::ExpiringView) -> Result<String, RenderError> {
    render("awards_expiring.html", Value::from(Serde(view)))
}

/// An organization's audit log.
pub fn audit(view: &crate::views::AuditView) -> Result<String, RenderError> {
    render("audit.html", Value::from(Serde(view)))
}

/// An organization's achievements.
pub fn achievements(view: &crate::views::AchievementsView) -> Result<String, RenderError> {
    render("achievements.html", Value::from(Serde(view)))
}

/// The form that creates or edits an achievement.
pub fn achievement_form(view: &crate::views::AchievementFormView) -> Result<String, RenderError> {
    render("achievement_form.html", Value::from(Serde(view)))
}

/// The form that issues one badge of an achievement.
pub fn issue_form(view: &crate::views::IssueFormView) -> Result<String, RenderError> {
    render("achievement_issue.html", Value::from(Serde(view)))
}

/// The embeddable card of a credential, with its live status.
pub fn embed(view: &crate::views::EmbedView) -> Result<String, RenderError> {
    render("embed.html", Value::from(Serde(view)))
}

/// The page a badge email's claim link opens.
pub fn claim(view: &crate::views::ClaimView) -> Result<String, RenderError> {
    render("claim.html", Value::from(Serde(view)))
}

/// The signed-in earner's backpack.
pub fn backpack(view: &crate::views::BackpackView) -> Result<String, RenderError> {
    render("backpack.html", Value::from(Serde(view)))
}

/// A public portfolio, or one badge or collection of it.
pub fn portfolio(view: &crate::views::PortfolioView) -> Result<String, RenderError> {
    render("portfolio.html", Value::from(Serde(view)))
}

/// The earner's import form and imported badges.
pub fn earner_import(view: &crate::views::EarnerImportView) -> Result<String, RenderError> {
    render("earner_import.html", Value::from(Serde(view)))
}

/// One imported badge with its verification report.
pub fn earner_import_detail(view: &crate::views::ImportedBadgeView) -> Result<String, RenderError> {
    let banner = Banner::new(
        view.layout.lang,
        view.report.status,
        view.report.issuer_name.as_deref(),
        None,
        None,
    );
    render(
        "earner_import_detail.html",
        context! { banner => Value::from(Serde(banner)), ..Value::from(Serde(view)) },
    )
}

/// An organization's pathways.
pub fn pathways(view: &crate::views::PathwaysView) -> Result<String, RenderError> {
    render("pathways.html", Value::from(Serde(view)))
}

/// The form that creates or edits a pathway.
pub fn pathway_form(view: &crate::views::PathwayFormView) -> Result<String, RenderError> {
    render("pathway_form.html", Value::from(Serde(view)))
}

/// A pathway's public page.
pub fn pathway_page(view: &crate::views::PathwayPageView) -> Result<String, RenderError> {
    render("pathway_page.html", Value::from(Serde(view)))
}

/// The issuer's insight dashboard.
pub fn insights(view: &crate::views::InsightsView) -> Result<String, RenderError> {
    render("insights.html", Value::from(Serde(view)))
}
