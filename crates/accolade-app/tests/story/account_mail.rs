//! Account emails, on SQLite and PostgreSQL, delivered through a real SMTP server over TCP:
//! an invitation whose link lets the invited address join (and nobody else), and a password
//! reset whose link sets a new password once; unknown addresses get no mail and the same
//! answer. Member changes are audited.

use accolade_app::accounts::CurrentUser;
use accolade_app::{App, AppConfig, AppError, MailSettings, MasterKey, NewOrganization, PublicUrl};
use accolade_core::{FixedClock, Role};
use accolade_net::FetchPolicy;
use accolade_store::{OutboxState, Store};
use accolade_testkit::{ReceivedMail, SmtpServer};
use std::sync::Arc;
use std::time::Duration as StdDuration;
use time::macros::datetime;

const WAIT: StdDuration = StdDuration::from_secs(10);
const PW: &str = "correct horse battery staple";

fn app(store: &Store, clock: &Arc<FixedClock>, smtp: &SmtpServer) -> Arc<App> {
    let config = AppConfig {
        public_url: PublicUrl::parse("https://badges.example.org").unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    let app = App::new(
        store.clone(),
        clock.clone(),
        config,
        Some(MasterKey::generate().unwrap()),
    );
    let settings = MailSettings {
        smtp: Some(smtp.url().parse().unwrap()),
        from: None,
        timeout: StdDuration::from_secs(5),
    };
    Arc::new(app.with_mail(&settings).unwrap())
}

/// The token of the first `https://badges.example.org/{path}/…` link in the text part, and
/// checks the HTML part has the same link.
fn link_token(mail: &ReceivedMail, path: &str) -> String {
    let prefix = format!("https://badges.example.org/{path}/");
    let text = mail.body("text/plain").expect("a text part");
    let at = text.find(&prefix).expect("the link") + prefix.len();
    let token: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let html = mail.body("text/html").expect("an HTML part");
    assert!(
        html.contains(&format!(r#"href="{prefix}{token}""#)),
        "{html}"
    );
    token
}

async fn signed_in(app: &App, email: &str) -> CurrentUser {
    let s = app.sign_in(email, PW, "test-client").await.unwrap();
    app.current_user(&s.token).await.unwrap().unwrap()
}

async fn story(store: Store) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 09:30 UTC)));
    let smtp = SmtpServer::start().await.unwrap();
    let app = app(&store, &clock, &smtp);
    app.sign_up("ada@example.com", "Ada Lovelace", PW)
        .await
        .unwrap();
    let ada = signed_in(&app, "ada@example.com").await;
    let org = app
        .create_org_for(
            &ada,
            NewOrganization {
                name: "Acme Academy".into(),
                url: "https://acme.example".into(),
                email: None,
                description: None,
                slug: None,
            },
        )
        .await
        .unwrap();
    let ada = signed_in(&app, "ada@example.com").await;

    // An invitation: queued with the invitation, delivered by a job, its link joins.
    let (invitation, _) = app
        .invite(&ada, org.id, "Bob@Example.com", Role::Issuer)
        .await
        .unwrap();
    let queued = app.outbox(Some(org.id), 10).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(
        (queued[0].template.as_str(), queued[0].state),
        ("invitation", OutboxState::Queued)
    );
    assert_eq!(app.run_jobs("runner", 10).await.unwrap().succeeded, 1);
    let mail = &smtp.wait_for(1, WAIT).await[0];
    assert_eq!(mail.to, ["bob@example.com"]);
    assert_eq!(
        mail.header("subject").as_deref(),
        Some("Ada Lovelace invited you to join Acme Academy on Accolade")
    );
    assert!(mail.body("text/plain").unwrap().contains("as an issuer"));
    let token = link_token(mail, "invitations");
    let (found, found_org) = app.invitation_for_token(&token).await.unwrap();
    assert_eq!(
        (found.email.as_str(), found_org.id),
        ("bob@example.com", org.id)
    );
    assert_eq!(
        found.token_hash, invitation.token_hash,
        "the link is the invitation's"
    );

    // Only the invited address may use it; then it works once.
    let eve = app.sign_up("eve@example.com", "Eve", PW).await.unwrap();
    assert!(matches!(
        app.accept_invitation(&eve, &token).await,
        Err(AppError::Forbidden(_))
    ));
    let bob = app.sign_up("bob@example.com", "Bob", PW).await.unwrap();
    assert_eq!(
        app.accept_invitation(&bob, &token).await.unwrap().role,
        Role::Issuer
    );
    assert!(app.invitation_for_token(&token).await.is_err());
    assert!(matches!(
        app.invite(&ada, org.id, "bob@example.com", Role::Viewer)
            .await,
        Err(AppError::Conflict(_))
    ));

    // Roles: an admin can't make an owner; the last owner can't be demoted or removed.
    app.set_member_role(&ada, org.id, bob.id, Role::Admin)
        .await
        .unwrap();
    let bob_now = signed_in(&app, "bob@example.com").await;
    assert!(matches!(
        app.set_member_role(&bob_now, org.id, bob.id, Role::Owner)
            .await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        app.invite(&bob_now, org.id, "carol@example.com", Role::Owner)
            .await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        app.remove_member(&bob_now, org.id, ada.user.id).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        app.remove_member(&ada, org.id, ada.user.id).await,
        Err(AppError::Conflict(_))
    ));
    let (carol, _) = app
        .invite(&bob_now, org.id, "carol@example.com", Role::Viewer)
        .await
        .unwrap();
    let pending = app.pending_invitations(&ada, org.id).await.unwrap();
    assert_eq!(pending.len(), 1);
    app.revoke_invitation(&bob_now, org.id, &carol.token_hash)
        .await
        .unwrap();
    assert!(
        app.pending_invitations(&ada, org.id)
            .await
            .unwrap()
            .is_empty()
    );
    app.remove_member(&bob_now, org.id, bob.id).await.unwrap();
    let actions: Vec<String> = app
        .audit_log(org.id, 50, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "member.invite",
        "member.join",
        "member.role",
        "member.uninvite",
        "member.remove",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }

    // Password reset: unknown addresses get nothing; the link sets a new password once.
    assert!(
        app.request_password_reset("nobody@example.com")
            .await
            .unwrap()
            .is_none()
    );
    app.run_jobs("runner", 10).await.unwrap(); // the carol invitation
    let before = smtp.messages().len();
    let fresh = app.sign_in("ada@example.com", PW, "c").await.unwrap();
    assert!(
        app.request_password_reset("ADA@example.com")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        app.outbox(Some(org.id), 100)
            .await
            .unwrap()
            .iter()
            .all(|m| m.template != "password_reset"),
        "reset mail belongs to no organization"
    );
    assert_eq!(app.run_jobs("runner", 10).await.unwrap().succeeded, 1);
    let mail = smtp.wait_for(before + 1, WAIT).await[before].clone();
    assert_eq!(mail.to, ["ada@example.com"]);
    assert_eq!(
        mail.header("subject").as_deref(),
        Some("Reset your Accolade password")
    );
    let token = link_token(&mail, "reset");
    app.reset_password(&token, "a brand new passphrase")
        .await
        .unwrap();
    assert!(app.current_user(&fresh.token).await.unwrap().is_none());
    assert!(app.sign_in("ada@example.com", PW, "c").await.is_err());
    assert!(
        app.sign_in("ada@example.com", "a brand new passphrase", "c")
            .await
            .is_ok()
    );
    assert!(
        app.reset_password(&token, "yet another passphrase")
            .await
            .is_err()
    );

    // Repeated requests for one address are throttled.
    for _ in 0..5 {
        app.request_password_reset("ada@example.com").await.unwrap();
    }
    assert_eq!(
        app.run_jobs("runner", 10).await.unwrap().succeeded,
        2,
        "3 per window"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_mail_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_mail_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    story(store).await;
}
