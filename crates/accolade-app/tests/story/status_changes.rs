//! Status changes are one-way and atomic, on SQLite and PostgreSQL: reinstate racing revoke
//! (and a second revoke) never un-revokes a credential nor clears its bit in the published
//! revocation list, and the audit log and outbox agree with what happened; a failing audit
//! or email write (the database refusing it, for real) rolls the status change, the issue
//! or the re-issue back; bulk revocation of thousands of awards goes in atomic batches with
//! exact counts.

use accolade_app::awards::Correction;
use accolade_app::{App, AppError, MasterKey, NewAchievement, NewAward, NewOrganization};
use accolade_core::{
    AchievementId, Actor, Award, AwardId, AwardStatus, Email, ExpiryPolicy, FixedClock,
    Organization, StatusPurpose,
};
use accolade_credentials::status_list::BitstringStatusList;
use accolade_store::Store;
use accolade_store::testing::execute_raw;
use std::sync::Arc;
use std::time::Instant;
use time::macros::datetime;
use tokio::sync::Barrier;

async fn setup(store: &Store, name: &str) -> (Arc<App>, Organization, AchievementId) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-05-04 10:00 UTC)));
    let app = crate::make_app(store.clone(), Some(MasterKey::generate().unwrap()), clock);
    let org = app
        .create_org(NewOrganization {
            name: name.into(),
            url: "https://acme.example".into(),
            email: None,
            description: None,
            slug: None,
        })
        .await
        .unwrap();
    let achievement = app
        .create_achievement(
            &Actor::cli(),
            NewAchievement {
                org_id: org.id,
                name: "First Aid".into(),
                description: "Workplace first aid.".into(),
                criteria_narrative: Some("Pass the practical assessment.".into()),
                expiry: ExpiryPolicy::Never,
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap();
    (app, org, achievement.id)
}

async fn issue(app: &App, achievement: AchievementId, email: &str) -> Result<Award, AppError> {
    app.award(
        &Actor::cli(),
        NewAward {
            achievement_id: achievement,
            recipient_email: email.into(),
            ..Default::default()
        },
    )
    .await
}

/// The bits of the organization's published list for `purpose`, as a verifier reads them.
async fn published(app: &App, org: &Organization, purpose: StatusPurpose) -> BitstringStatusList {
    let list = app.status_list(org, purpose).await.unwrap();
    let json: serde_json::Value = serde_json::from_str(&list.json).unwrap();
    let encoded = json["credentialSubject"]["encodedList"].as_str().unwrap();
    BitstringStatusList::decode(encoded).unwrap()
}

async fn actions(app: &App, award: &Award) -> Vec<String> {
    app.award_history(award)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// The outbox messages about `award` with `template`.
async fn mails(app: &App, award: &Award, template: &str) -> usize {
    app.outbox(Some(award.org_id), 100_000)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.award_id == Some(award.id) && m.template == template)
        .count()
}

async fn race(store: &Store) {
    let (app, org, achievement) = setup(store, "Race Academy").await;
    let (mut reinstated_first, mut revoked_first) = (0, 0);
    let mut awards = Vec::new();
    for round in 0..100 {
        let award = issue(&app, achievement, &format!("earner{round}@example.com"))
            .await
            .unwrap();
        app.suspend(&Actor::cli(), award.id, Some("under review"))
            .await
            .unwrap();
        // Reinstate and two revocations, released at the same instant.
        let barrier = Arc::new(Barrier::new(3));
        let spawn = |kind: &'static str| {
            let (app, barrier, id) = (app.clone(), barrier.clone(), award.id);
            tokio::spawn(async move {
                barrier.wait().await;
                match kind {
                    "reinstate" => app.reinstate(&Actor::cli(), id).await,
                    _ => app.revoke(&Actor::cli(), id, "Exam fraud").await,
                }
            })
        };
        let (reinstate, revoke_a, revoke_b) =
            (spawn("reinstate"), spawn("revoke"), spawn("revoke"));
        let reinstate = reinstate.await.unwrap();
        let revokes = [revoke_a.await.unwrap(), revoke_b.await.unwrap()];

        // Exactly one revocation took effect; the other found it revoked.
        assert_eq!(
            revokes.iter().filter(|r| r.is_ok()).count(),
            1,
            "{revokes:?}"
        );
        for r in &revokes {
            match r {
                Ok(a) => assert_eq!(a.status, AwardStatus::Revoked),
                Err(AppError::Conflict(m)) => assert_eq!(
                    m,
                    "This credential is already revoked; nothing was changed."
                ),
                Err(e) => panic!("round {round}: {e:?}"),
            }
        }
        // The reinstatement either came first (and the revocation after it) or was refused.
        match &reinstate {
            Ok(a) => {
                assert_eq!(a.status, AwardStatus::Active);
                reinstated_first += 1;
            }
            Err(AppError::Conflict(m)) => {
                assert!(
                    m.starts_with("A revoked credential cannot be reinstated"),
                    "{m}"
                );
                revoked_first += 1;
            }
            Err(e) => panic!("round {round}: {e:?}"),
        }
        let now = app.award_by_id(award.id).await.unwrap();
        assert_eq!(now.status, AwardStatus::Revoked, "round {round}");
        assert_eq!(now.status_reason.as_deref(), Some("Exam fraud"));

        // The audit log tells the same story, and the earner got one notice.
        let mut expected = vec!["award.issue", "award.revoke", "award.suspend"];
        if reinstate.is_ok() {
            expected.push("award.reinstate");
        }
        expected.sort_unstable();
        let mut logged = actions(&app, &award).await;
        logged.sort_unstable();
        assert_eq!(logged, expected, "round {round}");
        assert_eq!(mails(&app, &award, "revocation").await, 1, "round {round}");

        // The published lists: revoked, and not suspended.
        let index = u64::from(award.status_index);
        let revocation = published(&app, &org, StatusPurpose::Revocation).await;
        assert!(revocation.get(index).unwrap(), "round {round}: bit cleared");
        let suspension = published(&app, &org, StatusPurpose::Suspension).await;
        assert!(!suspension.get(index).unwrap(), "round {round}");
        awards.push(award);
    }
    // No later change brings any of them back, and every bit stays set.
    for award in &awards {
        assert!(matches!(
            app.reinstate(&Actor::cli(), award.id).await,
            Err(AppError::Conflict(_))
        ));
        assert!(matches!(
            app.suspend(&Actor::cli(), award.id, None).await,
            Err(AppError::Conflict(_))
        ));
    }
    let revocation = published(&app, &org, StatusPurpose::Revocation).await;
    for award in &awards {
        assert!(revocation.get(u64::from(award.status_index)).unwrap());
        assert_eq!(
            app.award_by_id(award.id).await.unwrap().status,
            AwardStatus::Revoked
        );
    }
    println!(
        "{}: reinstate won {reinstated_first} times, revoke won {revoked_first} times",
        store.backend_name()
    );
}

/// Makes every insert into `table` fail, as a database refusing the write would.
async fn break_table(store: &Store, table: &str) {
    let sql = if store.backend_name() == "sqlite" {
        format!(
            "CREATE TRIGGER broken_{table} BEFORE INSERT ON {table}
             BEGIN SELECT RAISE(ABORT, '{table} unavailable'); END;"
        )
    } else {
        format!(
            "CREATE FUNCTION broken_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION '{table} unavailable'; END $$;
             CREATE TRIGGER broken_{table} BEFORE INSERT ON {table}
             FOR EACH ROW EXECUTE FUNCTION broken_{table}();"
        )
    };
    execute_raw(store, &sql).await.unwrap();
}

async fn repair_table(store: &Store, table: &str) {
    let sql = if store.backend_name() == "sqlite" {
        format!("DROP TRIGGER broken_{table};")
    } else {
        format!("DROP TRIGGER broken_{table} ON {table}; DROP FUNCTION broken_{table}();")
    };
    execute_raw(store, &sql).await.unwrap();
}

async fn rollback(store: &Store) {
    let (app, org, achievement) = setup(store, "Rollback Academy").await;
    let ada = issue(&app, achievement, "ada@example.com").await.unwrap();
    let bob = issue(&app, achievement, "bob@example.com").await.unwrap();
    app.suspend(&Actor::cli(), bob.id, None).await.unwrap();
    let version = store.status_version(org.id).await.unwrap();
    let awards = store.count_awards(org.id).await.unwrap();

    for table in ["audit_events", "outbox"] {
        break_table(store, table).await;
        // A revocation whose audit entry or notice cannot be written does not happen.
        let failed = app.revoke(&Actor::cli(), ada.id, "Issued in error").await;
        assert!(
            matches!(failed, Err(AppError::Store(_))),
            "{table}: {failed:?}"
        );
        let failed = app.reinstate(&Actor::cli(), bob.id).await;
        if table == "audit_events" {
            assert!(matches!(failed, Err(AppError::Store(_))), "{failed:?}");
        } else {
            // Reinstating sends no email: it goes through, and is suspended again.
            failed.unwrap();
            app.suspend(&Actor::cli(), bob.id, None).await.unwrap();
        }
        // Nor does an issue, a re-issue or a bulk revocation.
        let failed = issue(&app, achievement, "cy@example.com").await;
        assert!(
            matches!(failed, Err(AppError::Store(_))),
            "{table}: {failed:?}"
        );
        let correction = Correction {
            recipient_email: "ada.lovelace@example.com".into(),
            ..Correction::default()
        };
        let failed = app.reissue(&Actor::cli(), ada.id, correction).await;
        assert!(
            matches!(failed, Err(AppError::Store(_))),
            "{table}: {failed:?}"
        );
        let failed = app
            .bulk_revoke(&Actor::cli(), org.id, &[ada.id, bob.id], "Course withdrawn")
            .await;
        assert!(
            matches!(failed, Err(AppError::Store(_))),
            "{table}: {failed:?}"
        );
        repair_table(store, table).await;

        assert_eq!(
            app.award_by_id(ada.id).await.unwrap().status,
            AwardStatus::Active,
            "{table}"
        );
        assert_eq!(
            app.award_by_id(bob.id).await.unwrap().status,
            AwardStatus::Suspended
        );
        assert_eq!(app.award_links(ada.id).await.unwrap().replaced_by, None);
        assert_eq!(store.count_awards(org.id).await.unwrap(), awards, "{table}");
        assert_eq!(mails(&app, &ada, "revocation").await, 0);
        assert_eq!(actions(&app, &ada).await, ["award.issue"], "{table}");
        let revocation = published(&app, &org, StatusPurpose::Revocation).await;
        assert!(!revocation.get(u64::from(ada.status_index)).unwrap());
        assert!(!revocation.get(u64::from(bob.status_index)).unwrap());
    }
    // (Suspending bob again after the outbox round bumped the version; the failures did not.)
    assert_eq!(store.status_version(org.id).await.unwrap(), version + 2);

    // Once the database takes writes again, the same calls work, each writing everything.
    let cy = issue(&app, achievement, "cy@example.com").await.unwrap();
    assert_eq!(actions(&app, &cy).await, ["award.issue"]);
    assert_eq!(mails(&app, &cy, "badge_issued").await, 1);
    app.revoke(&Actor::cli(), ada.id, "Issued in error")
        .await
        .unwrap();
    assert_eq!(mails(&app, &ada, "revocation").await, 1);
    let mut logged = actions(&app, &ada).await;
    logged.sort_unstable();
    assert_eq!(logged, ["award.issue", "award.revoke"]);
    let revocation = published(&app, &org, StatusPurpose::Revocation).await;
    assert!(revocation.get(u64::from(ada.status_index)).unwrap());
}

async fn bulk(store: &Store) {
    let (app, org, achievement) = setup(store, "Bulk Academy").await;
    let other = app
        .create_org(NewOrganization {
            name: "Beta Institute".into(),
            url: "https://beta.example".into(),
            email: None,
            description: None,
            slug: None,
        })
        .await
        .unwrap();
    let other_achievement = app
        .create_achievement(
            &Actor::cli(),
            NewAchievement {
                org_id: other.id,
                name: "Beta".into(),
                description: "Beta.".into(),
                criteria_narrative: Some("Attend.".into()),
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap()
        .id;
    // 2,600 awards: one issued through the app, the rest stored as copies of it with their
    // own ids, recipients and status-list positions (revocation reads none of the signed
    // credential).
    let template = issue(&app, achievement, "earner0@example.com")
        .await
        .unwrap();
    let mut awards = vec![template.clone()];
    let started = Instant::now();
    for n in 1..2600u32 {
        let award = Award {
            id: AwardId::new(),
            recipient_email: Email::parse(&format!("earner{n}@example.com")).unwrap(),
            status_index: (template.status_index + n * 7) % 1_000_000,
            ..template.clone()
        };
        store.insert_award(&award).await.unwrap();
        awards.push(award);
    }
    println!(
        "{}: stored 2,599 awards in {:?}",
        store.backend_name(),
        started.elapsed()
    );
    let mut foreign = Vec::new();
    for n in 0..20 {
        let email = format!("beta{n}@example.com");
        foreign.push(issue(&app, other_achievement, &email).await.unwrap());
    }
    // 100 revoked before, 50 suspended.
    for a in &awards[..100] {
        app.revoke(&Actor::cli(), a.id, "Earlier").await.unwrap();
    }
    for a in &awards[100..150] {
        app.suspend(&Actor::cli(), a.id, None).await.unwrap();
    }
    let mut ids: Vec<AwardId> = awards.iter().map(|a| a.id).collect();
    ids.extend(foreign.iter().map(|a| a.id));
    ids.extend((0..30).map(|_| AwardId::new()));
    ids.extend(awards[200..210].iter().map(|a| a.id));

    let version = store.status_version(org.id).await.unwrap();
    let log = app.audit_log(org.id, 100_000, 0).await.unwrap().len();
    let outbox = app.outbox(Some(org.id), 100_000).await.unwrap().len();
    let started = Instant::now();
    let outcome = app
        .bulk_revoke(&Actor::cli(), org.id, &ids, "Course withdrawn")
        .await
        .unwrap();
    println!(
        "{}: bulk revocation of 2,500 awards in {:?}",
        store.backend_name(),
        started.elapsed()
    );
    assert_eq!(outcome.revoked.len(), 2500);
    assert_eq!(outcome.already_revoked, 100);
    assert_eq!(outcome.not_found, 50);
    assert_eq!(outcome.not_revoked.len(), 100 + 50 + 10);
    assert_eq!(
        outcome
            .not_revoked
            .iter()
            .filter(|n| n.reason == "listed twice")
            .count(),
        10
    );
    // Five batches of 500: one status-version bump each.
    assert_eq!(store.status_version(org.id).await.unwrap(), version + 5);
    assert_eq!(
        app.audit_log(org.id, 100_000, 0).await.unwrap().len(),
        log + 2500
    );
    let messages = app.outbox(Some(org.id), 100_000).await.unwrap();
    assert_eq!(messages.len(), outbox + 2500);
    assert_eq!(
        messages
            .iter()
            .filter(|m| m.template == "revocation")
            .count(),
        2600
    );
    let revocation = published(&app, &org, StatusPurpose::Revocation).await;
    for a in &awards {
        assert!(revocation.get(u64::from(a.status_index)).unwrap());
    }
    let suspension = published(&app, &org, StatusPurpose::Suspension).await;
    for a in &awards[100..150] {
        assert!(!suspension.get(u64::from(a.status_index)).unwrap());
    }
    let sample = app.award_by_id(awards[120].id).await.unwrap();
    assert_eq!(sample.status, AwardStatus::Revoked);
    assert_eq!(sample.status_reason.as_deref(), Some("Course withdrawn"));
    let earlier = app.award_by_id(awards[5].id).await.unwrap();
    assert_eq!(earlier.status_reason.as_deref(), Some("Earlier"));
    for a in &foreign {
        assert_eq!(
            app.award_by_id(a.id).await.unwrap().status,
            AwardStatus::Active
        );
    }
    assert_eq!(other.id, foreign[0].org_id);

    // Again: nothing to do, and it says so.
    let again = app
        .bulk_revoke(&Actor::cli(), org.id, &ids[..2600], "Course withdrawn")
        .await
        .unwrap();
    assert!(again.revoked.is_empty());
    assert_eq!(again.already_revoked, 2600);
    assert_eq!(store.status_version(org.id).await.unwrap(), version + 5);
}

async fn all(store: Store) {
    race(&store).await;
    rollback(&store).await;
    bulk(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn status_changes_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    all(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn status_changes_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    all(store).await;
}
