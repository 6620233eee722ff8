//! Accounts over HTTP, on SQLite and PostgreSQL, with mail delivered through a real SMTP
//! server: the members page (invite, the invitation link creating an account and joining,
//! role changes, an admin refused the owner role), the outbox for admins only, and a
//! forgotten password reset from the emailed link (the old password then fails).

use super::{Browser, Http, Reply, hidden_csrf};
use accolade_app::accounts::CurrentUser;
use accolade_app::{App, MailSettings};
use accolade_core::{Email, OrgId, Role, SystemClock, User};
use accolade_store::Store;
use accolade_testkit::{ReceivedMail, SmtpServer};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(super) const PW: &str = "correct horse battery staple";

/// The server with mail going to `smtp`.
pub(super) async fn start_with_mail(store: Store, smtp: &SmtpServer) -> (Arc<App>, u16) {
    let settings = MailSettings {
        smtp: Some(smtp.url().parse().unwrap()),
        from: None,
        timeout: Duration::from_secs(5),
    };
    let app = super::fixture::app(
        store,
        Arc::new(SystemClock),
        super::fixture::config(super::PUBLIC, false),
    );
    let app = Arc::new(app.with_mail(&settings).unwrap());
    (app.clone(), super::fixture::serve(app).await)
}

/// Signs up through the form on a server without mail (the account is made at once);
/// signed in, with the session's form token. Servers with mail: [`sign_up_confirmed`].
pub(super) fn sign_up<'a>(http: &'a Http, name: &str, email: &str) -> (Browser<'a>, String) {
    let mut b = Browser::new(http);
    let done = post_sign_up(&mut b, name, email, PW);
    assert_eq!(
        done.status, 303,
        "a server with mail confirms sign-ups: use sign_up_confirmed: {}",
        done.body
    );
    let csrf = hidden_csrf(&b.get("/dashboard").body);
    (b, csrf)
}

fn post_sign_up(b: &mut Browser<'_>, name: &str, email: &str, password: &str) -> Reply {
    let token = hidden_csrf(&b.get("/signup").body);
    b.post(
        "/signup",
        &[
            ("csrf", &token),
            ("name", name),
            ("email", email),
            ("password", password),
        ],
    )
}

/// Signs up through the form on any server: with mail, the form says "check your email",
/// and this follows the confirmation link from the email (read in the outbox, where every
/// email is written before it is sent). Signed in, with the session's form token.
pub(super) fn sign_up_confirmed<'a>(
    app: &App,
    http: &'a Http,
    name: &str,
    email: &str,
) -> (Browser<'a>, String) {
    let mut b = Browser::new(http);
    let done = post_sign_up(&mut b, name, email, PW);
    if done.status != 303 {
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(done.body.contains("Check your email"), "{}", done.body);
        let token = confirmation_token(app, email);
        let link = format!("/signup/confirm/{token}");
        let form = hidden_csrf(&b.get(&link).body);
        let confirmed = b.post(&link, &[("csrf", &form)]);
        assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    }
    let csrf = hidden_csrf(&b.get("/dashboard").body);
    (b, csrf)
}

/// The application's view of the account `email` (password [`PW`]), signed in.
pub(super) fn current_user(app: &App, email: &str) -> CurrentUser {
    let rt = tokio::runtime::Handle::current();
    let session = rt.block_on(app.sign_in(email, PW, "t")).unwrap();
    rt.block_on(app.current_user(&session.token))
        .unwrap()
        .unwrap()
}

/// Signs up `name` <`email`> through the form (as [`sign_up_confirmed`]) and makes the
/// account a member of `org` with `role`, by an invitation from `owner` accepted at once.
/// Signed in, with the session's form token, and the account.
pub(super) fn sign_up_member<'a>(
    app: &App,
    http: &'a Http,
    owner: &CurrentUser,
    (org, role): (OrgId, Role),
    name: &str,
    email: &str,
) -> (Browser<'a>, String, User) {
    let rt = tokio::runtime::Handle::current();
    let (_, token) = rt.block_on(app.invite(owner, org, email, role)).unwrap();
    let (b, csrf) = sign_up_confirmed(app, http, name, email);
    let user = rt
        .block_on(app.store().user_by_email(&Email::parse(email).unwrap()))
        .unwrap()
        .unwrap();
    rt.block_on(app.accept_invitation(&user, &token)).unwrap();
    (b, csrf, user)
}

/// The token of the newest confirmation link queued for `email` (it is queued just after
/// the form answers, so wait for it a little).
pub(super) fn confirmation_token(app: &App, email: &str) -> String {
    let rt = tokio::runtime::Handle::current();
    let until = Instant::now() + Duration::from_secs(15);
    loop {
        let outbox = rt.block_on(app.outbox(None, 500)).unwrap();
        let mail = outbox
            .iter()
            .find(|m| m.template == "signup_confirm" && m.to.as_str() == email);
        if let Some(mail) = mail {
            return super::link_token(&mail.body_text, "signup/confirm").expect("a link");
        }
        assert!(Instant::now() < until, "no confirmation email to {email}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Creates an organization from the dashboard; its slug.
pub(super) fn create_org(b: &mut Browser<'_>, csrf: &str, name: &str) -> String {
    let done = b.post(
        "/dashboard/orgs",
        &[
            ("csrf", csrf),
            ("name", name),
            ("url", "https://acme.example"),
        ],
    );
    assert_eq!(done.status, 303, "{}", done.body);
    location(&done)
        .strip_prefix("/dashboard/orgs/")
        .unwrap()
        .to_owned()
}

pub(super) fn location(r: &Reply) -> String {
    r.header("location").unwrap_or_default().to_owned()
}

/// Runs the mail jobs until `n` messages have arrived.
pub(super) fn deliver(app: &App, smtp: &SmtpServer, n: usize) -> Vec<ReceivedMail> {
    let rt = tokio::runtime::Handle::current();
    let until = Instant::now() + Duration::from_secs(15);
    loop {
        rt.block_on(app.run_jobs("test-runner", 50)).unwrap();
        let got = smtp.messages();
        if got.len() >= n || Instant::now() > until {
            return got;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The token of the `{PUBLIC}/{path}/TOKEN` link in a message's text part.
fn link_token(mail: &ReceivedMail, path: &str) -> String {
    super::link_token(&mail.body("text/plain").unwrap(), path).expect("a link")
}

fn flow(app: Arc<App>, http: &Http, smtp: &SmtpServer) {
    let rt = tokio::runtime::Handle::current();
    let (mut ada, csrf) = sign_up_confirmed(&app, http, "Ada Lovelace", "ada@example.com");
    let slug = create_org(&mut ada, &csrf, "Members Academy");
    let members = format!("/dashboard/orgs/{slug}/members");
    let page = ada.get(&members);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Send invitation") && page.body.contains("ada@example.com"));

    // Invite Bob; the email's link opens a sign-up form for his address; joining signs in.
    let sent = ada.post(
        &format!("{members}/invite"),
        &[
            ("csrf", &csrf),
            ("email", "bob@example.com"),
            ("role", "issuer"),
        ],
    );
    // Redirected after sending: reloading the page does not send it again.
    assert_eq!(sent.status, 303, "{}", sent.body);
    let sent = ada.get(&location(&sent));
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(
        sent.body
            .contains("Invitation sent to bob@example.com as issuer")
    );
    // The notice names only a pending invitation.
    assert!(
        !ada.get(&format!("{members}?invited=mallory%40example.com"))
            .body
            .contains("Invitation sent")
    );
    assert!(sent.body.contains("Pending invitations") && sent.body.contains("bob@example.com"));
    let forged = ada.post(
        &format!("{members}/invite"),
        &[
            ("csrf", "forged"),
            ("email", "x@example.com"),
            ("role", "viewer"),
        ],
    );
    assert_eq!(forged.status, 403);
    // Ada's confirmation, then Bob's invitation.
    let mail = deliver(&app, smtp, 2);
    let invitation = mail
        .iter()
        .find(|m| m.to == ["bob@example.com"])
        .expect("the invitation");
    let token = link_token(invitation, "invitations");
    let mut bob = Browser::new(http);
    let invited = bob.get(&format!("/invitations/{token}"));
    assert_eq!(invited.status, 200);
    assert!(
        invited.body.contains("Join Members Academy") && invited.body.contains("bob@example.com")
    );
    let form = hidden_csrf(&invited.body);
    let joined = bob.post(
        &format!("/invitations/{token}"),
        &[("csrf", &form), ("name", "Bob"), ("password", PW)],
    );
    assert_eq!(joined.status, 303, "{}", joined.body);
    assert_eq!(location(&joined), format!("/dashboard/orgs/{slug}"));
    let list = bob.get(&members);
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Bob") && !list.body.contains("Send invitation"));
    let used = Browser::new(http).get(&format!("/invitations/{token}"));
    assert_eq!(used.status, 404, "the link works once");

    // Roles: the owner makes Bob an admin; an admin can't make anyone an owner.
    let bob_id = rt
        .block_on(
            app.store()
                .user_by_email(&accolade_core::Email::parse("bob@example.com").unwrap()),
        )
        .unwrap()
        .unwrap()
        .id;
    let changed = ada.post(
        &format!("{members}/{bob_id}/role"),
        &[("csrf", &csrf), ("role", "admin")],
    );
    assert_eq!(changed.status, 303, "{}", changed.body);
    let bob_csrf = hidden_csrf(&bob.get("/dashboard").body);
    let page = bob.get(&members);
    assert!(page.body.contains("Send invitation"));
    assert!(
        !page.body.contains(r#"<option value="owner""#),
        "admins are not offered owner"
    );
    let refused = bob.post(
        &format!("{members}/invite"),
        &[
            ("csrf", &bob_csrf),
            ("email", "carol@example.com"),
            ("role", "owner"),
        ],
    );
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("owner role"), "{}", refused.body);
    let refused = bob.post(
        &format!("{members}/{bob_id}/role"),
        &[("csrf", &bob_csrf), ("role", "owner")],
    );
    assert_eq!(refused.status, 400);

    // The outbox: admins read it (the invitation is there); viewers are refused.
    let outbox = bob.get(&format!("/dashboard/orgs/{slug}/outbox"));
    assert_eq!(outbox.status, 200);
    assert!(outbox.body.contains("invited you to join Members Academy"));
    let org = rt.block_on(app.org_by_slug(&slug)).unwrap();
    let owner = current_user(&app, "ada@example.com");
    let (mut carol, _, _) = sign_up_member(
        &app,
        http,
        &owner,
        (org.id, Role::Viewer),
        "Carol",
        "carol@example.com",
    );
    assert_eq!(
        carol.get(&format!("/dashboard/orgs/{slug}/outbox")).status,
        403
    );
    assert_eq!(carol.get(&members).status, 200, "viewers see the members");
    let stranger = sign_up_confirmed(&app, http, "Stranger", "stranger@example.com")
        .0
        .get(&members);
    assert_eq!(stranger.status, 404);

    // Forgotten password: the same answer for known and unknown addresses, then the link.
    let mut anon = Browser::new(http);
    let answer = |b: &mut Browser<'_>, email: &str| {
        let t = hidden_csrf(&b.get("/forgot").body);
        let r = b.post("/forgot", &[("csrf", &t), ("email", email)]);
        assert_eq!(r.status, 200);
        r.body.replace(email, "EMAIL")
    };
    let known = answer(&mut anon, "ada@example.com");
    let unknown = answer(&mut anon, "nobody@example.com");
    assert_eq!(known, unknown);
    assert!(known.contains("If an account exists for EMAIL"));
    let before = smtp.messages().len();
    // Carol's invitation and confirmation, the stranger's confirmation, and the reset.
    let got = deliver(&app, smtp, before + 4);
    let reset = got
        .iter()
        .find(|m| {
            m.to == ["ada@example.com"]
                && m.body("text/plain").is_some_and(|t| t.contains("/reset/"))
        })
        .expect("the reset email");
    let token = link_token(reset, "reset");
    let form = anon.get(&format!("/reset/{token}"));
    assert_eq!(form.status, 200);
    let t = hidden_csrf(&form.body);
    let done = anon.post(
        &format!("/reset/{token}"),
        &[("csrf", &t), ("password", "a brand new passphrase")],
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Your password was changed"));
    assert_eq!(ada.get("/dashboard").status, 303, "signed out everywhere");
    let signin = |password: &str| {
        let mut b = Browser::new(http);
        let t = hidden_csrf(&b.get("/signin").body);
        b.post(
            "/signin",
            &[
                ("csrf", &t),
                ("email", "ada@example.com"),
                ("password", password),
            ],
        )
        .status
    };
    assert_eq!(signin(PW), 401, "the old password fails");
    assert_eq!(signin("a brand new passphrase"), 303);
    let t = hidden_csrf(&anon.get(&format!("/reset/{token}")).body);
    let again = anon.post(
        &format!("/reset/{token}"),
        &[("csrf", &t), ("password", "yet another one!")],
    );
    assert_eq!(again.status, 404, "the link works once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn accounts_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let smtp = SmtpServer::start().await.unwrap();
    let (app, port) = start_with_mail(store, &smtp).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http, &smtp));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn accounts_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    let smtp = SmtpServer::start().await.unwrap();
    let (app, port) = start_with_mail(store, &smtp).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http, &smtp));
}
