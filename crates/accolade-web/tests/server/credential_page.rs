//! The public credential page for each kind of visitor, on SQLite and PostgreSQL: anonymous
//! visitors get the kept, public page (a link to share, no owner tools), the signed-in owner
//! gets the share buttons, snippets and QR code on a page made for them and never kept;
//! the badge's language is named ("German", "Deutsch"); the checks read in the page's
//! language with dates, not timestamps; the German credential's certificate PDF is in German.

use super::accounts::sign_up;
use super::{Http, claim_token, claim_with, start};
use accolade_app::{App, NewAchievement, NewAward, NewOrganization, NewTranslation};
use accolade_core::Actor;
use std::io::Read;
use std::sync::Arc;

/// A page in a language, with no cookies.
fn anonymous(http: &Http, path: &str, lang: &str) -> (String, Option<String>) {
    let mut res = http
        .agent
        .get(format!("{}{path}", http.base))
        .header("Accept-Language", lang)
        .call()
        .unwrap();
    let cache = res
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (res.body_mut().read_to_string().unwrap(), cache)
}

/// The verification panel's check list.
fn checks(body: &str) -> &str {
    let at = body.find("class=\"checks\"").expect("a check list");
    let end = body[at..].find("</ul>").map_or(body.len(), |e| at + e);
    &body[at..end]
}

/// The text of a PDF (poppler's pdftotext), words joined by single spaces.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("accolade-credential-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.pdf", accolade_core::ImageId::new()));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let org = rt
        .block_on(app.create_org(NewOrganization {
            name: "Berlin Academy".into(),
            url: "https://berlin.example".into(),
            email: None,
            description: None,
            slug: Some("berlin-academy".into()),
        }))
        .unwrap();
    let achievement = rt
        .block_on(app.create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "First Aid".into(),
                description: "Knows first aid.".into(),
                criteria_narrative: Some("Pass the course.".into()),
                translations: vec![NewTranslation {
                    language: "de".into(),
                    name: "Erste Hilfe".into(),
                    description: "Kann Erste Hilfe leisten.".into(),
                    criteria_narrative: Some("Den Kurs bestehen.".into()),
                    field_labels: Default::default(),
                }],
                ..NewAchievement::default()
            },
        ))
        .unwrap();
    let award = rt
        .block_on(app.award(
            &Actor::system(),
            NewAward {
                achievement_id: achievement.id,
                recipient_email: "lena@example.com".into(),
                recipient_name: Some("Lena Schmidt".into()),
                language: Some("de".into()),
                ..Default::default()
            },
        ))
        .unwrap();
    let path = format!("/credentials/{}", award.id);

    // Anonymous: the public share area, no owner tools.
    let (public, _) = anonymous(http, &path, "en");
    assert!(public.contains("Link to this page"), "{public}");
    assert!(public.contains("Anyone with this link sees the badge"));
    for tool in [
        "share-buttons",
        "share-signature",
        "share-embed",
        "share-qr",
    ] {
        assert!(!public.contains(tool), "the public page has {tool}");
    }
    // The language by name; dates, not timestamps, in the checks.
    assert!(public.contains("<dd>German</dd>"), "{public}");
    let list = checks(&public);
    assert!(list.contains("Valid since"), "{list}");
    assert!(
        !list.contains(&format!("{}T", award.issued_at.date())),
        "a raw timestamp: {list}"
    );
    assert!(list.contains(&award.issued_at.year().to_string()));

    // In German: the language's own name and the checks' explanations.
    let (german, _) = anonymous(http, &path, "de");
    assert!(german.contains("<dd>Deutsch</dd>"), "{german}");
    let list = checks(&german);
    assert!(
        list.contains("Die Signatur passt genau zum Inhalt"),
        "{list}"
    );
    assert!(list.contains("Der Signaturschlüssel gehört dem Aussteller"));
    assert!(list.contains("Gültig seit"), "{list}");

    // The owner, signed in, gets the tools, on a page that is not kept…
    let token = rt.block_on(claim_token(&app, &award));
    let (mut lena, _) = sign_up(http, "Lena Schmidt", "lena.schmidt@example.com");
    claim_with(&mut lena, &token);
    let own = lena.get(&path);
    assert_eq!(own.status, 200);
    assert!(own.body.contains("share-buttons") && own.body.contains("share-embed"));
    assert_eq!(own.header("cache-control"), Some("private, no-store"));
    // …and another signed-in user, or anyone, still gets the public one.
    let (mut other, _) = sign_up(http, "Other", "other@example.com");
    assert!(!other.get(&path).body.contains("share-buttons"));
    let (public, cache) = anonymous(http, &path, "en");
    assert!(!public.contains("share-buttons") && !public.contains("share-embed"));
    assert_eq!(cache.as_deref(), Some("no-cache"));

    // The German credential's certificate is in German.
    let mut res = http
        .agent
        .get(format!("{}{path}/certificate.pdf", http.base))
        .call()
        .unwrap();
    let mut pdf = Vec::new();
    res.body_mut().as_reader().read_to_end(&mut pdf).unwrap();
    let text = pdf_text(&pdf);
    for words in [
        "LEISTUNGSZERTIFIKAT",
        "verliehen an",
        "Lena Schmidt",
        "Ausgestellt am",
        "Prüfen Sie diesen Nachweis unter",
    ] {
        assert!(text.contains(words), "no {words:?} in {text}");
    }
    for english in ["awarded to", "Issued", "Verify this credential"] {
        assert!(!text.contains(english), "{english:?} in {text}");
    }

    // Revoked: the German page explains the failed check in German, and the certificate's
    // warning band is German too.
    rt.block_on(app.revoke(&Actor::system(), award.id, "Prüfung nicht bestanden"))
        .unwrap();
    let (german, _) = anonymous(http, &path, "de");
    let list = checks(&german);
    assert!(
        list.contains("Der Aussteller hat diesen Nachweis widerrufen."),
        "{list}"
    );
    assert!(!list.contains("the issuer has revoked"), "{list}");
    let mut res = http
        .agent
        .get(format!("{}{path}/certificate.pdf", http.base))
        .call()
        .unwrap();
    let mut pdf = Vec::new();
    res.body_mut().as_reader().read_to_end(&mut pdf).unwrap();
    let text = pdf_text(&pdf);
    for words in ["WIDERRUFEN", "Vom Aussteller am", "Prüfung nicht bestanden"] {
        assert!(text.contains(words), "no {words:?} in {text}");
    }
    for english in ["REVOKED", "Revoked by the issuer"] {
        assert!(!text.contains(english), "{english:?} in {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn credential_page_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn credential_page_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http));
}
