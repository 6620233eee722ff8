//! Issuing one badge of an achievement from a form: recipient, optional dates, language,
//! a value per custom field, evidence. The application checks everything (required fields
//! included); the form only collects.

use super::form::FormData;
use super::{base, describe_expiry, org_achievement};
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::workspace::{check_csrf, html, member_org, nav, require};
use crate::views::{FieldView, IssueFormView, Layout, OptionView, Refusal};
use accolade_app::accounts::CurrentUser;
use accolade_app::{AppError, NewAward, NewEvidence};
use accolade_core::{Achievement, Actor, AwardId, Organization, Role};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;
use time::macros::{format_description, time};
use time::{Date, OffsetDateTime};

/// Evidence link rows on the form.
const EVIDENCE_ROWS: usize = 3;

/// The application's names for this form's inputs.
const RENAMES: &[(&str, &str)] = &[
    ("recipient_email", "email"),
    ("recipient_name", "name"),
    ("issued_at", "issued_on"),
    ("valid_until", "expires_on"),
    ("field_values.", "field-"),
];

/// Shows a refusal at its input on the page, or above the form.
fn show_refusal(view: &mut IssueFormView, e: &AppError) {
    let lists: &mut [&mut [FieldView]] = &mut [
        &mut view.fields,
        &mut view.custom_fields,
        std::slice::from_mut(&mut view.evidence_narrative),
    ];
    view.error = Refusal::from(e).rename(RENAMES).place_in(lists, &[]).1;
}

fn field_name(key: &str) -> String {
    format!("field-{key}")
}

fn fields(a: &Achievement, f: &FormData) -> Vec<FieldView> {
    let languages: Vec<OptionView> = a
        .languages()
        .iter()
        .map(|l| OptionView {
            value: l.to_string(),
            label: a
                .localized(l)
                .map_or_else(|| l.to_string(), |t| format!("{l} — {}", t.name)),
        })
        .collect();
    let mut out = vec![
        FieldView::new("email", "Recipient email", "email")
            .value(f.get("email"))
            .autocomplete("off"),
        FieldView::new("name", "Recipient name", "text")
            .value(f.get("name"))
            .optional()
            .autocomplete("off")
            .hint("Shown on the badge page."),
        FieldView::new("issued_on", "Issue date", "date")
            .value(f.get("issued_on"))
            .optional()
            .hint("Leave empty to issue now."),
        FieldView::new("expires_on", "Expiry date", "date")
            .value(f.get("expires_on"))
            .optional()
            .hint(format!(
                "Leave empty to follow the achievement: {}.",
                describe_expiry(a.expiry).to_lowercase()
            )),
    ];
    if languages.len() > 1 {
        let chosen = Some(f.get("language"))
            .filter(|l| !l.is_empty())
            .map_or_else(|| a.language.to_string(), str::to_owned);
        out.push(
            FieldView::new("language", "Language of the badge", "select")
                .value(chosen)
                .options(languages)
                .hint("The credential carries the achievement's texts in this language."),
        );
    }
    out
}

fn page_view(
    user: &CurrentUser,
    org: &Organization,
    a: &Achievement,
    f: &FormData,
    error: Option<String>,
    notice: Option<(String, String)>,
) -> IssueFormView {
    let slug = org.slug.to_string();
    let custom_fields = a
        .custom_fields
        .iter()
        .map(|c| {
            let input = FieldView::new(&field_name(&c.key), &c.label, "text")
                .value(f.get(&field_name(&c.key)));
            if c.required {
                input.hint("Required for this badge: shown on it and in the credential.")
            } else {
                input
                    .optional()
                    .hint("Shown on the badge and in the credential when given.")
            }
        })
        .collect();
    let evidence_links = (0..EVIDENCE_ROWS)
        .map(|i| {
            let url = format!("ev-{i}-url");
            let name = format!("ev-{i}-name");
            (
                FieldView::new(&url, &format!("Evidence link {}", i + 1), "url")
                    .value(f.get(&url))
                    .optional(),
                FieldView::new(&name, &format!("Title of link {}", i + 1), "text")
                    .value(f.get(&name))
                    .optional(),
            )
        })
        .collect();
    let (notice, issued_url) = notice.unzip();
    IssueFormView {
        layout: Layout::new(
            format!("Issue {} — {}", a.name, org.name),
            "Issue one badge",
        )
        .with_user(nav(user)),
        slug: slug.clone(),
        csrf: user.csrf_token.clone(),
        achievement_name: a.name.clone(),
        action: format!("{}/{}/issue", base(&slug), a.id),
        fields: fields(a, f),
        custom_fields,
        evidence_links,
        evidence_narrative: FieldView::new("evidence_narrative", "Evidence narrative", "textarea")
            .value(f.get("evidence_narrative"))
            .optional()
            .hint("What the recipient did or showed. Markdown."),
        evidence_requirements: a.evidence_requirements.clone(),
        expiry_policy: describe_expiry(a.expiry),
        error,
        notice,
        issued_url,
        bulk_url: format!("/dashboard/orgs/{slug}/imports"),
        template_url: crate::server::workspace::imports_template_url(&slug, a.id),
    }
}

fn parse_date(field: &'static str, raw: &str) -> Result<Option<Date>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        d => Date::parse(d, format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|_| AppError::invalid_field(field, "Enter a date, like 2027-06-30.")),
    }
}

/// The application's input from the form. A date-only issue date of today means "now".
fn new_award(a: &Achievement, f: &FormData, today: Date) -> Result<NewAward, AppError> {
    let issued_at = parse_date("issued_on", f.get("issued_on"))?
        .filter(|d| *d != today)
        .map(|d| d.midnight().assume_utc());
    let valid_until: Option<OffsetDateTime> = parse_date("expires_on", f.get("expires_on"))?
        .map(|d| d.with_time(time!(23:59:59)).assume_utc());
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let mut evidence: Vec<NewEvidence> = (0..EVIDENCE_ROWS)
        .map(|i| NewEvidence {
            url: opt(f.get(&format!("ev-{i}-url"))),
            name: opt(f.get(&format!("ev-{i}-name"))),
            narrative: None,
        })
        .collect();
    if let Some(narrative) = opt(f.get("evidence_narrative")) {
        evidence.push(NewEvidence {
            narrative: Some(narrative),
            ..NewEvidence::default()
        });
    }
    let field_values: BTreeMap<String, String> = a
        .custom_fields
        .iter()
        .map(|c| (c.key.clone(), f.get(&field_name(&c.key)).to_owned()))
        .collect();
    Ok(NewAward {
        achievement_id: a.id,
        recipient_email: f.get("email").to_owned(),
        recipient_name: opt(f.get("name")),
        issued_at,
        valid_until,
        language: opt(f.get("language")),
        field_values,
        evidence,
    })
}

/// The form's address: after an issue, `?issued=` names the award just issued.
#[derive(serde::Deserialize, Default)]
pub struct FormQuery {
    #[serde(default)]
    issued: Option<String>,
}

pub async fn form(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<FormQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let a = org_achievement(&app, &org, &id).await?;
        // The notice names the award only if it is this badge's, in this organization.
        let issued = match q.issued.as_deref().and_then(|i| i.parse::<AwardId>().ok()) {
            Some(award_id) => app
                .award_by_id(award_id)
                .await
                .ok()
                .filter(|w| w.org_id == org.id && w.achievement_id == a.id),
            None => None,
        };
        let notice = issued.map(|award| {
            (
                format!("Issued {} to {}.", a.name, award.recipient_email),
                format!("/credentials/{}", award.id),
            )
        });
        let view = page_view(&user, &org, &a, &FormData::default(), None, notice);
        Ok::<_, WebError>(html(crate::issue_form(&view), StatusCode::OK))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn submit(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Form(f): Form<FormData>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, f.get("csrf"))?;
        let (org, _) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let a = org_achievement(&app, &org, &id).await?;
        let today = app.clock().now().date();
        let issued = match new_award(&a, &f, today) {
            Ok(new) => app.award(&Actor::user(&user.user), new).await,
            Err(e) => Err(e),
        };
        match issued {
            // Redirected, so that reloading the page does not issue again.
            Ok(award) => Ok(Redirect::to(&format!(
                "{}/{}/issue?issued={}",
                base(&slug),
                a.id,
                award.id
            ))
            .into_response()),
            Err(e @ AppError::Invalid(_)) => {
                let mut view = page_view(&user, &org, &a, &f, None, None);
                show_refusal(&mut view, &e);
                Ok(html(crate::issue_form(&view), StatusCode::BAD_REQUEST))
            }
            Err(e) => Err(WebError::from(e)),
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
