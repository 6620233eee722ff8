//! Every hot statement (the credential page, the awards list with each filter — its pages by
//! key, capped counts and recipient search —, status lists, claims, sessions, the job queue,
//! the outbox, analytics and insights) is planned on an index on both backends. The statements come from the store itself
//! (`accolade_store::hot`), so this is the text the application runs.
//!
//! What counts as a full scan of a large table:
//! - SQLite (`EXPLAIN QUERY PLAN`): `SCAN t` of a table; `SCAN t USING [COVERING] INDEX i`
//!   (a walk of a whole index) only for statements that read in that index's order and stop
//!   at their `LIMIT` (the newest outbox messages, the awards list), whose cost is the limit,
//!   not the table. A `SCAN` of a subquery's result (`CO-ROUTINE`/`MATERIALIZE`) or of the
//!   organization's badges (`achievements`, `orgs`: tens of rows) is fine.
//! - PostgreSQL (`EXPLAIN` with `enable_seqscan = off`, so a sequential scan shows only where
//!   no index can serve): any `Seq Scan on` a large table.

use super::fixtures::{T0, achievement, award, key, org};
use accolade_core::ExpiryPolicy;
use accolade_store::Store;
use accolade_store::hot::{HotQuery, Sample, hot_queries};
use accolade_store::testing::{execute_raw, explain, fresh_postgres, fresh_sqlite};

/// Tables that grow with awards, visits or time.
const LARGE: [&str; 13] = [
    "awards",
    "outbox",
    "jobs",
    "import_rows",
    "claim_tokens",
    "sessions",
    "backpack",
    "audit_events",
    "analytics_events",
    "analytics_daily",
    "insights_days",
    "insights_totals",
    "insights_channels",
];

async fn sample(store: &Store) -> Sample {
    let o = org("Plan Academy", "plans");
    store.insert_org(&o).await.unwrap();
    let k = key(o.id, T0);
    store.insert_key(&k).await.unwrap();
    let a = achievement(o.id, "Planning", ExpiryPolicy::MonthsAfterIssue(12));
    store.insert_achievement(&a).await.unwrap();
    let mut first = None;
    for i in 0..20u32 {
        let aw = award(&a, k.id, i, T0 + time::Duration::minutes(i64::from(i)));
        store.insert_award(&aw).await.unwrap();
        first.get_or_insert(aw.id);
    }
    let first = first.unwrap();
    grow(store, first).await;
    Sample {
        org: o.id,
        achievement: a.id,
        award: first,
        token_hash: "0".repeat(64),
        now: T0 + time::Duration::days(1),
    }
}

/// Awards with distinct recipients (copies of `like`), so that a planner that knows the
/// table's contents weighs the recipient search's trigram index against walking the
/// organization's awards as it would in a real database: with 20 rows a walk is cheapest.
/// PostgreSQL is analyzed and its trigram index's pending entries merged, as autovacuum
/// would; SQLite keeps no statistics unless told.
async fn grow(store: &Store, like: accolade_core::AwardId) {
    const MORE: u32 = 5_000;
    let columns = "id, org_id, achievement_id, recipient_email, recipient_name, issued_at, \
                   valid_until, status, status_index, key_id, credential, created_at";
    let copies = format!(
        "SELECT {{id}}, org_id, achievement_id, 'learner' || g.n || '@example.org', \
             'Learner ' || g.n, issued_at, valid_until, status, 1000 + g.n, key_id, credential, \
             created_at + g.n \
         FROM awards, g WHERE awards.id = '{like}'"
    );
    let sql = if store.backend_name() == "postgres" {
        format!(
            "INSERT INTO awards ({columns}) WITH g(n) AS (SELECT generate_series(1, {MORE})) {}; \
             ANALYZE awards; SELECT gin_clean_pending_list('awards_recipient_trgm');",
            copies.replace("{id}", "gen_random_uuid()::text")
        )
    } else {
        format!(
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {MORE}) \
             INSERT INTO awards ({columns}) {};",
            copies.replace("{id}", "lower(hex(randomblob(16)))")
        )
    };
    execute_raw(store, &sql).await.unwrap();
}

/// The plan's lines that read a large table whole.
fn full_scans(backend: &str, q: &HotQuery, plan: &[String]) -> Vec<String> {
    if backend == "postgres" {
        return plan
            .iter()
            .filter(|line| {
                LARGE.iter().any(|t| {
                    line.contains(&format!("Seq Scan on {t} "))
                        || line.trim_end().ends_with(&format!("Seq Scan on {t}"))
                })
            })
            .cloned()
            .collect();
    }
    // SQLite names a table by its alias in the statement, if it has one.
    let aliases = large_aliases(&q.sql);
    plan.iter()
        .filter(|line| {
            let Some(rest) = line.strip_prefix("SCAN ") else {
                return false;
            };
            let name = rest.split_whitespace().next().unwrap_or(rest);
            if !LARGE.contains(&name) && !aliases.iter().any(|a| a == name) {
                // A subquery's result, or a small table (the organization's badges).
                return false;
            }
            let walks_index =
                rest.contains(" USING INDEX ") || rest.contains(" USING COVERING INDEX ");
            !(walks_index && q.ordered_walk)
        })
        .cloned()
        .collect()
}

/// The aliases the statement gives large tables (`FROM awards a`, `JOIN backpack AS b`).
fn large_aliases(sql: &str) -> Vec<String> {
    const NOT_ALIASES: [&str; 14] = [
        "where",
        "on",
        "join",
        "cross",
        "left",
        "inner",
        "group",
        "order",
        "limit",
        "set",
        "union",
        "returning",
        "using",
        "values",
    ];
    let words: Vec<&str> = sql
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ','))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if !LARGE.contains(w) {
            continue;
        }
        let mut next = words.get(i + 1).copied();
        if next.is_some_and(|n| n.eq_ignore_ascii_case("as")) {
            next = words.get(i + 2).copied();
        }
        if let Some(n) = next
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !NOT_ALIASES.contains(&n.to_ascii_lowercase().as_str())
        {
            out.push(n.to_owned());
        }
    }
    out
}

async fn every_hot_query_uses_an_index(store: &Store) {
    let backend = store.backend_name();
    let s = sample(store).await;
    let queries = hot_queries(backend, &s).unwrap();
    assert!(queries.len() > 30, "{} statements", queries.len());
    let mut failures = Vec::new();
    for q in &queries {
        let plan = explain(store, q)
            .await
            .unwrap_or_else(|e| panic!("{}: EXPLAIN failed: {e}\n{}", q.name, q.sql));
        assert!(!plan.is_empty(), "{}: no plan", q.name);
        if let Some(index) = q.index {
            assert!(
                plan.iter().any(|l| l.contains(index)),
                "{backend}: {} does not use {index}: {plan:#?}",
                q.name
            );
        }
        let bad = full_scans(backend, q, &plan);
        if !bad.is_empty() {
            failures.push(format!(
                "{}: {bad:?}\n  {}\n  plan: {plan:#?}",
                q.name, q.sql
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{backend}: full scans of large tables:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn hot_queries_use_indexes_on_sqlite() {
    let store = fresh_sqlite().await.unwrap();
    every_hot_query_uses_an_index(&store).await;
}

#[tokio::test]
async fn hot_queries_use_indexes_on_postgres() {
    let Some(store) = fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    every_hot_query_uses_an_index(&store).await;
}

/// The check itself: a plan that reads a large table whole is caught on both backends.
#[test]
fn full_scans_are_recognised() {
    let q = HotQuery {
        name: "t".into(),
        sql: String::new(),
        params: vec![],
        ordered_walk: false,
        index: None,
    };
    let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(full_scans("sqlite", &q, &lines(&["SCAN awards"])).len(), 1);
    assert_eq!(
        full_scans(
            "sqlite",
            &q,
            &lines(&["SCAN outbox USING INDEX outbox_created"])
        )
        .len(),
        1
    );
    let walk = HotQuery {
        ordered_walk: true,
        ..q.clone()
    };
    assert!(
        full_scans(
            "sqlite",
            &walk,
            &lines(&["SCAN outbox USING INDEX outbox_created"])
        )
        .is_empty()
    );
    assert!(
        full_scans(
            "sqlite",
            &q,
            &lines(&["SEARCH awards USING INDEX sqlite_autoindex_awards_1 (id=?)"])
        )
        .is_empty()
    );
    assert!(full_scans("sqlite", &q, &lines(&["MATERIALIZE s", "SCAN s", "SCAN c"])).is_empty());
    assert!(full_scans("sqlite", &q, &lines(&["SCAN achievements"])).is_empty());
    let aliased = HotQuery {
        sql: "SELECT 1 FROM backpack b CROSS JOIN awards AS a WHERE a.id = b.award_id".into(),
        ..q.clone()
    };
    assert_eq!(
        full_scans("sqlite", &aliased, &lines(&["SCAN a", "SCAN b"])).len(),
        2
    );
    assert_eq!(
        full_scans(
            "postgres",
            &q,
            &lines(&["  ->  Seq Scan on awards a  (cost=10000000000.00..)"])
        )
        .len(),
        1
    );
    assert!(
        full_scans(
            "postgres",
            &q,
            &lines(&["Index Scan using awards_pkey on awards"])
        )
        .is_empty()
    );
}
