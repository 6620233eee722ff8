//! The insight dashboard (everyone in the organization): the numbers over a period for all
//! badges or one, as charts with tables, and each chart's data as CSV.

use super::{html, member_org, nav, require};
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::views::{InsightsQuery, InsightsView, Layout, OptionView, insight_sections};
use accolade_app::insights::{DateRange, InsightTable, PRESETS};
use accolade_core::{AchievementId, Role};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use time::Date;
use time::macros::format_description;

/// The period shown when none is chosen, in days.
const DEFAULT_DAYS: u32 = 30;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{slug}/insights", get(page))
        .route("/dashboard/orgs/{slug}/insights/{file}", get(csv))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct InsightsParams {
    #[serde(default)]
    range: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    badge: String,
}

fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// The period and badge asked for, the form as it should be echoed, and what was wrong
/// with it (then the default period is shown).
fn choice(
    p: &InsightsParams,
    now: time::OffsetDateTime,
) -> (
    DateRange,
    Option<AchievementId>,
    InsightsQuery,
    Option<String>,
) {
    let mut error = None;
    let badge = match p.badge.trim() {
        "" => None,
        raw => match raw.parse::<AchievementId>() {
            Ok(id) => Some(id),
            Err(_) => {
                error = Some("That badge was not found. Showing all badges.".to_owned());
                None
            }
        },
    };
    let custom = p.range == "custom"
        || (p.range.is_empty() && (!p.from.trim().is_empty() || !p.to.trim().is_empty()));
    let preset = p.range.parse::<u32>().ok().filter(|d| PRESETS.contains(d));
    let range = if custom {
        match (parse_date(&p.from), parse_date(&p.to)) {
            (Some(from), Some(to)) => match DateRange::custom(from, to) {
                Ok(r) => Some(r),
                Err(e) => {
                    error = Some(e.to_string());
                    None
                }
            },
            _ => {
                error =
                    Some("Give both dates of a custom period as a day, month and year.".to_owned());
                None
            }
        }
    } else {
        if !p.range.is_empty() && preset.is_none() {
            error = Some("Choose one of the periods offered.".to_owned());
        }
        Some(DateRange::last_days(preset.unwrap_or(DEFAULT_DAYS), now))
    };
    let range = range.unwrap_or_else(|| DateRange::last_days(DEFAULT_DAYS, now));
    let echo = InsightsQuery {
        range: match range.preset {
            Some(d) => d.to_string(),
            None => "custom".to_owned(),
        },
        from: range.from.to_string(),
        to: range.to.to_string(),
        badge: badge.map(|b| b.to_string()).unwrap_or_default(),
    };
    (range, badge, echo, error)
}

async fn page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(p): Query<InsightsParams>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Viewer).await?;
        let (range, badge, echo, error) = choice(&p, app.clock().now());
        let insights = app.insights(org.id, range, badge).await?;
        let badge_name = badge.and_then(|b| {
            insights
                .all_badges
                .iter()
                .find(|(id, _)| *id == b)
                .map(|(_, n)| n.as_str())
        });
        let base = format!("/dashboard/orgs/{}/insights", org.slug);
        let (scope, kpis, charts, summary_csv_url) =
            insight_sections(&insights, badge_name, &base, &echo);
        let view = InsightsView {
            layout: Layout::new(
                format!("Insights — {}", org.name),
                "How the organization's badges are issued, claimed, shared and seen",
            )
            .with_user(nav(&user)),
            slug: org.slug.to_string(),
            org_name: org.name.clone(),
            scope,
            ranges: PRESETS
                .iter()
                .map(|d| OptionView {
                    value: d.to_string(),
                    label: format!("Last {d} days"),
                })
                .chain(std::iter::once(OptionView {
                    value: "custom".into(),
                    label: "Custom dates".into(),
                }))
                .collect(),
            badges: insights
                .all_badges
                .iter()
                .map(|(id, name)| OptionView {
                    value: id.to_string(),
                    label: name.clone(),
                })
                .collect(),
            range: echo.range,
            from: echo.from,
            to: echo.to,
            badge: echo.badge,
            kpis,
            charts,
            summary_csv_url,
            error: error.clone(),
        };
        let status = if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        Ok::<_, WebError>(html(crate::insights(&view), status))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

async fn csv(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, file)): Path<(String, String)>,
    Query(p): Query<InsightsParams>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Viewer).await?;
        let table = file
            .strip_suffix(".csv")
            .and_then(InsightTable::parse)
            .ok_or_else(|| WebError::new(StatusCode::NOT_FOUND, "There is no such table."))?;
        let (range, badge, _, error) = choice(&p, app.clock().now());
        if let Some(e) = error {
            return Err(WebError::new(StatusCode::BAD_REQUEST, e));
        }
        let insights = app.insights(org.id, range, badge).await?;
        let body = insights.csv(table)?;
        let filename = format!(
            "{}-insights-{}-{}-to-{}.csv",
            org.slug,
            table.as_str(),
            range.from,
            range.to
        );
        let mut res = (StatusCode::OK, body).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Ok::<_, WebError>(res)
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn params(range: &str, from: &str, to: &str, badge: &str) -> InsightsParams {
        InsightsParams {
            range: range.into(),
            from: from.into(),
            to: to.into(),
            badge: badge.into(),
        }
    }

    #[test]
    fn the_form_picks_a_period() {
        let now = datetime!(2026-12-07 18:00 UTC);
        let (r, b, echo, e) = choice(&InsightsParams::default(), now);
        assert_eq!(
            (r.days(), r.to, b, e),
            (30, date!(2026 - 12 - 07), None, None)
        );
        assert_eq!(echo.range, "30");
        let (r, _, _, e) = choice(&params("365", "", "", ""), now);
        assert_eq!((r.days(), e), (365, None));
        let (r, _, echo, e) = choice(&params("custom", "2026-01-01", "2026-01-31", ""), now);
        assert_eq!(
            (r.from, r.to, r.days(), e),
            (date!(2026 - 01 - 01), date!(2026 - 01 - 31), 31, None)
        );
        assert_eq!(echo.range, "custom");
        // Dates alone mean a custom period.
        let (r, _, _, _) = choice(&params("", "2026-01-01", "2026-01-02", ""), now);
        assert_eq!(r.days(), 2);
        let (r, _, _, e) = choice(&params("custom", "2026-02-01", "2026-01-01", ""), now);
        assert_eq!(r.days(), 30);
        assert!(e.unwrap().contains("start date is after the end date"));
        let (_, _, _, e) = choice(&params("custom", "yesterday", "", ""), now);
        assert!(e.is_some());
        let (r, _, _, e) = choice(&params("12", "", "", ""), now);
        assert_eq!(r.days(), 30);
        assert!(e.is_some());
        let (_, b, _, e) = choice(&params("7", "", "", "nope"), now);
        assert_eq!(b, None);
        assert!(e.is_some());
    }
}
