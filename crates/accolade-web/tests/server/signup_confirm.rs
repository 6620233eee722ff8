//! Sign-up on a server that sends mail, over HTTP with a real SMTP server: the form answers
//! the same page for an address with an account and for a new one; the new address gets a
//! confirmation link whose page needs a click (so a mail scanner opening it creates
//! nothing), which creates the account, signs in and works once; the address with an account
//! gets a note with links to sign in and to reset the password, and its password is left
//! alone. A form with a short password is refused on the form itself.

use super::accounts::{PW, confirmation_token, deliver, sign_up_confirmed, start_with_mail};
use super::{Browser, Http, hidden_csrf};
use accolade_app::App;
use accolade_core::Email;
use accolade_store::Store;
use accolade_testkit::SmtpServer;

/// A sign-up form post.
pub(super) fn post_form(
    b: &mut Browser<'_>,
    name: &str,
    email: &str,
    password: &str,
) -> super::Reply {
    let t = hidden_csrf(&b.get("/signup").body);
    b.post(
        "/signup",
        &[
            ("csrf", &t),
            ("name", name),
            ("email", email),
            ("password", password),
        ],
    )
}

/// A whole answer (status, headers, body) with what must differ between two answers masked:
/// the form token (in the page and its cookie), the request id, the date, and the address
/// the person typed (and so the length). Two answers with equal masks are the same to the
/// byte otherwise.
pub(super) fn masked(r: &super::Reply, email: &str) -> String {
    let mut headers: Vec<String> = r
        .headers
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "date" | "x-request-id" | "content-length"))
        .map(|(k, v)| match (k.as_str(), v.split_once('=')) {
            ("set-cookie", Some((name, rest))) => {
                let attributes = rest.split_once(';').map_or("", |(_, a)| a);
                format!("{k}: {name}=TOKEN;{attributes}")
            }
            _ => format!("{k}: {v}"),
        })
        .collect();
    headers.sort();
    let mut body = r.body.replace(email, "EMAIL");
    let field = "name=\"csrf\" value=\"";
    if let Some(at) = body.find(field) {
        let start = at + field.len();
        let end = start + body[start..].find('"').unwrap_or(0);
        body.replace_range(start..end, "TOKEN");
    }
    format!("{}\n{}\n\n{body}", r.status, headers.join("\n"))
}

fn flow(app: &App, http: &Http, smtp: &SmtpServer) {
    let rt = tokio::runtime::Handle::current();
    let user = |email: &str| {
        rt.block_on(app.store().user_by_email(&Email::parse(email).unwrap()))
            .unwrap()
    };
    sign_up_confirmed(app, http, "Ada Lovelace", "ada@example.com");
    let ada = user("ada@example.com").unwrap();
    let before = deliver(app, smtp, 1).len();

    // The same answer for an address with an account and for a new one.
    let answer = |email: &str| {
        let mut b = Browser::new(http);
        let r = post_form(&mut b, "Someone", email, "another long passphrase");
        assert_eq!(r.status, 200, "{}", r.body);
        masked(&r, email)
    };
    let known = answer("ada@example.com");
    let new = answer("grace@example.com");
    assert_eq!(
        known, new,
        "the same answer to the byte but for the form token"
    );
    assert!(known.contains("Check your email") && known.contains("We sent an email to EMAIL"));
    assert!(
        user("grace@example.com").is_none(),
        "no account before the link"
    );

    // Ada is told someone tried, with the ways in; her password is unchanged.
    let got = deliver(app, smtp, before + 2);
    let note = got[before..]
        .iter()
        .find(|m| m.to == ["ada@example.com"])
        .expect("the note to the account's address");
    let text = note.body("text/plain").unwrap();
    assert!(text.contains("already has one"), "{text}");
    assert!(text.contains(&format!("{}/signin", super::PUBLIC)));
    assert!(text.contains(&format!("{}/forgot", super::PUBLIC)));
    assert!(
        !text.contains("/signup/confirm/"),
        "no way to make a second account"
    );
    assert_eq!(
        user("ada@example.com").unwrap().password_hash,
        ada.password_hash
    );
    assert!(rt.block_on(app.sign_in("ada@example.com", PW, "t")).is_ok());

    // Grace's link: opening it creates nothing; the click does, signs in, and works once.
    let token = confirmation_token(app, "grace@example.com");
    let link = format!("/signup/confirm/{token}");
    let mut grace = Browser::new(http);
    let page = grace.get(&link);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Confirm and sign in"));
    assert!(
        user("grace@example.com").is_none(),
        "opening the link creates nothing"
    );
    let form = hidden_csrf(&page.body);
    let done = grace.post(&link, &[("csrf", &form)]);
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.header("location"), Some("/dashboard"));
    let dashboard = grace.get("/dashboard");
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.body.contains("Someone"));
    assert!(user("grace@example.com").is_some());
    assert!(
        rt.block_on(app.sign_in("grace@example.com", "another long passphrase", "t"))
            .is_ok()
    );
    let mut again = Browser::new(http);
    let form = hidden_csrf(&again.get(&link).body);
    let reused = again.post(&link, &[("csrf", &form)]);
    assert_eq!(reused.status, 400);
    assert!(
        reused.body.contains("does not work any more"),
        "{}",
        reused.body
    );

    // What is wrong with the form itself is said on the form, for any address.
    let mut b = Browser::new(http);
    let short = post_form(&mut b, "Short", "ada@example.com", "short");
    assert_eq!(short.status, 400);
    assert!(
        short.body.contains("at least 10 characters"),
        "{}",
        short.body
    );
}

async fn run(store: Store) {
    let smtp = SmtpServer::start().await.unwrap();
    let (app, port) = start_with_mail(store, &smtp).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(&app, &http, &smtp));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_up_reveals_no_account_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_up_reveals_no_account_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}
