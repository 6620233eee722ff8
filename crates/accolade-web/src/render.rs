//! The render functions: one per page, each taking its view.

use std::sync::OnceLock;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior, context};

use crate::views::{
    AuthView, Banner, CredentialView, DashboardView, ErrorView, HomeView, IssuerView,
    OrgWorkspaceView, VerifyView,
};
use crate::{escape, filters, stylesheet_href};

/// A template failed to render. It means a bug in a template, not bad input: every
/// view renders whatever its strings contain.
#[derive(Debug, thiserror::Error)]
#[error("rendering page: {0}")]
pub struct RenderError(#[from] minijinja::Error);

const TEMPLATES: [(&str, &str); 11] = [
    ("forms.html", include_str!("../templates/forms.html")),
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
    ("verify.html", include_str!("../templates/verify.html")),
    ("error.html", include_str!("../templates/error.html")),
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

/// The public page of one issued credential.
pub fn credential(view: &CredentialView) -> Result<String, RenderError> {
    let banner = Banner::new(
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
