//! Accounts on an instance without mail, through the binary: `serve` takes no sign-ups by
//! default (the form's page says how to get an account, and a post creates nothing), the
//! operator's `accolade user create` makes the first account (printing a password made for
//! it, or taking one on standard input) and, with `--org`, its membership; that account
//! signs in to its organization's workspace. `--signup-without-email` opens the form.

use super::web::{Client, Node, free_port};
use super::*;
use std::net::SocketAddr;
use std::process::Stdio;

/// `accolade user create` with `args` on the data directory `data`; `password` is written
/// to its standard input (with `--password-stdin`).
fn create_user(data: &str, args: &[&str], password: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accolade"))
        .args(["--data-dir", data, "user", "create"])
        .args(args)
        .env_remove("ACCOLADE_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(p) = password {
        writeln!(child.stdin.take().unwrap(), "{p}").unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn addr() -> SocketAddr {
    format!("127.0.0.1:{}", free_port("127.0.0.1"))
        .parse()
        .unwrap()
}

#[test]
fn without_mail_sign_up_is_closed_and_the_operator_makes_accounts() {
    let tmp = Tmp::new("accounts");
    let data = tmp.0.join("data");
    let data = data.to_str().unwrap();
    let made = accolade(&[
        "--data-dir",
        data,
        "org",
        "create",
        "--name",
        "Harbor Training",
        "--url",
        "https://harbor.example",
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );

    let at = addr();
    let node = Node::start("closed", &tmp, at, &["--data-dir", data], &[]);
    assert!(
        node.output().contains("Sign-up is closed (no SMTP)"),
        "{}",
        node.output()
    );
    let mut visitor = Client::new("127.0.0.1", at);
    let page = visitor.get("/signup");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Sign-up is closed") && page.body.contains("accolade user create"));
    let refused = visitor.post_form(
        "/signup",
        &[
            ("csrf", "none"),
            ("name", "Mallory"),
            ("email", "mallory@example.com"),
            ("password", "a long enough passphrase"),
        ],
    );
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(
        visitor
            .sign_in("mallory@example.com", "a long enough passphrase")
            .status,
        401,
        "no account was made"
    );

    // The operator: a made password, printed, and owner of the organization.
    let out = create_user(
        data,
        &[
            "--email",
            "grace@example.com",
            "--name",
            "Grace Hopper",
            "--org",
            "harbor-training",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = stdout(&out);
    assert!(printed.contains("owner of Harbor Training"), "{printed}");
    let password = printed
        .lines()
        .find_map(|l| l.trim().strip_prefix("password"))
        .map(|p| p.trim().to_owned())
        .unwrap_or_else(|| panic!("no password in {printed}"));
    let mut grace = Client::new("127.0.0.1", at);
    assert_eq!(grace.sign_in("grace@example.com", &password).status, 303);
    let workspace = grace.get("/dashboard/orgs/harbor-training");
    assert_eq!(workspace.status, 200, "{}", workspace.body);
    assert!(
        workspace.body.contains("Your role: owner"),
        "{}",
        workspace.body
    );

    // A password on standard input is not printed; the same address again is refused.
    let out = create_user(
        data,
        &[
            "--email",
            "ada@example.com",
            "--name",
            "Ada",
            "--password-stdin",
        ],
        Some("correct horse battery staple"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stdout(&out).contains("password"), "{}", stdout(&out));
    assert_eq!(
        Client::new("127.0.0.1", at)
            .sign_in("ada@example.com", "correct horse battery staple")
            .status,
        303
    );
    let again = create_user(data, &["--email", "ada@example.com", "--name", "Ada"], None);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    drop(node);

    // Opened by the operator: the form makes the account at once.
    let at = addr();
    let _open = Node::start(
        "open",
        &tmp,
        at,
        &["--data-dir", data, "--signup-without-email"],
        &[],
    );
    let mut b = Client::new("127.0.0.1", at);
    let form = b.get("/signup");
    let made = b.post_form(
        "/signup",
        &[
            ("csrf", &form.csrf()),
            ("name", "Mallory"),
            ("email", "mallory@example.com"),
            ("password", "a long enough passphrase"),
        ],
    );
    assert_eq!(made.status, 303, "{}", made.body);
}
