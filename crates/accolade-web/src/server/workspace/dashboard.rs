//! The dashboard and an organization's workspace overview: its achievements (each leading to
//! its issue form), recent awards (each leading to its page, where it is revoked, suspended
//! or re-issued) and members.

use super::{check_csrf, html, member_org, nav, require};
use crate::format_date;
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::views::{
    AchievementLink, AwardRow, DashboardView, FieldView, GuideStep, Layout, MemberRow, OrgCardView,
    OrgWorkspaceView, Refusal,
};
use accolade_app::accounts::CurrentUser;
use accolade_app::{AppError, NewOrganization};
use accolade_core::{Organization, Role};
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug, serde::Deserialize)]
pub struct CreateOrgForm {
    csrf: String,
    name: String,
    url: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    description: String,
}

fn create_fields(f: Option<&CreateOrgForm>) -> Vec<FieldView> {
    let v = |get: fn(&CreateOrgForm) -> &str| f.map(get).unwrap_or("").to_owned();
    vec![
        FieldView::new("name", "Organization name", "text")
            .value(v(|f| &f.name))
            .autocomplete("organization"),
        FieldView::new("url", "Website", "url")
            .value(v(|f| &f.url))
            .hint("Shown on your public issuer page."),
        FieldView::new("email", "Contact email", "email")
            .value(v(|f| &f.email))
            .optional(),
        FieldView::new("description", "Description", "textarea")
            .value(v(|f| &f.description))
            .optional(),
    ]
}

async fn dashboard_page(
    app: &AppState,
    user: &CurrentUser,
    form: Option<&CreateOrgForm>,
    refusal: Option<Refusal>,
) -> Response {
    let mut organizations = Vec::new();
    for m in &user.memberships {
        if let Ok(org) = app.org(m.org_id).await {
            organizations.push(OrgCardView {
                name: org.name.clone(),
                role: m.role.as_str().into(),
                url: format!("/dashboard/orgs/{}", org.slug),
            });
        }
    }
    let refused = refusal.is_some();
    let mut create_fields = create_fields(form);
    let error = refusal.and_then(|r| r.place(&mut create_fields));
    let view = DashboardView {
        layout: Layout::new("Dashboard", "Your organizations").with_user(nav(user)),
        user_name: user.user.name.clone(),
        csrf: user.csrf_token.clone(),
        organizations,
        create_fields,
        error,
    };
    html(
        crate::dashboard(&view),
        if refused {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
    )
}

pub async fn dashboard(State(app): State<AppState>, headers: HeaderMap) -> Response {
    match require(&app, &headers).await {
        Ok(user) => dashboard_page(&app, &user, None, None).await,
        Err(r) => r,
    }
}

pub async fn create_org(
    State(app): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<CreateOrgForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(e) = check_csrf(&user, &f.csrf) {
        return e.into_response();
    }
    let new = NewOrganization {
        name: f.name.clone(),
        url: f.url.clone(),
        email: Some(f.email.clone()),
        description: Some(f.description.clone()),
        slug: None,
    };
    match app.create_org_for(&user, new).await {
        Ok(org) => Redirect::to(&format!("/dashboard/orgs/{}", org.slug)).into_response(),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            dashboard_page(&app, &user, Some(&f), Some(Refusal::from(&e))).await
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

/// The first steps of a new organization (design a badge, create an achievement, issue
/// it), each marked done once done; none once a badge has been issued.
async fn getting_started(
    app: &AppState,
    org: &Organization,
    role: Role,
    achievements: &[accolade_core::Achievement],
    issued: bool,
) -> Result<Vec<GuideStep>, WebError> {
    if issued {
        return Ok(Vec::new());
    }
    let base = format!("/dashboard/orgs/{}", org.slug);
    let admin = role >= Role::Admin;
    let designed = !app.org_images(org.id).await?.is_empty();
    let first = achievements.first();
    let mut steps = vec![
        GuideStep {
            title: "Design a badge".into(),
            text: "Pick a shape, colours, an icon and a title, or upload your own image.".into(),
            url: admin.then(|| format!("{base}/designer")),
            action: "Open the designer".into(),
            done: designed,
            next: false,
        },
        GuideStep {
            title: "Create an achievement".into(),
            text: "Name the badge, say what earners did to get it, and choose its image.".into(),
            url: admin.then(|| format!("{base}/achievements/new")),
            action: "New achievement".into(),
            done: first.is_some(),
            next: false,
        },
        GuideStep {
            title: "Issue it".into(),
            text: "Send the badge to one person by email, or to a list from a CSV file.".into(),
            // Only once there is something to issue.
            url: first
                .filter(|_| role >= Role::Issuer)
                .map(|a| format!("{base}/achievements/{}/issue", a.id)),
            action: "Issue a badge".into(),
            done: false,
            next: false,
        },
    ];
    if let Some(step) = steps.iter_mut().find(|s| !s.done) {
        step.next = true;
    }
    Ok(steps)
}

async fn workspace_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    role: Role,
) -> Result<Response, WebError> {
    let achievements = app.achievements(org.id).await?;
    let can_issue = role >= Role::Issuer;
    let awards = app.newest_awards(org.id, 50).await?;
    let names: std::collections::HashMap<_, _> = achievements
        .iter()
        .map(|a| (a.id, a.name.clone()))
        .collect();
    let members = app
        .members(user, org.id)
        .await?
        .into_iter()
        .map(|m| MemberRow {
            name: m.user.name,
            email: m.user.email.as_str().into(),
            role: m.role.as_str().into(),
        })
        .collect();
    let getting_started =
        getting_started(app, org, role, &achievements, !awards.is_empty()).await?;
    let view = OrgWorkspaceView {
        getting_started,
        layout: Layout::new(org.name.clone(), "Issue and manage badges").with_user(nav(user)),
        name: org.name.clone(),
        slug: org.slug.to_string(),
        role: role.as_str().into(),
        public_url: format!("/issuers/{}", org.slug),
        csrf: user.csrf_token.clone(),
        can_issue,
        awards: awards
            .iter()
            .map(|a| AwardRow {
                id: a.id.to_string(),
                recipient: a
                    .recipient_name
                    .clone()
                    .unwrap_or_else(|| a.recipient_email.as_str().to_owned()),
                achievement: names.get(&a.achievement_id).cloned().unwrap_or_default(),
                issued_on: format_date(a.issued_at),
                // The state the application gives (expiry included), never read off a column.
                status: app.effective_status(a).state.as_str().into(),
                url: format!("/credentials/{}", a.id),
                manage_url: format!("/dashboard/orgs/{}/awards/{}", org.slug, a.id),
            })
            .collect(),
        members,
        achievements: achievements
            .iter()
            .map(|a| AchievementLink {
                name: a.name.clone(),
                issue_url: format!("/dashboard/orgs/{}/achievements/{}/issue", org.slug, a.id),
            })
            .collect(),
    };
    Ok(html(crate::workspace(&view), StatusCode::OK))
}

pub async fn org_workspace(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, role) = member_org(&app, &user, &slug, Role::Viewer).await?;
        workspace_page(&app, &user, &org, role).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
