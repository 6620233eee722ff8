//! Languages over HTTP: the credential page, the verify page, the backpack and error pages
//! in Spanish, French and German by `Accept-Language`; `?lang=` setting the switcher's
//! cookie; English for other languages; `Vary` on pages that depend on the language.

use super::accounts::sign_up;
use super::{Http, Reply, start};
use accolade_app::{NewAchievement, NewAward, NewOrganization, NewTranslation};
use accolade_core::Actor;
use accolade_store::Store;

fn get(http: &Http, path: &str, headers: &[(&str, &str)]) -> Reply {
    tokio::task::block_in_place(|| {
        let mut req = http.agent.get(format!("{}{path}", http.base));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        Http::reply(req.call().unwrap())
    })
}

fn accept(lang: &str) -> [(&'static str, String); 1] {
    [("Accept-Language", lang.to_owned())]
}

fn page(http: &Http, path: &str, accept_language: &str) -> Reply {
    let [(name, value)] = accept(accept_language);
    get(http, path, &[(name, &value), ("Accept", "text/html")])
}

async fn run(store: Store) {
    let (app, port) = start(store).await;
    let http = Http::new(port);
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
                translations: vec![NewTranslation {
                    language: "fr".into(),
                    name: "Premiers secours".into(),
                    description: "Connaît les premiers secours.".into(),
                    criteria_narrative: Some("Réussir le cours.".into()),
                    field_labels: Default::default(),
                }],
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap();
    let award = app
        .award(
            &Actor::system(),
            NewAward {
                achievement_id: achievement.id,
                recipient_email: "ada@example.com".into(),
                recipient_name: Some("Ada".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let path = format!("/credentials/{}", award.id);
    let month = |lang: &str| {
        let m = award.issued_at.month();
        let en = m.to_string();
        match lang {
            "es" => format!(
                " de {} de ",
                accolade_app::i18n::month_name(accolade_app::i18n::Lang::Es, m)
            ),
            "fr" => format!(
                " {} ",
                accolade_app::i18n::month_name(accolade_app::i18n::Lang::Fr, m)
            ),
            "de" => format!(
                ". {} ",
                accolade_app::i18n::month_name(accolade_app::i18n::Lang::De, m)
            ),
            _ => format!(" {en} "),
        }
    };

    // The credential page: chrome in the visitor's language, the badge's texts as issued.
    for (header, lang, words) in [
        (
            "es-MX,es;q=0.9,en;q=0.5",
            "es",
            ["Descripción", "Criterios", "Verificada", "Emitida a"],
        ),
        (
            "fr-CH, fr;q=0.9",
            "fr",
            ["Description", "Critères", "Vérifié", "Délivré à"],
        ),
        (
            "de",
            "de",
            ["Beschreibung", "Kriterien", "Geprüft", "Ausgestellt für"],
        ),
        (
            "en-GB",
            "en",
            ["Description", "Criteria", "Verified", "Issued to"],
        ),
    ] {
        let res = page(&http, &path, header);
        assert_eq!(res.status, 200, "{}", res.body);
        assert!(
            res.body.contains(&format!("<html lang=\"{lang}\">")),
            "{lang}"
        );
        for w in words {
            assert!(res.body.contains(w), "{lang}: no {w:?}");
        }
        assert!(
            res.body.contains(&month(lang)),
            "{lang}: no date {:?}",
            month(lang)
        );
        assert!(
            res.body
                .contains(r#"<h1 id="badge-name" lang="en">First Aid</h1>"#)
        );
        assert!(res.body.contains("Knows first aid."));
        let vary = res.header("vary").unwrap_or_default().to_ascii_lowercase();
        assert!(
            vary.contains("accept-language") && vary.contains("cookie"),
            "{vary}"
        );
        // The switcher keeps the page and offers every language.
        for tag in ["en", "es", "fr", "de"] {
            assert!(res.body.contains(&format!("href=\"?lang={tag}\"")), "{tag}");
        }
    }
    // Values go into the translated sentences as markup, escaped once.
    let english = page(&http, &path, "en");
    assert!(english.body.contains("Issued to <strong>Ada</strong>"));
    assert!(
        english
            .body
            .contains(r#"<span>by <a href="/issuers/acme">Acme Academy</a></span>"#)
    );
    let spanish = page(&http, &path, "es");
    assert!(spanish.body.contains("Emitida a <strong>Ada</strong>"));
    assert!(!spanish.body.contains(">Description<"));
    assert!(spanish.body.contains("Descargar"));

    // Languages without a translation, and none at all, are English.
    for header in ["pt-BR, ja;q=0.8", "", "*"] {
        let res = page(&http, &path, header);
        assert!(res.body.contains("<html lang=\"en\">"), "{header}");
        assert!(res.body.contains(">Description<"), "{header}");
    }

    // ?lang= wins over the header and is remembered in a cookie; the cookie then wins.
    let chosen = page(&http, &format!("{path}?lang=fr"), "de");
    assert!(chosen.body.contains("<html lang=\"fr\">"));
    let cookie = chosen.header("set-cookie").unwrap_or_default().to_owned();
    assert!(cookie.starts_with("lang=fr;"), "{cookie}");
    let remembered = get(
        &http,
        &path,
        &[("Accept-Language", "de"), ("Cookie", "lang=fr")],
    );
    assert!(remembered.body.contains("<html lang=\"fr\">"));
    let bogus = page(&http, &format!("{path}?lang=%3Cx%3E"), "de");
    assert!(bogus.body.contains("<html lang=\"de\">"));
    assert!(bogus.header("set-cookie").is_none());

    // The verify page and its report.
    for (header, words) in [
        (
            "es",
            [
                "Verificar una insignia",
                "Resultado",
                "Válida: auténtica",
                "Firma",
                "Superada",
            ],
        ),
        (
            "fr",
            [
                "Vérifier un badge",
                "Résultat",
                "Valide : authentique",
                "Signature",
                "Réussie",
            ],
        ),
        (
            "de",
            [
                "Badge prüfen",
                "Ergebnis",
                "Gültig: echt",
                "Signatur",
                "Bestanden",
            ],
        ),
    ] {
        let url = format!("/verify?url=https://accolade.test{path}");
        let res = page(&http, &url, header);
        assert_eq!(res.status, 200);
        for w in words {
            assert!(res.body.contains(w), "{header}: no {w:?}");
        }
    }

    // A credential issued in French: its texts as issued, marked French, in a German page.
    let french = app
        .award(
            &Actor::system(),
            NewAward {
                achievement_id: achievement.id,
                recipient_email: "bea@example.com".into(),
                recipient_name: Some("Béa".into()),
                language: Some("fr".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let res = page(&http, &format!("/credentials/{}", french.id), "de-AT");
    assert!(res.body.contains("<html lang=\"de\">"));
    assert!(
        res.body
            .contains(r#"<h1 id="badge-name" lang="fr">Premiers secours</h1>"#)
    );
    assert!(res.body.contains(r#"<div lang="fr">"#));
    assert!(res.body.contains("Connaît les premiers secours."));
    assert!(res.body.contains("Beschreibung") && res.body.contains("Ausgestellt für"));

    // The embed follows the visitor too.
    let embed = page(&http, &format!("/embed/{}", french.id), "es");
    assert!(embed.body.contains("<html lang=\"es\">"));
    assert!(
        embed.body.contains("Emitida por Acme Academy a Béa"),
        "{}",
        embed.body
    );
    assert!(embed.body.contains(">Verificada<"));

    // Sign-in and sign-up, where earners arrive from a claim link.
    let signin = page(&http, "/signin", "fr");
    assert!(signin.body.contains("Mot de passe") && signin.body.contains("Se connecter"));
    let signup = page(&http, "/signup", "es");
    assert!(signup.body.contains("Contraseña") && signup.body.contains("Crear cuenta"));

    // Error pages.
    let missing = page(&http, "/no/such/page", "de");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<html lang=\"de\">"));
    assert!(missing.body.contains("Nicht gefunden"));
    assert!(
        missing
            .body
            .contains("Unter dieser Adresse gibt es keine Seite.")
    );

    // The backpack, by the switcher's cookie.
    let (mut ada, _) = sign_up(&http, "Ada", "ada@example.com");
    for (lang, words) in [
        ("es", ["Mi mochila", "Colecciones", "Direcciones de correo"]),
        ("fr", ["Mon sac à badges", "Collections", "Adresses e-mail"]),
        (
            "de",
            ["Meine Badge-Sammlung", "Sammlungen", "E-Mail-Adressen"],
        ),
    ] {
        ada.cookies.insert("lang".into(), lang.into());
        let res = tokio::task::block_in_place(|| ada.get("/backpack"));
        assert_eq!(res.status, 200, "{}", res.body);
        assert!(res.body.contains(&format!("<html lang=\"{lang}\">")));
        for w in words {
            assert!(res.body.contains(w), "{lang}: no {w:?}");
        }
    }
    // The issuer workspace stays in English, without the switcher.
    let dashboard = tokio::task::block_in_place(|| ada.get("/dashboard"));
    assert!(dashboard.body.contains("<html lang=\"en\">"));
    assert!(!dashboard.body.contains("href=\"?lang=de\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn languages_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn languages_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}
