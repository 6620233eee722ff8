//! `/backpack`: the signed-in earner's badges, their visibility, collections, progress,
//! email addresses and the badges waiting at them, and the portfolio handle.

use super::with_next;
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::language::PageLang;
use crate::server::workspace::{check_csrf, current, html, nav, pathways};
use crate::views::{
    BackpackBadgeRow, BackpackView, BadgeCardView, CollectionBadgeRow, CollectionRow, EmailRow,
    FieldError, Layout, ProgressRow, WaitingRow, visibility_options,
};
use accolade_app::AppError;
use accolade_app::accounts::CurrentUser;
use accolade_app::i18n::{Lang, format_date, tr};
use accolade_core::{Actor, AwardId, CollectionId, Visibility};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug, serde::Deserialize)]
pub struct Notice {
    notice: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct VisibilityForm {
    csrf: String,
    visibility: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct CollectionForm {
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    award: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct HandleForm {
    csrf: String,
    handle: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct EmailForm {
    csrf: String,
    #[serde(default)]
    action: String,
    email: String,
}

/// The signed-in user, or a redirect to sign in and come back to `/backpack`.
pub(super) async fn signed_in(
    app: &AppState,
    headers: &HeaderMap,
) -> Result<CurrentUser, Response> {
    match current(app, headers).await {
        Ok(Some(u)) => Ok(u),
        Ok(None) => Err(Redirect::to(&with_next("/signin", "/backpack")).into_response()),
        Err(e) => Err(e.into_response()),
    }
}

fn notice_words(lang: Lang, key: &str) -> Option<String> {
    let words = match key {
        "claimed" => tr(
            lang,
            "The badge is in your backpack. It is not on your portfolio until you choose to show it.",
        ),
        "public" => tr(lang, "The badge is on your public portfolio."),
        "saved" => tr(lang, "Saved."),
        "sent" => tr(lang, "A verification link is on its way to that address."),
        "verified" => tr(
            lang,
            "The address is verified. Badges sent to it are listed below.",
        ),
        _ => return None,
    };
    Some(words.to_owned())
}

fn parse_visibility(raw: &str) -> Result<Visibility, AppError> {
    Visibility::parse(raw)
        .ok_or_else(|| AppError::invalid_field("visibility", "Choose who can see it."))
}

fn award_id(raw: &str) -> Result<AwardId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound("badge"))
}

async fn render(
    app: &AppState,
    user: &CurrentUser,
    lang: Lang,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    render_refused(app, user, lang, (notice, error), None, status).await
}

/// The backpack, with a refused profile input shown at its field (`(input, typed value)`
/// for the headline keeps what was typed).
pub(super) async fn render_refused(
    app: &AppState,
    user: &CurrentUser,
    lang: Lang,
    (notice, error): (Option<String>, Option<String>),
    refused: Option<(FieldError, Option<String>)>,
    status: StatusCode,
) -> Response {
    let built = view(app, user, lang, notice, error).await.map(|mut v| {
        if let Some((field, typed)) = refused {
            if let Some(typed) = typed {
                v.headline = typed;
            }
            v.profile_refused = Some(field);
        }
        v
    });
    match built {
        Ok(view) => html(crate::backpack(&view), status),
        Err(e) => WebError::from(e).into_response(),
    }
}

async fn view(
    app: &AppState,
    user: &CurrentUser,
    lang: Lang,
    notice: Option<String>,
    error: Option<String>,
) -> Result<BackpackView, AppError> {
    let backpack = app.backpack(&user.user).await?;
    let handle = app.handle_of(&user.user).await?;
    let profile = app.earner_profile(&user.user).await?;
    let portfolio = handle.as_ref().map(|h| format!("/u/{h}"));
    let waiting = app.waiting_badges_named(&user.user).await?;
    let emails = app.earner_emails(&user.user).await?;
    let pathways = pathways::progress_views(app, &user.user).await?;
    let imported = pathways::imported_rows(app, &user.user).await?;
    let badge_rows: Vec<CollectionBadgeRow> = backpack
        .badges
        .iter()
        .map(|b| CollectionBadgeRow {
            key: b.source.key(),
            name: b.name.clone(),
        })
        .collect();
    Ok(BackpackView {
        layout: Layout::new(tr(lang, "My backpack"), tr(lang, "Your badges."))
            .with_lang(lang)
            .with_user(nav(user)),
        csrf: user.csrf_token.clone(),
        badges: backpack
            .badges
            .iter()
            .map(|b| BackpackBadgeRow {
                card: BadgeCardView::of_in(b, lang),
                portfolio_url: portfolio
                    .as_ref()
                    .filter(|_| b.visibility.by_link())
                    .map(|p| format!("{p}/badges/{}", b.source.key())),
            })
            .collect(),
        collections: backpack
            .collections
            .iter()
            .map(|c| CollectionRow {
                id: c.collection.id.to_string(),
                name: c.collection.name.clone(),
                visibility: c.collection.visibility.as_str().into(),
                badges: c
                    .badges
                    .iter()
                    .map(|b| CollectionBadgeRow {
                        key: b.source.key(),
                        name: b.name.clone(),
                    })
                    .collect(),
                addable: badge_rows
                    .iter()
                    .filter(|r| !c.badges.iter().any(|b| b.source.key() == r.key))
                    .cloned()
                    .collect(),
                portfolio_url: portfolio
                    .as_ref()
                    .filter(|_| c.collection.visibility.by_link())
                    .map(|p| format!("{p}/collections/{}", c.collection.id)),
            })
            .collect(),
        progress: backpack
            .progress
            .iter()
            .map(|p| ProgressRow {
                org_name: p.org_name.clone(),
                issuer_url: p.issuer_path.clone(),
                earned: p.earned,
                offered: p.offered,
            })
            .collect(),
        pathways,
        imported,
        waiting: waiting
            .iter()
            .map(|w| WaitingRow {
                id: w.award.id.to_string(),
                name: w.achievement.name.clone(),
                image_url: w.achievement.image_id.map(|i| format!("/images/{i}")),
                issuer_name: w.org.name.clone(),
                issuer_url: format!("/issuers/{}", w.org.slug),
                sent_to: w.award.recipient_email.as_str().to_owned(),
                issued_on: format_date(lang, w.award.issued_at),
                credential_url: format!("/credentials/{}", w.award.id),
            })
            .collect(),
        emails: emails
            .iter()
            .map(|e| EmailRow {
                email: e.email.as_str().to_owned(),
                verified: e.verified_at.is_some(),
            })
            .collect(),
        handle: handle.map(|h| h.to_string()),
        portfolio_url: portfolio,
        headline: profile.headline,
        photo_url: profile.image_id.map(|i| format!("/images/{i}")),
        profile_refused: None,
        max_headline_chars: accolade_app::earners::MAX_HEADLINE_CHARS,
        max_upload_mib: accolade_app::images::MAX_UPLOAD_BYTES / (1024 * 1024),
        visibility_options: visibility_options(lang),
        notice,
        error,
    })
}

/// After a form: back to the backpack with `notice`, or the backpack again with the error
/// (a 4xx) when the application refused.
async fn done(
    app: &AppState,
    user: &CurrentUser,
    lang: Lang,
    result: Result<(), AppError>,
    notice: &str,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/backpack?notice={notice}")).into_response(),
        Err(
            e @ (AppError::Invalid(_)
            | AppError::Conflict(_)
            | AppError::NotFound(_)
            | AppError::Forbidden(_)),
        ) => {
            let message = e.message();
            let status = WebError::from(e).status;
            render(app, user, lang, None, Some(message), status).await
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

pub async fn page(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Query(q): Query<Notice>,
) -> Response {
    let user = match signed_in(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let notice = q.notice.as_deref().and_then(|key| notice_words(lang, key));
    render(&app, &user, lang, notice, None, StatusCode::OK).await
}

/// Checks the session and the form token; the user, or the response to send instead.
async fn form_user(
    app: &AppState,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<CurrentUser, Response> {
    let user = signed_in(app, headers).await?;
    check_csrf(&user, csrf).map_err(IntoResponse::into_response)?;
    Ok(user)
}

pub async fn visibility(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Form(f): Form<VisibilityForm>,
) -> Response {
    let user = match form_user(&app, &headers, &f.csrf).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let v = parse_visibility(&f.visibility)?;
        app.set_badge_visibility(&Actor::user(&user.user), &user.user, award_id(&id)?, v)
            .await
            .map(|()| v)
    }
    .await;
    let notice = match result {
        Ok(Visibility::Public) => "public",
        _ => "saved",
    };
    done(&app, &user, lang, result.map(|_| ()), notice).await
}

pub async fn add_waiting(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Form(f): Form<CsrfForm>,
) -> Response {
    let user = match form_user(&app, &headers, &f.csrf).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        app.add_waiting_badge(&Actor::user(&user.user), &user.user, award_id(&id)?)
            .await
            .map(|_| ())
    }
    .await;
    done(&app, &user, lang, result, "claimed").await
}

pub async fn create_collection(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Form(f): Form<CollectionForm>,
) -> Response {
    let user = match form_user(&app, &headers, &f.csrf).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let v = parse_visibility(&f.visibility)?;
        app.create_collection(&Actor::user(&user.user), &user.user, &f.name, v)
            .await
            .map(|_| ())
    }
    .await;
    done(&app, &user, lang, result, "saved").await
}

pub async fn edit_collection(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Form(f): Form<CollectionForm>,
) -> Response {
    let user = match form_user(&app, &headers, &f.csrf).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let actor = Actor::user(&user.user);
    let result = async {
        let id: CollectionId = id.parse().map_err(|_| AppError::NotFound("collection"))?;
        let u = &user.user;
        match f.action.as_str() {
            "update" => {
                let v = parse_visibility(&f.visibility)?;
                app.update_collection(&actor, u, id, &f.name, v).await
            }
            "delete" => app.delete_collection(&actor, u, id).await,
            "add" => {
                app.add_to_collection(&actor, u, id, award_id(&f.award)?)
                    .await
            }
            "remove" => {
                app.remove_from_collection(&actor, u, id, award_id(&f.award)?)
                    .await
            }
            "up" | "down" => {
                let up = f.action == "up";
                app.move_in_collection(&actor, u, id, award_id(&f.award)?, up)
                    .await
            }
            _ => Err(AppError::invalid(
                "This action is not known. Reload the page and try again.",
            )),
        }
    }
    .await;
    done(&app, &user, lang, result, "saved").await
}

pub async fn handle(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Form(f): Form<HandleForm>,
) -> Response {
    let user = match form_user(&app, &headers, &f.csrf).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = app
        .set_handle(&Actor::user(&user.user), &user.user, &f.handle)
        .await
        .map(|_| ());
    done(&app, &user, lang, result, "saved").await
}

pub async fn emails(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Form(f): Form<EmailForm>,
) -> Response {
    let user = match form_user(&app, &headers, &f.csrf).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let actor = Actor::user(&user.user);
    let (result, notice) = if f.action == "remove" {
        let r = app.remove_earner_email(&actor, &user.user, &f.email).await;
        (r, "saved")
    } else {
        let r = app.add_earner_email(&actor, &user.user, &f.email).await;
        (r, "sent")
    };
    done(&app, &user, lang, result, notice).await
}

/// The link of a verification email. The token itself is the proof; no session needed.
pub async fn verify_email(
    State(app): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    app.verify_earner_email(&token).await?;
    Ok(Redirect::to("/backpack?notice=verified").into_response())
}
