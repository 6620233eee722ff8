//! Bulk issuing of a badge with custom fields, on SQLite and on PostgreSQL: columns found by
//! the field's label or named in the mapping, rows without a required value reported as row
//! errors and never issued, values carried into each credential, a file without the
//! required column refused row by row, and the CSV template naming every column.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use accolade_app::bulk::{ColumnMapping, ImportLimits, guess_field_columns, template_csv};
use accolade_app::{App, AppConfig, MasterKey, NewAchievement, NewOrganization, PublicUrl};
use accolade_core::{AchievementId, Actor, AwardId, CustomField, FixedClock};
use accolade_net::FetchPolicy;
use accolade_store::{RowState, Store};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use time::macros::datetime;

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let p = std::env::temp_dir().join(format!("accolade-bulk-fields-{}", AwardId::new()));
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fields() -> Vec<CustomField> {
    vec![
        CustomField {
            key: "grade".into(),
            label: "Final grade".into(),
            required: true,
        },
        CustomField {
            key: "project".into(),
            label: "Project title".into(),
            required: false,
        },
    ]
}

async fn setup(store: Store) -> (Arc<App>, AchievementId) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 09:30 UTC)));
    let config = AppConfig {
        public_url: PublicUrl::parse("https://badges.example.org").unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    let app = Arc::new(App::new(
        store,
        clock,
        config,
        Some(MasterKey::generate().unwrap()),
    ));
    let org = app
        .create_org(NewOrganization {
            name: "Acme Academy".into(),
            url: "https://acme.example".into(),
            email: None,
            description: None,
            slug: None,
        })
        .await
        .unwrap();
    let achievement = app
        .create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "Data Course".into(),
                description: "The data course.".into(),
                criteria_narrative: Some("Pass the exam.".into()),
                custom_fields: fields(),
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap();
    (app, achievement.id)
}

/// `(row number, state, problem)` of every row of an import.
async fn rows(app: &App, id: accolade_core::ImportId) -> Vec<(i64, RowState, String)> {
    app.store()
        .import_rows(id, false, 0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.row_number, r.state, r.error.unwrap_or_default()))
        .collect()
}

async fn story(store: Store) {
    let (app, achievement) = setup(store).await;
    let dir = TempDir::new();

    // The template names the columns, custom fields by their labels, which are found again.
    let template = template_csv(&fields());
    assert_eq!(
        template.lines().next(),
        Some("email,name,issued_at,Final grade,Project title")
    );
    let headers: Vec<String> = template
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    assert_eq!(
        guess_field_columns(&headers, &fields()),
        BTreeMap::from([
            ("grade".to_owned(), "Final grade".to_owned()),
            ("project".to_owned(), "Project title".to_owned()),
        ])
    );

    // Found by label: a row without the required grade is an error, never issued.
    let path = dir.write(
        "graded.csv",
        "email,name,Final grade,Project title\n\
         ada@example.com,Ada,A,Sales forecast\n\
         bob@example.com,Bob,,Inventory\n\
         cy@example.com,Cy,B,\n",
    );
    let report = app
        .import_csv(
            &Actor::cli(),
            achievement,
            &path,
            &ColumnMapping::default(),
            ImportLimits::default(),
        )
        .await
        .unwrap();
    assert_eq!(report.columns.fields.len(), 2, "{:?}", report.columns);
    let id = report.import.id;
    assert_eq!(
        rows(&app, id).await,
        vec![
            (2, RowState::Pending, String::new()),
            (
                3,
                RowState::Error,
                "the Final grade is missing (it is required)".to_owned()
            ),
            (4, RowState::Pending, String::new()),
        ]
    );
    assert_eq!(report.import.error_rows, 1);
    let done = app.run_import(id, false, |_| {}).await.unwrap();
    assert_eq!((done.issued_rows, done.error_rows), (2, 1));
    let issued = rows(&app, id).await;
    assert_eq!(
        issued[1].1,
        RowState::Error,
        "the invalid row stays unissued"
    );
    let mut results = BTreeMap::new();
    for row in app.store().import_rows(id, false, 0, 10).await.unwrap() {
        let Some(award) = row.award_id else { continue };
        let award = app.award_by_id(award).await.unwrap();
        let c: serde_json::Value = serde_json::from_str(&award.credential).unwrap();
        let values: Vec<String> = c["credentialSubject"]["result"]
            .as_array()
            .map(|r| {
                r.iter()
                    .map(|v| v["value"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        results.insert(award.recipient_email.as_str().to_owned(), values);
    }
    assert_eq!(
        results,
        BTreeMap::from([
            (
                "ada@example.com".to_owned(),
                vec!["A".to_owned(), "Sales forecast".to_owned()]
            ),
            ("cy@example.com".to_owned(), vec!["B".to_owned()]),
        ]),
        "each credential carries its row's values"
    );
    let org = app.achievement(achievement).await.unwrap().org_id;
    let bob = app
        .store()
        .awards(org, 100, 0)
        .await
        .unwrap()
        .into_iter()
        .any(|a| a.recipient_email.as_str() == "bob@example.com");
    assert!(!bob, "no badge without the required value");

    // A column named in the mapping; a file without the required column: every row an error.
    let path = dir.write(
        "mapped.csv",
        "Mail,Note\ndee@example.com,C\neve@example.com,\n",
    );
    let mapping = ColumnMapping {
        email: Some("Mail".into()),
        fields: BTreeMap::from([("grade".to_owned(), "Note".to_owned())]),
        ..ColumnMapping::default()
    };
    let report = app
        .import_csv(
            &Actor::cli(),
            achievement,
            &path,
            &mapping,
            ImportLimits::default(),
        )
        .await
        .unwrap();
    let states: Vec<RowState> = rows(&app, report.import.id)
        .await
        .into_iter()
        .map(|r| r.1)
        .collect();
    assert_eq!(states, vec![RowState::Pending, RowState::Error]);
    let path = dir.write("ungraded.csv", "email\nfay@example.com\ngus@example.com\n");
    let report = app
        .import_csv(
            &Actor::cli(),
            achievement,
            &path,
            &ColumnMapping::default(),
            ImportLimits::default(),
        )
        .await
        .unwrap();
    let all = rows(&app, report.import.id).await;
    assert_eq!(all.len(), 2);
    for (_, state, problem) in all {
        assert_eq!(state, RowState::Error);
        assert_eq!(
            problem,
            "the Final grade is required, and the file has no column for it"
        );
    }
    let unknown = ColumnMapping {
        fields: BTreeMap::from([("colour".to_owned(), "email".to_owned())]),
        ..ColumnMapping::default()
    };
    let refused = app
        .import_csv(
            &Actor::cli(),
            achievement,
            &path,
            &unknown,
            ImportLimits::default(),
        )
        .await;
    assert!(refused.is_err(), "a mapping for no such field is refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_fields_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_fields_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    story(store).await;
}
