//! `accolade serve --trusted-proxy` behind a real nginx (Debian's), on loopback where every
//! 127.0.0.0/8 address is local: nginx listens on 127.0.0.2 and connects to the node from
//! 127.0.0.3 (the only trusted proxy), appending the client to `X-Forwarded-For`; clients
//! connect from 127.0.0.10 (A), 127.0.0.11 (B) and 127.0.0.12 (C). The sign-in throttle
//! locks A but not B through the same nginx; A forging `X-Forwarded-For: 127.0.0.11` or
//! `Forwarded: for=127.0.0.11` is still A; a client connecting straight to the node is judged by its socket, whatever it
//! claims; and analytics count visitors per real client.

use super::web::{Client, Node, demo_credential, demo_login, free_port};
use super::*;
use accolade_testkit::nginx::{self, Nginx, NginxConfig};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const A: &str = "127.0.0.10";
const B: &str = "127.0.0.11";
const C: &str = "127.0.0.12";

#[test]
fn nginx_in_front_names_the_real_client() {
    let Some(bin) = nginx::binary("the reverse-proxy test") else {
        return;
    };
    let tmp = Tmp::new("proxy");
    let node_addr = SocketAddr::from(([127, 0, 0, 1], free_port("127.0.0.1")));
    let proxy = Nginx::start(
        &bin,
        &NginxConfig {
            listen: "127.0.0.2".parse().unwrap(),
            upstreams: vec![node_addr],
            bind: Some("127.0.0.3".parse().unwrap()),
        },
    )
    .unwrap();
    let data = tmp.0.join("data");
    let node = Node::start(
        "node",
        &tmp,
        node_addr,
        &[
            "--demo",
            "--data-dir",
            data.to_str().unwrap(),
            "--public-url",
            &proxy.base_url(),
            "--trusted-proxy",
            "127.0.0.3",
        ],
        &[],
    );
    let (email, password) = demo_login(&node);
    let started = accolade_core::Clock::now(&accolade_core::SystemClock);

    // The throttle: A fails on many accounts until it is locked out, even with the right
    // password; B, through the same nginx, signs in.
    let mut a = Client::new(A, proxy.addr());
    for i in 0..accolade_app::accounts::MAX_FAILURES_PER_CLIENT {
        let r = a.sign_in(&format!("nobody{i}@example.org"), "not the password");
        assert!(
            r.status == 401 || r.status == 429,
            "{}: {}",
            r.status,
            r.body
        );
    }
    let locked = a.sign_in(&email, &password);
    assert_eq!(locked.status, 429, "A is throttled: {}", locked.body);
    let mut b = Client::new(B, proxy.addr());
    let signed_in = b.sign_in(&email, &password);
    assert_eq!(
        signed_in.status,
        303,
        "B is not A, though both come through nginx: {} {}",
        signed_in.body,
        proxy.error_log()
    );

    // A claiming to be B through nginx: nginx appends A's address, the nearest untrusted hop.
    let mut forged = Client::new(A, proxy.addr()).with_header("X-Forwarded-For", B);
    assert_eq!(forged.sign_in(&email, &password).status, 429);
    // Nor does an RFC 7239 `Forwarded` header, which nginx passes on untouched.
    let mut forwarded = Client::new(A, proxy.addr()).with_header("Forwarded", &format!("for={B}"));
    assert_eq!(forwarded.sign_in(&email, &password).status, 429);

    // Straight to the node, forwarding headers from an untrusted peer are ignored: C
    // claiming to be A is C, and A claiming to be someone else is still A.
    let mut c = Client::new(C, node_addr).with_header("X-Forwarded-For", A);
    assert_eq!(c.sign_in(&email, &password).status, 303);
    let mut a_direct = Client::new(A, node_addr).with_header("X-Forwarded-For", "127.0.0.99");
    assert_eq!(a_direct.sign_in(&email, &password).status, 429);

    // Analytics: A twice, B once and A forging B, through nginx, are two visitors; C straight
    // to the node claiming to be A is a third.
    let page = demo_credential(&node);
    for client in [&mut a, &mut b, &mut forged, &mut c] {
        let r = client.get(&page);
        assert_eq!(r.status, 200, "{}", r.body);
        if client.from.to_string() == A && client.extra.is_empty() {
            assert_eq!(client.get(&page).status, 200);
        }
    }
    let award: accolade_core::AwardId = page.rsplit('/').next().unwrap().parse().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = rt
        .block_on(accolade_store::Store::open_sqlite(
            &data.join("accolade.db"),
        ))
        .unwrap();
    let until = Instant::now() + Duration::from_secs(20);
    let views = loop {
        let views: Vec<_> = rt
            .block_on(store.award_events(award))
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == "view" && e.at >= started)
            .collect();
        if views.len() >= 5 || Instant::now() > until {
            break views;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(views.len(), 5, "{views:?}");
    let mut visitors: Vec<&str> = views.iter().map(|e| e.client.as_str()).collect();
    let order = visitors.clone();
    visitors.sort_unstable();
    visitors.dedup();
    assert_eq!(visitors.len(), 3, "A, B and C: {order:?}");
    assert_eq!(order[0], order[1], "A twice is one visitor");
    assert_ne!(order[0], order[2], "B is not A");
    assert_eq!(order[0], order[3], "A forging B is A");
    assert_ne!(order[4], order[0], "C claiming to be A is not A");
    assert!(
        proxy.access_log().lines().count() >= 5,
        "the requests went through nginx: {}",
        proxy.access_log()
    );
}
