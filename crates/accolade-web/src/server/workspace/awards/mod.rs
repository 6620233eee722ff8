//! The awards pages: the filtered list and its CSV export, one award with its actions,
//! bulk revocation (from the list's checkboxes or an uploaded file), and the awards
//! expiring soon with the organization's reminder settings. Viewers see; issuers act;
//! admins choose the reminders.

mod bulk;
mod detail;
mod expiring;
mod list;

use crate::format_date;
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::views::{AwardListRow, PagerView};
use accolade_app::AppError;
use accolade_core::{AchievementId, Award, AwardState, AwardSummary, OrgId};
use axum::Router;
use axum::routing::{get, post};
use std::collections::HashMap;
use time::OffsetDateTime;

/// Awards per page.
const PAGE_SIZE: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{slug}/awards", get(list::list))
        .route(
            "/dashboard/orgs/{slug}/awards/export.csv",
            get(list::export),
        )
        .route(
            "/dashboard/orgs/{slug}/awards/expiring",
            get(expiring::page).post(expiring::save_offsets),
        )
        .route(
            "/dashboard/orgs/{slug}/awards/bulk-revoke",
            post(bulk::from_selection),
        )
        .route(
            "/dashboard/orgs/{slug}/awards/bulk-revoke/upload",
            post(bulk::from_upload),
        )
        .route(
            "/dashboard/orgs/{slug}/awards/bulk-revoke/confirm",
            post(bulk::confirm),
        )
        .route("/dashboard/orgs/{slug}/awards/{id}", get(detail::page))
        .route(
            "/dashboard/orgs/{slug}/awards/{id}/status",
            post(detail::change_status),
        )
        .route(
            "/dashboard/orgs/{slug}/awards/{id}/reissue",
            post(detail::reissue),
        )
        .route(
            "/dashboard/orgs/{slug}/awards/{id}/renew",
            post(detail::renew),
        )
        .route(
            "/dashboard/orgs/{slug}/awards/{id}/resend",
            post(detail::resend),
        )
        .route(
            "/dashboard/orgs/{slug}/awards/{id}/claim-link",
            post(detail::claim_link),
        )
}

/// The workspace page of one award.
pub(super) fn award_url(slug: &str, id: impl std::fmt::Display) -> String {
    format!("/dashboard/orgs/{slug}/awards/{id}")
}

/// The organization's achievement names by id.
async fn achievement_names(
    app: &AppState,
    org: OrgId,
) -> Result<HashMap<AchievementId, String>, WebError> {
    Ok(app
        .achievements(org)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

/// An award as a list shows it.
fn row(
    award: &AwardSummary,
    names: &HashMap<AchievementId, String>,
    now: OffsetDateTime,
    slug: &str,
) -> AwardListRow {
    let state = award.state_at(now);
    AwardListRow {
        id: award.id.to_string(),
        recipient_name: award.recipient_name.clone().unwrap_or_default(),
        recipient_email: award.recipient_email.as_str().to_owned(),
        achievement: names
            .get(&award.achievement_id)
            .cloned()
            .unwrap_or_default(),
        issued_on: format_date(award.issued_at),
        expires_on: award.valid_until.map(format_date),
        status: state.as_str().to_owned(),
        url: award_url(slug, award.id),
        selectable: state != AwardState::Revoked,
    }
}

/// `key=value&…` with the values percent-encoded; empty values left out.
pub(super) fn query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::filters::query_value(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A page number from the query: 1 for anything that is not a positive number.
pub(super) fn page_number(raw: Option<&str>) -> i64 {
    raw.and_then(|p| p.trim().parse::<i64>().ok())
        .filter(|p| *p >= 1 && *p <= 1_000_000)
        .unwrap_or(1)
}

/// Links to the pages before and after `page` of `total` items (`None`: unknown total,
/// `has_more` says whether there is a next page), each `base` with `page=` added.
pub(super) fn pager(page: i64, total: Option<i64>, has_more: bool, base: &str) -> PagerView {
    let pages = total.map_or(0, |t| ((t + PAGE_SIZE - 1) / PAGE_SIZE).max(1));
    let sep = if base.contains('?') { "&" } else { "?" };
    let link = |p: i64| format!("{base}{sep}page={p}");
    let next = match total {
        Some(_) => page < pages,
        None => has_more,
    };
    PagerView {
        page,
        pages,
        prev_url: (page > 1).then(|| link(page - 1)),
        next_url: next.then(|| link(page + 1)),
        first_url: None,
    }
}

/// "1 award", "1,234 awards", or "More than 10,000 awards" for a capped count.
pub(super) fn count_label(n: i64, more: bool, one: &str, many: &str) -> String {
    if more {
        format!("More than {} {many}", crate::charts::thousands(n))
    } else if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", crate::charts::thousands(n))
    }
}

/// The award, if it is one of the organization's (others are "not found").
async fn org_award(app: &AppState, org: OrgId, id: &str) -> Result<Award, WebError> {
    let id = id.parse().map_err(|_| AppError::NotFound("award"))?;
    Ok(app.org_award(org, id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_and_pages() {
        assert_eq!(
            query(&[("recipient", "Ada & Co"), ("status", ""), ("x", "a/b")]),
            "recipient=Ada%20%26%20Co&x=a%2Fb"
        );
        assert_eq!(page_number(Some("3")), 3);
        for bad in [None, Some("0"), Some("-1"), Some("x")] {
            assert_eq!(page_number(bad), 1);
        }
        let p = pager(2, Some(120), false, "/a?b=c");
        assert_eq!(p.pages, 3);
        assert_eq!(p.prev_url.as_deref(), Some("/a?b=c&page=1"));
        assert_eq!(p.next_url.as_deref(), Some("/a?b=c&page=3"));
        let last = pager(3, Some(120), false, "/a");
        assert!(last.next_url.is_none());
        assert_eq!(
            pager(1, None, true, "/a").next_url.as_deref(),
            Some("/a?page=2")
        );
        assert_eq!(count_label(1, false, "award", "awards"), "1 award");
        assert_eq!(count_label(1234, false, "award", "awards"), "1,234 awards");
        assert_eq!(
            count_label(10_000, true, "award", "awards"),
            "More than 10,000 awards"
        );
    }
}
