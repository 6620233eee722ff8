//! The dashboard and an organization's workspace: issue one badge, revoke, see members.

use super::{check_csrf, html, member_org, nav, require};
use crate::format_date;
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::views::{
    AwardRow, DashboardView, FieldView, Layout, MemberRow, OptionView, OrgCardView,
    OrgWorkspaceView,
};
use accolade_app::accounts::CurrentUser;
use accolade_app::{AppError, NewAward, NewOrganization};
use accolade_core::{Actor, AwardStatus, Organization, Role};
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

#[derive(Debug, serde::Deserialize)]
pub struct IssueForm {
    csrf: String,
    achievement: String,
    email: String,
    #[serde(default)]
    name: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct RevokeForm {
    csrf: String,
    reason: String,
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
    error: Option<String>,
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
    let view = DashboardView {
        layout: Layout::new("Dashboard", "Your organizations").with_user(nav(user)),
        user_name: user.user.name.clone(),
        csrf: user.csrf_token.clone(),
        organizations,
        create_fields: create_fields(form),
        error: error.clone(),
    };
    html(
        crate::dashboard(&view),
        if error.is_some() {
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
            dashboard_page(&app, &user, Some(&f), Some(e.to_string())).await
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

async fn workspace_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    role: Role,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let achievements = app.achievements(org.id).await?;
    let can_issue = role >= Role::Issuer;
    let awards = app
        .store()
        .awards(org.id, 50, 0)
        .await
        .map_err(AppError::from)?;
    let names: std::collections::HashMap<_, _> = achievements
        .iter()
        .map(|a| (a.id, a.name.clone()))
        .collect();
    let mut members = Vec::new();
    for m in app.store().members(org.id).await.map_err(AppError::from)? {
        if let Some(u) = app.store().user(m.user_id).await.map_err(AppError::from)? {
            members.push(MemberRow {
                name: u.name,
                email: u.email.as_str().into(),
                role: m.role.as_str().into(),
            });
        }
    }
    let view = OrgWorkspaceView {
        layout: Layout::new(org.name.clone(), "Issue and manage badges").with_user(nav(user)),
        name: org.name.clone(),
        slug: org.slug.to_string(),
        role: role.as_str().into(),
        public_url: format!("/issuers/{}", org.slug),
        csrf: user.csrf_token.clone(),
        can_issue,
        issue_fields: vec![
            FieldView::new("achievement", "Badge", "select").options(
                achievements
                    .iter()
                    .map(|a| OptionView {
                        value: a.id.to_string(),
                        label: a.name.clone(),
                    })
                    .collect(),
            ),
            FieldView::new("email", "Recipient email", "email").autocomplete("off"),
            FieldView::new("name", "Recipient name", "text")
                .optional()
                .hint("Shown on the badge page."),
        ],
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
                status: a.status.as_str().into(),
                url: format!("/credentials/{}", a.id),
                can_revoke: can_issue && a.status != AwardStatus::Revoked,
            })
            .collect(),
        members,
        achievements: achievements.iter().map(|a| a.name.clone()).collect(),
        notice,
        error: error.clone(),
    };
    Ok(html(
        crate::workspace(&view),
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
    ))
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
        workspace_page(&app, &user, &org, role, None, None).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn issue_award(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(f): Form<IssueForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let achievement_id = f
            .achievement
            .parse()
            .map_err(|_| AppError::NotFound("achievement"))?;
        // The achievement must belong to this organization (ids of others are "not found").
        let achievement = app.achievement(achievement_id).await?;
        if achievement.org_id != org.id {
            return Err(AppError::NotFound("achievement").into());
        }
        let name = Some(f.name.clone()).filter(|n| !n.trim().is_empty());
        match app
            .award(
                &Actor::user(&user.user),
                NewAward {
                    achievement_id,
                    recipient_email: f.email.clone(),
                    recipient_name: name,
                    issued_at: None,
                    ..Default::default()
                },
            )
            .await
        {
            Ok(award) => {
                workspace_page(
                    &app,
                    &user,
                    &org,
                    role,
                    Some(format!(
                        "Issued {} to {}.",
                        achievement.name, award.recipient_email
                    )),
                    None,
                )
                .await
            }
            Err(e @ AppError::Invalid(_)) => {
                workspace_page(&app, &user, &org, role, None, Some(e.to_string())).await
            }
            Err(e) => Err(e.into()),
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn revoke_award(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Form(f): Form<RevokeForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let award_id = id.parse().map_err(|_| AppError::NotFound("award"))?;
        let award = app.award_by_id(award_id).await?;
        if award.org_id != org.id {
            return Err(AppError::NotFound("award").into());
        }
        match app
            .revoke(&Actor::user(&user.user), award_id, &f.reason)
            .await
        {
            Ok(_) => {
                workspace_page(
                    &app,
                    &user,
                    &org,
                    role,
                    Some("The badge was revoked; its status list changed at once.".into()),
                    None,
                )
                .await
            }
            Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
                workspace_page(&app, &user, &org, role, None, Some(e.to_string())).await
            }
            Err(e) => Err(e.into()),
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
