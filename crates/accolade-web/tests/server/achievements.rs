//! Achievement authoring and single issuing over HTTP, on SQLite and PostgreSQL: create an
//! achievement through the form (translation, custom field, alignment, hostile Markdown),
//! edit it, have a stale edit refused without losing the input, issue one badge from the
//! form in the translated language, and see the credential page render it all safely.
//! With ACCOLADE_INTEROP=1 the credential also verifies in the Digital Bazaar stack and
//! against the official schema.

use super::accounts::{location, sign_up};
use super::{Http, PUBLIC, interop, node, start, write_tmp};
use accolade_app::App;
use accolade_core::{Membership, Role};
use std::sync::Arc;

const SLUG: &str = "globex-institute";
const HOSTILE: &str = "Pass **all** labs.\n\n<script>alert(1)</script>\n\n\
    [click](javascript:alert(2)) <img src=x onerror=alert(3)> [rubric](https://globex.example/rubric)";

/// The value of the hidden `version` field.
fn hidden_version(html: &str) -> String {
    let at = html
        .find("name=\"version\" value=\"")
        .expect("a version field")
        + "name=\"version\" value=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// The fields of the authoring form, with `name` and `version` given.
fn achievement_fields<'a>(
    csrf: &'a str,
    name: &'a str,
    version: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("version", version),
        ("name", name),
        ("description", "Awarded for the *lab safety* course."),
        ("achievement_type", "Course"),
        ("criteria_narrative", HOSTILE),
        ("criteria_url", ""),
        ("language", "en"),
        ("credits", "1,5"),
        ("tags", "safety, labs"),
        ("evidence_requirements", "Collect the **signed** checklist."),
        ("expiry_kind", "months"),
        ("expiry_date", ""),
        ("expiry_months", "12"),
        ("al-0-name", "Work safely in a laboratory"),
        ("al-0-framework", "ESCO"),
        ("al-0-code", "S1.2"),
        ("al-0-url", ""),
        ("al-1-name", ""),
        ("cf-0-label", "Grade"),
        ("cf-0-key", ""),
        ("cf-0-required", "on"),
        ("cf-1-label", ""),
        ("tr-0-language", "de"),
        ("tr-0-name", "Laborsicherheit"),
        ("tr-0-description", "Für den Kurs Laborsicherheit."),
        ("tr-0-criteria", "Alle Labore **bestehen**."),
        ("tr-0-label-grade", "Note"),
        ("tr-1-language", ""),
    ]
}

fn achievements_flow(app: Arc<App>, http: &Http, port: u16) {
    let rt = tokio::runtime::Handle::current();
    let (mut ada, csrf) = sign_up(http, "Ada Admin", "ada@globex.example");
    let created = ada.post(
        "/dashboard/orgs",
        &[
            ("csrf", &csrf),
            ("name", "Globex Institute"),
            ("url", "https://globex.example"),
        ],
    );
    assert_eq!(created.status, 303);
    let org = rt.block_on(app.org_by_slug(SLUG)).unwrap();
    let svg = accolade_app::demo::badge_svg("LAB", "GLOBEX", "#1f4e79", "#f2c14e");
    let image = rt
        .block_on(app.add_image(Some(org.id), svg.into_bytes()))
        .unwrap();
    let list = format!("/dashboard/orgs/{SLUG}/achievements");

    // The new-achievement form preselects an image given in the URL (the designer links so).
    let form = ada.get(&format!("{list}/new?image={}", image.id));
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.body
            .contains(&format!("value=\"{}\" checked", image.id)),
        "{}",
        form.body
    );
    assert!(form.body.contains("<option value=\"ESCO\">"));
    assert!(form.body.contains("achievement-form.js"));

    // Invalid input comes back with the message and everything typed.
    let mut bad = achievement_fields(&csrf, "Lab Safety", "");
    bad.retain(|(k, _)| *k != "version");
    bad.push(("image", ""));
    for f in bad.iter_mut() {
        if f.0 == "tr-0-language" {
            f.1 = "deutsch";
        }
    }
    let refused = ada.post(&list, &bad);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains("is not a language tag"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"Laborsicherheit\""));
    assert!(refused.body.contains("value=\"deutsch\""));
    // A translation's language is refused at the translations, not above the form.
    assert!(
        refused
            .body
            .contains("data-invalid aria-describedby=\"f-translations-error\""),
        "{}",
        refused.body
    );
    assert!(
        !refused.body.contains("class=\"form-error\""),
        "{}",
        refused.body
    );

    // A bad value is shown at its own input: the input is marked invalid, described by the
    // message (and its hint) and focused; what was typed stays; nothing above the form.
    let mut bad_input = |field: &str, value: &str| {
        let mut f: Vec<(&str, String)> = achievement_fields(&csrf, "Lab Safety", "")
            .into_iter()
            .filter(|(k, _)| *k != "version")
            .map(|(k, v)| (k, v.to_owned()))
            .collect();
        f.push(("image", String::new()));
        for (k, v) in f.iter_mut() {
            if *k == field {
                *v = value.to_owned();
            }
        }
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        ada.post(&list, &f)
    };
    let months = bad_input("expiry_months", "twelve");
    assert_eq!(months.status, 400, "{}", months.body);
    assert!(
        months.body.contains(
            "<p id=\"f-expiry_months-error\" class=\"field-error\"><span class=\"visually-hidden\">Error: </span>Enter the number of months after issue as a whole number, like 12.</p>"
        ),
        "{}",
        months.body
    );
    assert!(
        months.body.contains(
            "name=\"expiry_months\" type=\"number\" min=\"1\" max=\"1200\" value=\"twelve\" aria-invalid=\"true\" autofocus aria-describedby=\"f-expiry_months-error\">"
        ),
        "{}",
        months.body
    );
    assert!(
        !months.body.contains("class=\"form-error\""),
        "{}",
        months.body
    );
    assert!(months.body.contains("value=\"Laborsicherheit\""));
    // Exactly one input is marked.
    assert_eq!(months.body.matches("aria-invalid=\"true\"").count(), 1);

    let url = bad_input("criteria_url", "javascript:alert(1)");
    assert_eq!(url.status, 400, "{}", url.body);
    let input = url
        .body
        .split("<input id=\"f-criteria_url\"")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap_or_default();
    assert!(
        input.contains(
            "aria-invalid=\"true\" autofocus aria-describedby=\"f-criteria_url-error f-criteria_url-hint\""
        ),
        "{input}"
    );
    assert!(input.contains("value=\"javascript:alert(1)\""), "{input}");
    // The message sits between the label and the input.
    let label_at = url
        .body
        .find("<label for=\"f-criteria_url\">")
        .unwrap_or(usize::MAX);
    let message_at = url
        .body
        .find("<p id=\"f-criteria_url-error\" class=\"field-error\">")
        .unwrap_or(0);
    let input_at = url.body.find("<input id=\"f-criteria_url\"").unwrap_or(0);
    assert!(
        label_at < message_at && message_at < input_at,
        "{}",
        url.body
    );
    assert!(
        url.body
            .contains("Enter the criteria page as a web address starting with https://"),
        "{}",
        url.body
    );

    // Create.
    let image_id = image.id.to_string();
    let mut fields = achievement_fields(&csrf, "Lab Safety", "");
    fields.retain(|(k, _)| *k != "version");
    fields.push(("image", &image_id));
    let done = ada.post(&list, &fields);
    assert_eq!(done.status, 303, "{}", done.body);
    let edit_url = done
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let achievements = rt.block_on(app.achievements(org.id)).unwrap();
    assert_eq!(achievements.len(), 1);
    let a = &achievements[0];
    assert_eq!(edit_url, format!("{list}/{}/edit", a.id));
    assert_eq!(a.credits, Some(1.5));
    assert_eq!(a.custom_fields[0].key, "grade");
    assert!(a.custom_fields[0].required);
    assert_eq!(a.translations[0].field_labels["grade"], "Note");
    assert_eq!(
        a.alignments[0].target_url, "https://esco.ec.europa.eu/",
        "a bundled framework's page stands in for a missing URL"
    );
    assert_eq!(a.image_id, Some(image.id));
    // Its public JSON describes the custom fields with the terms credentials use.
    let public = http.get(&format!("/achievements/{}", a.id), "application/ld+json");
    assert_eq!(public.status, 200);
    let doc: serde_json::Value = serde_json::from_str(&public.body).unwrap();
    assert_eq!(doc["inLanguage"], "en");
    assert_eq!(doc["resultDescription"][0]["name"], "Grade");
    assert_eq!(doc["resultDescription"][0]["resultType"], "ext:CustomField");
    assert_eq!(doc["alignment"][0]["targetFramework"], "ESCO");

    // The list shows it to everyone in the organization; a viewer cannot open the editor.
    let page = ada.get(&list);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Lab Safety") && page.body.contains("en, de"));
    let (mut vera, _) = sign_up(http, "Vera Viewer", "vera@globex.example");
    let vera_user = rt
        .block_on(
            app.store()
                .user_by_email(&accolade_core::Email::parse("vera@globex.example").unwrap()),
        )
        .unwrap()
        .unwrap();
    rt.block_on(app.store().insert_membership(&Membership {
        user_id: vera_user.id,
        org_id: org.id,
        role: Role::Viewer,
        created_at: org.created_at,
    }))
    .unwrap();
    let seen = vera.get(&list);
    assert_eq!(seen.status, 200);
    assert!(seen.body.contains("Lab Safety") && !seen.body.contains("/edit\""));
    assert_eq!(vera.get(&edit_url).status, 403);
    assert_eq!(vera.get(&format!("{list}/{}/issue", a.id)).status, 403);

    // Edit: two tabs open at version 1; the first save wins, the second is refused with a
    // clear message, keeps its input and shows the stored version.
    let tab = ada.get(&format!("{edit_url}?saved=1"));
    assert_eq!(tab.status, 200);
    assert!(tab.body.contains("Saved."));
    assert_eq!(hidden_version(&tab.body), "1");
    let saved = ada.post(&edit_url, &achievement_fields(&csrf, "Lab Safety I", "1"));
    assert_eq!(saved.status, 303, "{}", saved.body);
    let stale = ada.post(
        &edit_url,
        &achievement_fields(&csrf, "Lab Safety (mine)", "1"),
    );
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(
        stale.body.contains("Someone else saved this achievement"),
        "{}",
        stale.body
    );
    assert!(
        stale.body.contains("value=\"Lab Safety (mine)\""),
        "the input is kept"
    );
    assert!(
        stale.body.contains("<dd>Lab Safety I</dd>"),
        "the stored version is shown"
    );
    assert_eq!(hidden_version(&stale.body), "2");
    assert_eq!(
        rt.block_on(app.achievement(a.id)).unwrap().name,
        "Lab Safety I"
    );
    // Saving again after seeing the other edit is deliberate and succeeds.
    let again = ada.post(
        &edit_url,
        &achievement_fields(&csrf, "Lab Safety (mine)", "2"),
    );
    assert_eq!(again.status, 303, "{}", again.body);
    assert_eq!(rt.block_on(app.achievement(a.id)).unwrap().version, 3);

    // Another organization's achievement is not found here.
    let (mut eve, eve_csrf) = sign_up(http, "Eve", "eve@other.example");
    let other = eve.post(
        "/dashboard/orgs",
        &[
            ("csrf", &eve_csrf),
            ("name", "Other Org"),
            ("url", "https://other.example"),
        ],
    );
    assert_eq!(other.status, 303);
    let foreign = format!("/dashboard/orgs/other-org/achievements/{}", a.id);
    assert_eq!(eve.get(&format!("{foreign}/edit")).status, 404);
    assert_eq!(eve.get(&format!("{foreign}/issue")).status, 404);
    let hijack = eve.post(
        &format!("{foreign}/edit"),
        &achievement_fields(&eve_csrf, "Mine now", "3"),
    );
    assert_eq!(hijack.status, 404);

    // Issue one from the form: the required field is enforced, then it is issued in German.
    let issue_url = format!("{list}/{}/issue", a.id);
    let form = ada.get(&issue_url);
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("name=\"field-grade\""));
    assert!(
        form.body
            .contains("<option value=\"de\">de — Laborsicherheit</option>")
    );
    assert!(
        form.body
            .contains("Collect the <strong>signed</strong> checklist.")
    );
    let base_fields = [
        ("csrf", csrf.as_str()),
        ("email", "grace@example.com"),
        ("name", "Grace Hopper"),
        ("issued_on", ""),
        ("expires_on", ""),
        ("language", "de"),
        ("ev-0-url", "https://globex.example/checklists/grace"),
        ("ev-0-name", "Signed checklist"),
        ("ev-1-url", ""),
        ("ev-1-name", ""),
        (
            "evidence_narrative",
            "Ran the <b>spill</b> drill. [x](javascript:alert(9))",
        ),
    ];
    let missing = ada.post(
        &issue_url,
        &[&base_fields[..], &[("field-grade", " ")]].concat(),
    );
    assert_eq!(missing.status, 400, "{}", missing.body);
    // The required value is refused at its own input.
    assert!(
        missing.body.contains(
            "<p id=\"f-field-grade-error\" class=\"field-error\"><span class=\"visually-hidden\">Error: </span>Enter “Grade”: this badge requires it.</p>"
        ),
        "{}",
        missing.body
    );
    assert!(
        missing
            .body
            .contains(
                "aria-invalid=\"true\" autofocus aria-describedby=\"f-field-grade-error f-field-grade-hint\"",
            ),
        "{}",
        missing.body
    );
    assert!(
        missing.body.contains("value=\"grace@example.com\""),
        "the input is kept"
    );
    let issued = ada.post(
        &issue_url,
        &[&base_fields[..], &[("field-grade", "A")]].concat(),
    );
    // Redirected after the issue: reloading the page does not issue again.
    assert_eq!(issued.status, 303, "{}", issued.body);
    let issued = ada.get(&location(&issued));
    assert_eq!(issued.status, 200, "{}", issued.body);
    assert!(
        issued
            .body
            .contains("Issued Lab Safety (mine) to grace@example.com")
    );
    let award_path = issued
        .body
        .split("href=\"/credentials/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(|id| format!("/credentials/{id}"))
        .expect("a link to the badge");
    let award_id: accolade_core::AwardId = award_path
        .trim_start_matches("/credentials/")
        .parse()
        .unwrap();
    let award = rt.block_on(app.award_by_id(award_id)).unwrap();
    let c: serde_json::Value = serde_json::from_str(&award.credential).unwrap();
    assert_eq!(c["inLanguage"], "de");
    assert_eq!(
        c["credentialSubject"]["achievement"]["name"],
        "Laborsicherheit"
    );
    assert_eq!(c["credentialSubject"]["result"][0]["value"], "A");
    assert_eq!(
        c["evidence"][0]["id"],
        "https://globex.example/checklists/grace"
    );

    // The credential page: German texts, the field, the evidence; Markdown made safe.
    let page = http.get(&award_path, "text/html");
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(
        body.contains("<h1 id=\"badge-name\" lang=\"de\">Laborsicherheit</h1>"),
        "{body}"
    );
    assert!(
        body.contains("<dt lang=\"de\">Note</dt><dd>A</dd>"),
        "{body}"
    );
    assert!(body.contains("Signed checklist"));
    assert!(
        body.contains("Alle Labore <strong>bestehen</strong>."),
        "{body}"
    );
    assert!(
        body.contains("Ran the &lt;b&gt;spill&lt;/b&gt; drill."),
        "{body}"
    );
    let lower = body.to_ascii_lowercase();
    assert!(!lower.contains("javascript:"));
    assert!(!lower.contains("<img src=x"));
    assert!(!lower.contains("<b>spill"));

    // The English edit page renders the hostile criteria inert (shown as typed, in a
    // textarea) and the English issue of the same achievement renders it as safe HTML.
    let english = ada.post_follow(
        &issue_url,
        &[
            ("csrf", csrf.as_str()),
            ("email", "ada@example.com"),
            ("language", "en"),
            ("field-grade", "B"),
        ],
    );
    assert_eq!(english.status, 200, "{}", english.body);
    let en_path = english
        .body
        .split("href=\"/credentials/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(|id| format!("/credentials/{id}"))
        .unwrap();
    let en_page = http.get(&en_path, "text/html");
    assert!(en_page.body.contains("Pass <strong>all</strong> labs."));
    assert!(
        en_page
            .body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(en_page.body.contains(
        "<a href=\"https://globex.example/rubric\" rel=\"noopener noreferrer nofollow\">rubric</a>"
    ));
    let lower = en_page.body.to_ascii_lowercase();
    assert!(!lower.contains("<script>alert"));
    assert!(!lower.contains("javascript:"));
    assert!(!lower.contains("onerror=alert(3)>"), "no live img tag");

    // Editing never changes what was issued.
    let before = award.credential.clone();
    let more = ada.post(&edit_url, &achievement_fields(&csrf, "Lab Safety II", "3"));
    assert_eq!(more.status, 303, "{}", more.body);
    assert_eq!(
        rt.block_on(app.award_by_id(award_id)).unwrap().credential,
        before
    );

    if interop() {
        let host_map = format!("accolade.test=127.0.0.1:{port}");
        let url = format!("{PUBLIC}/credentials/{award_id}");
        let (ok, out) = node(
            "verify.mjs",
            &["--check-status", "--host-map", &host_map, &url],
        );
        assert!(
            ok,
            "Digital Bazaar rejected a credential with a chosen language, results, evidence and alignments: {out}"
        );
        let (ok, out) = node("verifier-core.mjs", &["--host-map", &host_map, &url]);
        assert!(ok, "verifier-core rejected it: {out}");
        let (ok, out) = node("schema.mjs", &[&write_tmp(&before)]);
        assert!(ok, "the official schema rejected it: {out}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn achievements_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| achievements_flow(app, &http, port));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn achievements_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| achievements_flow(app, &http, port));
}
