//! The members page: who is in the organization with which role, invitations by email,
//! role changes and removal. Viewers see the list; admins manage it (owners only by owners).

use super::{check_csrf, html, member_org, nav, require};
use crate::format_date;
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::views::{
    FieldView, InvitationRow, Layout, MemberListRow, MembersView, OptionView, Refusal,
};
use accolade_app::AppError;
use accolade_app::accounts::CurrentUser;
use accolade_core::{Organization, Role, UserId};
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{slug}/members", get(page))
        .route("/dashboard/orgs/{slug}/members/invite", post(invite))
        .route(
            "/dashboard/orgs/{slug}/members/{user}/role",
            post(change_role),
        )
        .route("/dashboard/orgs/{slug}/members/{user}/remove", post(remove))
        .route(
            "/dashboard/orgs/{slug}/members/invitations/{id}/revoke",
            post(revoke_invitation),
        )
}

#[derive(Debug, serde::Deserialize)]
pub struct InviteForm {
    csrf: String,
    email: String,
    role: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct RoleForm {
    csrf: String,
    role: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

const ROLES: [Role; 4] = [Role::Viewer, Role::Issuer, Role::Admin, Role::Owner];

/// The roles `mine` may give: up to admin for admins, all for owners.
fn grantable(mine: Role) -> Vec<OptionView> {
    ROLES
        .iter()
        .filter(|r| mine >= Role::Admin && (**r < Role::Owner || mine == Role::Owner))
        .map(|r| OptionView {
            value: r.as_str().into(),
            label: r.as_str().into(),
        })
        .collect()
}

fn members_url(org: &Organization) -> String {
    format!("/dashboard/orgs/{}/members", org.slug)
}

async fn members_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    role: Role,
    form: Option<&InviteForm>,
    notice: Option<String>,
    refusal: Option<Refusal>,
) -> Result<Response, WebError> {
    let members = app.members(user, org.id).await?;
    let owners = members.iter().filter(|m| m.role == Role::Owner).count();
    let can_manage = role >= Role::Admin;
    let invitations = if can_manage {
        app.pending_invitations(user, org.id).await?
    } else {
        Vec::new()
    };
    let may_touch = |target: Role| can_manage && (target < Role::Owner || role == Role::Owner);
    let mut invite_fields = vec![
        FieldView::new("email", "Email", "email")
            .value(form.map(|f| f.email.clone()).unwrap_or_default())
            .autocomplete("off"),
        FieldView::new("role", "Role", "select")
            .options(grantable(role))
            .value(form.map_or("issuer".to_owned(), |f| f.role.clone())),
    ];
    // A refusal of the invitation is shown at its input; others (a role change, a
    // removal) above the page.
    let refused = refusal.is_some();
    let error = match refusal {
        Some(r) if form.is_some() => r.place(&mut invite_fields),
        Some(r) => Some(r.message),
        None => None,
    };
    let view = MembersView {
        layout: Layout::new("Members", "Members and invitations").with_user(nav(user)),
        slug: org.slug.to_string(),
        csrf: user.csrf_token.clone(),
        can_manage,
        members: members
            .iter()
            .map(|m| MemberListRow {
                user_id: m.user.id.to_string(),
                name: m.user.name.clone(),
                email: m.user.email.as_str().into(),
                role: m.role.as_str().into(),
                since: format_date(m.since),
                is_you: m.user.id == user.user.id,
                role_options: if may_touch(m.role) {
                    grantable(role)
                } else {
                    Vec::new()
                },
                can_remove: may_touch(m.role) && !(m.role == Role::Owner && owners == 1),
            })
            .collect(),
        invitations: invitations
            .iter()
            .map(|i| InvitationRow {
                id: i.id.clone(),
                email: i.email.clone(),
                role: i.role.as_str().into(),
                invited_by: i.invited_by.clone().unwrap_or_default(),
                expires: format_date(i.expires_at),
                can_revoke: may_touch(i.role),
            })
            .collect(),
        invite_fields,
        notice,
        error,
    };
    let status = if refused {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(html(crate::members(&view), status))
}

/// The page's address: after an invitation, `?invited=` names the address invited.
#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    invited: Option<String>,
}

async fn page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, role) = member_org(&app, &user, &slug, Role::Viewer).await?;
        // The notice only for an invitation that is pending, seen by whoever may invite.
        let notice = match q.invited.as_deref() {
            Some(email) if role >= Role::Admin => app
                .pending_invitations(&user, org.id)
                .await?
                .into_iter()
                .find(|i| i.email.eq_ignore_ascii_case(email.trim()))
                .map(|i| format!("Invitation sent to {} as {}.", i.email, i.role.as_str())),
            _ => None,
        };
        members_page(&app, &user, &org, role, None, notice, None).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

fn parse_role(raw: &str) -> Result<Role, AppError> {
    Role::parse(raw.trim())
        .ok_or_else(|| AppError::invalid_field("role", "Choose a role from the list."))
}

fn parse_user(raw: &str) -> Result<UserId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound("member"))
}

/// Renders the page again with a refusal the user can act on; anything else is an error page.
async fn outcome(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    role: Role,
    result: Result<String, AppError>,
    form: Option<&InviteForm>,
) -> Result<Response, WebError> {
    match result {
        Ok(_) if form.is_none() => Ok(Redirect::to(&members_url(org)).into_response()),
        // Redirected, so that reloading the page does not send the invitation again.
        Ok(invited) => {
            let to = format!(
                "{}?invited={}",
                members_url(org),
                crate::filters::query_value(&invited)
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::Forbidden(_))) => {
            let refusal = Refusal::from(&e);
            members_page(app, user, org, role, form, None, Some(refusal)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn invite(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(f): Form<InviteForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Admin).await?;
        let done = async {
            let (invitation, _) = app
                .invite(&user, org.id, &f.email, parse_role(&f.role)?)
                .await?;
            Ok(invitation.email.as_str().to_owned())
        };
        outcome(&app, &user, &org, role, done.await, Some(&f)).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

async fn change_role(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, member)): Path<(String, String)>,
    Form(f): Form<RoleForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Admin).await?;
        let done = async {
            app.set_member_role(&user, org.id, parse_user(&member)?, parse_role(&f.role)?)
                .await?;
            Ok(String::new())
        };
        outcome(&app, &user, &org, role, done.await, None).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

async fn remove(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, member)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Admin).await?;
        let done = async {
            app.remove_member(&user, org.id, parse_user(&member)?)
                .await?;
            Ok(String::new())
        };
        outcome(&app, &user, &org, role, done.await, None).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

async fn revoke_invitation(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Admin).await?;
        let done = async {
            app.revoke_invitation(&user, org.id, &id).await?;
            Ok(String::new())
        };
        outcome(&app, &user, &org, role, done.await, None).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
