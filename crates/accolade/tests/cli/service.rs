//! Running it like a service: a clean stop on SIGTERM (a slow request in flight finishes,
//! new connections are refused, the process exits 0 within `--shutdown-grace`, and the mail
//! job it held is handed back at once), a bulk issue killed with SIGKILL and resumed (every
//! row issued once), and backup while serving → restore into a new data directory → serve,
//! where every credential, DID document and status list verifies (with the Digital Bazaar
//! stack when ACCOLADE_INTEROP=1), on SQLite and, when ACCOLADE_TEST_POSTGRES_URL is set, on
//! PostgreSQL.

use super::*;
use accolade_testkit::SmtpServer;
use std::io::Read as _;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `accolade` with the platform options for `dir` (public URL `base`) and `env`.
fn run(dir: &Path, base: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_accolade"));
    cmd.args(["--data-dir", dir.to_str().unwrap(), "--public-url", base])
        .args(args)
        .env_remove("ACCOLADE_SMTP_URL")
        .env_remove("ACCOLADE_DATABASE_URL")
        .env_remove("ACCOLADE_MASTER_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Starts `serve` on `port` and waits until it answers `/readyz`.
fn serve(dir: &Path, port: u16, env: &[(&str, &str)], extra: &[&str]) -> Server {
    let base = format!("http://127.0.0.1:{port}");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_accolade"));
    cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--data-dir", dir.to_str().unwrap(), "--public-url", &base])
        .arg("--allow-loopback")
        .args(extra)
        .env_remove("ACCOLADE_SMTP_URL")
        .env_remove("ACCOLADE_DATABASE_URL")
        .env_remove("ACCOLADE_MASTER_KEY")
        .env_remove("ACCOLADE_DEMO")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let server = Server(cmd.spawn().unwrap());
    let started = Instant::now();
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            && get(port, "/readyz", "text/plain").0 == 200
        {
            return server;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "not ready");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One GET: status and body.
fn get(port: u16, path: &str, accept: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n").unwrap();
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    parse_reply(&reply)
}

fn parse_reply(reply: &str) -> (u16, String) {
    let status = reply
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = reply.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, body.to_owned())
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {sig}");
}

/// An organization `acme-academy` with one achievement; the achievement's id.
fn seed(dir: &Path, base: &str, env: &[(&str, &str)]) -> String {
    ok(run(
        dir,
        base,
        env,
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
    let a = ok(run(
        dir,
        base,
        env,
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
    let a: Value = serde_json::from_str(&a).unwrap();
    a["id"].as_str().unwrap().to_owned()
}

/// Issues a badge to `email`; the credential's URL.
fn award(dir: &Path, base: &str, env: &[(&str, &str)], achievement: &str, email: &str) -> String {
    let out = ok(run(
        dir,
        base,
        env,
        &["award", "--achievement", achievement, "--email", email],
    ));
    let c: Value = serde_json::from_str(&out).unwrap();
    c["id"].as_str().unwrap().to_owned()
}

#[test]
fn sigterm_finishes_requests_in_flight_and_hands_the_job_back() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let smtp = rt.block_on(SmtpServer::start()).unwrap();
    let smtp_url = smtp.url();
    let tmp = Tmp::new("shutdown");
    let dir = tmp.0.join("data");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let achievement = seed(&dir, &base, &[]);
    // The mail server hangs: the worker claims the badge email and waits on it.
    smtp.set_hanging(true);
    award(&dir, &base, &[], &achievement, "grace@example.com");
    let mut server = serve(
        &dir,
        port,
        &[("ACCOLADE_SMTP_URL", &smtp_url)],
        &["--shutdown-grace", "4"],
    );
    let started = Instant::now();
    while smtp.connections() == 0 {
        assert!(started.elapsed() < Duration::from_secs(20), "no mail sent");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(get(port, "/healthz", "text/plain"), (200, "ok\n".into()));

    // A request in flight: its body arrives slowly, across the signal.
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"input\"\r\n\r\n\
                {\"not\": \"a credential\"}\r\n--XyZ--\r\n";
    let (first, rest) = body.split_at(40);
    let mut slow = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        slow,
        "POST /verify HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    slow.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    signal(&server.0, "-TERM");
    let signalled = Instant::now();
    std::thread::sleep(Duration::from_millis(500));

    // Stopped accepting: a new connection is refused while the old request is still open.
    let refused = std::net::TcpStream::connect(("127.0.0.1", port));
    assert!(
        refused.is_err(),
        "a new connection was accepted after SIGTERM"
    );
    slow.write_all(rest.as_bytes()).unwrap();
    let mut reply = String::new();
    slow.read_to_string(&mut reply).unwrap();
    // The whole answer of the verify page (a verdict on what was sent), not a cut connection.
    let (status, page) = parse_reply(&reply);
    assert!((200..500).contains(&status), "{reply}");
    assert!(page.contains("</html>"), "{reply}");

    // Exits 0 within the grace (the hanging mail job is cut off at its end).
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(8),
            "still running 8 s after SIGTERM with a 4 s grace"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    assert!(signalled.elapsed() >= Duration::from_secs(3));

    // The job was handed back, not left leased for five minutes: the next start sends it
    // within seconds.
    smtp.set_hanging(false);
    let _again = serve(&dir, port, &[("ACCOLADE_SMTP_URL", &smtp_url)], &[]);
    let restarted = Instant::now();
    while smtp.messages().is_empty() {
        assert!(
            restarted.elapsed() < Duration::from_secs(30),
            "the badge email was not sent after the restart: its job is still leased"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(smtp.messages().len(), 1);
    assert_eq!(smtp.messages()[0].to, vec!["grace@example.com".to_owned()]);
}

/// The `progress: d/t issued n …` lines of an import on stderr.
fn issued_in(line: &str) -> Option<i64> {
    let rest = line.strip_prefix("progress: ")?;
    rest.split_whitespace()
        .skip_while(|w| *w != "issued")
        .nth(1)?
        .parse()
        .ok()
}

#[test]
fn a_bulk_issue_killed_midway_resumes_and_issues_each_row_once() {
    let tmp = Tmp::new("killnine");
    let dir = tmp.0.join("data");
    let base = "https://badges.example.org";
    let achievement = seed(&dir, base, &[]);
    let rows = 6000;
    let mut csv = String::from("name,email\n");
    for i in 0..rows {
        csv.push_str(&format!("Learner {i},learner{i}@example.com\n"));
    }
    let file = tmp.write("people.csv", csv);
    let mut child = Command::new(env!("CARGO_BIN_EXE_accolade"))
        .args(["--data-dir", dir.to_str().unwrap(), "--public-url", base])
        .args(["import-csv", "--achievement", &achievement, &file])
        .env_remove("ACCOLADE_SMTP_URL")
        .env_remove("ACCOLADE_DATABASE_URL")
        .env_remove("ACCOLADE_MASTER_KEY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err = BufReader::new(child.stderr.take().unwrap());
    let mut killed_at = None;
    for line in err.lines() {
        let line = line.unwrap();
        if let Some(n) = issued_in(&line).filter(|n| *n > 0) {
            signal(&child, "-KILL");
            killed_at = Some(n);
            break;
        }
    }
    let _ = child.wait();
    let killed_at = killed_at.expect("no chunk was committed");
    assert!(killed_at < rows, "finished before it could be killed");

    // The same file again resumes the import: the rest is issued, nothing twice.
    let out = ok(run(
        &dir,
        base,
        &[],
        &["import-csv", "--achievement", &achievement, "--json", &file],
    ));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["state"], "done", "{out}");
    assert_eq!(report["issued"], rows, "{out}");
    let mail = ok(run(
        &dir,
        base,
        &[],
        &["outbox", "list", "--limit", "100000", "--json"],
    ));
    let mail: Vec<Value> = serde_json::from_str(&mail).unwrap();
    let recipients: std::collections::BTreeSet<String> = mail
        .iter()
        .map(|m| m["to"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(mail.len() as i64, rows, "one badge email per award");
    assert_eq!(recipients.len() as i64, rows, "no recipient twice");
}

/// Stops a server with SIGTERM and waits for it.
fn stop(mut server: Server) {
    signal(&server.0, "-TERM");
    let status = server.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

/// A fresh PostgreSQL database on the server `ACCOLADE_TEST_POSTGRES_URL` names; its URL.
fn scratch_postgres(admin: &str, name: &str) -> String {
    let sql = format!("DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name};");
    for statement in sql.split_inclusive(';') {
        let out = Command::new("psql")
            .args([admin, "-qtAX", "-c", statement])
            .output()
            .expect("psql is needed for the PostgreSQL round trip");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (server, _) = admin.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

/// Environment variables for a command.
type Env<'a> = Vec<(&'a str, &'a str)>;

/// Issues three badges (one revoked), backs up while serving, restores into a new data
/// directory (and database), serves that, and checks every credential, the DID document and
/// the status list there.
fn backup_restore_round_trip(label: &str, databases: Option<(String, String)>) {
    let tmp = Tmp::new(label);
    let (dir, fresh) = (tmp.0.join("data"), tmp.0.join("restored"));
    let (source_env, target_env): (Env, Env) = match &databases {
        Some((a, b)) => (
            vec![("ACCOLADE_DATABASE_URL", a.as_str())],
            vec![("ACCOLADE_DATABASE_URL", b.as_str())],
        ),
        None => (vec![], vec![]),
    };
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let achievement = seed(&dir, &base, &source_env);
    let mut credentials: Vec<String> = ["grace", "ada", "alan"]
        .iter()
        .map(|who| {
            award(
                &dir,
                &base,
                &source_env,
                &achievement,
                &format!("{who}@example.com"),
            )
        })
        .collect();
    let revoked = credentials.pop().unwrap();
    let revoked_id = revoked.rsplit('/').next().unwrap();
    ok(run(
        &dir,
        &base,
        &source_env,
        &["revoke", revoked_id, "--reason", "Issued in error."],
    ));

    // Backed up while the server runs.
    let server = serve(&dir, port, &source_env, &[]);
    let file = tmp.0.join("accolade.backup");
    let printed = ok(run(
        &dir,
        &base,
        &source_env,
        &["backup", "--out", file.to_str().unwrap()],
    ));
    assert!(printed.contains("master key"), "{printed}");
    let again = run(
        &dir,
        &base,
        &source_env,
        &["backup", "--out", file.to_str().unwrap()],
    );
    assert!(!again.status.success(), "a backup overwrote a file");
    stop(server);

    // Restored into a new data directory; the master key is copied on its own.
    let printed = ok(run(
        &fresh,
        &base,
        &target_env,
        &["restore", "--from", file.to_str().unwrap()],
    ));
    assert!(printed.contains("master key"), "{printed}");
    let twice = run(
        &fresh,
        &base,
        &target_env,
        &["restore", "--from", file.to_str().unwrap()],
    );
    assert!(!twice.status.success(), "a restore overwrote a database");
    std::fs::copy(dir.join("master.key"), fresh.join("master.key")).unwrap();

    let _served = serve(&fresh, port, &target_env, &[]);
    let did = format!("did:web:127.0.0.1%3A{port}:issuers:acme-academy");
    let (status, doc) = get(port, "/issuers/acme-academy/did.json", "application/json");
    assert_eq!(status, 200, "{doc}");
    let doc: Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(doc["id"], did.as_str());
    let list = format!("{base}/issuers/acme-academy/status/revocation");
    // Signing works on the restored data (the master key unseals the restored keys).
    credentials.push(award(
        &fresh,
        &base,
        &target_env,
        &achievement,
        "new@example.com",
    ));
    let verify = |url: &str| -> Value {
        let out = accolade(&["verify", "--json", "--allow-loopback", url]);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    for c in &credentials {
        assert_eq!(verify(c)["verdict"], "valid", "{c}");
    }
    assert_ne!(verify(&revoked)["verdict"], "valid");

    if interop() {
        let host = format!("127.0.0.1:{port}");
        let map = format!("{host}={host}");
        for c in credentials.iter().chain([&list]) {
            let out = node("verify.mjs", &["--check-status", "--host-map", &map, c]);
            assert!(
                out.status.success(),
                "{c}: {}{}",
                stdout(&out),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let out = node(
            "verify.mjs",
            &["--check-status", "--host-map", &map, &revoked],
        );
        assert!(!out.status.success(), "the revoked credential verified");
    }
}

#[test]
fn backup_while_serving_restores_into_a_new_data_directory_on_sqlite() {
    backup_restore_round_trip("backup-sqlite", None);
}

#[test]
fn backup_and_restore_on_postgres() {
    let Some(admin) = accolade_testkit::gate::require_var(
        "ACCOLADE_TEST_POSTGRES_URL",
        "the PostgreSQL backup round trip",
        "bash scripts/postgres.sh prints a URL",
    ) else {
        return;
    };
    let pid = std::process::id();
    let source = scratch_postgres(&admin, &format!("accolade_backup_src_{pid}"));
    let target = scratch_postgres(&admin, &format!("accolade_backup_dst_{pid}"));
    backup_restore_round_trip("backup-postgres", Some((source, target)));
}
