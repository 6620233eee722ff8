//! The `accolade` command end to end: keygen → sign → verify, bake/unbake, did:web over a
//! real loopback HTTP server with a status list, and interoperability with the Digital
//! Bazaar JavaScript stack (run when ACCOLADE_INTEROP=1, as `scripts/test.sh` does).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn accolade(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_accolade"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "accolade {args:?} panicked: {stderr}"
    );
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn interop() -> bool {
    let on = std::env::var("ACCOLADE_INTEROP").is_ok_and(|v| v == "1");
    if !on {
        eprintln!("interop checks skipped: set ACCOLADE_INTEROP=1 (scripts/test.sh does)");
    }
    on
}

fn node(script: &str, args: &[&str]) -> Output {
    let dir = workspace().join("interop");
    assert!(
        dir.join("node_modules").exists(),
        "run `npm ci` in interop/ first (scripts/test.sh does)"
    );
    Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .output()
        .expect("node is required for the interop tests")
}

struct Tmp(PathBuf);
impl Tmp {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("accolade-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }
    fn write(&self, name: &str, data: impl AsRef<[u8]>) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, data).unwrap();
        p.to_string_lossy().into_owned()
    }
}
impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn keygen(tmp: &Tmp) -> (String, Value) {
    let out = accolade(&["keygen"]);
    assert!(out.status.success());
    let key: Value = serde_json::from_slice(&out.stdout).unwrap();
    (tmp.write("key.json", &out.stdout), key)
}

fn unsigned_badge(issuer: &str, status: Option<&str>) -> Value {
    let mut c = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:0f1c7d2e-5d7e-4b61-9a2f-0c4d1e6b7a93",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Acme Academy"},
        "validFrom": "2025-01-15T12:00:00Z",
        "name": "Rust Fundamentals",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": true,
                "identityHash": "sha256$815d0499d8c5d198644be401ed16156680e2add5bfcb14b8178d5f9aead4cd57", "salt": "Kx7Rq2Lw"}],
            "achievement": {"id": "https://acme.example/achievements/rust", "type": ["Achievement"], "name": "Rust Fundamentals",
                "description": "Completed the course.", "criteria": {"narrative": "Pass the final assessment."},
                "achievementType": "Course", "creditsAvailable": 2.5}
        }
    });
    if let Some(list) = status {
        c["credentialStatus"] = json!({"id": format!("{list}#42"), "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": "42", "statusListCredential": list});
    }
    c
}

#[test]
fn keygen_sign_verify_and_tamper() {
    let tmp = Tmp::new("sign");
    let (key_path, key) = keygen(&tmp);
    let did = key["didKey"].as_str().unwrap();
    let unsigned = tmp.write("unsigned.json", unsigned_badge(did, None).to_string());
    let out = accolade(&["sign", "--key", &key_path, &unsigned]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed = tmp.write("signed.json", &out.stdout);
    let signed_json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(signed_json["proof"].is_array());

    let out = accolade(&["verify", "--offline", &signed]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("Valid"));
    let out = accolade(&[
        "verify",
        "--offline",
        "--json",
        "--email",
        "LEARNER@example.com",
        &signed,
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "valid");
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["check"] == "recipient" && c["outcome"] == "passed")
    );

    let tampered = tmp.write(
        "tampered.json",
        std::fs::read_to_string(&signed)
            .unwrap()
            .replace("Rust Fundamentals", "Rust Mastery"),
    );
    let out = accolade(&["verify", "--offline", &tampered]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("signature does not match"),
        "{}",
        stdout(&out)
    );

    if interop() {
        let out = node("verify.mjs", &[&signed]);
        assert!(
            out.status.success(),
            "Digital Bazaar rejected Accolade's credential: {}{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        );
        let out = node("schema.mjs", &[&signed]);
        assert!(
            out.status.success(),
            "the official schema rejected Accolade's credential: {}",
            stdout(&out)
        );
        let out = node("verify.mjs", &[&tampered]);
        assert!(
            !out.status.success(),
            "Digital Bazaar accepted a tampered credential"
        );
    }
}

#[test]
fn credentials_signed_by_the_javascript_stack_verify() {
    if !interop() {
        return;
    }
    let tmp = Tmp::new("dbsign");
    let out = node("keygen.mjs", &[]);
    assert!(out.status.success());
    let key: Value = serde_json::from_slice(&out.stdout).unwrap();
    let key_path = tmp.write("key.json", &out.stdout);
    let did = format!("did:key:{}", key["publicKeyMultibase"].as_str().unwrap());
    let unsigned = tmp.write("unsigned.json", unsigned_badge(&did, None).to_string());
    let out = node(
        "sign.mjs",
        &["--proof-array", "--key", &key_path, &unsigned],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed = tmp.write("signed.json", &out.stdout);
    let out = accolade(&["verify", "--offline", &signed]);
    assert!(
        out.status.success(),
        "Accolade rejected a Digital Bazaar credential: {}",
        stdout(&out)
    );
    let tampered = tmp.write(
        "tampered.json",
        std::fs::read_to_string(&signed)
            .unwrap()
            .replace("2.5", "25"),
    );
    assert_eq!(
        accolade(&["verify", "--offline", &tampered]).status.code(),
        Some(1)
    );
    // The same key signs the same bytes in both stacks.
    let out = accolade(&[
        "sign",
        "--key",
        &key_path,
        "--created",
        "2025-01-15T12:00:00Z",
        &unsigned,
    ]);
    let ours: Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = node(
        "sign.mjs",
        &[
            "--proof-array",
            "--created",
            "2025-01-15T12:00:00Z",
            "--key",
            &key_path,
            &unsigned,
        ],
    );
    let theirs: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        ours["proof"][0]["proofValue"],
        theirs["proof"][0]["proofValue"]
    );
}

#[test]
fn bake_unbake_and_verify_images() {
    let tmp = Tmp::new("bake");
    let (key_path, key) = keygen(&tmp);
    let unsigned = tmp.write(
        "unsigned.json",
        unsigned_badge(key["didKey"].as_str().unwrap(), None).to_string(),
    );
    let signed = tmp.write(
        "signed.json",
        accolade(&["sign", "--key", &key_path, &unsigned]).stdout,
    );
    let png = workspace()
        .join("crates/accolade-credentials/tests/vectors/1edtech-validator/ob30/simple-json.png");
    let svg = tmp.write(
        "badge.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>"#,
    );
    for (image, out_name) in [
        (png.to_string_lossy().into_owned(), "baked.png"),
        (svg, "baked.svg"),
    ] {
        let out_path = tmp.0.join(out_name).to_string_lossy().into_owned();
        let out = accolade(&[
            "bake",
            "--image",
            &image,
            "--credential",
            &signed,
            "-o",
            &out_path,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = accolade(&["unbake", &out_path]);
        let inside: Value = serde_json::from_slice(&out.stdout).unwrap();
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(&signed).unwrap()).unwrap();
        assert_eq!(inside, original);
        let out = accolade(&["verify", "--offline", &out_path]);
        assert!(out.status.success(), "{out_name}: {}", stdout(&out));
    }
}

#[test]
fn bad_input_fails_cleanly() {
    let tmp = Tmp::new("bad");
    let garbage = tmp.write("garbage.bin", [0u8, 159, 146, 150, 255]);
    let out = accolade(&["verify", "--offline", &garbage]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("Not valid"));
    let out = accolade(&["verify", "/nonexistent/file.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open"));
    let bad_key = tmp.write(
        "bad-key.json",
        r#"{"secretKeyMultibase": "z6MkNOTASECRET"}"#,
    );
    let cred = tmp.write("c.json", "{}");
    let out = accolade(&["sign", "--key", &bad_key, &cred]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not usable"));
    let out = accolade(&["verify", "--offline", "--email", "not-an-email", &cred]);
    assert_eq!(out.status.code(), Some(2));
}

/// A tiny HTTP/1.1 server on loopback serving fixed documents by path.
fn serve(docs: Arc<Mutex<HashMap<String, String>>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let docs = docs.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                        break;
                    }
                }
                let body = docs.lock().unwrap().get(&path).cloned();
                let resp = match body {
                    Some(b) => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{b}",
                        b.len()
                    ),
                    None => {
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_owned()
                    }
                };
                let _ = (&stream).write_all(resp.as_bytes());
            });
        }
    });
    port
}

#[test]
fn did_web_issuer_and_status_list_over_loopback() {
    let tmp = Tmp::new("didweb");
    let (key_path, key) = keygen(&tmp);
    let docs = Arc::new(Mutex::new(HashMap::new()));
    let port = serve(docs.clone());
    let did = format!("did:web:127.0.0.1%3A{port}:issuers:acme");
    let vm = format!("{did}#key-1");
    let list_url = format!("http://127.0.0.1:{port}/issuers/acme/status/revocation");
    let did_doc = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{"id": vm, "type": "Multikey", "controller": did, "publicKeyMultibase": key["publicKeyMultibase"]}],
        "assertionMethod": [vm],
    });
    docs.lock()
        .unwrap()
        .insert("/issuers/acme/did.json".into(), did_doc.to_string());
    let publish_list = |encoded: &str| {
        let list = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": list_url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": did, "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": format!("{list_url}#list"), "type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": encoded},
        });
        let unsigned = tmp.write("list.json", list.to_string());
        let out = accolade(&[
            "sign",
            "--key",
            &key_path,
            "--verification-method",
            &vm,
            &unsigned,
        ]);
        assert!(out.status.success());
        docs.lock()
            .unwrap()
            .insert("/issuers/acme/status/revocation".into(), stdout(&out));
    };
    // An empty list, then one with bit 42 set (131,072 entries, gzip, base64url).
    publish_list("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA");
    let unsigned = tmp.write(
        "unsigned.json",
        unsigned_badge(&did, Some(&list_url)).to_string(),
    );
    let signed = tmp.write(
        "signed.json",
        accolade(&[
            "sign",
            "--key",
            &key_path,
            "--verification-method",
            &vm,
            &unsigned,
        ])
        .stdout,
    );

    let out = accolade(&["verify", "--allow-loopback", &signed]);
    assert!(out.status.success(), "{}", stdout(&out));
    let out = accolade(&["verify", &signed]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "loopback must be refused by default: {}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("refused"), "{}", stdout(&out));

    let mut bits = vec![0u8; 16384];
    bits[42 / 8] |= 0x80 >> (42 % 8);
    let list =
        accolade_credentials::status_list::BitstringStatusList::decode(&encode_for_test(&bits))
            .unwrap();
    publish_list(&list.encode());
    let out = accolade(&["verify", "--allow-loopback", &signed]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("Revoked"), "{}", stdout(&out));
    let _ = Path::new(&signed);
}

/// Encodes raw list bytes the way the spec does (gzip, base64url) via the library.
fn encode_for_test(bits: &[u8]) -> String {
    let mut list =
        accolade_credentials::status_list::BitstringStatusList::new(bits.len() * 8).unwrap();
    for (i, b) in bits.iter().enumerate() {
        for j in 0..8 {
            if b & (0x80 >> j) != 0 {
                list.set((i * 8 + j) as u64, true).unwrap();
            }
        }
    }
    list.encode()
}

#[test]
fn readme_walkthrough_works() {
    let tmp = Tmp::new("readme");
    let (key_path, _) = keygen(&tmp);
    let example = workspace().join("docs/examples/unsigned-badge.json");
    let out = accolade(&[
        "sign",
        "--key",
        &key_path,
        "--issuer-from-key",
        &example.to_string_lossy(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed = tmp.write("signed.json", &out.stdout);
    assert!(accolade(&["verify", "--offline", &signed]).status.success());
    let out = accolade(&[
        "verify",
        "--offline",
        "--email",
        "learner@example.com",
        &signed,
    ]);
    assert!(out.status.success(), "{}", stdout(&out));
    let baked = tmp.0.join("baked.svg").to_string_lossy().into_owned();
    let svg = workspace().join("docs/examples/badge.svg");
    assert!(
        accolade(&[
            "bake",
            "--image",
            &svg.to_string_lossy(),
            "--credential",
            &signed,
            "-o",
            &baked
        ])
        .status
        .success()
    );
    assert!(accolade(&["unbake", &baked]).status.success());
    let out = accolade(&["verify", "--offline", &baked]);
    assert!(out.status.success(), "{}", stdout(&out));
}

/// A credential using most of the model (results, alignments, credits, evidence, image,
/// expiry, status, languages), built with the typed model, signed by the CLI: the official
/// schema accepts it strictly and the Digital Bazaar stack verifies it.
#[test]
fn rich_model_credential_passes_schema_and_foreign_verifier() {
    use accolade_credentials::model::*;
    let tmp = Tmp::new("rich");
    let (key_path, key) = keygen(&tmp);
    let did = key["didKey"].as_str().unwrap();
    let mut achievement = Achievement::new(
        "https://acme.example/achievements/first-aid",
        "First Aid Practitioner",
        "Certifies competence in workplace first aid.",
        Criteria {
            id: Some("https://acme.example/criteria/first-aid".into()),
            narrative: Some("Pass the **practical** and written assessments.".into()),
            ..Criteria::default()
        },
    );
    achievement.achievement_type = Some(AchievementType::Certification);
    achievement.credits_available = Some(1.5);
    achievement.tag = vec!["health".into(), "safety".into()];
    achievement.in_language = Some("en".into());
    achievement.image = Some(
        Image::new("https://acme.example/achievements/first-aid/image.png")
            .with_caption("First Aid badge"),
    );
    let mut alignment =
        Alignment::new("Provide first aid", "https://esco.example/skills/first-aid");
    alignment.target_framework = Some("ESCO".into());
    alignment.target_code = Some("S3.1.2".into());
    achievement.alignment = vec![alignment];
    achievement.result_description = vec![ResultDescription::new(
        "https://acme.example/results/score",
        "Final score",
        ResultType::Percent,
    )];
    let salt = accolade_credentials::identity::new_salt().unwrap();
    let identity = IdentityObject::hashed(
        IdentifierType::EmailAddress,
        accolade_credentials::identity::hash_identity("ada@example.com", &salt),
        Some(salt),
    );
    let mut subject = AchievementSubject::with_identifier(identity, achievement);
    subject.credits_earned = Some(1.5);
    subject.result = vec![Result::value("https://acme.example/results/score", "92")];
    let mut profile = Profile::new(did, "Acme Training");
    profile.url = Some("https://acme.example".into());
    let mut evidence = Evidence {
        name: Some("Practical assessment".into()),
        narrative: Some("Assessed on 2026-01-10.".into()),
        ..Evidence::default()
    };
    evidence.id = Some("https://acme.example/evidence/123".into());
    let status = CredentialStatus {
        id: Some("https://acme.example/status/revocation#77".into()),
        r#type: "BitstringStatusListEntry".into(),
        status_purpose: Some("revocation".into()),
        status_list_index: Some(StatusListIndex::Text("77".into())),
        status_list_credential: Some("https://acme.example/status/revocation".into()),
        status_size: None,
        extra: Default::default(),
    };
    let cred = AchievementCredential::builder(
        "urn:uuid:4b5e7f64-2f6b-4a6e-9a57-8e1c2a7d9b10",
        profile,
        subject,
    )
    .name("First Aid Practitioner")
    .description("Awarded to Ada for completing First Aid training.")
    .valid_from(DateTime::parse("2026-01-15T12:00:00Z").unwrap())
    .valid_until(DateTime::parse("2029-01-15T12:00:00Z").unwrap())
    .awarded_date(DateTime::parse("2026-01-15T12:00:00Z").unwrap())
    .evidence(evidence)
    .credential_status(status)
    .in_language("en")
    .build()
    .unwrap();
    let unsigned = tmp.write(
        "unsigned.json",
        serde_json::to_string(&cred.to_json_value().unwrap()).unwrap(),
    );
    let out = accolade(&["sign", "--key", &key_path, &unsigned]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed = tmp.write("signed.json", &out.stdout);
    let out = accolade(&[
        "verify",
        "--offline",
        "--email",
        "ada@example.com",
        "--json",
        &signed,
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The status list is not reachable offline: a warning, not a failure.
    assert_eq!(report["verdict"], "valid", "{report:#}");
    if interop() {
        let out = node("schema.mjs", &[&signed]);
        assert!(
            out.status.success(),
            "official schema: {}{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        );
        let out = node("verify.mjs", &[&signed]);
        assert!(
            out.status.success(),
            "Digital Bazaar: {}{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn platform(data_dir: &str, args: &[&str]) -> Output {
    let mut all = vec![
        "--data-dir",
        data_dir,
        "--public-url",
        "https://badges.example.org",
    ];
    all.extend_from_slice(args);
    accolade(&all)
}

#[test]
fn platform_commands_share_one_database() {
    let tmp = Tmp::new("platform");
    let dir = tmp.0.join("data").to_string_lossy().into_owned();
    let out = platform(
        &dir,
        &[
            "org",
            "create",
            "--name",
            "Acme Academy",
            "--url",
            "https://acme.example",
            "--email",
            "badges@acme.example",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let org: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        org["did"],
        "did:web:badges.example.org:issuers:acme-academy"
    );
    // The master key was created, private to its owner.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(tmp.0.join("data/master.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0);
    }
    let dup = platform(
        &dir,
        &[
            "org",
            "create",
            "--name",
            "Acme Academy",
            "--url",
            "https://acme.example",
        ],
    );
    assert_eq!(dup.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));

    let image = tmp.write(
        "badge.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>"#,
    );
    let out = platform(
        &dir,
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
            "--type",
            "Certification",
            "--image",
            &image,
            "--credits",
            "1.5",
            "--align",
            "Provide first aid|https://esco.example/skills/first-aid|ESCO|S1",
            "--expires-months",
            "24",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let achievement: Value = serde_json::from_slice(&out.stdout).unwrap();
    let achievement_id = achievement["id"].as_str().unwrap();

    let out = platform(
        &dir,
        &[
            "award",
            "--achievement",
            achievement_id,
            "--email",
            "ada@example.com",
            "--name",
            "Ada Lovelace",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let credential: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = credential["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("https://badges.example.org/credentials/"));
    assert_eq!(
        credential["credentialSubject"]["achievement"]["achievementType"],
        "Certification"
    );
    let signed = tmp.write("credential.json", &out.stdout);
    if interop() {
        let (schema_ok, _) = (node("schema.mjs", &[&signed]).status.success(), ());
        assert!(
            schema_ok,
            "the official schema rejected a CLI-issued credential"
        );
    }

    // Keys: rotate, list; the retired key stays listed.
    let out = platform(&dir, &["keys", "rotate", "--org", "acme-academy", "--json"]);
    let keys: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(keys.as_array().unwrap().len(), 2);
    assert_eq!(
        keys.as_array()
            .unwrap()
            .iter()
            .filter(|k| k["retired"].is_string())
            .count(),
        1
    );

    // Suspend, reinstate, revoke (by id or by credential URL); wrong transitions are refused.
    let short = id.rsplit('/').next().unwrap().to_owned();
    assert!(
        platform(&dir, &["suspend", &short, "--reason", "review"])
            .status
            .success()
    );
    assert!(platform(&dir, &["reinstate", &id]).status.success());
    assert_eq!(platform(&dir, &["reinstate", &id]).status.code(), Some(2));
    assert_eq!(
        platform(&dir, &["revoke", &id, "--reason", "  "])
            .status
            .code(),
        Some(2)
    );
    assert!(
        platform(&dir, &["revoke", &id, "--reason", "Issued in error"])
            .status
            .success()
    );
    let again = platform(&dir, &["revoke", &id, "--reason", "again"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already revoked"));

    // Unknown ids and malformed options: clear messages, nothing changes.
    let out = platform(
        &dir,
        &[
            "revoke",
            "00000000-0000-4000-8000-000000000000",
            "--reason",
            "x",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("not found"));
    let out = platform(
        &dir,
        &["award", "--achievement", "nope", "--email", "a@example.com"],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an achievement id"));
    let out = platform(
        &dir,
        &[
            "award",
            "--achievement",
            achievement_id,
            "--email",
            "not-an-email",
        ],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not an email"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = platform(
        &dir,
        &[
            "achievement",
            "create",
            "--org",
            "nobody",
            "--name",
            "x",
            "--description",
            "y",
            "--criteria",
            "z",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("organization not found"));

    // Without the master key, signing is impossible; with it back, it works again.
    let key_path = tmp.0.join("data/master.key");
    let saved = std::fs::read(&key_path).unwrap();
    std::fs::remove_file(&key_path).unwrap();
    let out = platform(
        &dir,
        &[
            "award",
            "--achievement",
            achievement_id,
            "--email",
            "grace@example.com",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("master key is missing"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !tmp.0.join("data/master.key").exists(),
        "a missing master key is never silently replaced"
    );
    std::fs::write(&key_path, saved).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    assert!(
        platform(
            &dir,
            &[
                "award",
                "--achievement",
                achievement_id,
                "--email",
                "grace@example.com"
            ]
        )
        .status
        .success()
    );

    // A database that cannot be opened is a clear error.
    let out = accolade(&[
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
        "--data-dir",
        &dir,
        "org",
        "list",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open the database"));
}
