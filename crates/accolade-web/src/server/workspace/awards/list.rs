//! The awards list with its filters, and the same list as a CSV download.

use super::{PAGE_SIZE, achievement_names, count_label, query, row};
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::workspace::{html, member_org, nav, require};
use crate::views::{AwardFilterView, AwardsListView, Layout, OptionView, PagerView};
use accolade_app::AppError;
use accolade_app::awards::{AwardCursor, AwardFilter, PageAt, check_search};
use accolade_core::{AwardState, Role};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime};

/// The filter as the form sends it: every field text, empty when not used.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    achievement: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    recipient: String,
    /// The page after (older than) this row: `{created_at µs}_{award id}`.
    #[serde(default)]
    after: Option<String>,
    /// The page before (newer than) this row.
    #[serde(default)]
    before: Option<String>,
}

impl ListQuery {
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("recipient", self.recipient.trim()),
            ("achievement", self.achievement.trim()),
            ("status", self.status.trim()),
            ("from", self.from.trim()),
            ("to", self.to.trim()),
        ]
    }
}

fn date(raw: &str, what: &str) -> Result<Option<OffsetDateTime>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    Date::parse(raw, format_description!("[year]-[month]-[day]"))
        .map(|d| Some(d.midnight().assume_utc()))
        .map_err(|_| format!("The {what} date {raw:?} is not a date like 2026-03-01."))
}

/// The store filter for a query, and what in it could not be used.
fn filter(q: &ListQuery) -> (AwardFilter, Option<String>) {
    let mut problems = Vec::new();
    let mut f = AwardFilter::default();
    match q.achievement.trim() {
        "" => {}
        a => match a.parse() {
            Ok(id) => f.achievement = Some(id),
            Err(_) => problems.push("That badge is not one of this organization's.".to_owned()),
        },
    }
    match q.status.trim() {
        "" => {}
        s => match AwardState::parse(s) {
            Some(state) => f.state = Some(state),
            None => problems.push(format!("{s:?} is not a status.")),
        },
    }
    match date(&q.from, "from") {
        Ok(t) => f.issued_from = t,
        Err(e) => problems.push(e),
    }
    match date(&q.to, "until") {
        // "Until" includes the whole day.
        Ok(t) => f.issued_before = t.map(|t| t + Duration::days(1)),
        Err(e) => problems.push(e),
    }
    let recipient = q.recipient.trim();
    if !recipient.is_empty() {
        let search = AwardFilter {
            recipient: Some(recipient.chars().take(200).collect()),
            ..AwardFilter::default()
        };
        match check_search(&search) {
            Ok(()) => f.recipient = search.recipient,
            Err(AppError::Invalid(i)) => problems.push(i.message),
            Err(e) => problems.push(e.to_string()),
        }
    }
    (f, (!problems.is_empty()).then(|| problems.join(" ")))
}

/// Where the page starts, from its link (a position that does not parse is the first page).
fn page_at(q: &ListQuery) -> PageAt {
    let cursor = |raw: &Option<String>| raw.as_deref().and_then(|c| c.parse::<AwardCursor>().ok());
    if let Some(c) = cursor(&q.after) {
        PageAt::After(c)
    } else if let Some(c) = cursor(&q.before) {
        PageAt::Before(c)
    } else {
        PageAt::First
    }
}

/// Links to the newer and older pages and back to the newest, each `base` (the filter's
/// query) with the position added.
fn keyset_pager(
    base: &str,
    at: PageAt,
    newer: Option<AwardCursor>,
    older: Option<AwardCursor>,
) -> PagerView {
    let sep = if base.ends_with('?') { "" } else { "&" };
    let link = |key: &str, c: AwardCursor| format!("{base}{sep}{key}={c}");
    PagerView {
        page: 0,
        pages: 0,
        prev_url: newer.map(|c| link("before", c)),
        next_url: older.map(|c| link("after", c)),
        first_url: (at != PageAt::First && newer.is_some())
            .then(|| base.trim_end_matches(['?', '&']).to_owned()),
    }
}

pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, role) = member_org(&app, &user, &slug, Role::Viewer).await?;
        let names = achievement_names(&app, org.id).await?;
        let (f, error) = filter(&q);
        let at = page_at(&q);
        let found = app.list_awards(org.id, &f, at, PAGE_SIZE).await?;
        let now = app.clock().now();
        let filter_query = query(&q.pairs());
        let base = format!("/dashboard/orgs/{slug}/awards?{filter_query}");
        let mut achievements: Vec<OptionView> = names
            .iter()
            .map(|(id, name)| OptionView {
                value: id.to_string(),
                label: name.clone(),
            })
            .collect();
        achievements.sort_by_key(|a| a.label.to_lowercase());
        let view = AwardsListView {
            layout: Layout::new(
                format!("Awards · {}", org.name),
                "The organization's awards",
            )
            .with_user(nav(&user)),
            slug: slug.clone(),
            csrf: user.csrf_token.clone(),
            filter: AwardFilterView {
                achievement: q.achievement.trim().to_owned(),
                status: q.status.trim().to_owned(),
                from: q.from.trim().to_owned(),
                to: q.to.trim().to_owned(),
                recipient: q.recipient.trim().to_owned(),
                achievements,
                statuses: AwardState::ALL
                    .iter()
                    .map(|s| OptionView {
                        value: s.as_str().to_owned(),
                        label: capitalized(s.as_str()),
                    })
                    .collect(),
            },
            rows: found
                .awards
                .iter()
                .map(|a| row(a, &names, now, &slug))
                .collect(),
            total: found.count.n,
            total_label: count_label(found.count.n, found.count.more, "award", "awards"),
            pager: keyset_pager(&base, at, found.newer, found.older),
            export_url: format!("/dashboard/orgs/{slug}/awards/export.csv?{filter_query}"),
            expiring_url: format!("/dashboard/orgs/{slug}/awards/expiring"),
            can_revoke: role >= Role::Issuer,
            script_src: crate::script_href("awards.js"),
            error: error.clone(),
        };
        Ok::<_, WebError>(html(crate::awards(&view), StatusCode::OK))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The filtered list as CSV, streamed a page at a time.
pub async fn export(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Viewer).await?;
        let (f, error) = filter(&q);
        if let Some(e) = error {
            return Err(WebError::new(StatusCode::BAD_REQUEST, e));
        }
        let mut export = app.export_awards(org.id, &f).await?;
        // The first page before the headers go out, so that a failure is an error page.
        let first = export.next_chunk(&app).await?.unwrap_or_default();
        let rest = futures_util::stream::unfold(Some((app.clone(), export)), |state| async move {
            let (app, mut export) = state?;
            match export.next_chunk(&app).await {
                Ok(Some(chunk)) => Some((Ok(Bytes::from(chunk)), Some((app, export)))),
                Ok(None) => None,
                Err(e) => {
                    tracing::error!(error = %accolade_app::Chain(&e), "exporting awards failed");
                    Some((Err(std::io::Error::other("the export failed")), None))
                }
            }
        });
        let first = futures_util::stream::once(async move { Ok(Bytes::from(first)) });
        let body = Body::from_stream(futures_util::StreamExt::chain(first, rest));
        let day = app.clock().now().date();
        let filename = format!("{slug}-awards-{day}.csv");
        let mut res = body.into_response();
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

    #[test]
    fn filters_from_the_form() {
        let q = ListQuery {
            status: "expired".into(),
            from: "2026-03-01".into(),
            to: "2026-03-31".into(),
            recipient: "  ada ".into(),
            ..ListQuery::default()
        };
        let (f, error) = filter(&q);
        assert!(error.is_none());
        assert_eq!(f.state, Some(AwardState::Expired));
        assert_eq!(
            f.issued_from,
            Some(time::macros::datetime!(2026-03-01 0:00 UTC))
        );
        assert_eq!(
            f.issued_before,
            Some(time::macros::datetime!(2026-04-01 0:00 UTC))
        );
        assert_eq!(f.recipient.as_deref(), Some("ada"));
        let bad = ListQuery {
            status: "gone".into(),
            from: "01/03/2026".into(),
            achievement: "x".into(),
            ..ListQuery::default()
        };
        let (f, error) = filter(&bad);
        assert_eq!(f, AwardFilter::default());
        assert!(error.unwrap().matches('.').count() >= 3);
        let short = ListQuery {
            recipient: " al ".into(),
            ..ListQuery::default()
        };
        let (f, error) = filter(&short);
        assert_eq!(f.recipient, None);
        assert!(error.unwrap().contains("at least 3 characters"));
    }

    #[test]
    fn pages_by_position() {
        let c: AwardCursor = "1765152000000000_0192f8e4-7d2a-7c1e-9a51-3b7f0c2d4e6f"
            .parse()
            .unwrap();
        let q = |after: &str, before: &str| ListQuery {
            after: Some(after.into()),
            before: Some(before.into()),
            ..ListQuery::default()
        };
        assert_eq!(page_at(&q(&c.to_string(), "")), PageAt::After(c));
        assert_eq!(page_at(&q("", &c.to_string())), PageAt::Before(c));
        assert_eq!(page_at(&q("nonsense", "")), PageAt::First);
        let p = keyset_pager("/a?status=active", PageAt::After(c), Some(c), None);
        assert_eq!(
            p.prev_url.as_deref(),
            Some(format!("/a?status=active&before={c}").as_str())
        );
        assert_eq!(p.first_url.as_deref(), Some("/a?status=active"));
        assert!(p.next_url.is_none());
        let first = keyset_pager("/a?", PageAt::First, None, Some(c));
        assert_eq!(first.next_url, Some(format!("/a?after={c}")));
        assert!(first.first_url.is_none() && first.prev_url.is_none());
    }
}
