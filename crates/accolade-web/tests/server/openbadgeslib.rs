//! openbadgeslib (PyPI, `interop/py/requirements-openbadgeslib.txt`) reads and verifies what a
//! running server hands out, offline: the OB 3.0 baked PNG and SVG, the signed JSON and the
//! VC-JWT, downloaded over HTTP, with the issuer's DID document and status list as the server
//! publishes them (`interop/py/openbadgeslib_check.py` says what each check is). Tampered
//! copies, another recipient's email and a revoked credential fail. Runs when
//! ACCOLADE_PYTHON_OBL names the Python of that venv (scripts/test.sh sets it); skipped
//! otherwise.

use super::{Http, PUBLIC, start};
use accolade_app::{NewAchievement, NewAward, NewOrganization};
use accolade_core::{Actor, Award, ExpiryPolicy};
use accolade_credentials::bake;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const STATUS_LIST: &str = "/issuers/acme/status/revocation";

/// The raw bytes of a GET, which must answer 200.
fn download(http: &Http, path: &str) -> Vec<u8> {
    let mut res = http
        .agent
        .get(format!("{}{path}", http.base))
        .call()
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "GET {path}");
    let mut bytes = Vec::new();
    res.body_mut().as_reader().read_to_end(&mut bytes).unwrap();
    bytes
}

/// A folder for this run's files (left for inspection).
fn folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("accolade-openbadgeslib-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

/// Runs openbadgeslib_check.py: whether it exited 0, and its lines by file.
fn check(python: &str, args: &[&str]) -> (bool, Vec<Value>) {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../interop/py/openbadgeslib_check.py");
    let out = Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?} ({e}); stderr: {stderr}"))
        })
        .collect();
    assert!(!lines.is_empty(), "no output; stderr: {stderr}");
    (out.status.success(), lines)
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// `token` with the payload of `other` (a genuine payload, signed for someone else).
fn swap_payload(token: &str, other: &str) -> String {
    let mine: Vec<&str> = token.split('.').collect();
    let theirs: Vec<&str> = other.split('.').collect();
    format!("{}.{}.{}", mine[0], theirs[1], mine[2])
}

/// One credential's downloads: the baked PNG and SVG, the JSON and the VC-JWT.
struct Files {
    png: Vec<u8>,
    svg: Vec<u8>,
    json: Vec<u8>,
    jwt: String,
}

fn files(http: &Http, award: &Award) -> Files {
    let base = format!("/credentials/{}", award.id);
    let jwt = download(http, &format!("{base}/credential.jwt"));
    Files {
        png: download(http, &format!("{base}/badge.png")),
        svg: download(http, &format!("{base}/badge.svg")),
        json: download(http, &format!("{base}/credential.json")),
        jwt: String::from_utf8(jwt).unwrap().trim().to_owned(),
    }
}

fn ok(line: &Value, check: &str) -> bool {
    line["checks"][check]["ok"] == true
}

fn error(line: &Value, check: &str) -> String {
    line["checks"][check]["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn openbadgeslib_reads_and_verifies_downloads() {
    let Some(python) = accolade_testkit::gate::require_var(
        "ACCOLADE_PYTHON_OBL",
        "interop/py/openbadgeslib_check.py",
        "a Python with interop/py/requirements-openbadgeslib.txt; scripts/test.sh sets it",
    ) else {
        return;
    };
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    let org = app
        .create_org(NewOrganization {
            name: "Acme Academy".into(),
            url: "https://acme.example".into(),
            email: None,
            description: None,
            slug: Some("acme".into()),
        })
        .await
        .unwrap();
    let svg = accolade_app::demo::badge_svg("RUST", "ACME", "#1f4e79", "#f2c14e");
    let image = app.add_image(Some(org.id), svg.into_bytes()).await.unwrap();
    let achievement = app
        .create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "Rust Fundamentals".into(),
                description: "Completed the Rust course.".into(),
                criteria_narrative: Some("Pass the final assessment.".into()),
                image_id: Some(image.id),
                expiry: ExpiryPolicy::MonthsAfterIssue(24),
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap();
    let mut awards = Vec::new();
    for (email, name) in [
        ("ada@example.com", "Ada Lovelace"),
        ("eve@example.com", "Eve"),
    ] {
        let award = app
            .award(
                &Actor::system(),
                NewAward {
                    achievement_id: achievement.id,
                    recipient_email: email.into(),
                    recipient_name: Some(name.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        awards.push(award);
    }
    let (ada, eve) = (&awards[0], &awards[1]);

    let dir = folder();
    let status_url = format!("{PUBLIC}{STATUS_LIST}");
    // The DID document is read after the first VC-JWT download, which makes the JWT key.
    let (ada_files, eve_files, did, list) = tokio::task::block_in_place(|| {
        let a = files(&http, ada);
        let e = files(&http, eve);
        let did = download(&http, "/issuers/acme/did.json");
        let list = download(&http, STATUS_LIST);
        (a, e, did, list)
    });
    let did = write(&dir, "did.json", &did);
    let list_doc = format!("{status_url}={}", write(&dir, "status-list.json", &list));
    let base = [
        "--did",
        did.as_str(),
        "--check-status",
        "--doc",
        list_doc.as_str(),
    ];

    // Everything Accolade hands out verifies, read by openbadgeslib's own extraction.
    let genuine = [
        write(&dir, "badge.png", &ada_files.png),
        write(&dir, "badge.svg", &ada_files.svg),
        write(&dir, "credential.json", &ada_files.json),
        write(&dir, "credential.jwt", ada_files.jwt.as_bytes()),
    ];
    let mut args = base.to_vec();
    args.extend(["--email", "ada@example.com"]);
    args.extend(genuine.iter().map(String::as_str));
    let (passed, lines) = tokio::task::block_in_place(|| check(&python, &args));
    assert!(passed, "{lines:#?}");
    let credential_id = format!("{PUBLIC}/credentials/{}", ada.id);
    let expected = [
        ("png", "ldp", &["pinned_key", "did_web", "badge"][..]),
        ("svg", "ldp", &["pinned_key", "did_web", "badge"][..]),
        ("json", "ldp", &["pinned_key", "did_web"][..]),
        ("jwt", "vc-jwt", &["pinned_key"][..]),
    ];
    for (line, (carrier, format, checks)) in lines.iter().zip(expected) {
        assert_eq!(line["verified"], true, "{line:#}");
        assert_eq!(line["carrier"], carrier, "{line:#}");
        assert_eq!(line["format"], format, "{line:#}");
        assert_eq!(line["credential_id"], credential_id.as_str(), "{line:#}");
        assert_eq!(line["issuer"], "did:web:accolade.test:issuers:acme");
        for check in checks.iter().chain(&["recipient", "status"]) {
            assert!(ok(line, check), "{check} did not pass: {line:#}");
        }
        if format == "ldp" {
            assert_eq!(
                line["extracted_sha256"],
                sha256_hex(&ada.credential),
                "{carrier}: openbadgeslib extracted something else"
            );
        } else {
            assert_eq!(line["checks"]["pinned_key"]["alg"], "ES256");
        }
    }

    // Tampered copies fail: one field changed in the signed JSON, in the JSON baked into the
    // PNG and the SVG, and a VC-JWT carrying another recipient's genuine payload.
    let tampered = ada
        .credential
        .replace("\"Rust Fundamentals\"", "\"Rust Mastery\"");
    assert_ne!(tampered, ada.credential);
    let png = bake::bake_png(&ada_files.png, &tampered).unwrap();
    let svg = String::from_utf8(ada_files.svg.clone()).unwrap();
    assert!(
        svg.contains(&ada.credential),
        "the SVG carries the JSON as it is"
    );
    let svg = svg.replace(&ada.credential, &tampered);
    let forged = swap_payload(&ada_files.jwt, &eve_files.jwt);
    let bad = [
        write(&dir, "tampered.png", &png),
        write(&dir, "tampered.svg", svg.as_bytes()),
        write(&dir, "tampered.json", tampered.as_bytes()),
        write(&dir, "forged.jwt", forged.as_bytes()),
    ];
    let mut args = base.to_vec();
    args.extend(bad.iter().map(String::as_str));
    let (passed, lines) = tokio::task::block_in_place(|| check(&python, &args));
    assert!(
        !passed,
        "openbadgeslib accepted a tampered file: {lines:#?}"
    );
    assert_eq!(lines.len(), 4);
    for line in &lines {
        assert_eq!(line["verified"], false, "{line:#}");
        let expect = if line["format"] == "ldp" {
            "Invalid Data Integrity proof (signature mismatch)"
        } else {
            "Invalid signature"
        };
        assert!(
            error(line, "pinned_key").contains(expect),
            "{expect:?} expected: {line:#}"
        );
        if line["format"] == "ldp" {
            assert!(error(line, "did_web").contains(expect), "{line:#}");
        }
    }

    // Another recipient's email does not match the salted hash; the credential still verifies.
    let mut args = base.to_vec();
    args.extend(["--email", "eve@example.com", genuine[2].as_str()]);
    let (passed, lines) = tokio::task::block_in_place(|| check(&python, &args));
    assert!(!passed);
    assert!(ok(&lines[0], "pinned_key") && !ok(&lines[0], "recipient"));
    assert!(error(&lines[0], "recipient").contains("salted hash of eve@example.com"));

    // Revoked: openbadgeslib reads the bit in the list the server now publishes.
    app.revoke(&Actor::system(), eve.id, "Issued in error")
        .await
        .unwrap();
    let list = tokio::task::block_in_place(|| download(&http, STATUS_LIST));
    let list_doc = format!("{status_url}={}", write(&dir, "status-list-2.json", &list));
    let revoked = write(&dir, "revoked.json", &eve_files.json);
    let valid = genuine[2].as_str();
    let args = [
        "--did",
        did.as_str(),
        "--check-status",
        "--doc",
        list_doc.as_str(),
        revoked.as_str(),
        valid,
    ];
    let (passed, lines) = tokio::task::block_in_place(|| check(&python, &args));
    assert!(!passed, "{lines:#?}");
    assert!(ok(&lines[0], "pinned_key") && !ok(&lines[0], "status"));
    assert!(
        error(&lines[0], "status").contains("Credential status 'revocation' is set"),
        "{:#}",
        lines[0]
    );
    assert_eq!(lines[1]["verified"], true, "{:#}", lines[1]);
}
