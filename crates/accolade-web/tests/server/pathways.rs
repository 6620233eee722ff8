//! Pathways over HTTP, on SQLite and PostgreSQL: an admin creates one in the workspace form
//! (another organization's badge is refused, a bad group keeps the typed input); the public
//! page lists its steps with their images; the earner's backpack shows "2 of 3", a revocation
//! drops it to "1 of 3" at once, completing it shows complete (its target not issued); the
//! portfolio counts public badges only; the backpack lists imported badges with their
//! verdicts and links.

use super::accounts::sign_up;
use super::{Browser, Http, start};
use accolade_app::earner_imports::ImportInput;
use accolade_app::{App, NewAchievement, NewAward};
use accolade_core::{AchievementId, Actor, Award, Email, OrgId, Ownership, User, Visibility};
use accolade_store::Store;
use std::sync::Arc;

fn achievement(app: &App, org: OrgId, name: &str) -> AchievementId {
    let rt = tokio::runtime::Handle::current();
    rt.block_on(app.create_achievement(
        &Actor::system(),
        NewAchievement {
            org_id: org,
            name: name.into(),
            description: format!("{name}."),
            criteria_narrative: Some("Pass.".into()),
            ..NewAchievement::default()
        },
    ))
    .unwrap()
    .id
}

/// Issues a badge to `user` and puts it in their backpack.
fn give(app: &App, user: &User, a: AchievementId, visibility: Visibility) -> Award {
    let rt = tokio::runtime::Handle::current();
    let award = rt
        .block_on(app.award(
            &Actor::system(),
            NewAward {
                achievement_id: a,
                recipient_email: user.email.as_str().into(),
                ..Default::default()
            },
        ))
        .unwrap();
    rt.block_on(app.store().add_to_backpack(&Ownership {
        award_id: award.id,
        user_id: user.id,
        visibility,
        claimed_at: award.issued_at,
    }))
    .unwrap();
    award
}

/// The text of the first `<p class="pathway-count">` of a page.
fn count(html: &str) -> Option<String> {
    let key = "<p class=\"pathway-count\">";
    let at = html.find(key)? + key.len();
    html[at..].split("</p>").next().map(str::to_owned)
}

fn flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let (mut admin, csrf) = sign_up(http, "Grace", "grace@example.com");
    let made = admin.post(
        "/dashboard/orgs",
        &[
            ("csrf", &csrf),
            ("name", "Acme Academy"),
            ("url", "https://acme.example"),
        ],
    );
    assert_eq!(made.status, 303, "{}", made.body);
    let org = rt.block_on(app.org_by_slug("acme-academy")).unwrap();
    let [safety, aid, fire, goal] = [
        "Safety",
        "First Aid",
        "Fire Drill",
        "Certified <Practitioner>",
    ]
    .map(|name| achievement(&app, org.id, name));
    let other = rt
        .block_on(app.create_org(accolade_app::NewOrganization {
            name: "Beta".into(),
            url: "https://beta.example".into(),
            email: None,
            description: None,
            slug: Some("beta".into()),
        }))
        .unwrap();
    let foreign = achievement(&app, other.id, "Beta badge");

    // The workspace: the section is in the navigation; the form works without scripts.
    let base = "/dashboard/orgs/acme-academy/pathways";
    let list = admin.get(base);
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("No pathways yet"));
    assert!(
        list.body
            .contains(&format!("href=\"{base}\" aria-current=\"page\""))
    );
    let form = admin.get(&format!("{base}/new"));
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"kind-3\""), "four rows to start");
    let more = admin.post(
        base,
        &[
            ("csrf", &csrf),
            ("rows", "4"),
            ("action", "more"),
            ("name", "Kept"),
        ],
    );
    assert_eq!(more.status, 200);
    assert!(more.body.contains("name=\"kind-6\"") && more.body.contains("value=\"Kept\""));

    let (s, a, f, g) = (
        safety.to_string(),
        aid.to_string(),
        fire.to_string(),
        goal.to_string(),
    );
    let fields = |first: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("name", "Certified Practitioner".to_owned()),
            ("description", "Three courses.".to_owned()),
            ("target", g.clone()),
            ("rows", "4".to_owned()),
            ("kind-0", "badge".to_owned()),
            ("badge-0", first.to_owned()),
            ("kind-1", "badge".to_owned()),
            ("badge-1", a.clone()),
            ("kind-2", "badge".to_owned()),
            ("badge-2", f.clone()),
            ("kind-3", String::new()),
            ("action", "save".to_owned()),
        ]
    };
    let post = |b: &mut Browser<'_>, fields: &[(&str, String)]| {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        b.post(base, &pairs)
    };
    // Another organization's badge as a step: not found, nothing saved.
    let refused = post(&mut admin, &fields(&foreign.to_string()));
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("This achievement could not be found."),
        "{}",
        refused.body
    );
    let refused = post(&mut admin, &fields("not-an-id"));
    assert_eq!(refused.status, 404);
    // An impossible group: refused with what was typed kept.
    let mut bad = fields(&s);
    bad.extend([
        ("kind-3", "group".to_owned()),
        ("n-3", "3".to_owned()),
        ("group-3", f.clone()),
    ]);
    bad.retain(|(k, v)| *k != "kind-3" || v == "group");
    let refused = post(&mut admin, &bad);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("cannot be met"), "{}", refused.body);
    assert!(refused.body.contains("value=\"Certified Practitioner\""));
    // A forged form is refused.
    let mut forged = fields(&s);
    forged[0].1 = "forged".into();
    assert_eq!(post(&mut admin, &forged).status, 403);
    assert!(rt.block_on(app.pathways(org.id)).unwrap().is_empty());

    let saved = post(&mut admin, &fields(&s));
    assert_eq!(saved.status, 303, "{}", saved.body);
    let pathway = rt.block_on(app.pathways(org.id)).unwrap().remove(0);
    let list = admin.get(&format!("{base}?notice=saved"));
    assert!(list.body.contains("Certified Practitioner") && list.body.contains("Saved."));
    let edit = admin.get(&format!("{base}/{}", pathway.id));
    assert_eq!(edit.status, 200);
    assert!(
        edit.body
            .contains(&format!("<option value=\"{f}\" selected>"))
    );
    assert_eq!(
        admin
            .get(&format!("/dashboard/orgs/beta/pathways/{}", pathway.id))
            .status,
        404,
        "not a member of the other organization"
    );

    // The public page: steps with their badges, names escaped.
    let mut visitor = Browser::new(http);
    let public = visitor.get(&format!("/pathways/{}", pathway.id));
    assert_eq!(public.status, 200, "{}", public.body);
    assert!(public.body.contains("Certified &lt;Practitioner&gt;"));
    assert!(public.body.contains("Fire Drill") && public.body.contains("Acme Academy"));
    assert_eq!(visitor.get("/pathways/not-an-id").status, 404);

    // The earner with two of the three badges.
    let (mut ada, _) = sign_up(http, "Ada", "ada@example.com");
    let ada_user = rt
        .block_on(
            app.store()
                .user_by_email(&Email::parse("ada@example.com").unwrap()),
        )
        .unwrap()
        .unwrap();
    let backpack = ada.get("/backpack");
    assert!(
        count(&backpack.body).is_none(),
        "no pathway before any badge"
    );
    give(&app, &ada_user, safety, Visibility::Public);
    let ada_aid = give(&app, &ada_user, aid, Visibility::Private);
    let backpack = ada.get("/backpack");
    assert_eq!(
        count(&backpack.body).as_deref(),
        Some("2 of 3 toward Certified &lt;Practitioner&gt;")
    );
    assert!(backpack.body.contains("<progress max=\"3\" value=\"2\">"));
    assert!(backpack.body.contains("Badges to earn next") && backpack.body.contains("Fire Drill"));
    let public = ada.get(&format!("/pathways/{}", pathway.id));
    assert!(
        public.body.contains("2 of 3 toward"),
        "the viewer's own progress"
    );

    // Revoking one drops it at once.
    rt.block_on(app.revoke(&Actor::system(), ada_aid.id, "issued in error"))
        .unwrap();
    assert_eq!(
        count(&ada.get("/backpack").body).as_deref(),
        Some("1 of 3 toward Certified &lt;Practitioner&gt;")
    );

    // Completing it.
    give(&app, &ada_user, aid, Visibility::Private);
    give(&app, &ada_user, fire, Visibility::Private);
    let backpack = ada.get("/backpack");
    assert_eq!(
        count(&backpack.body).as_deref(),
        Some("3 of 3 toward Certified &lt;Practitioner&gt;")
    );
    assert!(
        backpack.body.contains("Pathway complete."),
        "{}",
        backpack.body
    );
    assert!(backpack.body.contains("is not in this backpack yet"));
    give(&app, &ada_user, goal, Visibility::Private);
    assert!(
        ada.get("/backpack")
            .body
            .contains("You hold the Certified &lt;Practitioner&gt; badge.")
    );

    // The portfolio counts only public badges.
    let handle = ada.get("/backpack");
    let csrf_ada = super::hidden_csrf(&handle.body);
    assert_eq!(
        ada.post(
            "/backpack/handle",
            &[("csrf", &csrf_ada), ("handle", "ada")]
        )
        .status,
        303
    );
    let portfolio = visitor.get("/u/ada");
    assert_eq!(
        count(&portfolio.body).as_deref(),
        Some("1 of 3 toward Certified &lt;Practitioner&gt;")
    );

    // Imported badges are listed with their verdicts and links.
    let elsewhere = give(&app, &ada_user, foreign, Visibility::Private);
    let good = rt
        .block_on(app.import_badge(
            &Actor::user(&ada_user),
            &ada_user,
            ImportInput::Text(elsewhere.credential.clone()),
        ))
        .unwrap();
    rt.block_on(app.revoke(&Actor::system(), elsewhere.id, "withdrawn"))
        .unwrap();
    let bad = rt
        .block_on(app.import_badge(
            &Actor::user(&ada_user),
            &ada_user,
            ImportInput::Text(elsewhere.credential.clone()),
        ))
        .unwrap();
    let backpack = ada.get("/backpack");
    assert!(
        backpack.body.contains("Imported badges (2)"),
        "{}",
        backpack.body
    );
    for (import, verdict, label) in [
        (&good, "verified", "Verified on import"),
        (&bad, "revoked", "Revoked by its issuer"),
    ] {
        let link = format!("href=\"/backpack/imports/{}\"", import.record.id);
        let at = backpack.body.find(&link).expect("the import's link");
        let tail = &backpack.body[at..];
        let tag = format!("<span class=\"status-tag verdict-{verdict}\">{label}</span>");
        assert!(
            tail[..tail.find("</li>").unwrap()].contains(&tag),
            "{verdict}: {tail}"
        );
    }
    assert_eq!(
        ada.get(&format!("/backpack/imports/{}", good.record.id))
            .status,
        200
    );

    // The public page in the visitor's language, with their progress.
    let page = ada.get(&format!("/pathways/{}?lang=es", pathway.id));
    assert!(
        page.body.contains("Pasos de este itinerario"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Este itinerario conduce a la insignia Certified &lt;Practitioner&gt;.")
    );
    assert_eq!(
        count(&page.body).as_deref(),
        Some("3 de 3 hacia Certified &lt;Practitioner&gt;")
    );
    assert!(page.body.contains("Itinerario completado.") && page.body.contains("Ya la tienes"));
    assert!(
        page.body
            .contains("<span class=\"status-tag status-active\">Requisito cumplido</span>")
    );

    // Deleting the pathway: gone from the backpack and the public page.
    let deleted = admin.post(&format!("{base}/{}/delete", pathway.id), &[("csrf", &csrf)]);
    assert_eq!(deleted.status, 303);
    assert!(count(&ada.get("/backpack").body).is_none());
    assert_eq!(
        visitor.get(&format!("/pathways/{}", pathway.id)).status,
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pathways_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pathways_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}

async fn run(store: Store) {
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http));
}
