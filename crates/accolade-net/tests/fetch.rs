//! GuardedFetcher against real sockets on loopback.

// Test-only crate: clippy's allow-unwrap-in-tests covers `#[test]` functions but not the
// helpers around them, and a failed setup here should simply fail the test.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::ErrorKind;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use accolade_credentials::did::{Fetch, FetchError};
use accolade_net::{FetchPolicy, GuardedFetcher};
use support::{Server, close_delimited, redirect, response};

const CAP: usize = 64;

fn loopback_policy() -> FetchPolicy {
    FetchPolicy {
        allow_loopback: true,
        max_body_bytes: CAP,
        connect_timeout: Duration::from_secs(1),
        total_timeout: Duration::from_secs(3),
        ..FetchPolicy::default()
    }
}

fn routes(port: u16, path: &str) -> Vec<u8> {
    match path {
        "/doc" => response(
            "200 OK",
            &[("Content-Type", "application/did+json")],
            br#"{"id":"x"}"#,
        ),
        "/r1" => redirect("302 Found", "/r2"),
        "/r2" => redirect("301 Moved Permanently", "r3"),
        "/r3" => redirect(
            "307 Temporary Redirect",
            &format!("http://127.0.0.1:{port}/doc"),
        ),
        "/loop" => redirect("302 Found", "/loop"),
        "/to-other-loopback" => redirect("302 Found", &format!("http://127.0.0.2:{port}/doc")),
        "/to-metadata" => redirect("302 Found", "http://169.254.169.254/latest/meta-data/"),
        "/to-decimal" => redirect("302 Found", &format!("http://2130706433:{port}/doc")),
        "/to-file" => redirect("302 Found", "file:///etc/passwd"),
        "/no-location" => response("302 Found", &[], b""),
        "/at-cap" => response("200 OK", &[], &[b'a'; CAP]),
        "/over-cap" => response("200 OK", &[], &[b'a'; CAP + 1]),
        "/at-cap-unannounced" => close_delimited(&[b'a'; CAP]),
        "/over-cap-unannounced" => close_delimited(&[b'a'; CAP + 1]),
        _ => response("404 Not Found", &[], b"no"),
    }
}

/// A listener nobody accepts on: the kernel still completes handshakes into its backlog,
/// so a pending connection shows that a client did connect.
fn silent_listener() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").unwrap()
}

fn assert_no_connection(listener: &TcpListener) {
    listener.set_nonblocking(true).unwrap();
    let err = listener.accept().map(|_| ()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WouldBlock, "someone connected");
}

#[test]
fn default_policy_refuses_loopback_in_every_spelling_before_connecting() {
    let listener = silent_listener();
    let port = listener.local_addr().unwrap().port();
    let fetcher = GuardedFetcher::default();
    for host in [
        "127.0.0.1",
        "2130706433",
        "0177.0.0.1",
        "0x7f.1",
        "127.1",
        "[::ffff:127.0.0.1]",
        "localhost",
    ] {
        let url = format!("http://{host}:{port}/doc");
        let err = fetcher.get(&url, "*/*").unwrap_err();
        assert!(matches!(err, FetchError::Refused { .. }), "{url}: {err}");
    }
    assert_no_connection(&listener);
}

#[test]
fn refuses_bad_urls_before_connecting() {
    let listener = silent_listener();
    let port = listener.local_addr().unwrap().port();
    let fetcher = GuardedFetcher::new(loopback_policy());
    for url in [
        format!("ftp://127.0.0.1:{port}/"),
        format!("http://user:pw@127.0.0.1:{port}/"),
        format!("http://127.0.0.1:{port}\\@evil.example/"),
        "http://bücher.example/".to_owned(),
    ] {
        let err = fetcher.get(&url, "*/*").unwrap_err();
        assert!(matches!(err, FetchError::Refused { .. }), "{url}: {err}");
    }
    assert_no_connection(&listener);
}

#[test]
fn allow_loopback_fetches_the_document_with_its_content_type() {
    let server = Server::start(routes);
    let doc = GuardedFetcher::new(loopback_policy())
        .get(&server.url("/doc"), "application/did+json")
        .unwrap();
    assert_eq!(doc.url, server.url("/doc"));
    assert_eq!(doc.content_type.as_deref(), Some("application/did+json"));
    assert_eq!(doc.body, br#"{"id":"x"}"#);
    let head = server.requests.lock().unwrap()[0].to_ascii_lowercase();
    assert!(head.starts_with("get /doc http/1.1\r\n"), "{head}");
    assert!(
        head.contains("\r\naccept: application/did+json\r\n"),
        "{head}"
    );
    assert!(head.contains("\r\nuser-agent: accolade/"), "{head}");
}

#[test]
fn allow_list_lifts_the_guard_for_that_host_only() {
    let server = Server::start(routes);
    let policy = FetchPolicy {
        allow_loopback: false,
        allowed_hosts: vec!["127.0.0.1".into()],
        ..loopback_policy()
    };
    let doc = GuardedFetcher::new(policy)
        .get(&server.url("/doc"), "*/*")
        .unwrap();
    assert_eq!(doc.body, br#"{"id":"x"}"#);
}

#[test]
fn redirect_chain_is_followed_to_the_final_url() {
    let server = Server::start(routes);
    let doc = GuardedFetcher::new(loopback_policy())
        .get(&server.url("/r1"), "*/*")
        .unwrap();
    assert_eq!(doc.url, server.url("/doc"));
    assert_eq!(server.hits(), 4);
}

#[test]
fn every_redirect_target_is_checked_again() {
    let server = Server::start(routes);
    let allow_listed = GuardedFetcher::new(FetchPolicy {
        allow_loopback: false,
        allowed_hosts: vec!["127.0.0.1".into()],
        ..loopback_policy()
    });
    // From the allow-listed host to another loopback address, which is not.
    let err = allow_listed
        .get(&server.url("/to-other-loopback"), "*/*")
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::Refused { url, .. } if url.contains("127.0.0.2")),
        "{err}"
    );
    // Link-local stays refused even with every switch on.
    let everything = GuardedFetcher::new(FetchPolicy {
        allow_private: true,
        ..loopback_policy()
    });
    let err = everything
        .get(&server.url("/to-metadata"), "*/*")
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::Refused { reason, .. } if reason.contains("link-local")),
        "{err}"
    );
    let err = everything.get(&server.url("/to-file"), "*/*").unwrap_err();
    assert!(matches!(err, FetchError::Refused { .. }), "{err}");
    // Allowed by name, then redirected to the same machine by a number: the number is
    // not on the list, so the second hop is judged as the loopback address it is.
    let by_name = GuardedFetcher::new(FetchPolicy {
        allowed_hosts: vec!["localhost".into()],
        allow_loopback: false,
        ..loopback_policy()
    });
    let hits_before = server.hits();
    let err = by_name
        .get(
            &format!("http://localhost:{}/to-decimal", server.addr.port()),
            "*/*",
        )
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::Refused { reason, .. } if reason.contains("loopback")),
        "{err}"
    );
    assert_eq!(server.hits(), hits_before + 1);
    // With the address itself allow-listed, the decimal spelling is that address.
    let doc = allow_listed.get(&server.url("/to-decimal"), "*/*").unwrap();
    assert_eq!(doc.url, server.url("/doc"));
}

#[test]
fn too_many_redirects_fail() {
    let server = Server::start(routes);
    let err = GuardedFetcher::new(loopback_policy())
        .get(&server.url("/loop"), "*/*")
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::Refused { reason, .. } if reason.contains("redirects")),
        "{err}"
    );
    assert_eq!(server.hits(), 4); // the first request and 3 redirects
}

#[test]
fn body_cap_is_exact() {
    let server = Server::start(routes);
    let fetcher = GuardedFetcher::new(loopback_policy());
    for path in ["/at-cap", "/at-cap-unannounced"] {
        let doc = fetcher.get(&server.url(path), "*/*").unwrap();
        assert_eq!(doc.body.len(), CAP, "{path}");
    }
    for path in ["/over-cap", "/over-cap-unannounced"] {
        let err = fetcher.get(&server.url(path), "*/*").unwrap_err();
        assert_eq!(
            err,
            FetchError::TooLarge {
                url: server.url(path),
                limit: CAP
            },
            "{path}"
        );
    }
}

#[test]
fn silent_server_times_out_quickly() {
    let listener = silent_listener();
    let url = format!("http://{}/doc", listener.local_addr().unwrap());
    let policy = FetchPolicy {
        total_timeout: Duration::from_millis(300),
        ..loopback_policy()
    };
    let started = Instant::now();
    let err = GuardedFetcher::new(policy).get(&url, "*/*").unwrap_err();
    assert_eq!(err, FetchError::Timeout { url });
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn non_success_statuses_are_errors() {
    let server = Server::start(routes);
    let fetcher = GuardedFetcher::new(loopback_policy());
    let err = fetcher.get(&server.url("/missing"), "*/*").unwrap_err();
    assert_eq!(
        err,
        FetchError::Status {
            url: server.url("/missing"),
            status: 404
        }
    );
    let err = fetcher.get(&server.url("/no-location"), "*/*").unwrap_err();
    assert_eq!(
        err,
        FetchError::Status {
            url: server.url("/no-location"),
            status: 302
        }
    );
}

/// A server that sends the head and part of the body, then stalls.
fn stalling_server(head: &'static str) -> String {
    use std::io::{Read, Write};
    let listener = silent_listener();
    let url = format!("http://{}/doc", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(head.as_bytes());
            std::thread::sleep(Duration::from_secs(3));
        }
    });
    url
}

#[test]
fn stalled_body_times_out_rather_than_truncating() {
    let policy = FetchPolicy {
        total_timeout: Duration::from_millis(300),
        ..loopback_policy()
    };
    let fetcher = GuardedFetcher::new(policy);
    for head in [
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
    ] {
        let url = stalling_server(head);
        let started = Instant::now();
        let result = fetcher.get(&url, "*/*");
        assert_eq!(
            result.map(|d| d.body),
            Err(FetchError::Timeout { url }),
            "{head:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}

#[test]
fn ipv6_loopback_literal_is_fetched_when_allowed() {
    // Some sandboxes have no IPv6 at all: nothing to test there.
    let Ok(listener) = TcpListener::bind("[::1]:0") else {
        return;
    };
    let url = format!("http://{}/doc", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(&routes(0, "/doc"));
        }
    });
    let err = GuardedFetcher::default().get(&url, "*/*").unwrap_err();
    assert!(matches!(&err, FetchError::Refused { reason, .. } if reason.contains("loopback")));
    let doc = GuardedFetcher::new(loopback_policy())
        .get(&url, "*/*")
        .unwrap();
    assert_eq!(doc.url, url);
    assert_eq!(doc.content_type.as_deref(), Some("application/did+json"));
}
