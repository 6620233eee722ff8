//! Operator commands on one data directory: `keys list` (text and JSON, before and after a
//! rotation), `outbox list` (the badge email kept unsent without SMTP, per organization),
//! `import-csv --dry-run --map … --errors-csv` (problems reported, exit 1, nothing issued),
//! and `serve --demo` (starts, prints the demo links, a demo credential page answers).

use super::*;
use std::io::Read as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn platform(data_dir: &str, args: &[&str]) -> Output {
    let mut all = vec![
        "--data-dir",
        data_dir,
        "--public-url",
        "https://badges.example.org",
    ];
    all.extend_from_slice(args);
    let out = accolade(&all);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{args:?}"
    );
    out
}

fn ok(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// An organization `acme-academy` with one achievement; the achievement's id.
fn seed(dir: &str) -> String {
    ok(&platform(
        dir,
        &[
            "org",
            "create",
            "--name",
            "Acme Academy",
            "--url",
            "https://acme.example",
            "--json",
        ],
    ));
    let achievement = ok(&platform(
        dir,
        &[
            "achievement",
            "create",
            "--org",
            "acme-academy",
            "--name",
            "First Aid",
            "--description",
            "Workplace first aid.",
            "--criteria",
            "Pass the practical assessment.",
            "--json",
        ],
    ));
    achievement["id"].as_str().unwrap().to_owned()
}

#[test]
fn keys_outbox_and_import_dry_run() {
    let tmp = Tmp::new("operations");
    let dir = tmp.0.join("data").to_string_lossy().into_owned();
    let achievement = seed(&dir);

    // keys list: one active key, in the organization's DID document; a rotation adds one.
    let keys = ok(&platform(
        &dir,
        &["keys", "list", "--org", "acme-academy", "--json"],
    ));
    let keys = keys.as_array().unwrap();
    assert_eq!(keys.len(), 1);
    let first = keys[0]["id"].as_str().unwrap().to_owned();
    assert!(first.starts_with("did:web:badges.example.org:issuers:acme-academy#"));
    assert!(keys[0]["retired"].is_null());
    assert!(
        keys[0]["publicKeyMultibase"]
            .as_str()
            .unwrap()
            .starts_with('z')
    );
    let text = platform(&dir, &["keys", "list", "--org", "acme-academy"]);
    assert!(text.status.success());
    assert_eq!(stdout(&text).trim(), format!("{first}  active"));
    ok(&platform(
        &dir,
        &["keys", "rotate", "--org", "acme-academy"],
    ));
    let text = stdout(&platform(&dir, &["keys", "list", "--org", "acme-academy"]));
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains(&format!("{first}  retired ")), "{text}");
    let missing = platform(&dir, &["keys", "list", "--org", "no-such-org"]);
    assert!(!missing.status.success());

    // outbox list: an award writes the badge email, kept unsent without an SMTP server.
    let empty = ok(&platform(&dir, &["outbox", "list", "--json"]));
    assert_eq!(empty.as_array().unwrap().len(), 0);
    ok(&platform(
        &dir,
        &[
            "award",
            "--achievement",
            &achievement,
            "--email",
            "ada@example.com",
            "--name",
            "Ada Lovelace",
        ],
    ));
    let listed = ok(&platform(
        &dir,
        &["outbox", "list", "--org", "acme-academy", "--json"],
    ));
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let mail = serde_json::to_string(&listed[0]).unwrap();
    assert!(mail.contains("ada@example.com"), "{mail}");
    assert!(mail.contains("First Aid"), "{mail}");
    let text = platform(&dir, &["outbox", "list"]);
    assert!(text.status.success());
    let line = stdout(&text);
    let first = line.lines().next().unwrap_or_default();
    assert!(first.contains(" queued "), "kept without SMTP: {line}");
    assert!(first.contains("ada@example.com"), "{line}");
    assert!(first.contains("awarded you \"First Aid\""), "{line}");
    assert!(line.contains("1 message(s)"), "{line}");

    // import-csv --dry-run with mapped columns: one good row, a duplicate, a bad address.
    let csv = tmp.write(
        "people.csv",
        "Full name;Mail;Other\n\
         Grace Hopper;grace@example.com;x\n\
         Grace Again;grace@example.com;x\n\
         Nobody;not-an-address;x\n",
    );
    let errors = tmp.0.join("errors.csv");
    let errors_arg = errors.to_string_lossy().into_owned();
    let out = platform(
        &dir,
        &[
            "import-csv",
            "--achievement",
            &achievement,
            "--map",
            "email=Mail",
            "--map",
            "name=Full name",
            "--dry-run",
            "--errors-csv",
            &errors_arg,
            &csv,
        ],
    );
    let report = stdout(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "errors make a dry run fail: {report}{stderr}"
    );
    assert!(
        report.contains("(3 rows; columns: email=\"Mail\", name=\"Full name\""),
        "{report}"
    );
    assert!(report.contains("not-an-address"), "{report}");
    assert!(stderr.contains("dry run: nothing issued"), "{stderr}");
    let written = std::fs::read_to_string(&errors).unwrap();
    assert!(written.contains("not-an-address"), "{written}");
    assert!(
        !written.contains("Grace Hopper"),
        "a good row is no issue: {written}"
    );
    let after = ok(&platform(&dir, &["outbox", "list", "--json"]));
    assert_eq!(
        after.as_array().unwrap().len(),
        1,
        "the dry run issued nothing"
    );
    let bad_map = platform(
        &dir,
        &[
            "import-csv",
            "--achievement",
            &achievement,
            "--map",
            "colour=Mail",
            "--dry-run",
            &csv,
        ],
    );
    assert!(!bad_map.status.success());
    assert!(
        String::from_utf8_lossy(&bad_map.stderr)
            .contains("the fields are email, name and issued_at")
    );
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A plain HTTP/1.1 GET of `path` on 127.0.0.1:`port`: the status code and the body.
fn http_get(port: u16, path: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/html\r\nConnection: close\r\n\r\n").unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let status = reply
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = reply
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

#[test]
fn serve_demo_prints_links_that_answer() {
    let tmp = Tmp::new("demo");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_accolade"))
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--data-dir", tmp.0.to_str().unwrap(), "--public-url", &base])
        .env_remove("ACCOLADE_SMTP_URL")
        .env_remove("ACCOLADE_DATABASE_URL")
        .env_remove("ACCOLADE_DEMO")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let _server = Server(child);
    let mut lines = Vec::new();
    for line in BufReader::new(out).lines() {
        let line = line.unwrap();
        let done = line.starts_with("Verify any badge at");
        lines.push(line);
        if done {
            break;
        }
    }
    let printed = lines.join("\n");
    assert!(
        printed.contains(&format!("Demo organization: {base}/issuers/")),
        "{printed}"
    );
    assert!(
        printed.contains(&format!("Verify any badge at {base}/verify")),
        "{printed}"
    );
    let credentials: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.split_whitespace().last())
        .filter(|u| u.starts_with(&format!("{base}/credentials/")))
        .collect();
    assert!(
        !credentials.is_empty(),
        "no demo credential links: {printed}"
    );
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "not listening");
        std::thread::sleep(Duration::from_millis(100));
    }
    let path = credentials[0].strip_prefix(&base).unwrap();
    let (status, body) = http_get(port, path);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<!DOCTYPE html>") || body.contains("<!doctype html>"));
    let issuer = lines
        .iter()
        .find_map(|l| l.strip_prefix("Demo organization: "))
        .unwrap();
    let (status, body) = http_get(port, issuer.strip_prefix(&base).unwrap());
    assert_eq!(status, 200, "{body}");
}
