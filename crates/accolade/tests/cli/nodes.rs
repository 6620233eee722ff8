//! Two `accolade serve` nodes on one PostgreSQL database behind a real nginx (round-robin),
//! sharing the master key and nothing else (each has its own data and temporary folder, as
//! on separate machines; a node with another master key refuses to start): a signed-in user stays signed in on either node, and a form from
//! one is accepted by the other; every badge email issued on node A while both nodes' job
//! workers run reaches the mail server exactly once; a revocation on A shows on B's kept
//! credential page and in B's status list within a second; a file uploaded on A is mapped
//! on B; and a bulk issue started on A, killed with `kill -9` after its first chunk, is
//! finished by B with exactly the expected awards.

use super::web::{Client, Node, Reply, demo_login, demo_org, free_port};
use super::*;
use accolade_credentials::status_list::BitstringStatusList;
use accolade_testkit::SmtpServer;
use accolade_testkit::nginx::{self, Nginx, NginxConfig};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Badges issued one by one through node A.
const ISSUED: usize = 12;
/// Rows of the bulk issue: two chunks, so that node A dies between them.
const IMPORTED: usize = 4000;

fn local(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// The text of the credential page's status banner.
fn banner(body: &str) -> &str {
    body.split_once("<p class=\"banner-title\">")
        .and_then(|(_, rest)| rest.split_once("</p>"))
        .map_or("no banner", |(title, _)| title.trim())
}

/// Whether bit `index` is set in the status list `body`.
fn listed(body: &str, index: u64) -> bool {
    let list: Value = serde_json::from_str(body).unwrap();
    let encoded = list["credentialSubject"]["encodedList"].as_str().unwrap();
    BitstringStatusList::decode(encoded)
        .unwrap()
        .get(index)
        .unwrap()
}

fn ok(r: Reply, what: &str) -> Reply {
    assert!(
        r.status == 200 || r.status == 303,
        "{what}: {} {}",
        r.status,
        r.body
    );
    r
}

#[test]
fn two_nodes_behind_nginx_on_one_postgres() {
    let Some(bin) = nginx::binary("the several-nodes test") else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt
        .block_on(accolade_store::testing::fresh_postgres())
        .unwrap()
    else {
        return;
    };
    let smtp = rt.block_on(SmtpServer::start()).unwrap();
    let tmp = Tmp::new("nodes");
    let (a_addr, b_addr) = (local(free_port("127.0.0.1")), local(free_port("127.0.0.1")));
    let lb = Nginx::start(&bin, &NginxConfig::round_robin(vec![a_addr, b_addr])).unwrap();
    let base = lb.base_url();
    let smtp_url = smtp.url();
    let data = |n: &str| tmp.0.join(n).to_string_lossy().into_owned();
    let (data_a, data_b, data_cli) = (data("a"), data("b"), data("cli"));
    let common = [
        "--database-url",
        db.url(),
        "--public-url",
        &base,
        "--smtp-url",
        &smtp_url,
    ];
    let mut a_args = vec!["--demo", "--data-dir", &data_a];
    a_args.extend_from_slice(&common);
    let mut node_a = Node::start("a", &tmp, a_addr, &a_args, &[]);
    // The first node made the master key; the second is given the same one.
    let key = std::fs::read_to_string(tmp.0.join("a/master.key")).unwrap();
    let key = key.trim();
    let mut b_args = vec!["--data-dir", data_b.as_str()];
    b_args.extend_from_slice(&common);
    let node_b = Node::start("b", &tmp, b_addr, &b_args, &[("ACCOLADE_MASTER_KEY", key)]);
    // A third node given another master key refuses to start, saying why.
    let data_c = data("c");
    let other_key = "A".repeat(43);
    let refused = Command::new(env!("CARGO_BIN_EXE_accolade"))
        .args([
            "serve",
            "--listen",
            &local(free_port("127.0.0.1")).to_string(),
        ])
        .args(["--data-dir", &data_c])
        .args(common)
        .env("ACCOLADE_MASTER_KEY", &other_key)
        .env_remove("ACCOLADE_DEMO")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{said}");
    assert!(said.contains("not the instance's"), "{said}");
    let (email, password) = demo_login(&node_a);
    let slug = demo_org(&node_a);
    let achievement = Command::new(env!("CARGO_BIN_EXE_accolade"))
        .args(["--data-dir", &data_cli, "--database-url", db.url()])
        .args(["--public-url", &base])
        .args([
            "achievement",
            "create",
            "--org",
            &slug,
            "--name",
            "Night Shift",
        ])
        .args(["--description", "Worked the night shift.", "--json"])
        .args(["--criteria", "Work a full night shift."])
        .env("ACCOLADE_MASTER_KEY", key)
        .output()
        .unwrap();
    assert!(
        achievement.status.success(),
        "{}",
        String::from_utf8_lossy(&achievement.stderr)
    );
    let achievement: Value = serde_json::from_slice(&achievement.stdout).unwrap();
    let achievement = achievement["id"].as_str().unwrap().to_owned();

    // Signed in through nginx: every page, whichever node answers, knows the user.
    let mut user = Client::new("127.0.0.1", lb.addr());
    let signed = user.sign_in(&email, &password);
    assert_eq!(signed.status, 303, "{}", signed.body);
    for _ in 0..6 {
        let r = user.get("/dashboard");
        assert_eq!(r.status, 200, "signed in on every node: {}", r.body);
    }
    let served_by: Vec<String> = lb
        .access_log()
        .lines()
        .filter(|l| l.contains("GET /dashboard "))
        .filter_map(|l| l.split_whitespace().last().map(str::to_owned))
        .collect();
    for node in [a_addr, b_addr] {
        assert!(
            served_by.contains(&node.to_string()),
            "nginx used both nodes: {served_by:?}"
        );
    }
    let mut on_a = user.to(a_addr);
    let mut on_b = user.to(b_addr);
    assert_eq!(on_a.get("/dashboard").status, 200);
    assert_eq!(on_b.get("/dashboard").status, 200);

    // Badges issued on A (with a form token read from B's page) while both workers run:
    // each email is sent once.
    let issue = format!("/dashboard/orgs/{slug}/achievements/{achievement}/issue");
    let csrf = ok(on_b.get(&issue), "the issue form on B").csrf();
    let mut credentials = Vec::new();
    for i in 0..ISSUED {
        let done = on_a.post_form(
            &issue,
            &[
                ("csrf", &csrf),
                ("email", &format!("learner{i}@nodes.example.org")),
                ("name", &format!("Learner {i}")),
            ],
        );
        assert_eq!(done.status, 303, "issuing on A: {}", done.body);
        let r = ok(on_a.get(&done.location()), "the issue form after issuing");
        let at = r
            .body
            .find("/credentials/")
            .expect("the new credential's link");
        let id: String = r.body[at + "/credentials/".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        credentials.push(id);
    }
    let ours = |smtp: &SmtpServer| -> Vec<String> {
        smtp.messages()
            .into_iter()
            .flat_map(|m| m.to)
            .filter(|t| t.contains("@nodes.example.org"))
            .collect()
    };
    let until = Instant::now() + Duration::from_secs(60);
    while ours(&smtp).len() < ISSUED && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(200));
    }
    // Long enough for a second run of any job to have sent its email again.
    std::thread::sleep(Duration::from_secs(4));
    let mut sent = ours(&smtp);
    sent.sort();
    let mut once = sent.clone();
    once.dedup();
    assert_eq!(once.len(), ISSUED, "every email went out: {sent:?}");
    assert_eq!(sent.len(), ISSUED, "and each exactly once: {sent:?}");

    // A revocation on A: B's kept page and B's status list show it within a second.
    let page = format!("/credentials/{}", credentials[0]);
    let credential: Value =
        serde_json::from_str(&ok(on_b.get(&format!("{page}.json")), "the credential").body)
            .unwrap();
    let index: u64 = credential["credentialStatus"]["statusListIndex"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let list = format!("/issuers/{slug}/status/revocation");
    let mut public_b = Client::new("127.0.0.1", b_addr);
    assert_eq!(banner(&public_b.get(&page).body), "Verified");
    assert!(!listed(&public_b.get(&list).body, index));
    assert_eq!(banner(&public_b.get(&page).body), "Verified", "kept on B");
    let status = format!("/dashboard/orgs/{slug}/awards/{}/status", credentials[0]);
    let revoked = on_a.post_form(
        &status,
        &[
            ("csrf", &csrf),
            ("action", "revoke"),
            ("reason", "Issued in error"),
        ],
    );
    assert_eq!(revoked.status, 303, "{}", revoked.body);
    // Each sighting is timed from when its request was sent, polling without pause.
    let at = Instant::now();
    let (mut page_seen, mut list_seen) = (None, None);
    while (page_seen.is_none() || list_seen.is_none()) && at.elapsed() < Duration::from_secs(5) {
        let sent = at.elapsed();
        if page_seen.is_none() && banner(&public_b.get(&page).body) == "Revoked" {
            page_seen = Some(sent);
        }
        let sent = at.elapsed();
        if list_seen.is_none() && listed(&public_b.get(&list).body, index) {
            list_seen = Some(sent);
        }
    }
    eprintln!("revoked on A: B's page after {page_seen:?}, B's status list after {list_seen:?}");
    assert!(
        page_seen.is_some_and(|t| t <= Duration::from_secs(1)),
        "{page_seen:?}"
    );
    assert!(
        list_seen.is_some_and(|t| t <= Duration::from_secs(1)),
        "{list_seen:?}"
    );

    // A bulk issue: uploaded on A, mapped and checked on B, started on A.
    let mut csv = String::from("email,name\n");
    for i in 0..IMPORTED {
        csv.push_str(&format!("p{i}@import.example.org,Person {i}\n"));
    }
    let imports = format!("/dashboard/orgs/{slug}/imports");
    let up = on_a.post_file(
        &imports,
        &[("csrf", &csrf), ("achievement", &achievement)],
        ("people.csv", csv.as_bytes()),
    );
    assert_eq!(up.status, 303, "{}", up.body);
    let map = ok(on_b.get(&up.location()), "the mapping form on B");
    assert!(map.body.contains("p0@import.example.org"), "{}", map.body);
    let action = up.location().split('?').next().unwrap().to_owned();
    let report = on_b.post_form(
        &action,
        &[
            ("csrf", &csrf),
            ("achievement", &achievement),
            ("email", "email"),
            ("name", "name"),
            ("issued_at", ""),
        ],
    );
    assert_eq!(report.status, 303, "the dry run on B: {}", report.body);
    let import = report.location();
    let progress = |c: &mut Client| -> Value {
        let r = c.get(&format!("{import}/progress"));
        assert_eq!(r.status, 200, "{}", r.body);
        serde_json::from_str(&r.body).unwrap()
    };
    assert_eq!(progress(&mut on_b)["state"], "draft");
    let started = on_a.post_form(&format!("{import}/start"), &[("csrf", &csrf)]);
    assert_eq!(started.status, 303, "{}", started.body);

    // Node A dies after its first chunk is committed, before the last.
    let until = Instant::now() + Duration::from_secs(120);
    let at_kill = loop {
        let p = progress(&mut on_b);
        if p["issued"].as_i64().unwrap_or(0) > 0 {
            break p;
        }
        assert!(
            Instant::now() < until,
            "no chunk committed: {p} {}",
            node_a.output()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    node_a.kill();
    let issued_at_kill = at_kill["issued"].as_i64().unwrap();
    assert!(
        (issued_at_kill as usize) < IMPORTED,
        "node A was killed mid-import: {at_kill}"
    );
    let killed = Instant::now();
    let done = loop {
        let p = progress(&mut on_b);
        if p["state"] == "done" {
            break p;
        }
        assert!(
            killed.elapsed() < Duration::from_secs(120),
            "node B did not finish the import: {p} {}",
            node_b.output()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    eprintln!(
        "bulk issue: {issued_at_kill} issued when node A was killed; node B finished it {:?} later",
        killed.elapsed()
    );
    assert_eq!(done["issued"].as_i64(), Some(IMPORTED as i64), "{done}");
    let export = ok(
        on_b.get(&format!("/dashboard/orgs/{slug}/awards/export.csv")),
        "the awards export",
    );
    let mut awarded: Vec<&str> = export
        .body
        .lines()
        .filter_map(|l| l.split(',').find(|c| c.contains("@import.example.org")))
        .collect();
    let all = awarded.len();
    awarded.sort_unstable();
    awarded.dedup();
    assert_eq!(
        (all, awarded.len()),
        (IMPORTED, IMPORTED),
        "exactly one award per row"
    );

    // Signing out on one node signs out everywhere.
    let csrf_now = ok(on_b.get("/dashboard"), "the dashboard").csrf();
    ok(
        on_b.post_form("/signout", &[("csrf", &csrf_now)]),
        "signing out",
    );
    let after = user.to(b_addr).get("/dashboard");
    assert_ne!(after.status, 200, "signed out");
    drop(node_b);
    drop(lb);
}
