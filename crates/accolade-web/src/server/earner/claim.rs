//! `/claim/{token}`: the badge at once, for anyone with the link; "Add to my backpack" for
//! a signed-in account (others sign up or sign in and come back here).

use super::with_next;
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::language::PageLang;
use crate::server::workspace::{check_csrf, current, html, nav};
use crate::views::{BadgeCardView, ClaimView, Layout};
use accolade_app::AppError;
use accolade_app::accounts::CurrentUser;
use accolade_app::earners::{BackpackBadge, BadgeSource, ClaimState};
use accolade_app::i18n::{Lang, tr_with};
use accolade_app::sharing::ShareChannel;
use accolade_core::Actor;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

async fn render(
    app: &AppState,
    token: &str,
    user: Option<&CurrentUser>,
    lang: Lang,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let seen = match app.claim_view(token, user.map(|u| &u.user)).await {
        Ok(seen) => seen,
        Err(e) => return WebError::from(e).into_response(),
    };
    let texts = accolade_app::i18n::issued_texts(&seen.achievement, &seen.award.credential);
    let badge = BackpackBadge {
        source: BadgeSource::Issued(seen.award.id),
        name: texts.name.to_owned(),
        description: texts.description.to_owned(),
        language: Some(texts.language.to_owned()),
        image_path: seen.achievement.image_id.map(|i| format!("/images/{i}")),
        issuer_name: seen.org.name.clone(),
        issuer_path: Some(format!("/issuers/{}", seen.org.slug)),
        recipient_name: seen.award.recipient_name.clone(),
        issued_at: seen.award.issued_at,
        valid_until: seen.award.valid_until,
        state: seen.award_state,
        visibility: seen
            .visibility
            .unwrap_or(accolade_core::Visibility::Private),
        credential_path: format!("/credentials/{}", seen.award.id),
        org_id: Some(seen.org.id),
        alignments: seen.achievement.alignments.clone(),
    };
    let path = format!("/claim/{token}");
    let standing = app.effective_status(&seen.award);
    let promote = |channel: ShareChannel| {
        standing
            .allows(channel)
            .then(|| format!("/s/{}/{}", seen.award.id, channel.as_str()))
    };
    let view = ClaimView {
        layout: Layout::new(
            texts.name.to_owned(),
            tr_with(lang, "A badge from {issuer}", &[("issuer", &seen.org.name)]),
        )
        .with_lang(lang)
        .with_user(user.and_then(nav)),
        badge: BadgeCardView::of_in(&badge, lang),
        recipient_name: seen.award.recipient_name.clone(),
        state: match seen.state {
            ClaimState::Open => "open",
            ClaimState::Yours => "yours",
            ClaimState::Claimed => "claimed",
            ClaimState::Expired => "expired",
        }
        .into(),
        signed_in: user.is_some(),
        csrf: user.map(|u| u.csrf_token.clone()).unwrap_or_default(),
        action: path.clone(),
        signin_url: with_next("/signin", &path),
        signup_url: with_next("/signup", &path),
        json_url: format!("/credentials/{}.json", seen.award.id),
        page_url: app.urls().credential(seen.award.id),
        linkedin_profile_url: promote(ShareChannel::LinkedinProfile),
        linkedin_post_url: promote(ShareChannel::Linkedin),
        script_href: crate::script_href("share.js"),
        visibility: seen.visibility.map(|v| v.as_str().to_owned()),
        visibility_action: format!("/backpack/badges/{}/visibility", seen.award.id),
        error,
    };
    let mut res = html(crate::claim(&view), status);
    // The link is a secret: keep it out of search engines.
    res.headers_mut()
        .insert("x-robots-tag", HeaderValue::from_static("noindex"));
    res
}

pub async fn page(
    State(app): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
) -> Response {
    let user = match current(&app, &headers).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    render(&app, &token, user.as_ref(), lang, None, StatusCode::OK).await
}

pub async fn submit(
    State(app): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Form(f): Form<CsrfForm>,
) -> Response {
    let path = format!("/claim/{token}");
    let user = match current(&app, &headers).await {
        Ok(Some(u)) => u,
        Ok(None) => return Redirect::to(&with_next("/signin", &path)).into_response(),
        Err(e) => return e.into_response(),
    };
    if let Err(e) = check_csrf(&user, &f.csrf) {
        return e.into_response();
    }
    match app
        .claim(&Actor::user(&user.user), &user.user, &token)
        .await
    {
        Ok(_) => {
            // Back to the badge, which now offers to show it on the portfolio.
            let mut res = Redirect::to(&path).into_response();
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e @ AppError::Conflict(_)) => {
            render(
                &app,
                &token,
                Some(&user),
                lang,
                Some(e.message()),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => WebError::from(e).into_response(),
    }
}
