//! `/u/{handle}`: a public portfolio. Public badges and public collections are listed;
//! unlisted ones open only from their own link; private ones are never shown. Pages show
//! the account's name and handle, never its email addresses.

use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::language::PageLang;
use crate::server::workspace::{current, nav, pathways};
use crate::views::{BadgeCardView, Layout, PortfolioCollectionView, PortfolioView, SkillView};
use accolade_app::earners::{Portfolio, PortfolioCollection};
use accolade_app::i18n::{Lang, tr_with};
use accolade_core::{AwardId, CollectionId};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};

fn collection_view(handle: &str, c: &PortfolioCollection, lang: Lang) -> PortfolioCollectionView {
    PortfolioCollectionView {
        name: c.name.clone(),
        url: format!("/u/{handle}/collections/{}", c.id),
        badges: c
            .badges
            .iter()
            .map(|b| BadgeCardView::of_in(b, lang))
            .collect(),
    }
}

async fn render(
    app: &AppState,
    // Who asks: the session and the page's language.
    (headers, lang): (&HeaderMap, Lang),
    p: &Portfolio,
    mode: &str,
    heading: String,
    badges: Vec<BadgeCardView>,
    collections: Vec<PortfolioCollectionView>,
) -> Result<Response, WebError> {
    let user = current(app, headers).await?;
    let pathways = if mode == "portfolio" {
        pathways::portfolio_progress_views(app, p.handle.as_str()).await?
    } else {
        Vec::new()
    };
    let home_url = format!("/u/{}", p.handle);
    let layout = Layout::new(
        heading.clone(),
        tr_with(lang, "Badges of {name}", &[("name", &p.name)]),
    )
    .with_lang(lang)
    .with_canonical_url(format!("{}{home_url}", app.urls().base()))
    .with_user(user.as_ref().and_then(nav));
    let view = PortfolioView {
        layout,
        handle: p.handle.to_string(),
        name: p.name.clone(),
        home_url,
        mode: mode.into(),
        heading,
        headline: p.headline.clone(),
        photo_url: p.photo_path.clone(),
        skills: p.skills.iter().map(SkillView::of).collect(),
        badges,
        collections,
        pathways,
    };
    crate::portfolio(&view)
        .map(|h| Html(h).into_response())
        .map_err(|e| WebError::internal(format!("template error: {e}")))
}

pub async fn home(
    State(app): State<AppState>,
    Path(handle): Path<String>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
) -> Result<Response, WebError> {
    let p = app.portfolio(&handle).await?;
    let badges = p
        .badges
        .iter()
        .map(|b| BadgeCardView::of_in(b, lang))
        .collect();
    let collections = p
        .collections
        .iter()
        .map(|c| collection_view(p.handle.as_str(), c, lang))
        .collect();
    let heading = tr_with(lang, "{name}'s badges", &[("name", &p.name)]);
    render(
        &app,
        (&headers, lang),
        &p,
        "portfolio",
        heading,
        badges,
        collections,
    )
    .await
}

pub async fn badge(
    State(app): State<AppState>,
    Path((handle, id)): Path<(String, String)>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
) -> Result<Response, WebError> {
    let id: AwardId = id
        .parse()
        .map_err(|_| WebError::new(StatusCode::NOT_FOUND, "There is no such badge."))?;
    let (p, b) = app.portfolio_badge(&handle, id).await?;
    let heading = b.name.clone();
    let badges = vec![BadgeCardView::of_in(&b, lang)];
    render(
        &app,
        (&headers, lang),
        &p,
        "badge",
        heading,
        badges,
        Vec::new(),
    )
    .await
}

pub async fn collection(
    State(app): State<AppState>,
    Path((handle, id)): Path<(String, String)>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
) -> Result<Response, WebError> {
    let id: CollectionId = id
        .parse()
        .map_err(|_| WebError::new(StatusCode::NOT_FOUND, "There is no such collection."))?;
    let (p, c) = app.portfolio_collection(&handle, id).await?;
    let heading = c.name.clone();
    let badges = c
        .badges
        .iter()
        .map(|b| BadgeCardView::of_in(b, lang))
        .collect();
    render(
        &app,
        (&headers, lang),
        &p,
        "collection",
        heading,
        badges,
        Vec::new(),
    )
    .await
}
