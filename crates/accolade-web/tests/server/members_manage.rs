//! Managing an organization over HTTP, on SQLite and PostgreSQL: an admin revokes a pending
//! invitation (its link then fails) and removes a member (who then loses the workspace);
//! forged forms and members below admin are refused; one outbox message opens at
//! `…/outbox/{id}`, for that organization's admins only; the stylesheet the pages link is
//! served as CSS.

use super::accounts::{create_org, current_user, location, sign_up, sign_up_member};
use super::{Browser, Http, start};
use accolade_app::App;
use accolade_core::Role;
use accolade_store::Store;
use std::sync::Arc;

fn flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let (mut ada, csrf) = sign_up(http, "Ada Lovelace", "ada@example.com");
    let slug = create_org(&mut ada, &csrf, "Managed Academy");
    let members = format!("/dashboard/orgs/{slug}/members");
    let org = rt.block_on(app.org_by_slug(&slug)).unwrap();
    let owner = current_user(&app, "ada@example.com");
    let (mut bob, bob_csrf, bob_user) = sign_up_member(
        &app,
        http,
        &owner,
        (org.id, Role::Issuer),
        "Bob",
        "bob@example.com",
    );
    let (_, carol_token) = rt
        .block_on(app.invite(&owner, org.id, "carol@example.com", Role::Viewer))
        .unwrap();
    let pending = rt
        .block_on(app.pending_invitations(&owner, org.id))
        .unwrap();
    assert_eq!(pending.len(), 1);
    let revoke = format!("{members}/invitations/{}/revoke", pending[0].id);
    let remove_bob = format!("{members}/{}/remove", bob_user.id);
    let page = ada.get(&members);
    assert!(page.body.contains(&revoke), "{}", page.body);
    assert!(page.body.contains(&remove_bob));

    // An issuer may neither revoke nor remove; nor may a forged form.
    assert_ne!(bob.post(&revoke, &[("csrf", &bob_csrf)]).status, 303);
    let ada_id = owner.user.id;
    let remove_ada = format!("{members}/{ada_id}/remove");
    assert_ne!(bob.post(&remove_ada, &[("csrf", &bob_csrf)]).status, 303);
    assert_eq!(ada.post(&revoke, &[("csrf", "forged")]).status, 403);
    assert_eq!(ada.post(&remove_bob, &[("csrf", "forged")]).status, 403);
    assert_eq!(
        rt.block_on(app.pending_invitations(&owner, org.id))
            .unwrap()
            .len(),
        1
    );
    assert_eq!(rt.block_on(app.members(&owner, org.id)).unwrap().len(), 2);

    // Revoking the invitation: gone from the list, its link dead.
    let revoked = ada.post(&revoke, &[("csrf", &csrf)]);
    assert_eq!(revoked.status, 303, "{}", revoked.body);
    assert_eq!(location(&revoked), members);
    assert!(
        rt.block_on(app.pending_invitations(&owner, org.id))
            .unwrap()
            .is_empty()
    );
    assert!(!ada.get(&members).body.contains("carol@example.com"));
    assert_eq!(
        Browser::new(http)
            .get(&format!("/invitations/{carol_token}"))
            .status,
        404
    );

    // Removing Bob: no longer a member, the workspace closed to him.
    assert_eq!(bob.get(&members).status, 200);
    let removed = ada.post(&remove_bob, &[("csrf", &csrf)]);
    assert_eq!(removed.status, 303, "{}", removed.body);
    assert_eq!(location(&removed), members);
    let left = rt.block_on(app.members(&owner, org.id)).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].user.id, ada_id);
    assert_eq!(bob.get(&members).status, 404);
    assert!(!ada.get(&members).body.contains(&remove_bob));

    // One outbox message: its page shows it to the org's admins; nobody else finds it.
    let mails = rt.block_on(app.outbox(Some(org.id), 100)).unwrap();
    let mail = mails
        .iter()
        .find(|m| m.to.as_str() == "bob@example.com")
        .expect("Bob's invitation in the outbox");
    let open = format!("/dashboard/orgs/{slug}/outbox/{}", mail.id);
    let page = ada.get(&open);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"message-title\""));
    assert!(page.body.contains("bob@example.com"));
    assert!(page.body.contains("Managed Academy"));
    assert_eq!(bob.get(&open).status, 404, "a removed member");
    let (mut eve, eve_csrf) = sign_up(http, "Eve", "eve@example.com");
    let eve_slug = create_org(&mut eve, &eve_csrf, "Eve Academy");
    assert_eq!(
        eve.get(&format!("/dashboard/orgs/{eve_slug}/outbox/{}", mail.id))
            .status,
        404,
        "another organization's message through one's own"
    );
    assert_eq!(eve.get(&open).status, 404);
    assert_eq!(
        ada.get(&format!("/dashboard/orgs/{slug}/outbox/not-an-id"))
            .status,
        404
    );

    // The stylesheet the pages link.
    let home = Browser::new(http).get("/");
    let at = home
        .body
        .find("href=\"/static/accolade.css")
        .expect("a stylesheet link")
        + 6;
    let href = home.body[at..].split('"').next().unwrap().to_owned();
    let css = Browser::new(http).get(&href);
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert_eq!(css.body, accolade_web::STYLESHEET);
    assert_eq!(
        Browser::new(http).get("/static/accolade.css").body,
        accolade_web::STYLESHEET
    );
}

async fn run(store: Store) {
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn members_manage_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn members_manage_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}
