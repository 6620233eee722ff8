//! Pathways, on SQLite and PostgreSQL: admins define them over their own organization's
//! badges (checked: another organization's badge is not found, malformed trees refused,
//! edits compare versions, every change audited); an earner's progress follows the current
//! state of their awards (revocation, suspension and expiry drop a step at once); completing
//! a pathway is shown without issuing its target; a portfolio counts public badges only.

use accolade_app::pathways::{NewPathway, PathwayProgress};
use accolade_app::{App, AppConfig, AppError, MasterKey, NewAchievement, NewAward};
use accolade_app::{NewOrganization, PublicUrl};
use accolade_core::{
    AchievementId, Actor, Award, FixedClock, OrgId, Ownership, Requirement, User, Visibility,
};
use accolade_net::FetchPolicy;
use accolade_store::Store;
use std::sync::Arc;
use time::Duration;
use time::macros::datetime;

async fn org(app: &App, name: &str) -> OrgId {
    app.create_org(NewOrganization {
        name: name.into(),
        url: "https://org.example".into(),
        email: None,
        description: None,
        slug: None,
    })
    .await
    .unwrap()
    .id
}

async fn badge(app: &App, org: OrgId, name: &str, credits: Option<f64>) -> AchievementId {
    app.create_achievement(
        &Actor::system(),
        NewAchievement {
            org_id: org,
            name: name.into(),
            description: format!("{name}."),
            criteria_narrative: Some("Pass.".into()),
            credits,
            ..NewAchievement::default()
        },
    )
    .await
    .unwrap()
    .id
}

/// Issues a badge to `user` and puts it in their backpack (public or private).
async fn give(app: &App, user: &User, a: AchievementId, public: bool) -> Award {
    give_until(app, user, a, public, None).await
}

async fn give_until(
    app: &App,
    user: &User,
    a: AchievementId,
    public: bool,
    valid_until: Option<time::OffsetDateTime>,
) -> Award {
    let award = app
        .award(
            &Actor::system(),
            NewAward {
                achievement_id: a,
                recipient_email: user.email.as_str().into(),
                valid_until,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let visibility = if public {
        Visibility::Public
    } else {
        Visibility::Private
    };
    app.store()
        .add_to_backpack(&Ownership {
            award_id: award.id,
            user_id: user.id,
            visibility,
            claimed_at: award.issued_at,
        })
        .await
        .unwrap();
    award
}

fn counts(p: &PathwayProgress) -> (usize, usize, bool) {
    (p.progress.done, p.progress.required, p.progress.complete)
}

async fn story(store: Store) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 09:30 UTC)));
    let config = AppConfig {
        public_url: PublicUrl::parse("https://badges.example.org").unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    let app = App::new(
        store,
        clock.clone(),
        config,
        Some(MasterKey::generate().unwrap()),
    );
    let admin = Actor::system();
    let acme = org(&app, "Acme Academy").await;
    let beta = org(&app, "Beta Institute").await;
    let safety = badge(&app, acme, "Safety", Some(2.0)).await;
    let first_aid = badge(&app, acme, "First Aid", Some(1.5)).await;
    let fire = badge(&app, acme, "Fire Drill", None).await;
    let goal = badge(&app, acme, "Certified Practitioner", None).await;
    let foreign = badge(&app, beta, "Beta badge", None).await;

    let new = |requirement: Requirement, target| NewPathway {
        org_id: acme,
        name: "Certified Practitioner".into(),
        description: "Three courses toward certification.".into(),
        target,
        requirement,
    };
    let three = Requirement::AllOf(vec![
        Requirement::Achievement(safety),
        Requirement::Achievement(first_aid),
        Requirement::Achievement(fire),
    ]);

    // Refused: another organization's badge (as a step or target), a malformed tree, no
    // name, the target among the steps.
    let with_foreign = Requirement::AllOf(vec![
        Requirement::Achievement(safety),
        Requirement::Achievement(foreign),
    ]);
    for bad in [new(with_foreign, None), new(three.clone(), Some(foreign))] {
        match app.create_pathway(&admin, bad).await {
            Err(AppError::NotFound("achievement")) => {}
            other => panic!("expected not found, got {other:?}"),
        }
    }
    let too_many = Requirement::AnyOf {
        n: 4,
        of: vec![
            Requirement::Achievement(safety),
            Requirement::Achievement(fire),
        ],
    };
    for bad in [
        new(too_many, None),
        new(Requirement::AllOf(vec![]), None),
        NewPathway {
            name: "  ".into(),
            ..new(three.clone(), None)
        },
        new(three.clone(), Some(safety)),
    ] {
        match app.create_pathway(&admin, bad).await {
            Err(AppError::Invalid(_)) => {}
            other => panic!("expected invalid, got {other:?}"),
        }
    }
    assert!(app.pathways(acme).await.unwrap().is_empty());

    let pathway = app
        .create_pathway(&admin, new(three.clone(), Some(goal)))
        .await
        .unwrap();
    assert_eq!(pathway.version, 1);
    assert_eq!(
        app.pathways(acme).await.unwrap(),
        std::slice::from_ref(&pathway)
    );
    assert!(matches!(
        app.org_pathway(beta, pathway.id).await,
        Err(AppError::NotFound("pathway"))
    ));
    let details = app.pathway_details(pathway.id).await.unwrap();
    assert_eq!(details.achievements.len(), 4);
    assert_eq!(details.target.unwrap().name, "Certified Practitioner");

    // The earner: two of three badges.
    let ada = app
        .sign_up("ada@example.com", "Ada", "correct horse battery staple")
        .await
        .unwrap();
    let bob = app
        .sign_up("bob@example.com", "Bob", "correct horse battery staple")
        .await
        .unwrap();
    assert!(app.pathway_progress(&ada).await.unwrap().is_empty());
    let ada_safety = give(&app, &ada, safety, true).await;
    let ada_aid = give(&app, &ada, first_aid, false).await;
    give(&app, &bob, foreign, true).await;
    assert!(
        app.pathway_progress(&bob).await.unwrap().is_empty(),
        "only pathways with a badge the earner holds"
    );
    let got = app.pathway_progress(&ada).await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(counts(&got[0]), (2, 3, false));
    assert_eq!(got[0].org.name, "Acme Academy");
    assert_eq!(got[0].target.as_ref().unwrap().id, goal);
    assert!(!got[0].target_held);
    let next: Vec<_> = got[0].next_steps.iter().map(|a| a.id).collect();
    assert_eq!(next, [fire]);

    // Revoking and suspending drop a step at once.
    app.revoke(&admin, ada_aid.id, "issued by mistake")
        .await
        .unwrap();
    assert_eq!(
        counts(&app.pathway_progress(&ada).await.unwrap()[0]),
        (1, 3, false)
    );
    app.suspend(&admin, ada_safety.id, None).await.unwrap();
    assert!(
        app.pathway_progress(&ada).await.unwrap().is_empty(),
        "no valid badge of the pathway left"
    );
    app.reinstate(&admin, ada_safety.id).await.unwrap();

    // An expiring badge counts until it expires.
    give_until(
        &app,
        &ada,
        first_aid,
        true,
        Some(datetime!(2026-04-01 00:00 UTC)),
    )
    .await;
    assert_eq!(
        counts(&app.pathway_progress(&ada).await.unwrap()[0]),
        (2, 3, false)
    );
    clock.advance(Duration::days(40));
    assert_eq!(
        counts(&app.pathway_progress(&ada).await.unwrap()[0]),
        (1, 3, false)
    );

    // Completing it shows complete; the target is not issued, until the issuer does.
    give(&app, &ada, first_aid, false).await;
    give(&app, &ada, fire, false).await;
    let done = &app.pathway_progress(&ada).await.unwrap()[0];
    assert_eq!(counts(done), (3, 3, true));
    assert!(done.next_steps.is_empty());
    assert!(!done.target_held);
    give(&app, &ada, goal, false).await;
    assert!(app.pathway_progress(&ada).await.unwrap()[0].target_held);

    // The portfolio counts only public badges: Safety (public), not the private ones.
    app.set_handle(&Actor::user(&ada), &ada, "ada")
        .await
        .unwrap();
    let public = app.portfolio_pathway_progress("ada").await.unwrap();
    assert_eq!(counts(&public[0]), (1, 3, false));
    assert!(!public[0].target_held);
    assert!(matches!(
        app.portfolio_pathway_progress("nobody-here").await,
        Err(AppError::NotFound("portfolio"))
    ));

    // Credits and "N of": the edit replaces the tree; a stale edit changes nothing.
    let credits = Requirement::AllOf(vec![
        Requirement::AnyOf {
            n: 1,
            of: vec![
                Requirement::Achievement(fire),
                Requirement::Achievement(first_aid),
            ],
        },
        Requirement::CreditsAtLeast {
            credits: 3.0,
            of: vec![safety, first_aid, fire],
        },
    ]);
    let edited = app
        .update_pathway(&admin, pathway.id, 1, new(credits.clone(), None))
        .await
        .unwrap();
    assert_eq!((edited.version, edited.target), (2, None));
    assert!(matches!(
        app.update_pathway(&admin, pathway.id, 1, new(three.clone(), None))
            .await,
        Err(AppError::Conflict(_))
    ));
    let other_org = NewPathway {
        org_id: beta,
        ..new(credits, None)
    };
    assert!(matches!(
        app.update_pathway(&admin, pathway.id, 2, other_org).await,
        Err(AppError::NotFound("pathway"))
    ));
    let p = &app.pathway_progress(&ada).await.unwrap()[0];
    assert_eq!(counts(p), (2, 2, true), "3.5 credits of 3");
    let public = &app.portfolio_pathway_progress("ada").await.unwrap()[0];
    assert_eq!(counts(public), (0, 2, false), "2 public credits of 3");

    // Deleting; every change is in the audit log.
    clock.advance(Duration::minutes(1));
    assert!(matches!(
        app.delete_pathway(&admin, beta, pathway.id).await,
        Err(AppError::NotFound("pathway"))
    ));
    app.delete_pathway(&admin, acme, pathway.id).await.unwrap();
    assert!(app.pathway_progress(&ada).await.unwrap().is_empty());
    let actions: Vec<String> = app
        .audit_log(acme, 100, 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.target == pathway.id.to_string())
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["pathway.delete", "pathway.update", "pathway.create"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pathways_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pathways_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    story(store).await;
}
