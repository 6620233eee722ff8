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
    accolade_testkit::gate::require_flag(
        "ACCOLADE_INTEROP",
        "the Digital Bazaar interop check",
        "needs `npm ci` in interop/; scripts/test.sh does both",
    )
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
fn sign_with_eddsa_jcs_2022_on_request() {
    let tmp = Tmp::new("sign-jcs");
    let (key_path, key) = keygen(&tmp);
    let did = key["didKey"].as_str().unwrap();
    let unsigned = tmp.write("unsigned.json", unsigned_badge(did, None).to_string());
    let out = accolade(&[
        "sign",
        "--key",
        &key_path,
        "--cryptosuite",
        "eddsa-jcs-2022",
        &unsigned,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed_json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let proof = &signed_json["proof"][0];
    assert_eq!(proof["cryptosuite"], "eddsa-jcs-2022");
    assert_eq!(proof["@context"], signed_json["@context"]);
    let signed = tmp.write("signed.json", &out.stdout);
    let out = accolade(&["verify", "--offline", &signed]);
    assert!(out.status.success(), "{}", stdout(&out));
    let tampered = tmp.write(
        "tampered.json",
        std::fs::read_to_string(&signed)
            .unwrap()
            .replace("Rust Fundamentals", "Rust Mastery"),
    );
    let out = accolade(&["verify", "--offline", &tampered]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    // The default stays eddsa-rdfc-2022; suites Accolade does not sign with are refused.
    let out = accolade(&["sign", "--key", &key_path, &unsigned]);
    let default: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(default["proof"][0]["cryptosuite"], "eddsa-rdfc-2022");
    for other in ["ecdsa-jcs-2019", "Ed25519Signature2020", "none"] {
        let out = accolade(&[
            "sign",
            "--key",
            &key_path,
            "--cryptosuite",
            other,
            &unsigned,
        ]);
        assert!(!out.status.success(), "{other}");
    }
    if interop() {
        let out = node("verify.mjs", &[&signed]);
        assert!(
            out.status.success(),
            "Digital Bazaar rejected Accolade's eddsa-jcs-2022 credential: {}{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
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
    // The status list is not reachable offline: everything else passed, but the credential
    // could not be checked, so it is not reported valid.
    assert_eq!(report["verdict"], "unchecked", "{report:#}");
    assert_eq!(out.status.code(), Some(3));
    let failed: Vec<&Value> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] != "passed" && c["outcome"] != "skipped")
        .collect();
    assert!(
        failed.len() == 1 && failed[0]["check"] == "status",
        "{report:#}"
    );
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

mod accounts;
mod api_keys;
mod browser;
mod demo;
mod loopback;
mod nodes;
mod observability;
mod operations;
mod platform;
mod proxy;
mod service;
mod verdicts;
mod web;
