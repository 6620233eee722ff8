//! Achievement authoring and single issuing, on SQLite and PostgreSQL: translations, custom
//! fields, evidence, concurrent edits, and credentials that later edits never change.

use accolade_app::{
    App, AppConfig, AppError, MasterKey, NewAchievement, NewAward, NewEvidence, NewOrganization,
    NewTranslation, PublicUrl,
};
use accolade_core::{Actor, AlignmentSpec, CustomField, ExpiryPolicy, FixedClock, LangTag};
use accolade_credentials::verify::Verdict;
use accolade_net::FetchPolicy;
use accolade_store::Store;
use std::collections::BTreeMap;
use std::sync::Arc;
use time::macros::datetime;

fn app(store: Store) -> Arc<App> {
    let config = AppConfig {
        public_url: PublicUrl::parse("https://badges.example.org").unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    let clock = Arc::new(FixedClock::new(datetime!(2026-05-04 10:00 UTC)));
    Arc::new(App::new(
        store,
        clock,
        config,
        Some(MasterKey::generate().unwrap()),
    ))
}

fn course(org: accolade_core::OrgId) -> NewAchievement {
    NewAchievement {
        org_id: org,
        name: "Data Analysis".into(),
        description: "Awarded for completing the data analysis course.".into(),
        criteria_narrative: Some("Pass **every** module.".into()),
        achievement_type: Some("Course".into()),
        alignments: vec![AlignmentSpec {
            target_name: "Analyse data".into(),
            target_url: "http://data.europa.eu/esco/skill/1234".into(),
            target_code: Some("S2.1".into()),
            target_framework: Some("ESCO".into()),
        }],
        credits: Some(2.5),
        tags: vec!["data".into()],
        expiry: ExpiryPolicy::MonthsAfterIssue(24),
        language: Some("en".into()),
        translations: vec![NewTranslation {
            language: "fr".into(),
            name: "Analyse de données".into(),
            description: "Décerné pour le cours d'analyse de données.".into(),
            criteria_narrative: Some("Réussir **tous** les modules.".into()),
            field_labels: BTreeMap::from([("grade".to_owned(), "Note".to_owned())]),
        }],
        custom_fields: vec![
            CustomField {
                key: "grade".into(),
                label: "Grade".into(),
                required: true,
            },
            CustomField {
                key: String::new(),
                label: "Project title".into(),
                required: false,
            },
        ],
        evidence_requirements: Some("Link the final notebook.".into()),
        ..NewAchievement::default()
    }
}

fn ada(achievement: accolade_core::AchievementId) -> NewAward {
    NewAward {
        achievement_id: achievement,
        recipient_email: "ada@example.com".into(),
        recipient_name: Some("Ada Lovelace".into()),
        ..Default::default()
    }
}

async fn story(store: Store) {
    let app = app(store);
    let admin = Actor::system();
    let org = app
        .create_org(NewOrganization {
            name: "Authoring Academy".into(),
            url: "https://authoring.example".into(),
            email: None,
            description: None,
            slug: None,
        })
        .await
        .unwrap();

    // Creation checks translations and fields; keys come from labels when not given.
    let a = app
        .create_achievement(&admin, course(org.id))
        .await
        .unwrap();
    assert_eq!(a.version, 1);
    assert_eq!(a.language, LangTag::parse("en").unwrap());
    assert_eq!(a.custom_fields[1].key, "project-title");
    assert_eq!(a.translations[0].language.as_str(), "fr");
    assert_eq!(app.achievement(a.id).await.unwrap(), a);
    for (broken, why) in [
        (
            NewAchievement {
                language: Some("english".into()),
                ..course(org.id)
            },
            "bad default language",
        ),
        (
            NewAchievement {
                translations: vec![NewTranslation {
                    language: "EN".into(),
                    name: "Again".into(),
                    description: "Again".into(),
                    ..NewTranslation::default()
                }],
                ..course(org.id)
            },
            "translation in the default language",
        ),
        (
            NewAchievement {
                custom_fields: vec![
                    CustomField {
                        key: "grade".into(),
                        label: "Grade".into(),
                        required: false,
                    },
                    CustomField {
                        key: "grade".into(),
                        label: "Other grade".into(),
                        required: false,
                    },
                ],
                translations: vec![],
                ..course(org.id)
            },
            "duplicate field key",
        ),
        (
            NewAchievement {
                custom_fields: vec![],
                ..course(org.id)
            },
            "translation labels an unknown field",
        ),
        (
            NewAchievement {
                criteria_url: Some("javascript:alert(1)".into()),
                ..course(org.id)
            },
            "criteria page not a web address",
        ),
        (
            NewAchievement {
                criteria_narrative: None,
                criteria_url: None,
                ..course(org.id)
            },
            "no criteria",
        ),
        (
            NewAchievement {
                expiry: ExpiryPolicy::MonthsAfterIssue(0),
                ..course(org.id)
            },
            "zero months",
        ),
    ] {
        let r = app.create_achievement(&admin, broken).await;
        // Every refusal names the field it is about, in a sentence a person understands.
        let field = match why {
            "bad default language" => "language",
            "duplicate field key" => "custom_fields",
            "criteria page not a web address" => "criteria_url",
            "no criteria" => "criteria_narrative",
            "zero months" => "expiry",
            _ => "translations",
        };
        match r {
            Err(e @ AppError::Invalid(_)) => {
                assert_eq!(e.field(), Some(field), "{why}: {e}");
                assert!(
                    e.message()
                        .starts_with(|c: char| c.is_uppercase() || c == '“'),
                    "{why}: {e}"
                );
                assert!(e.message().ends_with('.'), "{why}: {e}");
                // The command line and the log read `field: message`.
                assert_eq!(e.to_string(), format!("{field}: {}", e.message()));
            }
            other => panic!("{why}: expected a refusal, got {other:?}"),
        }
    }

    // Issuing: required custom fields are enforced by the application.
    let missing = app.award(&admin, ada(a.id)).await;
    // The refusal names the field, so a form shows it at that input.
    match &missing {
        Err(e @ AppError::Invalid(_)) => {
            assert_eq!(e.field(), Some("field_values.grade"), "{e}");
            assert!(e.message().contains("Grade"), "{e}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let unknown = app
        .award(
            &admin,
            NewAward {
                field_values: BTreeMap::from([
                    ("grade".to_owned(), "A".to_owned()),
                    ("shoe-size".to_owned(), "44".to_owned()),
                ]),
                ..ada(a.id)
            },
        )
        .await;
    assert_eq!(
        unknown.as_ref().err().and_then(AppError::field),
        Some("field_values.shoe-size"),
        "{unknown:?}"
    );
    let bad_email = app
        .award(
            &admin,
            NewAward {
                recipient_email: "ada at example".into(),
                field_values: BTreeMap::from([("grade".to_owned(), "A".to_owned())]),
                ..ada(a.id)
            },
        )
        .await;
    match &bad_email {
        Err(e @ AppError::Invalid(_)) => {
            assert_eq!(e.field(), Some("recipient_email"));
            assert_eq!(
                e.message(),
                "Enter an email address in the form name@example.org."
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let no_such_language = app
        .award(
            &admin,
            NewAward {
                language: Some("de".into()),
                field_values: BTreeMap::from([("grade".to_owned(), "A".to_owned())]),
                ..ada(a.id)
            },
        )
        .await;
    assert_eq!(
        no_such_language.as_ref().err().and_then(AppError::field),
        Some("language"),
        "{no_such_language:?}"
    );
    let bad_expiry = app
        .award(
            &admin,
            NewAward {
                issued_at: Some(datetime!(2026-05-01 0:00 UTC)),
                valid_until: Some(datetime!(2026-04-01 0:00 UTC)),
                field_values: BTreeMap::from([("grade".to_owned(), "A".to_owned())]),
                ..ada(a.id)
            },
        )
        .await;
    assert_eq!(
        bad_expiry.as_ref().err().and_then(AppError::field),
        Some("valid_until"),
        "{bad_expiry:?}"
    );

    // In French, with values, evidence and an expiry override.
    let award = app
        .award(
            &admin,
            NewAward {
                language: Some("FR".into()),
                valid_until: Some(datetime!(2027-01-31 23:59:59 UTC)),
                field_values: BTreeMap::from([
                    ("grade".to_owned(), " A+ ".to_owned()),
                    ("project-title".to_owned(), String::new()),
                ]),
                evidence: vec![
                    NewEvidence {
                        url: Some("https://example.org/notebooks/ada".into()),
                        name: Some("Final notebook".into()),
                        narrative: None,
                    },
                    NewEvidence {
                        url: None,
                        name: None,
                        narrative: Some("Presented the results to the *whole* class.".into()),
                    },
                    NewEvidence::default(),
                ],
                ..ada(a.id)
            },
        )
        .await
        .unwrap();
    let c: serde_json::Value = serde_json::from_str(&award.credential).unwrap();
    let ach = &c["credentialSubject"]["achievement"];
    let achievement_url = format!("https://badges.example.org/achievements/{}", a.id);
    assert_eq!(c["inLanguage"], "fr");
    assert_eq!(c["name"], "Analyse de données");
    assert_eq!(c["validUntil"], "2027-01-31T23:59:59Z");
    assert_eq!(ach["inLanguage"], "fr");
    assert_eq!(ach["name"], "Analyse de données");
    assert_eq!(
        ach["criteria"]["narrative"],
        "Réussir **tous** les modules."
    );
    assert_eq!(
        ach["resultDescription"],
        serde_json::json!([
            {"id": format!("{achievement_url}#field-grade"), "type": ["ResultDescription"],
             "name": "Note", "resultType": "ext:CustomField"},
            {"id": format!("{achievement_url}#field-project-title"), "type": ["ResultDescription"],
             "name": "Project title", "resultType": "ext:CustomField"},
        ])
    );
    assert_eq!(
        c["credentialSubject"]["result"],
        serde_json::json!([{"type": ["Result"],
            "resultDescription": format!("{achievement_url}#field-grade"), "value": "A+"}])
    );
    assert_eq!(
        c["evidence"],
        serde_json::json!([
            {"id": "https://example.org/notebooks/ada", "type": ["Evidence"], "name": "Final notebook"},
            {"type": ["Evidence"], "narrative": "Presented the results to the *whole* class."},
        ])
    );
    assert_eq!(ach["alignment"][0]["targetFramework"], "ESCO");
    let report = app
        .verify(award.credential.clone().into_bytes(), None)
        .await;
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");

    // The default language when none is chosen.
    let english = app
        .award(
            &admin,
            NewAward {
                recipient_email: "grace@example.com".into(),
                field_values: BTreeMap::from([("grade".to_owned(), "B".to_owned())]),
                ..ada(a.id)
            },
        )
        .await
        .unwrap();
    let e: serde_json::Value = serde_json::from_str(&english.credential).unwrap();
    assert_eq!(e["inLanguage"], "en");
    assert_eq!(
        e["credentialSubject"]["achievement"]["name"],
        "Data Analysis"
    );
    assert_eq!(
        e["credentialSubject"]["achievement"]["resultDescription"][0]["name"],
        "Grade"
    );
    assert_eq!(e["validUntil"], "2028-05-04T10:00:00Z", "policy: 24 months");

    // Editing: a compare-and-set on the version. A stale edit is refused and changes nothing.
    let edit = NewAchievement {
        name: "Data Analysis I".into(),
        custom_fields: vec![CustomField {
            key: "grade".into(),
            label: "Final grade".into(),
            required: false,
        }],
        translations: vec![],
        ..course(org.id)
    };
    let v2 = app
        .update_achievement(&admin, a.id, a.version, edit.clone())
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(v2.created_at, a.created_at);
    assert!(v2.translations.is_empty());
    let stale = app
        .update_achievement(
            &admin,
            a.id,
            a.version,
            NewAchievement {
                name: "Lost".into(),
                ..edit.clone()
            },
        )
        .await;
    assert!(matches!(stale, Err(AppError::Conflict(_))), "{stale:?}");
    assert_eq!(app.achievement(a.id).await.unwrap(), v2);
    let elsewhere = app
        .create_org(NewOrganization {
            name: "Elsewhere".into(),
            url: "https://elsewhere.example".into(),
            email: None,
            description: None,
            slug: None,
        })
        .await
        .unwrap();
    let foreign = app
        .update_achievement(&admin, a.id, v2.version, course(elsewhere.id))
        .await;
    assert!(matches!(foreign, Err(AppError::NotFound(_))), "{foreign:?}");
    assert!(matches!(
        app.org_achievement(elsewhere.id, a.id).await,
        Err(AppError::NotFound(_))
    ));

    // Credentials already issued are untouched by the edit and still verify.
    let stored = app.award_by_id(award.id).await.unwrap();
    assert_eq!(stored.credential, award.credential);
    let report = app.verify(stored.credential.into_bytes(), None).await;
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    // New awards use the new version: the field is optional now.
    let after = app.award(&admin, ada(a.id)).await.unwrap();
    let n: serde_json::Value = serde_json::from_str(&after.credential).unwrap();
    assert_eq!(
        n["credentialSubject"]["achievement"]["name"],
        "Data Analysis I"
    );
    assert!(n["credentialSubject"].get("result").is_none());

    // Every change is in the audit log.
    let log = app.audit_log(org.id, 50, 0).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "award.issue").count(), 3);
    assert!(actions.contains(&"achievement.create"));
    assert!(actions.contains(&"achievement.update"));
}

/// The demo shows the features: Ada's badge is in German, with a project and evidence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_shows_translations_and_custom_fields() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let app = app(store);
    let demo = app.seed_demo().await.unwrap();
    let (_, ada) = demo
        .awards
        .iter()
        .find(|(label, _)| label.starts_with("Ada"))
        .unwrap();
    let ada = app.award_by_id(ada.id).await.unwrap();
    let c: serde_json::Value = serde_json::from_str(&ada.credential).unwrap();
    assert_eq!(c["inLanguage"], "de");
    assert_eq!(
        c["credentialSubject"]["achievement"]["name"],
        "Grundlagen der Datenanalyse"
    );
    assert_eq!(
        c["credentialSubject"]["achievement"]["resultDescription"][0]["name"],
        "Abschlussprojekt"
    );
    assert!(c["credentialSubject"]["result"][0]["value"].is_string());
    assert!(c["evidence"][0]["id"].is_string());
    let report = app.verify(ada.credential.clone().into_bytes(), None).await;
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authoring_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authoring_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    story(store).await;
}
