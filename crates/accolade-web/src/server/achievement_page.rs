//! `/achievements/{id}`: a badge class. People (browsers, asking for `text/html`) get its
//! page; programs get its Open Badges JSON-LD, as they always have: anything that does not
//! ask for HTML first (`application/ld+json`, `application/json`, `*/*`, no `Accept`) gets
//! the JSON, and `/achievements/{id}.json` always does.

use super::AppState;
use super::documents::json_response;
use super::errors::WebError;
use super::language::PageLang;
use super::negotiate::wants_page;
use crate::views::{AchievementPageView, AlignmentView, Layout};
use accolade_app::App;
use accolade_app::i18n::{Lang, achievement_type_label, format_date, tr, tr_with};
use accolade_core::{Achievement, AchievementId, ExpiryPolicy, LangTag, Organization};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The achievement's JSON as it stands now (credentials embed it as it was when issued).
fn achievement_json(app: &App, a: &Achievement) -> String {
    let mut doc = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": app.urls().achievement(a.id),
        "type": ["Achievement"],
        "achievementType": a.achievement_type,
        "name": a.name,
        "description": a.description,
        "criteria": {},
    });
    if let Some(n) = &a.criteria_narrative {
        doc["criteria"]["narrative"] = n.clone().into();
    }
    if let Some(u) = &a.criteria_url {
        doc["criteria"]["id"] = u.clone().into();
    }
    if let Some(i) = a.image_id {
        doc["image"] =
            serde_json::json!({"id": app.urls().image(i), "type": "Image", "caption": a.name});
    }
    accolade_app::describe_achievement(app.urls(), a, &mut doc);
    doc.to_string()
}

/// How long an award of `expiry` stays valid, in words.
pub(super) fn validity(lang: Lang, expiry: ExpiryPolicy) -> String {
    match expiry {
        ExpiryPolicy::Never => tr(lang, "Does not expire").to_owned(),
        ExpiryPolicy::FixedDate(d) => tr_with(
            lang,
            "Valid until {date}",
            &[("date", &format_date(lang, d))],
        ),
        ExpiryPolicy::MonthsAfterIssue(1) => {
            tr(lang, "Valid for 1 month after it is issued").to_owned()
        }
        ExpiryPolicy::MonthsAfterIssue(m) => tr_with(
            lang,
            "Valid for {months} months after it is issued",
            &[("months", &m.to_string())],
        ),
    }
}

fn page_view(app: &App, a: &Achievement, org: &Organization, lang: Lang) -> AchievementPageView {
    let urls = app.urls();
    // The achievement's own texts in the page's language when it has them, else its default.
    let texts = LangTag::parse(lang.tag())
        .ok()
        .and_then(|tag| a.localized(&tag))
        .or_else(|| a.localized(&a.language));
    let (name, description, criteria, language) = match &texts {
        Some(t) => (
            t.name.to_owned(),
            t.description.to_owned(),
            t.criteria_narrative.map(str::to_owned),
            t.language.as_str().to_owned(),
        ),
        None => (
            a.name.clone(),
            a.description.clone(),
            a.criteria_narrative.clone(),
            a.language.as_str().to_owned(),
        ),
    };
    let issuer_page = format!("/issuers/{}", org.slug);
    let description_meta = tr_with(
        lang,
        "{name}: a badge from {issuer}",
        &[("name", &name), ("issuer", &org.name)],
    );
    let mut layout = Layout::new(format!("{name} — {}", org.name), description_meta)
        .with_lang(lang)
        .with_canonical_url(urls.achievement(a.id));
    if let Some(i) = a.image_id {
        layout = layout.with_og_image(urls.image_png(i, 512));
    }
    AchievementPageView {
        layout,
        achievement_type: achievement_type_label(lang, &a.achievement_type),
        image_url: a.image_id.map(|i| format!("/images/{i}")),
        image_alt: tr_with(lang, "{name} badge", &[("name", &name)]),
        // Marked only when the texts are in another language than the page.
        language: Lang::from_tag(&language)
            .is_none_or(|l| l != lang)
            .then_some(language),
        name,
        description,
        criteria_narrative: criteria,
        criteria_url: a.criteria_url.clone(),
        alignments: a
            .alignments
            .iter()
            .map(|al| AlignmentView {
                name: al.target_name.clone(),
                framework: al.target_framework.clone(),
                code: al.target_code.clone(),
                url: Some(al.target_url.clone()),
            })
            .collect(),
        credits: a.credits.map(|c| {
            tr_with(
                lang,
                "{count} credits",
                &[("count", &crate::views::credits_text(c))],
            )
        }),
        validity: validity(lang, a.expiry),
        tags: a.tags.clone(),
        issuer_name: org.name.clone(),
        issuer_url: issuer_page,
        issuer_logo_url: org.image_id.map(|i| format!("/images/{i}")),
        issuer_description: org.description.clone(),
        json_url: format!("/achievements/{}.json", a.id),
        achievement_id: urls.achievement(a.id),
    }
}

/// Tells caches that the answer depends on `Accept`.
fn vary_accept(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    res
}

pub async fn achievement(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
) -> Result<Response, WebError> {
    let (id, page) = match id.strip_suffix(".json") {
        Some(stem) => (stem.to_owned(), false),
        None => (id, wants_page(&headers)),
    };
    let not_found =
        || WebError::new(StatusCode::NOT_FOUND, "There is no badge with this id.").json(!page);
    let id: AchievementId = id.parse().map_err(|_| not_found())?;
    let a = app
        .achievement(id)
        .await
        .map_err(|e| WebError::from(e).json(!page))?;
    if !page {
        let json = json_response("application/ld+json", achievement_json(&app, &a));
        return Ok(vary_accept(json));
    }
    let org = app.org(a.org_id).await?;
    let html = crate::achievement_page(&page_view(&app, &a, &org, lang))
        .map_err(|e| WebError::internal(format!("template error: {e}")))?;
    Ok(vary_accept(Html(html).into_response()))
}
