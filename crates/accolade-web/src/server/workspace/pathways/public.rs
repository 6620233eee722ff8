//! `/pathways/{id}`: a pathway's public page (its steps with the badges' images, and the
//! signed-in viewer's progress when they hold one of its badges); and what the backpack and
//! the portfolio show of pathways and imported badges.

use super::super::{current, nav};
use crate::format_date;
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::language::PageLang;
use crate::views::{
    ImportedRow, Layout, PathwayPageView, PathwayProgressView, StepBadgeView, StepView,
};
use accolade_app::AppError;
use accolade_app::i18n::tr_with;
use accolade_core::{AchievementId, PathwayId, User};
use accolade_credentials::verify::Flags;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use std::collections::{HashMap, HashSet};

pub async fn page(
    State(app): State<AppState>,
    Path(id): Path<String>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let id: PathwayId = id.parse().map_err(|_| AppError::NotFound("pathway"))?;
    let details = app.pathway_details(id).await?;
    let viewer = current(&app, &headers).await?;
    let mine = match &viewer {
        Some(v) => app
            .pathway_progress(&v.user)
            .await?
            .into_iter()
            .find(|p| p.pathway.id == id),
        None => None,
    };
    // Nothing held: the steps as they stand for someone starting out.
    let credits: HashMap<AchievementId, f64> = details
        .achievements
        .iter()
        .filter_map(|(id, a)| a.credits.map(|c| (*id, c)))
        .collect();
    let blank = details
        .pathway
        .requirement
        .evaluate(&HashSet::new(), &credits);
    let root = StepView::of(
        mine.as_ref().map_or(&blank, |m| &m.progress),
        &details.achievements,
    );
    let p = &details.pathway;
    let view = PathwayPageView {
        layout: Layout::new(
            p.name.clone(),
            tr_with(lang, "A pathway of {org}", &[("org", &details.org.name)]),
        )
        .with_lang(lang)
        .with_canonical_url(format!("{}/pathways/{}", app.urls().base(), p.id))
        .with_user(viewer.as_ref().and_then(nav)),
        name: p.name.clone(),
        description: p.description.clone(),
        org_name: details.org.name.clone(),
        org_url: format!("/issuers/{}", details.org.slug),
        target: details.target.as_ref().map(StepBadgeView::of),
        root,
        progress: mine.as_ref().map(PathwayProgressView::of),
    };
    Ok(match crate::pathway_page(&view) {
        Ok(h) => crate::server::viewer::personal(
            axum::response::Html(h).into_response(),
            view.layout.user.as_ref(),
        ),
        Err(e) => WebError::internal(format!("template error: {e}")).into_response(),
    })
}

/// The account's progress along pathways, as the backpack shows it.
pub async fn progress_views(
    app: &AppState,
    user: &User,
) -> Result<Vec<PathwayProgressView>, AppError> {
    Ok(app
        .pathway_progress(user)
        .await?
        .iter()
        .map(PathwayProgressView::of)
        .collect())
}

/// Progress on a portfolio: counting its public badges only.
pub async fn portfolio_progress_views(
    app: &AppState,
    handle: &str,
) -> Result<Vec<PathwayProgressView>, AppError> {
    Ok(app
        .portfolio_pathway_progress(handle)
        .await?
        .iter()
        .map(PathwayProgressView::of)
        .collect())
}

/// The status flags of a stored verification report.
#[derive(serde::Deserialize)]
struct Flagged {
    flags: Flags,
}

/// The word for an imported badge's verification, the status of a badge that verified
/// but was revoked, suspended or expired first.
fn verdict_of(verdict: &str, report: &str) -> (&'static str, &'static str) {
    let flags = serde_json::from_str::<Flagged>(report)
        .map(|f| f.flags)
        .unwrap_or_default();
    if flags.revoked {
        ("revoked", "Revoked by its issuer")
    } else if flags.suspended {
        ("suspended", "Suspended by its issuer")
    } else if flags.expired {
        ("expired", "Expired when imported")
    } else {
        match verdict {
            "valid" => ("verified", "Verified on import"),
            "unchecked" | "unverified" => ("unchecked", "Could not be checked on import"),
            _ => ("invalid", "Failed verification on import"),
        }
    }
}

/// The account's imported badges, each with its verdict, newest first.
pub async fn imported_rows(app: &AppState, user: &User) -> Result<Vec<ImportedRow>, AppError> {
    Ok(app
        .imported_badges(user.id)
        .await?
        .iter()
        .map(|i| {
            let (verdict, label) = verdict_of(&i.verdict, &i.report);
            ImportedRow {
                name: i
                    .badge_name
                    .clone()
                    .unwrap_or_else(|| "Unnamed badge".into()),
                issuer_name: i.issuer_name.clone(),
                url: format!("/backpack/imports/{}", i.id),
                verdict: verdict.into(),
                verdict_label: label.into(),
                imported_on: format_date(i.imported_at),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::verdict_of;

    #[test]
    fn verdict_words() {
        let flags = |r: bool, s: bool, e: bool| {
            format!(
                r#"{{"flags":{{"revoked":{r},"suspended":{s},"expired":{e},"not_yet_valid":false}}}}"#
            )
        };
        assert_eq!(
            verdict_of("valid", &flags(false, false, false)).0,
            "verified"
        );
        assert_eq!(
            verdict_of("invalid", &flags(true, false, false)).0,
            "revoked"
        );
        assert_eq!(
            verdict_of("invalid", &flags(false, true, false)).0,
            "suspended"
        );
        assert_eq!(
            verdict_of("invalid", &flags(false, false, true)).0,
            "expired"
        );
        assert_eq!(verdict_of("unverified", "{}").0, "unchecked");
        assert_eq!(
            verdict_of("unchecked", "{}").1,
            "Could not be checked on import"
        );
        assert_eq!(verdict_of("invalid", "not json").0, "invalid");
    }
}
