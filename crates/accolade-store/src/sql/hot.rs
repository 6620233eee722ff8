//! The statements behind the pages and jobs that run most, with sample parameters, so a test
//! can ask each backend's planner how it runs them (`EXPLAIN`). Each text is the one the
//! store itself executes (the same constant or builder), never a copy.

use super::award_search::{self, Param, SearchVia};
use super::{
    accounts, award_links, awards, earners, events_daily, imports, insights, jobs, outbox,
};
use crate::StoreError;
use crate::awards::{AwardCursor, AwardFilter, COUNT_CAP, PageAt};
use accolade_core::{AchievementId, AwardId, AwardState, AwardStatus, OrgId};
use time::{Duration, OffsetDateTime};

/// A bound value of a hot statement.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanParam {
    Text(String),
    Int(i64),
}

impl From<Param> for PlanParam {
    fn from(p: Param) -> Self {
        match p {
            Param::Text(s) => Self::Text(s),
            Param::Int(i) => Self::Int(i),
        }
    }
}

/// One statement to explain.
#[derive(Debug, Clone)]
pub struct HotQuery {
    /// What runs it, e.g. "credential page: award by id".
    pub name: String,
    pub sql: String,
    pub params: Vec<PlanParam>,
    /// The statement reads a table in an index's order and stops at its `LIMIT`, with no
    /// narrower condition to search on: on SQLite that walk reads `SCAN t USING INDEX i`,
    /// and it is bounded by the limit, not by the table's size.
    pub ordered_walk: bool,
    /// An index the plan must name: where another index would serve too, but badly.
    pub index: Option<&'static str>,
}

/// Values to run the statements with (rows that exist in the test's database or not: plans
/// do not depend on it).
#[derive(Debug, Clone)]
pub struct Sample {
    pub org: OrgId,
    pub achievement: AchievementId,
    pub award: AwardId,
    pub token_hash: String,
    pub now: OffsetDateTime,
}

fn text(s: impl ToString) -> PlanParam {
    PlanParam::Text(s.to_string())
}

fn int(i: i64) -> PlanParam {
    PlanParam::Int(i)
}

fn query(name: impl Into<String>, sql: impl Into<String>, params: Vec<PlanParam>) -> HotQuery {
    HotQuery {
        name: name.into(),
        sql: sql.into(),
        params,
        ordered_walk: false,
        index: None,
    }
}

/// Every hot statement for the backend named `backend` ("sqlite" or "postgres").
pub fn hot_queries(backend: &str, s: &Sample) -> Result<Vec<HotQuery>, StoreError> {
    let now = super::codec::micros(s.now)?;
    let day = now / 86_400_000_000;
    let mut out = vec![
        query(
            "credential page, verify: award by id",
            awards::AWARD_BY_ID,
            vec![text(s.award)],
        ),
        query(
            "credential page: award standing",
            award_links::AWARD_STANDING,
            vec![text(s.award)],
        ),
        query(
            "status list: flagged indices",
            awards::FLAGGED_INDICES,
            vec![text(s.org), text(AwardStatus::Revoked.as_str())],
        ),
        query(
            "status list: version",
            awards::STATUS_VERSION,
            vec![text(s.org)],
        ),
        query(
            "status change: award state",
            awards::set_status_sql(AwardStatus::Revoked),
            vec![text("revoked"), text("reason"), int(now), text(s.award)],
        ),
        query(
            "status change: version bump",
            awards::BUMP_STATUS_VERSION,
            vec![text(s.org)],
        ),
        query(
            "claim: token lookup",
            earners::CLAIM_TOKEN,
            vec![text(&s.token_hash)],
        ),
        query(
            "sign-in: session lookup",
            accounts::SESSION,
            vec![text(&s.token_hash)],
        ),
        query(
            "worker: job claim",
            if backend == "postgres" {
                jobs::CLAIM_JOBS_POSTGRES
            } else {
                jobs::CLAIM_JOBS_SQLITE
            },
            vec![text("worker"), int(now + 60_000_000), int(now), int(10)],
        ),
        query(
            "award page: its emails",
            outbox::AWARD_OUTBOX,
            vec![text(s.award)],
        ),
        HotQuery {
            ordered_walk: true,
            ..query(
                "outbox: an organization's newest",
                outbox::ORG_OUTBOX,
                vec![text(s.org), int(50)],
            )
        },
        HotQuery {
            ordered_walk: true,
            ..query("outbox: newest", outbox::ALL_OUTBOX, vec![int(50)])
        },
        HotQuery {
            // With the achievement's index alone, each row walked every award of the badge.
            index: Some("awards_achievement_recipient"),
            ..query(
                "bulk issue: next pending rows, already awarded?",
                imports::PENDING_ROWS,
                vec![text(s.award), int(0), int(2000)],
            )
        },
        query(
            "analytics: an award's daily counts",
            events_daily::DAILY_COUNTS,
            vec![text(s.award)],
        ),
        query(
            "analytics: roll-up of finished days",
            events_daily::roll_up_sql(backend),
            vec![int(day * 86_400_000_000)],
        ),
        query(
            "insights: days",
            insights::insight_days_sql(),
            vec![text(s.org), text(""), int(day - 30), int(day)],
        ),
        query(
            "insights: channels",
            insights::INSIGHT_CHANNELS,
            vec![text(s.org), text(s.achievement), int(day - 30), int(day)],
        ),
        query(
            "insights: badges",
            insights::insight_badges_sql(),
            vec![text(s.org), int(day - 30), int(day)],
        ),
        query(
            "insights: today's counts",
            insights::pending_counts_sql(),
            insights_live_params(s, day),
        ),
        query(
            "insights: today's channels",
            insights::pending_channels_sql(),
            insights_live_params(s, day),
        ),
        query(
            "insights: awards ending",
            insights::awards_ending_sql(true),
            vec![
                text(s.org),
                int(now),
                int(now + 30 * 86_400_000_000),
                text(s.achievement),
            ],
        ),
    ];
    out.extend(award_list_queries(backend, s)?);
    Ok(out)
}

fn insights_live_params(s: &Sample, day: i64) -> Vec<PlanParam> {
    vec![
        int(day),
        int(day + 1_000_000),
        int(day * 86_400_000_000),
        int((day + 1_000_000) * 86_400_000_000),
        text(s.org),
    ]
}

fn params(p: Vec<Param>) -> Vec<PlanParam> {
    p.into_iter().map(PlanParam::from).collect()
}

/// The awards list with each filter alone: its first page, the pages after and before a
/// row (the export reads the same pages), its capped count; the expiring-soon list by
/// offset; the organization's total; and on SQLite the search's probe of the FTS5 table and
/// its walk for terms that match many awards.
fn award_list_queries(backend: &str, s: &Sample) -> Result<Vec<HotQuery>, StoreError> {
    let base = AwardFilter {
        now: Some(s.now),
        ..AwardFilter::default()
    };
    // A term few awards match (the test's 5,000 others end in example.org): the planner
    // should take the trigram index. (Where most awards match, walking the organization
    // newest first is cheaper, and PostgreSQL does.)
    let search = AwardFilter {
        recipient: Some("ample.COM".into()),
        ..base.clone()
    };
    let filters = [
        ("no filter", base.clone()),
        (
            "badge",
            AwardFilter {
                achievement: Some(s.achievement),
                ..base.clone()
            },
        ),
        (
            "active",
            AwardFilter {
                state: Some(AwardState::Active),
                ..base.clone()
            },
        ),
        (
            "expired",
            AwardFilter {
                state: Some(AwardState::Expired),
                ..base.clone()
            },
        ),
        (
            "revoked",
            AwardFilter {
                state: Some(AwardState::Revoked),
                ..base.clone()
            },
        ),
        (
            "issued between",
            AwardFilter {
                issued_from: Some(s.now - Duration::days(30)),
                issued_before: Some(s.now),
                ..base.clone()
            },
        ),
        ("recipient search", search.clone()),
    ];
    let cursor = AwardCursor {
        created_at: s.now,
        id: s.award,
    };
    let pages = [
        ("first page", PageAt::First),
        ("next page", PageAt::After(cursor)),
        ("previous page", PageAt::Before(cursor)),
    ];
    let mut out = Vec::new();
    for (label, filter) in filters {
        let searching = filter.recipient.is_some();
        for (page, at) in pages {
            let (sql, p) =
                award_search::page_statement(backend, s.org, &filter, SearchVia::Index, at, 51)?;
            out.push(HotQuery {
                // A search's trigram index must be the way in to its first page (a walk would
                // also pass the scan check, and reads the whole organization when few awards
                // match). Past a cursor the planner may also take the range of
                // awards_org_created_id the cursor leaves, where that is narrow.
                index: (searching && at == PageAt::First).then_some(recipient_index(backend)),
                ordered_walk: !searching,
                ..query(format!("awards list ({label}), {page}"), sql, params(p))
            });
        }
        let (sql, p) = award_search::count_statement(backend, s.org, &filter, COUNT_CAP + 1)?;
        out.push(HotQuery {
            index: searching.then_some(recipient_index(backend)),
            // Up to the cap, in the index's order.
            ordered_walk: !searching,
            ..query(format!("awards list ({label}): count"), sql, params(p))
        });
    }
    let expiring = AwardFilter {
        state: Some(AwardState::Active),
        expires_by: Some(s.now + Duration::days(30)),
        ..base.clone()
    };
    let (sql, p) =
        award_search::search_statement(backend, s.org, &expiring, SearchVia::Index, 50, 50)?;
    out.push(query("expiring soon, page 2", sql, params(p)));
    let (sql, p) = award_search::count_statement(backend, s.org, &expiring, COUNT_CAP + 1)?;
    out.push(HotQuery {
        ordered_walk: true,
        ..query("expiring soon: count", sql, params(p))
    });
    out.push(query(
        "issue: the organization's total",
        award_search::ORG_TOTAL,
        vec![text(s.org)],
    ));
    if backend == "sqlite" {
        if let Some(p) = award_search::fts_matches_params(&search) {
            out.push(query(
                "awards list search: matches in the index",
                award_search::FTS_MATCHES,
                params(p),
            ));
        }
        let (sql, p) = award_search::page_statement(
            backend,
            s.org,
            &search,
            SearchVia::Walk,
            PageAt::After(cursor),
            51,
        )?;
        out.push(HotQuery {
            ordered_walk: true,
            ..query(
                "awards list search, many matches: next page",
                sql,
                params(p),
            )
        });
    }
    Ok(out)
}

fn recipient_index(backend: &str) -> &'static str {
    if backend == "postgres" {
        "awards_recipient_trgm"
    } else {
        "awards_recipient_search"
    }
}
