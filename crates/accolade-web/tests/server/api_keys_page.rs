//! The API keys page of the workspace over HTTP, on SQLite and PostgreSQL: the settings
//! page links it for admins; an admin creates a key and sees its token once (with the copy
//! button and the warning), and the token calls the API; the list then shows the key's
//! prefix and scopes but never the token; refused forms say why at the field; members below
//! admin and forged forms are refused; revoking asks first, then the key stops working and
//! the page says so; the page shows in Spanish for a visitor who asks.

use super::accounts::{create_org, current_user, location, sign_up, sign_up_member};
use super::api_auth::Api;
use super::{Http, start};
use accolade_app::{App, OrgAdmin};
use accolade_core::Role;
use accolade_store::Store;
use std::sync::Arc;

/// The value of the page's token field.
fn shown_token(html: &str) -> String {
    let at = html
        .find("id=\"new-token\"")
        .unwrap_or_else(|| panic!("no token field in {html}"));
    let rest = &html[at..];
    let v = rest.find("value=\"").unwrap() + "value=\"".len();
    rest[v..].split('"').next().unwrap().to_owned()
}

fn flow(app: Arc<App>, http: &Http, port: u16) {
    let rt = tokio::runtime::Handle::current();
    let (mut ada, csrf) = sign_up(http, "Ada Lovelace", "ada@example.com");
    let slug = create_org(&mut ada, &csrf, "Keyed Academy");
    let org = rt.block_on(app.org_by_slug(&slug)).unwrap();
    let owner = current_user(&app, "ada@example.com");
    let (mut bob, bob_csrf, _) = sign_up_member(
        &app,
        http,
        &owner,
        (org.id, Role::Issuer),
        "Bob",
        "bob@example.com",
    );
    let page = format!("/dashboard/orgs/{slug}/settings/api-keys");
    assert!(
        ada.get(&format!("/dashboard/orgs/{slug}/settings"))
            .body
            .contains(&page)
    );
    assert!(
        !bob.get(&format!("/dashboard/orgs/{slug}/settings"))
            .body
            .contains(&page)
    );
    let empty = ada.get(&page);
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(empty.body.contains("No API keys yet"), "{}", empty.body);

    // Refusals at their field, keeping what was typed.
    let no_scope = ada.post(
        &page,
        &[
            ("csrf", &csrf),
            ("name", "Moodle sync"),
            ("expires_in_days", "30"),
        ],
    );
    assert_eq!(no_scope.status, 400, "{}", no_scope.body);
    assert!(
        no_scope.body.contains("f-scopes-error")
            && no_scope.body.contains("Choose at least one scope.")
    );
    assert!(no_scope.body.contains("value=\"Moodle sync\""));
    let no_name = ada.post(
        &page,
        &[("csrf", &csrf), ("name", " "), ("scope_read", "on")],
    );
    assert_eq!(no_name.status, 400);
    assert!(no_name.body.contains("f-name-error") && no_name.body.contains("Give the key a name."));
    // A forged form, and an issuer: refused, nothing made.
    assert_eq!(
        ada.post(
            &page,
            &[("csrf", "forged"), ("name", "x"), ("scope_read", "on")]
        )
        .status,
        403
    );
    assert_eq!(bob.get(&page).status, 403);
    assert_eq!(
        bob.post(
            &page,
            &[("csrf", &bob_csrf), ("name", "x"), ("scope_read", "on")]
        )
        .status,
        403
    );
    let keys = || {
        rt.block_on(app.api_keys(OrgAdmin::Operator, org.id))
            .unwrap()
    };
    assert!(keys().is_empty());

    // Created: the token once, with the warning and the copy button.
    let made = ada.post(
        &page,
        &[
            ("csrf", &csrf),
            ("name", "Moodle sync"),
            ("scope_issue", "on"),
            ("scope_read", "on"),
            ("expires_in_days", "30"),
        ],
    );
    assert_eq!(made.status, 200, "{}", made.body);
    assert!(
        made.body
            .contains("This is the only time the key is shown.")
    );
    assert!(made.body.contains("data-copy=\"new-token\""));
    assert_eq!(made.header("cache-control"), Some("no-store"));
    let token = shown_token(&made.body);
    let listed = keys();
    assert_eq!(listed.len(), 1);
    let prefix = listed[0].prefix.clone();
    assert!(token.starts_with(&format!("{prefix}_")), "{token}");
    assert!(listed[0].expires_at.is_some());
    let api = Api::new(port);
    assert_eq!(api.get("/organization", &token).status, 200);

    // The list: prefix, scopes, who made it; never the token.
    let list = ada.get(&page);
    assert!(!list.body.contains(&token));
    assert!(list.body.contains(&prefix) && list.body.contains("Moodle sync"));
    assert!(list.body.contains("by Ada Lovelace"), "{}", list.body);
    assert!(list.body.contains(">issue<") && list.body.contains(">read<"));

    // Revoking asks first; then the key stops working and the page says so.
    let revoke = format!("{page}/{prefix}/revoke");
    let ask = ada.get(&revoke);
    assert_eq!(ask.status, 200);
    assert!(ask.body.contains("Yes, revoke the key") && ask.body.contains("role=\"alertdialog\""));
    assert_eq!(
        api.get("/organization", &token).status,
        200,
        "asking revokes nothing"
    );
    assert_eq!(ada.post(&revoke, &[("csrf", "forged")]).status, 403);
    assert_eq!(bob.post(&revoke, &[("csrf", &bob_csrf)]).status, 403);
    let done = ada.post(&revoke, &[("csrf", &csrf)]);
    assert_eq!(done.status, 303, "{}", done.body);
    let to = location(&done);
    assert_eq!(to, format!("{page}?revoked={prefix}"));
    let after = ada.get(&to);
    assert!(
        after.body.contains(&format!("Revoked the key {prefix}.")),
        "{}",
        after.body
    );
    assert!(after.body.contains("status-revoked"));
    assert!(
        !after.body.contains(&revoke),
        "no revoke button for a revoked key"
    );
    assert_eq!(api.get("/organization", &token).status, 401);
    // A made-up notice is not shown.
    assert!(
        !ada.get(&format!("{page}?revoked=acc_00000000"))
            .body
            .contains("Revoked the key")
    );

    // In Spanish.
    let es = ada.get(&format!("{page}?lang=es"));
    assert!(
        es.body.contains("Claves de API") && es.body.contains("Crear una clave"),
        "{}",
        es.body
    );

    // The audit log names who did what.
    let log = rt.block_on(app.audit_log(org.id, 50, 0)).unwrap();
    for action in ["api_key.create", "api_key.revoke"] {
        assert!(
            log.iter()
                .any(|e| e.action == action && e.actor.label.contains("Ada Lovelace")),
            "{action}: {log:?}"
        );
    }
}

async fn run(store: Store) {
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http, port));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_keys_page_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_keys_page_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}
