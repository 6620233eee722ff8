//! `serve --demo` prints a sign-in for the demo workspace: it signs in over HTTP, opens the
//! demo organization's workspace as its owner, and a second start on the same data directory
//! prints the same sign-in.

use super::*;
use std::io::Read as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `serve --demo` on a free port; the server, its port and what it printed up to
/// the line naming the verify page.
fn start(data_dir: &Path) -> (Server, u16, Vec<String>) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_accolade"))
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .args([
            "--data-dir",
            data_dir.to_str().unwrap(),
            "--public-url",
            &base,
        ])
        .env_remove("ACCOLADE_SMTP_URL")
        .env_remove("ACCOLADE_DATABASE_URL")
        .env_remove("ACCOLADE_DEMO")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let server = Server(child);
    let mut lines = Vec::new();
    for line in BufReader::new(out).lines() {
        let line = line.unwrap();
        let done = line.starts_with("Verify any badge at");
        lines.push(line);
        if done {
            break;
        }
    }
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "not listening");
        std::thread::sleep(Duration::from_millis(100));
    }
    (server, port, lines)
}

/// The value printed after `label` on a line of its own (`  email     demo@…`).
pub(super) fn printed(lines: &[String], label: &str) -> String {
    lines
        .iter()
        .find_map(|l| l.trim().strip_prefix(label))
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| panic!("no {label} printed: {lines:#?}"))
}

/// One HTTP/1.1 request on 127.0.0.1:`port`: the status, the `Set-Cookie` values (name=value)
/// and `Location`, and the body.
pub(super) fn request(
    port: u16,
    method: &str,
    path: &str,
    cookies: &str,
    form: Option<&str>,
) -> (u16, Vec<String>, Option<String>, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let body = form.unwrap_or("");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/html\r\nConnection: close\r\n"
    );
    if !cookies.is_empty() {
        head.push_str(&format!("Cookie: {cookies}\r\n"));
    }
    if form.is_some() {
        head.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    write!(s, "{head}\r\n{body}").unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let header = |name: &str| {
        head.lines()
            .filter_map(move |l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| v.trim().to_owned())
            })
            .collect::<Vec<_>>()
    };
    let set_cookies = header("set-cookie")
        .into_iter()
        .filter_map(|c| c.split(';').next().map(str::to_owned))
        .collect();
    let location = header("location").into_iter().next();
    (status, set_cookies, location, body.to_owned())
}

/// `application/x-www-form-urlencoded` of a few plain values.
pub(super) fn form(pairs: &[(&str, &str)]) -> String {
    let enc = |v: &str| {
        v.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Signs in through the form; the session cookie.
pub(super) fn sign_in(
    port: u16,
    email: &str,
    password: &str,
) -> (u16, Option<String>, Option<String>) {
    let (status, cookies, _, body) = request(port, "GET", "/signin", "", None);
    assert_eq!(status, 200, "{body}");
    let form_cookie = cookies
        .iter()
        .find(|c| c.starts_with("accolade_form="))
        .expect("the sign-in form sets its token cookie")
        .clone();
    let csrf = form_cookie.trim_start_matches("accolade_form=").to_owned();
    let (status, cookies, location, _) = request(
        port,
        "POST",
        "/signin",
        &form_cookie,
        Some(&form(&[
            ("csrf", &csrf),
            ("email", email),
            ("password", password),
        ])),
    );
    let session = cookies
        .into_iter()
        .find(|c| c.starts_with("accolade_session="));
    (status, session, location)
}

#[test]
fn serve_demo_prints_a_sign_in_that_works() {
    let tmp = Tmp::new("demo-signin");
    let (server, port, lines) = start(&tmp.0);
    let base = format!("http://127.0.0.1:{port}");
    assert!(
        lines.contains(&format!("Demo workspace: sign in at {base}/signin")),
        "{lines:#?}"
    );
    let email = printed(&lines, "email");
    let password = printed(&lines, "password");
    assert_eq!(email, "demo@northwind.example");
    assert!(password.len() >= 10, "{password}");

    let (status, session, location) = sign_in(port, &email, &password);
    assert_eq!(status, 303, "the printed sign-in is accepted");
    assert_eq!(location.as_deref(), Some("/dashboard"));
    let session = session.expect("a session cookie");
    let (status, _, _, body) = request(port, "GET", "/dashboard", &session, None);
    assert_eq!(status, 200);
    assert!(body.contains("Northwind Academy"), "{body}");
    let (status, _, _, body) = request(
        port,
        "GET",
        "/dashboard/orgs/northwind-academy",
        &session,
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Your role: owner"), "{body}");
    assert!(body.contains("Ada Lovelace"), "the demo awards are there");
    let (status, _, _) = sign_in(port, &email, "not-the-password");
    assert_eq!(status, 401, "another password is refused");
    drop(server);

    // The same data directory: the same sign-in, printed again, still works.
    let (_server, port, again) = start(&tmp.0);
    assert_eq!(printed(&again, "password"), password);
    let (status, session, _) = sign_in(port, &email, &password);
    assert_eq!(status, 303);
    assert!(session.is_some());
}
