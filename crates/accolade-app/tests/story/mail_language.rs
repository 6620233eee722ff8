//! The badge email in the credential's language, on SQLite and PostgreSQL: an achievement
//! with Spanish, French and German texts, issued in each, sends its email (subject, text and
//! HTML) in that language with the badge's texts as issued; a language without bundled
//! words is written in English around the badge's own texts.

use accolade_app::{
    App, AppConfig, MasterKey, NewAchievement, NewAward, NewOrganization, NewTranslation, PublicUrl,
};
use accolade_core::{Actor, ExpiryPolicy, FixedClock};
use accolade_net::FetchPolicy;
use accolade_store::Store;
use std::sync::Arc;
use time::macros::datetime;

fn translation(language: &str, name: &str, description: &str) -> NewTranslation {
    NewTranslation {
        language: language.into(),
        name: name.into(),
        description: description.into(),
        criteria_narrative: None,
        field_labels: Default::default(),
    }
}

async fn story(store: Store) {
    let config = AppConfig {
        public_url: PublicUrl::parse("https://badges.example.org").unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 09:00 UTC)));
    let app = App::new(store, clock, config, Some(MasterKey::generate().unwrap()));
    let org = app
        .create_org(NewOrganization {
            name: "Acme Academy".into(),
            url: "https://acme.example".into(),
            email: None,
            description: None,
            slug: Some("acme".into()),
        })
        .await
        .unwrap();
    let achievement = app
        .create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "First Aid".into(),
                description: "Knows first aid.".into(),
                criteria_narrative: Some("Pass the course.".into()),
                expiry: ExpiryPolicy::MonthsAfterIssue(24),
                language: Some("en".into()),
                translations: vec![
                    translation("es", "Primeros auxilios", "Sabe primeros auxilios."),
                    translation("fr-CA", "Premiers secours", "Connaît les premiers secours."),
                    translation("de", "Erste Hilfe", "Kann Erste Hilfe leisten."),
                    translation("it", "Primo soccorso", "Conosce il primo soccorso."),
                ],
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap();
    for (language, subject, words) in [
        (
            "es",
            "Acme Academy te ha otorgado «Primeros auxilios»",
            [
                "Hola Ana:",
                "Sabe primeros auxilios.",
                "válida hasta el 1 de marzo de 2028",
            ],
        ),
        (
            "fr-CA",
            "Acme Academy vous a décerné « Premiers secours »",
            [
                "Bonjour Ana,",
                "Connaît les premiers secours.",
                "valable jusqu’au 1 mars 2028",
            ],
        ),
        (
            "de",
            "Acme Academy hat Ihnen „Erste Hilfe“ verliehen",
            [
                "Hallo Ana,",
                "Kann Erste Hilfe leisten.",
                "bis zum 1. März 2028 gültig",
            ],
        ),
        (
            "it",
            "Acme Academy awarded you \"Primo soccorso\"",
            [
                "Hello Ana,",
                "Conosce il primo soccorso.",
                "valid until 1 March 2028",
            ],
        ),
    ] {
        let award = app
            .award(
                &Actor::system(),
                NewAward {
                    achievement_id: achievement.id,
                    recipient_email: format!("ana.{language}@example.com"),
                    recipient_name: Some("Ana".into()),
                    language: Some(language.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let outbox = app.outbox(Some(org.id), 100).await.unwrap();
        let mail = outbox
            .iter()
            .find(|m| m.award_id == Some(award.id))
            .expect("the badge email is queued");
        assert_eq!(mail.subject, subject, "{language}");
        for w in words {
            assert!(
                mail.body_text.contains(w),
                "{language}: {w:?} in {}",
                mail.body_text
            );
        }
        let tag = accolade_app::i18n::Lang::from_tag_or_default(Some(language)).tag();
        assert!(
            mail.body_html.contains(&format!("<html lang=\"{tag}\">")),
            "{language}"
        );
        assert!(mail.body_html.contains(&words[1].replace('\'', "&#39;")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_language_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_language_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    story(store).await;
}
