//! Pathways on both backends: the requirement tree round-trips through its JSON form,
//! edits are compare-and-set on the version, the target must be an achievement of the same
//! organization, deletion is per organization, and an unreadable tree is reported corrupt.

use super::fixtures::{T0, achievement, expect_corrupt, minutes, org};
use accolade_core::{ExpiryPolicy, OrgId, Pathway, PathwayId, Requirement};
use accolade_store::testing::{execute_raw, fresh_postgres, fresh_sqlite};
use accolade_store::{Store, StoreError};

async fn pathways_story(store: &Store) {
    let acme = org("Acme Academy", "acme");
    let beta = org("Beta Institute", "beta");
    store.insert_org(&acme).await.unwrap();
    store.insert_org(&beta).await.unwrap();
    let [a, b, c, goal] = ["Safety", "First aid", "Fire drill", "Certified"]
        .map(|name| achievement(acme.id, name, ExpiryPolicy::Never));
    for x in [&a, &b, &c, &goal] {
        store.insert_achievement(x).await.unwrap();
    }
    let elsewhere = achievement(beta.id, "Beta badge", ExpiryPolicy::Never);
    store.insert_achievement(&elsewhere).await.unwrap();

    let tree = Requirement::AllOf(vec![
        Requirement::Achievement(a.id),
        Requirement::AnyOf {
            n: 1,
            of: vec![
                Requirement::Achievement(b.id),
                Requirement::AllOf(vec![Requirement::Achievement(c.id)]),
            ],
        },
        Requirement::CreditsAtLeast {
            credits: 2.5,
            of: vec![a.id, b.id, c.id],
        },
    ]);
    let pathway = Pathway {
        id: PathwayId::new(),
        org_id: acme.id,
        name: "Certified Practitioner".into(),
        description: "Three courses «and» a practical ✓".into(),
        target: Some(goal.id),
        requirement: tree.clone(),
        created_at: T0,
        updated_at: T0,
        version: 1,
    };
    store.insert_pathway(&pathway).await.unwrap();
    assert_eq!(
        store.pathway(pathway.id).await.unwrap(),
        Some(pathway.clone())
    );
    assert_eq!(store.pathway(PathwayId::new()).await.unwrap(), None);

    // Without a target, and listed by name.
    let basics = Pathway {
        id: PathwayId::new(),
        name: "Basics".into(),
        target: None,
        requirement: Requirement::Achievement(a.id),
        ..pathway.clone()
    };
    store.insert_pathway(&basics).await.unwrap();
    let names: Vec<String> = store
        .pathways(acme.id)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Basics", "Certified Practitioner"]);
    assert!(store.pathways(beta.id).await.unwrap().is_empty());

    // The target must be one of the organization's own achievements.
    let foreign_target = Pathway {
        id: PathwayId::new(),
        target: Some(elsewhere.id),
        ..pathway.clone()
    };
    match store.insert_pathway(&foreign_target).await {
        Err(StoreError::MissingReference) => {}
        other => panic!("expected a missing reference, got {other:?}"),
    }
    match store.insert_pathway(&pathway).await {
        Err(StoreError::Conflict { what: "id" }) => {}
        other => panic!("expected an id conflict, got {other:?}"),
    }

    // Edits compare the version; a stale one changes nothing.
    let edited = Pathway {
        name: "Certified Practitioner (2026)".into(),
        target: None,
        requirement: Requirement::AnyOf {
            n: 2,
            of: vec![
                Requirement::Achievement(a.id),
                Requirement::Achievement(c.id),
            ],
        },
        updated_at: minutes(5),
        version: 2,
        ..pathway.clone()
    };
    assert!(store.update_pathway(&edited, 1).await.unwrap());
    assert_eq!(
        store.pathway(pathway.id).await.unwrap(),
        Some(edited.clone())
    );
    let stale = Pathway {
        name: "Stale".into(),
        version: 2,
        ..pathway.clone()
    };
    assert!(!store.update_pathway(&stale, 1).await.unwrap());
    let other_org = Pathway {
        org_id: beta.id,
        version: 3,
        ..edited.clone()
    };
    assert!(!store.update_pathway(&other_org, 2).await.unwrap());
    assert_eq!(store.pathway(pathway.id).await.unwrap(), Some(edited));

    // Deleting is per organization.
    assert!(!store.delete_pathway(beta.id, basics.id).await.unwrap());
    assert!(!store.delete_pathway(OrgId::new(), basics.id).await.unwrap());
    assert!(store.delete_pathway(acme.id, basics.id).await.unwrap());
    assert!(!store.delete_pathway(acme.id, basics.id).await.unwrap());
    assert_eq!(store.pathway(basics.id).await.unwrap(), None);

    // A tree that does not read back is corrupt, never a silent empty pathway.
    for raw in [
        "{oops",
        r#"{"format":99,"root":{"kind":"all_of","of":[]}}"#,
        r#"{"format":1,"root":{"kind":"achievement","id":"nope"}}"#,
    ] {
        execute_raw(
            store,
            &format!(
                "UPDATE pathways SET requirement = '{raw}' WHERE id = '{}'",
                pathway.id
            ),
        )
        .await
        .unwrap();
        expect_corrupt(store.pathway(pathway.id).await, "pathways", "requirement");
    }
}

#[tokio::test]
async fn pathways_on_sqlite() {
    pathways_story(&fresh_sqlite().await.unwrap()).await;
}

#[tokio::test]
async fn pathways_on_postgres() {
    let Some(store) = fresh_postgres().await.expect("unusable test PostgreSQL") else {
        return;
    };
    pathways_story(&store).await;
}
