//! `accolade api-key create|list|revoke` through the binary: the token printed once works
//! against a running server's API, the list shows the key's prefix, scopes and state (never
//! the token), and after `revoke` by prefix the token is refused.

use super::web::{Client, Node, free_port};
use super::*;
use std::net::SocketAddr;

fn run_ok(args: &[&str]) -> String {
    let out = accolade(args);
    assert!(
        out.status.success(),
        "accolade {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

#[test]
fn operator_creates_lists_and_revokes_api_keys() {
    let tmp = Tmp::new("api-keys");
    let data = tmp.0.join("data");
    let data = data.to_str().unwrap();
    let base = ["--data-dir", data];
    run_ok(
        &[
            &base[..],
            &[
                "org",
                "create",
                "--name",
                "Harbor Training",
                "--url",
                "https://harbor.example",
            ],
        ]
        .concat(),
    );

    let made = run_ok(
        &[
            &base[..],
            &[
                "api-key",
                "create",
                "--org",
                "harbor-training",
                "--name",
                "Moodle sync",
                "--scope",
                "issue",
                "--scope",
                "read",
                "--expires-in-days",
                "30",
            ],
        ]
        .concat(),
    );
    assert!(made.contains("cannot be shown again"), "{made}");
    let token = made
        .lines()
        .find_map(|l| l.trim().strip_prefix("token"))
        .map(|t| t.trim().to_owned())
        .unwrap_or_else(|| panic!("no token in {made}"));
    assert!(token.starts_with("acc_") && token.len() > 50, "{token}");
    let prefix = token[..12].to_owned();

    let listed = run_ok(&[&base[..], &["api-key", "list", "--org", "harbor-training"]].concat());
    assert!(listed.contains(&prefix), "{listed}");
    assert!(
        listed.contains("active") && listed.contains("read,issue"),
        "{listed}"
    );
    assert!(
        listed.contains("Moodle sync") && !listed.contains(&token),
        "{listed}"
    );

    // A bad scope is refused by the command line.
    let bad = accolade(
        &[
            &base[..],
            &[
                "api-key",
                "create",
                "--org",
                "harbor-training",
                "--name",
                "x",
                "--scope",
                "owner",
            ],
        ]
        .concat(),
    );
    assert!(!bad.status.success());

    // The token works against the server's API.
    let at: SocketAddr = format!("127.0.0.1:{}", free_port("127.0.0.1"))
        .parse()
        .unwrap();
    let mut node = Node::start("api-keys", &tmp, at, &base, &[]);
    let mut client =
        Client::new("127.0.0.1", at).with_header("Authorization", &format!("Bearer {token}"));
    let r = client.get("/api/v1/organization");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("\"slug\":\"harbor-training\""),
        "{}",
        r.body
    );
    assert!(r.header("ratelimit").is_some(), "{:?}", r.headers);

    let revoked = run_ok(&[&base[..], &["api-key", "revoke", &prefix]].concat());
    assert!(revoked.contains("Revoked the API key"), "{revoked}");
    let r = client.get("/api/v1/organization");
    assert_eq!(r.status, 401, "{}", r.body);
    let listed = run_ok(&[&base[..], &["api-key", "list", "--org", "harbor-training"]].concat());
    assert!(listed.contains("revoked"), "{listed}");
    // Revoking again is an error.
    assert!(
        !accolade(&[&base[..], &["api-key", "revoke", &prefix]].concat())
            .status
            .success()
    );
    node.kill();
}
