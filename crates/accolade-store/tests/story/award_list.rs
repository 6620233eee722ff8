//! The awards list at any size, on both backends: pages read by key (none skipped or
//! repeated while awards arrive, ties on `created_at` included, back and forth), counts that
//! stop at a cap, the recipient search through its index (a part of the email or the name,
//! any case, never across the two, wildcards literal), and each organization's kept total
//! under concurrent and multi-row inserts and deletes.

use super::fixtures::{T0, achievement, award, key, minutes, org};
use accolade_core::{Achievement, Award, AwardStatus, AwardSummary, ExpiryPolicy, KeyId, OrgId};
use accolade_store::testing::{execute_raw, fresh_postgres, fresh_sqlite};
use accolade_store::{AwardCursor, AwardFilter, PageAt, Store};

/// The newest-first order: `created_at`, then id, both descending.
fn newest_first(awards: &mut [Award]) {
    awards.sort_by_key(|a| std::cmp::Reverse((a.created_at, a.id.to_string())));
}

fn ids(awards: &[AwardSummary]) -> Vec<String> {
    awards.iter().map(|a| a.id.to_string()).collect()
}

/// Every page after the first, following the cursor of each page's last row, calling
/// `between` before each page; the pages' rows in order.
async fn walk(
    store: &Store,
    org: OrgId,
    filter: &AwardFilter,
    size: i64,
    mut between: impl AsyncFnMut(),
) -> Vec<AwardSummary> {
    let mut all = Vec::new();
    let mut at = PageAt::First;
    loop {
        let page = store.award_page(org, filter, at, size).await.unwrap();
        assert!(page.len() as i64 <= size);
        let Some(last) = page.last() else { break };
        at = PageAt::After(AwardCursor::after(last));
        let full = page.len() as i64 == size;
        all.extend(page);
        if !full {
            break;
        }
        between().await;
    }
    all
}

struct Fixture {
    org: OrgId,
    key: KeyId,
    first: Achievement,
    second: Achievement,
    awards: Vec<Award>,
}

/// 130 awards over two badges: 40 share one `created_at` (as a bulk issue's chunk does),
/// the rest a minute apart; every seventh revoked.
async fn fixture(store: &Store) -> Fixture {
    let o = org("List Academy", "list-academy");
    store.insert_org(&o).await.unwrap();
    let k = key(o.id, T0);
    store.insert_key(&k).await.unwrap();
    let first = achievement(o.id, "First aid", ExpiryPolicy::Never);
    let second = achievement(o.id, "Fire safety", ExpiryPolicy::Never);
    store.insert_achievement(&first).await.unwrap();
    store.insert_achievement(&second).await.unwrap();
    let mut awards = Vec::new();
    for i in 0..130u32 {
        let badge = if i % 3 == 0 { &second } else { &first };
        let at = if i < 40 { T0 } else { minutes(i64::from(i)) };
        let mut a = award(badge, k.id, i, at);
        if i % 7 == 0 {
            a.status = AwardStatus::Revoked;
        }
        store.insert_award(&a).await.unwrap();
        awards.push(a);
    }
    newest_first(&mut awards);
    Fixture {
        org: o.id,
        key: k.id,
        first,
        second,
        awards,
    }
}

async fn paging(store: &Store, f: &mut Fixture) {
    // The whole list, 25 at a time, while new awards arrive before every page: exactly the
    // awards there were at the start, in order, each once.
    let expected: Vec<String> = f.awards.iter().map(|a| a.id.to_string()).collect();
    let mut arrivals = Vec::new();
    let got = walk(store, f.org, &AwardFilter::default(), 25, async || {
        let n = 10_001 + arrivals.len() as u32;
        let a = award(&f.first, f.key, n, minutes(100_000 + i64::from(n)));
        store.insert_award(&a).await.unwrap();
        arrivals.push(a);
    })
    .await;
    assert_eq!(ids(&got), expected);
    assert_eq!(arrivals.len(), 5, "130 awards are 6 pages of 25");
    f.awards.extend(arrivals);
    newest_first(&mut f.awards);

    // Back: the page before the third page's first row is the second page.
    let newest = store
        .award_page(f.org, &AwardFilter::default(), PageAt::First, 200)
        .await
        .unwrap();
    let second = &newest[25..50];
    let third = &newest[50..75];
    let back = store
        .award_page(
            f.org,
            &AwardFilter::default(),
            PageAt::Before(AwardCursor::after(&third[0])),
            25,
        )
        .await
        .unwrap();
    assert_eq!(ids(&back), ids(second), "newest first, like every page");
    // Across the 40 awards with one created_at: the id orders them.
    let tied: Vec<&AwardSummary> = newest.iter().filter(|a| a.created_at == T0).collect();
    assert_eq!(tied.len(), 40);
    let mid = tied[17];
    let after = store
        .award_page(
            f.org,
            &AwardFilter::default(),
            PageAt::After(AwardCursor::after(mid)),
            5,
        )
        .await
        .unwrap();
    assert_eq!(
        ids(&after),
        tied[18..23]
            .iter()
            .map(|a| a.id.to_string())
            .collect::<Vec<_>>()
    );

    // Each filter pages the same way: the badge, revoked, both.
    let filters = [
        AwardFilter {
            achievement: Some(f.second.id),
            ..AwardFilter::default()
        },
        AwardFilter {
            state: Some(accolade_core::AwardState::Revoked),
            now: Some(minutes(0)),
            ..AwardFilter::default()
        },
        AwardFilter {
            achievement: Some(f.first.id),
            state: Some(accolade_core::AwardState::Active),
            now: Some(minutes(0)),
            ..AwardFilter::default()
        },
    ];
    for filter in filters {
        let expected: Vec<String> = f
            .awards
            .iter()
            .filter(|a| filter.achievement.is_none_or(|b| a.achievement_id == b))
            .filter(|a| match filter.state {
                Some(accolade_core::AwardState::Revoked) => a.status == AwardStatus::Revoked,
                Some(_) => a.status == AwardStatus::Active,
                None => true,
            })
            .map(|a| a.id.to_string())
            .collect();
        let got = walk(store, f.org, &filter, 7, async || {}).await;
        assert_eq!(ids(&got), expected, "{filter:?}");
        // Counts: exact below the cap, the cap above it.
        let n = expected.len() as i64;
        assert_eq!(
            store
                .count_search_awards(f.org, &filter, 1000)
                .await
                .unwrap(),
            n
        );
        assert_eq!(
            store.count_search_awards(f.org, &filter, 5).await.unwrap(),
            5
        );
    }
}

async fn search(store: &Store, f: &Fixture) {
    let mut named = award(&f.first, f.key, 500, minutes(500));
    named.recipient_email = accolade_core::Email::parse("grace.hopper@navy.example").unwrap();
    named.recipient_name = Some("Rear Admiral Grace Hopper".into());
    let mut wild = award(&f.first, f.key, 501, minutes(501));
    wild.recipient_email = accolade_core::Email::parse("percy@example.net").unwrap();
    wild.recipient_name = Some("Percy 50%_off \"quoted\"".into());
    store.insert_award(&named).await.unwrap();
    store.insert_award(&wild).await.unwrap();
    let mut all = f.awards.clone();
    all.push(named.clone());
    all.push(wild.clone());
    newest_first(&mut all);
    let find = async |term: &str| {
        let filter = AwardFilter {
            recipient: Some(term.into()),
            ..AwardFilter::default()
        };
        let page = store
            .award_page(f.org, &filter, PageAt::First, 500)
            .await
            .unwrap();
        let count = store
            .count_search_awards(f.org, &filter, 1000)
            .await
            .unwrap();
        assert_eq!(count, page.len() as i64, "{term}");
        ids(&page)
    };
    // What a person types: any part, any case, of the email or of the name.
    let expect = |term: &str| -> Vec<String> {
        let t = term.to_lowercase();
        all.iter()
            .filter(|a| {
                a.recipient_email.as_str().to_lowercase().contains(&t)
                    || a.recipient_name
                        .as_deref()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(&t)
            })
            .map(|a| a.id.to_string())
            .collect()
    };
    for term in [
        "EARNER12",     // earner12@, earner120…129@ and "Earner 12…" are not this
        "earner 12",    // the name: Earner 12, Earner 120…
        "hopper",       // both the email and the name
        "Admiral",      // the name only
        "navy.EXAMPLE", // the email's domain
        "50%_o",        // wildcards are literal
        "\"quoted\"",   // quotes too
        "ea",           // under three characters: found without the index
        "r1",
        "nobody-has-this",
    ] {
        let got = find(term).await;
        assert_eq!(got, expect(term), "{term}");
    }
    assert!(!find("EARNER12").await.is_empty());
    assert_eq!(find("50%_o").await, vec![wild.id.to_string()]);
    // Never across the email and the name ("…example.com Earner 1").
    assert!(find("com earner").await.is_empty());
    assert!(find("hopper rear").await.is_empty());
    // Another organization's awards never show.
    let other = org("Other", "other-list");
    store.insert_org(&other).await.unwrap();
    let filter = AwardFilter {
        recipient: Some("hopper".into()),
        ..AwardFilter::default()
    };
    assert!(
        store
            .award_page(other.id, &filter, PageAt::First, 50)
            .await
            .unwrap()
            .is_empty()
    );
    // A search pages by key like the rest.
    let earners = AwardFilter {
        recipient: Some("EARNER".into()),
        ..AwardFilter::default()
    };
    let got = walk(store, f.org, &earners, 9, async || {}).await;
    assert_eq!(ids(&got), expect("earner"));
}

async fn totals(store: &Store) {
    let o = org("Count Academy", "count-academy");
    store.insert_org(&o).await.unwrap();
    let k = key(o.id, T0);
    store.insert_key(&k).await.unwrap();
    let a = achievement(o.id, "Counting", ExpiryPolicy::Never);
    store.insert_achievement(&a).await.unwrap();
    assert_eq!(store.org_award_total(o.id).await.unwrap(), 0);
    // Concurrent inserts (separate connections on PostgreSQL) each add theirs.
    let mut tasks = Vec::new();
    for t in 0..8u32 {
        let store = store.clone();
        let a = a.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10u32 {
                let n = t * 100 + i;
                store
                    .insert_award(&award(&a, k.id, n, minutes(i64::from(n))))
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(store.org_award_total(o.id).await.unwrap(), 80);
    // One statement inserting many, one deleting some: counted by the statement's rows.
    let first = award(&a, k.id, 5000, minutes(5000));
    store.insert_award(&first).await.unwrap();
    let copies = (1..=25)
        .map(|n| {
            format!(
                "SELECT '{}-{n:04}', org_id, achievement_id, 'copy{n}@example.org', NULL, \
                 issued_at, valid_until, status, {}, key_id, credential, created_at \
                 FROM awards WHERE id = '{}'",
                &first.id.to_string()[..31],
                6000 + n,
                first.id
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    execute_raw(
        store,
        &format!(
            "INSERT INTO awards (id, org_id, achievement_id, recipient_email, recipient_name, \
             issued_at, valid_until, status, status_index, key_id, credential, created_at) \
             {copies}"
        ),
    )
    .await
    .unwrap();
    assert_eq!(store.org_award_total(o.id).await.unwrap(), 106);
    execute_raw(
        store,
        &format!(
            "DELETE FROM awards WHERE org_id = '{}' AND recipient_email LIKE 'copy%'",
            o.id
        ),
    )
    .await
    .unwrap();
    assert_eq!(store.org_award_total(o.id).await.unwrap(), 81);
    assert_eq!(store.count_awards(o.id).await.unwrap(), 81);
    // The new rows were indexed for the search too (the trigger fills the search table).
    let found = store
        .award_page(
            o.id,
            &AwardFilter {
                recipient: Some("earner70".into()),
                ..AwardFilter::default()
            },
            PageAt::First,
            50,
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 10, "earner700…709");
}

async fn all(store: &Store) {
    let mut f = fixture(store).await;
    paging(store, &mut f).await;
    search(store, &f).await;
    totals(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn award_list_on_sqlite() {
    all(&fresh_sqlite().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn award_list_on_postgres() {
    let Some(store) = fresh_postgres().await.unwrap() else {
        return;
    };
    all(&store).await;
}
