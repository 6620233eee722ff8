//! One storage story, run on a fresh SQLite file and on a fresh PostgreSQL database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use accolade_core::{
    Achievement, AchievementId, Award, AwardId, AwardStatus, ExpiryPolicy, ImageId, ImageRecord,
    KeyId, OrgId, Organization, Slug,
};
#[path = "story/analytics_daily.rs"]
mod analytics_daily;
#[path = "story/api_keys.rs"]
mod api_keys;
#[path = "story/award_list.rs"]
mod award_list;
#[path = "story/connect.rs"]
mod connect;
#[path = "story/earner_profiles.rs"]
mod earner_profiles;
#[path = "story/faults.rs"]
mod faults;
#[path = "story/fixtures.rs"]
mod fixtures;
#[path = "story/insights.rs"]
mod insights;
#[path = "story/jobs.rs"]
mod jobs;
#[path = "story/jwt_keys.rs"]
mod jwt_keys;
#[path = "story/pathways.rs"]
mod pathways;
#[path = "story/pending_signups.rs"]
mod pending_signups;
#[path = "story/plans.rs"]
mod plans;
#[path = "story/shared_state.rs"]
mod shared_state;
#[path = "story/status_changes.rs"]
mod status_changes;

use accolade_store::testing::{
    execute_raw, fresh_postgres, fresh_sqlite, schema, stale_sqlite_connections,
};
use accolade_store::{Store, StoreError};
use fixtures::{T0, achievement, award, expect_corrupt, key, minutes, org};
use time::macros::datetime;

async fn story(store: &Store) {
    // Organizations: round trip, lookups, duplicate slug, listing by name.
    let acme = org("Acme Academy", "acme");
    store.insert_org(&acme).await.unwrap();
    assert_eq!(store.org(acme.id).await.unwrap(), Some(acme.clone()));
    assert_eq!(
        store.org_by_slug(&acme.slug).await.unwrap(),
        Some(acme.clone())
    );
    let clash = Organization {
        id: OrgId::new(),
        ..org("Other", "acme")
    };
    match store.insert_org(&clash).await {
        Err(StoreError::Conflict { what: "slug" }) => {}
        other => panic!("expected a slug conflict, got {other:?}"),
    }
    let beta = org("Beta Institute", "beta");
    store.insert_org(&beta).await.unwrap();
    let aardvark = Organization {
        email: None,
        description: None,
        ..org("Aardvark Guild", "aardvark")
    };
    store.insert_org(&aardvark).await.unwrap();
    let names: Vec<String> = store
        .orgs()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(names, ["Aardvark Guild", "Acme Academy", "Beta Institute"]);

    // Signing keys: oldest first, retire once.
    let newer = key(acme.id, minutes(10));
    let older = key(acme.id, minutes(5));
    store.insert_key(&newer).await.unwrap();
    store.insert_key(&older).await.unwrap();
    assert_eq!(
        store.keys(acme.id).await.unwrap(),
        [older.clone(), newer.clone()]
    );
    assert!(store.retire_key(older.id, minutes(20)).await.unwrap());
    assert!(
        !store.retire_key(older.id, minutes(30)).await.unwrap(),
        "already retired"
    );
    assert!(
        !store.retire_key(KeyId::new(), minutes(30)).await.unwrap(),
        "unknown key"
    );
    let keys = store.keys(acme.id).await.unwrap();
    assert_eq!(keys[0].retired_at, Some(minutes(20)));
    assert_eq!(keys[1].retired_at, None);
    assert!(store.keys(beta.id).await.unwrap().is_empty());

    // Images.
    let image = ImageRecord {
        id: ImageId::new(),
        org_id: Some(acme.id),
        content_type: "image/png".into(),
        bytes: vec![0x89, b'P', b'N', b'G', 0, 0xff],
        created_at: T0,
    };
    store.insert_image(&image).await.unwrap();
    assert_eq!(store.image(image.id).await.unwrap(), Some(image.clone()));

    // Achievements: every expiry policy, alignments, tags, credits, image; listed by name.
    let excel = Achievement {
        image_id: Some(image.id),
        ..achievement(
            acme.id,
            "Spreadsheet Expert",
            ExpiryPolicy::MonthsAfterIssue(24),
        )
    };
    let safety = achievement(
        acme.id,
        "Lab Safety",
        ExpiryPolicy::FixedDate(datetime!(2030-12-31 23:59:59 UTC)),
    );
    let plain = Achievement {
        credits: None,
        criteria_narrative: None,
        criteria_url: None,
        alignments: vec![],
        tags: vec![],
        ..achievement(acme.id, "Attendance", ExpiryPolicy::Never)
    };
    for a in [&excel, &safety, &plain] {
        store.insert_achievement(a).await.unwrap();
        assert_eq!(store.achievement(a.id).await.unwrap().as_ref(), Some(a));
    }
    // An update is a compare-and-set on the version: a stale version changes nothing.
    let edited = Achievement {
        name: "Lab Safety II".into(),
        translations: vec![],
        version: safety.version + 1,
        updated_at: minutes(5),
        ..safety.clone()
    };
    assert!(
        store
            .update_achievement(&edited, safety.version)
            .await
            .unwrap()
    );
    assert_eq!(
        store.achievement(safety.id).await.unwrap().as_ref(),
        Some(&edited)
    );
    let stale = Achievement {
        name: "Lost edit".into(),
        ..edited.clone()
    };
    assert!(
        !store
            .update_achievement(&stale, safety.version)
            .await
            .unwrap()
    );
    assert_eq!(
        store.achievement(safety.id).await.unwrap().as_ref(),
        Some(&edited)
    );
    store
        .update_achievement(&safety, edited.version)
        .await
        .unwrap();
    let listed = store.achievements(acme.id).await.unwrap();
    assert_eq!(listed, [plain.clone(), safety.clone(), excel.clone()]);
    assert!(store.achievements(beta.id).await.unwrap().is_empty());

    // Awards: round trip, newest first with paging, count.
    let mut issued = Vec::new();
    for i in 0..5u32 {
        let a = award(&excel, newer.id, i, minutes(100 + i64::from(i)));
        store.insert_award(&a).await.unwrap();
        issued.push(a);
    }
    assert_eq!(
        store.award(issued[2].id).await.unwrap(),
        Some(issued[2].clone())
    );
    assert_eq!(
        issued[0].valid_until,
        Some(minutes(100) + time::Duration::days(730))
    );
    let newest_first: Vec<Award> = issued.iter().rev().cloned().collect();
    assert_eq!(
        store.awards(acme.id, 2, 0).await.unwrap(),
        summaries(&newest_first[0..2])
    );
    assert_eq!(
        store.awards(acme.id, 2, 2).await.unwrap(),
        summaries(&newest_first[2..4])
    );
    assert_eq!(
        store.awards(acme.id, 2, 4).await.unwrap(),
        summaries(&newest_first[4..5])
    );
    assert!(store.awards(acme.id, 2, 6).await.unwrap().is_empty());
    assert_eq!(
        store.awards(acme.id, 100, 0).await.unwrap(),
        summaries(&newest_first)
    );
    assert_eq!(store.count_awards(acme.id).await.unwrap(), 5);
    assert_eq!(store.count_awards(beta.id).await.unwrap(), 0);

    // Status indices are unique per organization, not across organizations.
    let dup = award(&safety, newer.id, 3, minutes(200));
    match store.insert_award(&dup).await {
        Err(StoreError::Conflict {
            what: "status_index",
        }) => {}
        other => panic!("expected a status_index conflict, got {other:?}"),
    }
    match store
        .insert_award(&Award {
            status_index: 99,
            ..issued[0].clone()
        })
        .await
    {
        Err(StoreError::Conflict { what: "id" }) => {}
        other => panic!("expected an id conflict, got {other:?}"),
    }
    let beta_key = key(beta.id, T0);
    store.insert_key(&beta_key).await.unwrap();
    let beta_badge = achievement(beta.id, "Beta Badge", ExpiryPolicy::Never);
    store.insert_achievement(&beta_badge).await.unwrap();
    store
        .insert_award(&award(&beta_badge, beta_key.id, 3, minutes(1)))
        .await
        .unwrap();

    // References must exist and belong to the award's organization.
    let foreign_key = award(&beta_badge, newer.id, 50, minutes(2));
    assert!(matches!(
        store.insert_award(&foreign_key).await,
        Err(StoreError::MissingReference)
    ));
    // A refused insert leaves no connection on an old snapshot (stale reads, writes failing
    // at once with "database is locked").
    assert_eq!(stale_sqlite_connections(store).await.unwrap(), 0);
    let ghost = Achievement {
        id: AchievementId::new(),
        ..plain.clone()
    };
    let orphan = award(&ghost, newer.id, 51, minutes(2));
    assert!(matches!(
        store.insert_award(&orphan).await,
        Err(StoreError::MissingReference)
    ));
    let stray = key(OrgId::new(), T0);
    assert!(matches!(
        store.insert_key(&stray).await,
        Err(StoreError::MissingReference)
    ));

    // Status changes: one transaction with the status-version bump.
    assert_eq!(store.status_version(acme.id).await.unwrap(), 0);
    assert!(
        store
            .flagged_indices(acme.id, AwardStatus::Revoked)
            .await
            .unwrap()
            .is_empty()
    );
    let at = minutes(300);
    assert!(
        store
            .set_award_status(
                issued[3].id,
                AwardStatus::Revoked,
                Some("issued in error"),
                at
            )
            .await
            .unwrap()
    );
    assert!(
        store
            .set_award_status(issued[1].id, AwardStatus::Revoked, None, at)
            .await
            .unwrap()
    );
    assert!(
        store
            .set_award_status(
                issued[4].id,
                AwardStatus::Suspended,
                Some("under review"),
                at
            )
            .await
            .unwrap()
    );
    assert_eq!(store.status_version(acme.id).await.unwrap(), 3);
    assert_eq!(store.status_version(beta.id).await.unwrap(), 0);
    assert_eq!(
        store
            .flagged_indices(acme.id, AwardStatus::Revoked)
            .await
            .unwrap(),
        [1, 3]
    );
    assert_eq!(
        store
            .flagged_indices(acme.id, AwardStatus::Suspended)
            .await
            .unwrap(),
        [4]
    );
    assert_eq!(
        store
            .flagged_indices(acme.id, AwardStatus::Active)
            .await
            .unwrap(),
        [0, 2]
    );
    assert!(
        store
            .flagged_indices(beta.id, AwardStatus::Revoked)
            .await
            .unwrap()
            .is_empty()
    );
    let revoked = store.award(issued[3].id).await.unwrap().unwrap();
    assert_eq!(revoked.status, AwardStatus::Revoked);
    assert_eq!(revoked.status_reason.as_deref(), Some("issued in error"));
    assert_eq!(revoked.status_changed_at, Some(at));
    assert_eq!(
        revoked.credential, issued[3].credential,
        "the signed credential never changes"
    );
    // Reinstating the suspended award clears it from the suspension list.
    assert!(
        store
            .set_award_status(issued[4].id, AwardStatus::Active, None, minutes(301))
            .await
            .unwrap()
    );
    assert!(
        store
            .flagged_indices(acme.id, AwardStatus::Suspended)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.status_version(acme.id).await.unwrap(), 4);
    assert!(
        !store
            .set_award_status(AwardId::new(), AwardStatus::Revoked, None, at)
            .await
            .unwrap()
    );
    assert_eq!(
        store.status_version(acme.id).await.unwrap(),
        4,
        "no award, no bump"
    );

    // Unknown ids.
    assert_eq!(store.org(OrgId::new()).await.unwrap(), None);
    assert_eq!(
        store
            .org_by_slug(&Slug::parse("nobody").unwrap())
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.image(ImageId::new()).await.unwrap(), None);
    assert_eq!(store.achievement(AchievementId::new()).await.unwrap(), None);
    assert_eq!(store.award(AwardId::new()).await.unwrap(), None);
    assert!(store.keys(OrgId::new()).await.unwrap().is_empty());
    assert!(matches!(
        store.status_version(OrgId::new()).await,
        Err(StoreError::NotFound {
            what: "organization"
        })
    ));

    // Corrupt rows are errors naming table and column, never panics or None.
    let bad_email = format!(
        "UPDATE awards SET recipient_email = 'not an email' WHERE id = '{}'",
        issued[0].id
    );
    execute_raw(store, &bad_email).await.unwrap();
    expect_corrupt(store.award(issued[0].id).await, "awards", "recipient_email");
    expect_corrupt(
        store.awards(acme.id, 10, 0).await,
        "awards",
        "recipient_email",
    );
    execute_raw(
        store,
        &format!(
            "UPDATE orgs SET slug = 'Not A Slug' WHERE id = '{}'",
            beta.id
        ),
    )
    .await
    .unwrap();
    expect_corrupt(store.org(beta.id).await, "orgs", "slug");
    expect_corrupt(store.orgs().await, "orgs", "slug");
    execute_raw(
        store,
        "INSERT INTO orgs (id, slug, name, url, created_at) VALUES ('not-a-uuid', 'raw', 'Raw', 'https://raw.example', 0)",
    )
    .await
    .unwrap();
    expect_corrupt(
        store.org_by_slug(&Slug::parse("raw").unwrap()).await,
        "orgs",
        "id",
    );
    execute_raw(
        store,
        &format!(
            "UPDATE achievements SET alignments = '{{oops' WHERE id = '{}'",
            excel.id
        ),
    )
    .await
    .unwrap();
    expect_corrupt(
        store.achievement(excel.id).await,
        "achievements",
        "alignments",
    );
}

#[tokio::test]
async fn story_on_sqlite() {
    let store = fresh_sqlite().await.unwrap();
    assert_eq!(store.backend_name(), "sqlite");
    story(&store).await;
}

#[tokio::test]
async fn story_on_postgres() {
    let Some(test_store) = fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    // The owned-store form other crates' tests use; `_guard` drops the database at the end.
    let (store, _guard) = test_store.into_parts();
    assert_eq!(store.backend_name(), "postgres");
    story(&store).await;
}

/// Both backends' migrations build the same tables, columns and indexes: a column or index
/// added to one folder and forgotten in the other fails here.
#[tokio::test]
async fn both_backends_have_the_same_schema() {
    let sqlite = fresh_sqlite().await.unwrap();
    let Some(postgres) = fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    let (lite, pg) = (
        schema(sqlite.store()).await.unwrap(),
        schema(postgres.store()).await.unwrap(),
    );
    assert!(
        lite.columns.len() > 50 && !lite.indexes.is_empty(),
        "{lite:?}"
    );
    let only = |a: &std::collections::BTreeSet<String>, b: &std::collections::BTreeSet<String>| {
        a.difference(b).cloned().collect::<Vec<_>>()
    };
    assert!(
        lite == pg,
        "columns only on SQLite: {:?}\ncolumns only on PostgreSQL: {:?}\n\
         indexes only on SQLite: {:?}\nindexes only on PostgreSQL: {:?}",
        only(&lite.columns, &pg.columns),
        only(&pg.columns, &lite.columns),
        only(&lite.indexes, &pg.indexes),
        only(&pg.indexes, &lite.indexes),
    );
}

fn summaries(awards: &[Award]) -> Vec<accolade_core::AwardSummary> {
    awards.iter().map(Award::summary).collect()
}
