//! The HTML pages: home, issuer (or its Profile as JSON-LD), and the public credential page
//! (or the credential itself, for programs).

use super::AppState;
use super::documents::json_response;
use super::errors::WebError;
use super::language::PageLang;
use super::negotiate::wants_json;
use super::viewer::{personal, viewer};
use crate::views::{
    AchievementCard, AlignmentView, Banner, CatalogSearch, CredentialView, HomeView, IssuerView,
    KeyView, Layout, OrganizationCard, Status, UserNav, VerificationView,
};
use accolade_app::effective::EffectiveStatus;
use accolade_app::i18n::{Lang, achievement_type_label, format_date, format_datetime, tr, tr_with};
use accolade_app::public_page::{KeptPage, PageInputs, PageLookup};
use accolade_app::{App, PublicUrl};
use accolade_core::{AwardId, AwardState};
use accolade_credentials::verify::CredentialKind;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;
use std::sync::Arc;

fn render(r: Result<String, crate::RenderError>) -> Result<Response, WebError> {
    r.map(|html| Html(html).into_response())
        .map_err(|e| WebError::internal(format!("template error: {e}")))
}

/// Our own absolute URLs become paths, so pages work whatever host name the browser used
/// and stay within the `img-src 'self'` policy.
fn local(urls: &PublicUrl, url: &str) -> String {
    urls.local_path(url)
        .map_or_else(|| url.to_owned(), str::to_owned)
}

pub async fn home(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
) -> Result<Response, WebError> {
    let user = viewer(&app, &headers).await;
    let orgs = app.orgs().await?;
    let issue_url = match &user {
        Some(_) => "/dashboard".to_owned(),
        None => "/signup?next=/dashboard".to_owned(),
    };
    let view = HomeView {
        issue_url,
        layout: Layout::new(
            tr(lang, "Digital badges you can verify"),
            tr(
                lang,
                "Open Badges 3.0 credentials, issued and verified with Accolade.",
            ),
        )
        .with_lang(lang)
        .with_user(user.clone()),
        organizations: orgs
            .iter()
            .map(|o| OrganizationCard {
                name: o.name.clone(),
                url: format!("/issuers/{}", o.slug),
                logo_url: o.image_id.map(|i| format!("/images/{i}")),
                description: o.description.clone(),
            })
            .collect(),
    };
    Ok(personal(render(crate::home(&view))?, user.as_ref()))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct CatalogQuery {
    #[serde(default)]
    q: String,
}

pub async fn issuer(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    Query(search): Query<CatalogQuery>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
) -> Result<Response, WebError> {
    let json = wants_json(&headers);
    let org = app
        .org_by_slug(&slug)
        .await
        .map_err(|e| WebError::from(e).json(json))?;
    if json {
        return Ok(json_response(
            "application/ld+json",
            app.profile_json(&org).to_string(),
        ));
    }
    let user = viewer(&app, &headers).await;
    let all = app.achievements(org.id).await?;
    let query = search.q.trim().to_owned();
    let found = accolade_app::search_catalog(&all, &query);
    let result_text = (!query.is_empty()).then(|| match found.len() {
        1 => tr_with(lang, "1 badge matches “{query}”", &[("query", &query)]),
        n => tr_with(
            lang,
            "{count} badges match “{query}”",
            &[("count", &n.to_string()), ("query", &query)],
        ),
    });
    let keys = app.keys(org.id).await?;
    let urls = app.urls();
    let view = IssuerView {
        layout: Layout::new(
            org.name.clone(),
            org.description.clone().unwrap_or_else(|| {
                tr_with(lang, "Badges issued by {issuer}", &[("issuer", &org.name)])
            }),
        )
        .with_lang(lang)
        .with_canonical_url(urls.issuer_page(&org.slug))
        .with_og_image(format!("{}/og.png", urls.issuer_page(&org.slug)))
        .with_user(user.clone()),
        name: org.name.clone(),
        logo_url: org.image_id.map(|i| format!("/images/{i}")),
        description: org.description.clone(),
        website: Some(org.url.clone()),
        email: org.email.as_ref().map(|e| e.as_str().to_owned()),
        search: CatalogSearch {
            query: query.clone(),
            total: all.len(),
            result_text,
        },
        achievements: found
            .iter()
            .map(|a| AchievementCard {
                facts: a
                    .credits
                    .map(|c| {
                        tr_with(
                            lang,
                            "{count} credits",
                            &[("count", &crate::views::credits_text(c))],
                        )
                    })
                    .into_iter()
                    .chain([super::achievement_page::validity(lang, a.expiry)])
                    .collect(),
                criteria: a
                    .criteria_narrative
                    .as_deref()
                    .map(|n| accolade_app::criteria_summary(n, 180))
                    .filter(|s| !s.is_empty()),
                name: a.name.clone(),
                achievement_type: achievement_type_label(lang, &a.achievement_type),
                description: a.description.clone(),
                image_url: a.image_id.map(|i| format!("/images/{i}")),
                image_alt: tr_with(lang, "{name} badge", &[("name", &a.name)]),
                url: Some(format!("/achievements/{}", a.id)),
            })
            .collect(),
        did: urls.issuer_did(&org.slug),
        did_document_url: format!("/issuers/{}/did.json", org.slug),
        keys: keys
            .iter()
            .map(|k| KeyView {
                id: app.verification_method(&org, k),
                key_type: "Ed25519 (Multikey)".into(),
                created: format_date(lang, k.created_at),
                retired: k.retired_at.map(|at| format_date(lang, at)),
            })
            .collect(),
    };
    Ok(personal(render(crate::issuer(&view))?, user.as_ref()))
}

/// `/credentials/{id}`: the page for people, the signed credential for programs, and
/// `/credentials/{id}.json` for downloads.
pub async fn credential(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    visitor: super::share::Visitor,
    PageLang(lang): PageLang,
) -> Result<Response, WebError> {
    let (id, json) = match id.strip_suffix(".json") {
        Some(stem) => (stem.to_owned(), true),
        None => (id, wants_json(&headers)),
    };
    let not_found = || {
        WebError::new(
            StatusCode::NOT_FOUND,
            "There is no credential with this id.",
        )
        .json(json)
    };
    let award_id: AwardId = id.parse().map_err(|_| not_found())?;
    if json {
        let award = app
            .award_by_id(award_id)
            .await
            .map_err(|e| WebError::from(e).json(json))?;
        return Ok(json_response(
            "application/vc+ld+json",
            award.credential.clone(),
        ));
    }
    // A signed-in visitor gets a page made for them, with their header, never kept; the
    // badge's owner also gets their share tools (and their views are not counted). The kept
    // pages are for anonymous visitors only: the public page, with no one's header or tools.
    if let Some(signed_in) = super::workspace::current(&app, &headers).await? {
        let owner = app.owns_award(signed_in.user.id, award_id).await?;
        let user = super::workspace::nav(&signed_in);
        let inputs = app.credential_page_inputs(award_id).await?;
        let html = render_credential(&app, &inputs, lang, user.clone(), owner)
            .map_err(|e| WebError::internal(format!("template error: {e}")))?;
        if !owner {
            app.record_event(
                award_id,
                accolade_app::analytics::EventKind::View,
                "",
                visitor.client(),
            );
        }
        let mut res = Html(html).into_response();
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
        return Ok(res);
    }
    let variant = lang.tag();
    let page = match app.credential_page(award_id, variant).await? {
        PageLookup::Kept(page) => page,
        PageLookup::Render(inputs) => {
            let html = render_credential(&app, &inputs, lang, None, false)
                .map_err(|e| WebError::internal(format!("template error: {e}")))?;
            app.keep_credential_page(variant, &inputs, html)
        }
    };
    app.record_event(
        award_id,
        accolade_app::analytics::EventKind::View,
        "",
        visitor.client(),
    );
    Ok(kept_response(page, &headers))
}

/// A kept page as a response body, shared rather than copied.
struct PageBody(Arc<KeptPage>);

impl AsRef<[u8]> for PageBody {
    fn as_ref(&self) -> &[u8] {
        self.0.html.as_bytes()
    }
}

/// A kept page, or "304 Not Modified" when the browser already has it.
fn kept_response(page: Arc<KeptPage>, headers: &HeaderMap) -> Response {
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == page.etag));
    let etag = HeaderValue::from_str(&page.etag).ok();
    let mut res = if cached {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Html(Body::from(Bytes::from_owner(PageBody(page.clone())))).into_response()
    };
    let h = res.headers_mut();
    if let Some(etag) = etag {
        h.insert(header::ETAG, etag);
    }
    // The status can change at any time: browsers ask again, cheaply, with the tag.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

fn render_credential(
    app: &App,
    inputs: &PageInputs,
    lang: Lang,
    user: Option<UserNav>,
    owner: bool,
) -> Result<String, crate::RenderError> {
    let award = &inputs.award;
    // The report holds the stored credential it checked, already parsed.
    let parsed;
    let credential = match &inputs.report.credential {
        Some(c) if inputs.report.kind == CredentialKind::Ob3DataIntegrity => c,
        _ => {
            parsed = serde_json::from_str(&award.credential).unwrap_or(Value::Null);
            &parsed
        }
    };
    let mut view = credential_view(
        app,
        award,
        credential,
        &inputs.report,
        inputs.checked_at,
        lang,
    );
    view.verification.signature_checked_at = inputs
        .signature_checked_at
        .map(|at| format_datetime(lang, at));
    view.replaced_by_url = inputs
        .links
        .replaced_by
        .map(|id| format!("/credentials/{id}"));
    view.renewed_by_url = inputs
        .links
        .renewed_by
        .map(|id| format!("/credentials/{id}"));
    super::share::decorate(app, award, credential, &mut view, owner);
    view.layout.user = user;
    crate::credential(&view)
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn credential_view(
    app: &App,
    award: &accolade_core::Award,
    credential: &Value,
    report: &accolade_credentials::verify::Report,
    checked_at: time::OffsetDateTime,
    lang: Lang,
) -> CredentialView {
    let urls = app.urls();
    let achievement = &credential["credentialSubject"]["achievement"];
    let issuer = &credential["issuer"];
    let name = text(achievement, "name").unwrap_or_default();
    let image_url = achievement["image"]["id"].as_str().map(|u| local(urls, u));
    let checked_at = format_datetime(lang, checked_at);
    // The report already carries the award's suspension (the app's verify entry point adds
    // what this instance knows of its own credentials).
    let verification = VerificationView::from_report_in(lang, report, checked_at);
    let status = Status::from_report(report);
    let credits = achievement["creditsAvailable"]
        .as_f64()
        .map(|c| tr_with(lang, "{count} credits", &[("count", &c.to_string())]));
    let alignments = achievement["alignment"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|a| AlignmentView {
                    name: text(a, "targetName").unwrap_or_default(),
                    framework: text(a, "targetFramework"),
                    code: text(a, "targetCode"),
                    url: text(a, "targetUrl"),
                })
                .collect()
        })
        .unwrap_or_default();
    let issuer_slug_page = app
        .urls()
        .local_path(&urls.credential(award.id))
        .map(|_| format!("/issuers/{}", issuer_slug(app, credential)))
        .unwrap_or_default();
    let description = text(achievement, "description").unwrap_or_default();
    let language = text(achievement, "inLanguage").or_else(|| text(credential, "inLanguage"));
    let (page_title, page_description) = preview_texts(
        lang,
        &app.effective_status(award),
        &format!("{name} — {}", text(issuer, "name").unwrap_or_default()),
        &description,
        &text(issuer, "name").unwrap_or_default(),
    );
    CredentialView {
        layout: Layout::new(page_title, page_description)
            .with_lang(lang)
            .with_canonical_url(urls.credential(award.id)),
        credential_id: urls.credential(award.id),
        credential_id_parts: crate::views::wrap_points(&urls.credential(award.id)),
        credential_url: format!("/credentials/{}", award.id),
        verify_url: urls.credential(award.id),
        achievement_name: name.clone(),
        achievement_type: achievement_type_label(
            lang,
            &text(achievement, "achievementType").unwrap_or_else(|| "Badge".into()),
        ),
        description,
        image_url,
        image_alt: tr_with(lang, "{name} badge", &[("name", &name)]),
        recipient_name: award.recipient_name.clone(),
        issuer_name: text(issuer, "name").unwrap_or_default(),
        issuer_url: issuer_slug_page,
        issuer_logo_url: issuer["image"]["id"].as_str().map(|u| local(urls, u)),
        issued_on: format_date(lang, award.issued_at),
        expires_on: award.valid_until.map(|at| format_date(lang, at)),
        criteria_narrative: text(&achievement["criteria"], "narrative"),
        criteria_url: text(&achievement["criteria"], "id"),
        alignments,
        credits,
        evidence: crate::views::evidence_of(credential),
        language_name: language
            .as_deref()
            .map(|tag| accolade_app::i18n::language_name(lang, tag)),
        language,
        results: crate::views::results_of(credential),
        status,
        status_reason: award.status_reason.clone(),
        replaced_by_url: None,
        renewed_by_url: None,
        verification,
        downloads: Some(crate::views::DownloadsView::for_credential(&format!(
            "/credentials/{}",
            award.id
        ))),
        share: None,
    }
}

/// The page's title and description (which link previews show): for a badge that is no
/// longer valid, they say so first.
fn preview_texts(
    lang: Lang,
    status: &EffectiveStatus,
    title: &str,
    description: &str,
    issuer: &str,
) -> (String, String) {
    let shown = match status.state {
        AwardState::Active => return (title.to_owned(), description.to_owned()),
        AwardState::Revoked => Status::Revoked,
        AwardState::Suspended => Status::Suspended,
        AwardState::Expired => Status::Expired,
    };
    let expired_on = status.valid_until.map(|t| format_date(lang, t));
    let banner = Banner::new(
        lang,
        shown,
        Some(issuer),
        expired_on.as_deref(),
        status.reason.as_deref(),
    );
    let mut said = banner.message;
    if let Some(reason) = &banner.reason {
        said = format!(
            "{said} {} {reason}",
            tr(lang, "Reason given by the issuer:")
        );
    }
    (
        format!("{}: {title}", banner.title),
        format!("{said} {description}").trim().to_owned(),
    )
}

/// The issuer slug from the credential's did:web issuer (`…:issuers:{slug}`).
fn issuer_slug(_app: &App, credential: &Value) -> String {
    credential["issuer"]["id"]
        .as_str()
        .and_then(|d| d.rsplit(':').next())
        .unwrap_or_default()
        .to_owned()
}
