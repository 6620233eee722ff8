//! The workspace's pathways (admins): the list, the form that creates or edits one (plain
//! HTML: "Add more steps" re-renders it with more rows), deletion; and the public page of a
//! pathway, `/pathways/{id}`.

mod form;
mod public;

pub use public::{imported_rows, portfolio_progress_views, progress_views};

use super::{check_csrf, html, member_org, nav, require};
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::views::{
    FieldView, Layout, OptionView, PathwayFormView, PathwayRow, PathwaysView, Refusal,
};
use accolade_app::AppError;
use accolade_app::accounts::CurrentUser;
use accolade_core::{Achievement, Actor, Organization, Pathway, PathwayId, Role};
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use form::{FormData, PathwayInput};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{slug}/pathways", get(list).post(create))
        .route("/dashboard/orgs/{slug}/pathways/new", get(new_form))
        .route(
            "/dashboard/orgs/{slug}/pathways/{id}",
            get(edit_form).post(update),
        )
        .route("/dashboard/orgs/{slug}/pathways/{id}/delete", post(delete))
        .route("/pathways/{id}", get(public::page))
}

fn base(slug: &str) -> String {
    format!("/dashboard/orgs/{slug}/pathways")
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Notice {
    #[serde(default)]
    notice: Option<String>,
}

fn notice_words(key: &str) -> Option<String> {
    Some(
        match key {
            "saved" => "Saved. Earners see their progress along it in their backpack.",
            "deleted" => "The pathway was deleted.",
            _ => return None,
        }
        .to_owned(),
    )
}

async fn org_pathway(app: &AppState, org: &Organization, raw: &str) -> Result<Pathway, WebError> {
    let id: PathwayId = raw.parse().map_err(|_| AppError::NotFound("pathway"))?;
    Ok(app.org_pathway(org.id, id).await?)
}

pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<Notice>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let achievements = app.achievements(org.id).await?;
        let name_of = |id| {
            achievements
                .iter()
                .find(|a: &&Achievement| a.id == id)
                .map(|a| a.name.clone())
        };
        let rows = app
            .pathways(org.id)
            .await?
            .iter()
            .map(|p| PathwayRow {
                id: p.id.to_string(),
                name: p.name.clone(),
                target: p.target.and_then(name_of),
                steps: p
                    .requirement
                    .evaluate(&Default::default(), &Default::default())
                    .required,
                edit_url: format!("{}/{}", base(&slug), p.id),
                public_url: format!("/pathways/{}", p.id),
            })
            .collect();
        let view = PathwaysView {
            layout: Layout::new(format!("Pathways · {}", org.name), "Routes toward a goal")
                .with_user(nav(&user)),
            slug: slug.clone(),
            org_name: org.name.clone(),
            csrf: user.csrf_token.clone(),
            rows,
            notice: q.notice.as_deref().and_then(notice_words),
            error: None,
        };
        Ok::<_, WebError>(html(crate::pathways(&view), StatusCode::OK))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// What the form shows besides the organization's badges.
struct Shown<'a> {
    input: &'a PathwayInput,
    /// Rows to add to the usual spare ones.
    extra_rows: usize,
    /// The stored requirements go beyond what the form edits.
    beyond_form: bool,
    error: Option<&'a AppError>,
}

impl<'a> Shown<'a> {
    fn input(input: &'a PathwayInput) -> Self {
        Self {
            input,
            extra_rows: 0,
            beyond_form: false,
            error: None,
        }
    }
}

/// The form page: creating (`editing` is `None`) or editing a pathway.
async fn form_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    editing: Option<&Pathway>,
    shown: Shown<'_>,
) -> Result<Response, WebError> {
    let Shown {
        input,
        extra_rows,
        beyond_form,
        error,
    } = shown;
    let achievements = app.achievements(org.id).await?;
    let slug = org.slug.to_string();
    let badges: Vec<OptionView> = achievements
        .iter()
        .map(|a| OptionView {
            value: a.id.to_string(),
            label: a.name.clone(),
        })
        .collect();
    let mut targets = vec![OptionView {
        value: String::new(),
        label: "None: the pathway itself is the goal".into(),
    }];
    targets.extend(badges.iter().cloned());
    let mut fields = vec![
        FieldView::new("name", "Name", "text").value(input.name.clone()),
        FieldView::new("description", "Description", "textarea")
            .value(input.description.clone())
            .optional()
            .hint("Shown on the pathway's public page."),
        FieldView::new("target", "Leads to the badge", "select")
            .value(input.target.clone())
            .options(targets)
            .optional()
            .hint("Completing the pathway does not issue it by itself: earners see that they completed the pathway, and whether they hold this badge."),
    ];
    let (title, action, version) = match editing {
        Some(p) => (
            format!("Edit {}", p.name),
            format!("{}/{}", base(&slug), p.id),
            p.version.to_string(),
        ),
        None => ("New pathway".to_owned(), base(&slug), String::new()),
    };
    let status = match error {
        None => StatusCode::OK,
        Some(AppError::NotFound(_)) => StatusCode::NOT_FOUND,
        Some(AppError::Conflict(_)) => StatusCode::CONFLICT,
        Some(_) => StatusCode::BAD_REQUEST,
    };
    let rows = input.row_views(extra_rows);
    let (refused, error) = match error {
        Some(e) => {
            // Inputs the template draws itself: the steps, each row's, the credits.
            let mut drawn = vec!["requirement".to_owned(), "credits".to_owned()];
            for r in &rows {
                drawn.extend([format!("kind-{}", r.index), format!("n-{}", r.index)]);
            }
            let drawn: Vec<&str> = drawn.iter().map(String::as_str).collect();
            Refusal::from(e).place_in(&mut [&mut fields], &drawn)
        }
        None => (None, None),
    };
    let view = PathwayFormView {
        layout: Layout::new(format!("{title} · {}", org.name), "Pathways").with_user(nav(user)),
        heading: title,
        slug,
        org_name: org.name.clone(),
        csrf: user.csrf_token.clone(),
        action,
        version,
        fields,
        group_size: badges.len().clamp(2, 6),
        badges,
        rows,
        credits: input.credits.clone(),
        beyond_form,
        public_url: editing.map(|p| format!("/pathways/{}", p.id)),
        error,
        refused,
    };
    Ok(html(crate::pathway_form(&view), status))
}

pub async fn new_form(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let input = PathwayInput::default();
        form_page(&app, &user, &org, None, Shown::input(&input)).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn edit_form(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let p = org_pathway(&app, &org, &id).await?;
        let (input, beyond_form) = PathwayInput::from_pathway(&p);
        let shown = Shown {
            beyond_form,
            ..Shown::input(&input)
        };
        form_page(&app, &user, &org, Some(&p), shown).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// The organization's badges that carry credits (a threshold with no rows counts them).
async fn credit_badges(
    app: &AppState,
    org: &Organization,
) -> Result<Vec<accolade_core::AchievementId>, WebError> {
    Ok(app
        .achievements(org.id)
        .await?
        .iter()
        .filter(|a| a.credits.is_some_and(|c| c > 0.0))
        .map(|a| a.id)
        .collect())
}

/// Saves the form (`editing`: the pathway edited, with the version the form was loaded
/// at), or shows it again with more rows, or with the error and what was typed.
async fn save(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    editing: Option<&Pathway>,
    f: &FormData,
) -> Result<Response, WebError> {
    let input = PathwayInput::from_form(f);
    if f.get("action") == "more" {
        let shown = Shown {
            extra_rows: 3,
            ..Shown::input(&input)
        };
        return form_page(app, user, org, editing, shown).await;
    }
    let actor = Actor::user(&user.user);
    let saved = match input.to_new(org.id, &credit_badges(app, org).await?) {
        Ok(new) => match editing {
            Some(p) => {
                let version: i64 = f.get("version").trim().parse().map_err(|_| {
                    WebError::new(
                        StatusCode::BAD_REQUEST,
                        "The form lost its version; reload the page.",
                    )
                })?;
                app.update_pathway(&actor, p.id, version, new).await
            }
            None => app.create_pathway(&actor, new).await,
        },
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => {
            Ok(Redirect::to(&format!("{}?notice=saved", base(org.slug.as_str()))).into_response())
        }
        Err(
            e @ (AppError::Invalid(_) | AppError::NotFound("achievement") | AppError::Conflict(_)),
        ) => {
            let shown = Shown {
                error: Some(&e),
                ..Shown::input(&input)
            };
            form_page(app, user, org, editing, shown).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(f): Form<FormData>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, f.get("csrf"))?;
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        save(&app, &user, &org, None, &f).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn update(
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
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let p = org_pathway(&app, &org, &id).await?;
        save(&app, &user, &org, Some(&p), &f).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn delete(
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
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let p = org_pathway(&app, &org, &id).await?;
        app.delete_pathway(&Actor::user(&user.user), org.id, p.id)
            .await?;
        Ok::<_, WebError>(Redirect::to(&format!("{}?notice=deleted", base(&slug))).into_response())
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
