//! Conformance: the official signing vector, the 1EdTech validator's own test files, and
//! end-to-end sign → verify stories (tampering, wrong key, dates, revocation, suspension).
//!
//! Hosts such as example.com do not exist here, so a fixture fetcher answers for them with
//! the documents their issuers would publish (controller documents derived from the key the
//! test credential names; the validator's status list). Everything else is real code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use accolade_core::{Email, FixedClock};
use accolade_credentials::did::{Fetch, FetchError, FetchedDocument};
use accolade_credentials::multikey::KeyPair;
use accolade_credentials::proof::{self, ProofOptions};
use accolade_credentials::status_list::BitstringStatusList;
use accolade_credentials::verify::{self, CheckKind, Outcome, Report, Verdict, VerifyOptions};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use time::macros::datetime;

#[path = "conformance/attacks.rs"]
mod attacks;
#[path = "conformance/jwt.rs"]
mod jwt;
#[path = "conformance/ob2.rs"]
mod ob2;
#[path = "conformance/suites.rs"]
mod suites;
#[path = "conformance/suites_interop.rs"]
mod suites_interop;

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(vectors().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read_json(path: &str) -> Value {
    serde_json::from_slice(&read(path)).unwrap()
}

/// Serves fixed documents by URL; hosts marked down fail as a network error would.
#[derive(Default)]
struct Fixtures {
    docs: Mutex<HashMap<String, Vec<u8>>>,
    down: Mutex<Vec<String>>,
}

impl Fixtures {
    /// Makes every URL starting with `prefix` unreachable.
    fn take_down(&self, prefix: &str) {
        self.down.lock().unwrap().push(prefix.to_owned());
    }

    fn remove(&self, url: &str) {
        self.docs.lock().unwrap().remove(url);
    }

    fn put(&self, url: &str, body: impl Into<Vec<u8>>) {
        self.docs
            .lock()
            .unwrap()
            .insert(url.to_owned(), body.into());
    }

    /// Publishes `vm` (`https://host/path#z6Mk…`) in its controller document, as the issuer
    /// of the validator's test credentials would; one document lists all keys of a host.
    fn publish_key_of(&self, vm: &str) {
        let Some((base, frag)) = vm.split_once('#') else {
            return;
        };
        if !frag.starts_with("z6Mk") || !base.starts_with("http") {
            return;
        }
        let mut docs = self.docs.lock().unwrap();
        let mut doc: Value = docs.get(base).and_then(|b| serde_json::from_slice(b).ok()).unwrap_or_else(|| {
            json!({
                "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
                "id": base, "verificationMethod": [], "assertionMethod": [],
            })
        });
        let entry =
            json!({"id": vm, "type": "Multikey", "controller": base, "publicKeyMultibase": frag});
        if !doc["assertionMethod"]
            .as_array()
            .unwrap()
            .contains(&json!(vm))
        {
            doc["verificationMethod"]
                .as_array_mut()
                .unwrap()
                .push(entry);
            doc["assertionMethod"]
                .as_array_mut()
                .unwrap()
                .push(json!(vm));
        }
        docs.insert(base.to_owned(), doc.to_string().into_bytes());
    }
}

impl Fetch for Fixtures {
    fn get(&self, url: &str, _accept: &str) -> Result<FetchedDocument, FetchError> {
        if self.down.lock().unwrap().iter().any(|p| url.starts_with(p)) {
            return Err(FetchError::Network {
                url: url.into(),
                reason: "connection refused".into(),
            });
        }
        match self.docs.lock().unwrap().get(url) {
            Some(body) => Ok(FetchedDocument {
                url: url.into(),
                content_type: None,
                body: body.clone(),
            }),
            None => Err(FetchError::Status {
                url: url.into(),
                status: 404,
            }),
        }
    }
}

fn clock() -> FixedClock {
    FixedClock::new(datetime!(2026-06-01 12:00 UTC))
}

fn verify_with(bytes: &[u8], fetch: &Fixtures, clock: &FixedClock) -> Report {
    verify::verify_bytes(bytes, &VerifyOptions::new(fetch, clock))
}

fn outcome(r: &Report, kind: CheckKind) -> Outcome {
    r.check(kind)
        .map(|c| c.outcome)
        .unwrap_or_else(|| panic!("no {kind:?} check in {r:#?}"))
}

// ---------------------------------------------------------------------------------------
// The official OB 3.0 signing vector

fn official_key() -> KeyPair {
    let k = read_json("1edtech/ob3-key.json");
    let hex = k["secretKeyHex"].as_str().unwrap();
    let bytes: Vec<u8> = (0..64)
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    KeyPair::from_seed(bytes.try_into().unwrap())
}

#[test]
fn official_vector_canonical_forms_match_byte_for_byte() {
    let signed = read_json("1edtech/ob3-eddsa-rdfc-2022-testvector.json");
    let mut unsecured = signed.clone();
    let p = unsecured.as_object_mut().unwrap().remove("proof").unwrap();
    let doc = proof::canonical_nquads(&unsecured).unwrap();
    assert_eq!(
        doc,
        String::from_utf8(read("1edtech/ob3-document-canon.nq")).unwrap()
    );
    let mut config = p.as_object().unwrap().clone();
    config.remove("proofValue");
    config.insert("@context".into(), signed["@context"].clone());
    let canon = proof::canonical_nquads(&Value::Object(config)).unwrap();
    assert_eq!(
        canon,
        String::from_utf8(read("1edtech/ob3-proof-canon.nq")).unwrap()
    );
}

#[test]
fn official_vector_signature_is_reproduced_and_verifies() {
    let signed = read_json("1edtech/ob3-eddsa-rdfc-2022-testvector.json");
    let key = official_key();
    assert_eq!(
        key.public().to_multibase(),
        "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    );
    let mut unsecured = signed.clone();
    unsecured.as_object_mut().unwrap().remove("proof");
    let vm = signed["proof"]["verificationMethod"].as_str().unwrap();
    let opts = ProofOptions::assertion(vm, Some("2010-01-01T19:23:24Z".into()));
    let ours = proof::sign(&unsecured, &key, &opts).unwrap();
    assert_eq!(
        ours["proof"][0]["proofValue"],
        signed["proof"]["proofValue"]
    );

    let fixtures = Fixtures::default();
    fixtures.put(
        "https://example.edu/issuers/565049",
        read("1edtech/issuer-565049.controller.json"),
    );
    let report = verify_with(&serde_json::to_vec(&signed).unwrap(), &fixtures, &clock());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
}

// ---------------------------------------------------------------------------------------
// The 1EdTech validator's test files

/// Our verdict for each file, and where it differs from the validator's, why.
const VALIDATOR_FILES: &[(&str, Verdict, &str)] = &[
    ("simple.json", Verdict::Valid, ""),
    ("simple.1ob", Verdict::Valid, ""),
    ("simple_v1.json", Verdict::Valid, ""),
    ("simple-context-alias.json", Verdict::Valid, ""),
    ("simple-context-version.json", Verdict::Valid, ""),
    ("simple-did-web-method.json", Verdict::Valid, ""),
    ("simple-eddsa-2022.json", Verdict::Valid, ""),
    ("endorsement-valid.json", Verdict::Valid, ""),
    ("simple-json.png", Verdict::Valid, ""),
    ("simple-json.svg", Verdict::Valid, ""),
    (
        "simple-did-key-method.json",
        Verdict::Invalid,
        "stricter: the did:key's controller is not the issuer (urn:uuid:…); the validator does not compare them for did:key",
    ),
    // VC-JWTs whose RS256 key travels only in the header (`jwk`), signed by a key their
    // issuers (https://1edtech.edu, https://example.edu) publish nowhere. The validator
    // accepts a bare header key; Accolade does not, since anyone can put any key there and
    // name any issuer: a signature counts only with a key shown to be the issuer's.
    (
        "simple-jwt.png",
        Verdict::Invalid,
        "deliberate: the header key is not published by the issuer (the validator trusts it)",
    ),
    (
        "simple-jwt.svg",
        Verdict::Invalid,
        "deliberate: the header key is not published by the issuer (the validator trusts it)",
    ),
    (
        "simple-jwt_v1.png",
        Verdict::Invalid,
        "deliberate: the header key is not published by the issuer (the validator trusts it)",
    ),
    (
        "simple-jwt_v1.svg",
        Verdict::Invalid,
        "deliberate: the header key is not published by the issuer (the validator trusts it)",
    ),
    (
        "simple.jwt",
        Verdict::Invalid,
        "parse-only in the validator; its pre-release context is not a published standard context",
    ),
    (
        "sd/derivedcredential.json",
        Verdict::Unchecked,
        "ecdsa-sd-2023 is not supported",
    ),
    ("velocity.jwt", Verdict::Invalid, ""),
    ("simple-multiple-proofs.json", Verdict::Invalid, ""),
    ("simple-noproof.json", Verdict::Invalid, ""),
    ("simple-err-type.json", Verdict::Invalid, ""),
    ("simple-err-context.json", Verdict::Invalid, ""),
    ("simple-err-issuer.json", Verdict::Invalid, ""),
    ("simple-err-issued.json", Verdict::Invalid, ""),
    ("simple-err-expired.json", Verdict::Invalid, ""),
    ("simple-err-proof-value.json", Verdict::Invalid, ""),
    ("simple-err-proof-method.json", Verdict::Invalid, ""),
    (
        "simple-err-proof-method-no-scheme.json",
        Verdict::Invalid,
        "",
    ),
    (
        "simple-err-proof-method-unknown-scheme.json",
        Verdict::Invalid,
        "",
    ),
    (
        "simple-err-proof-method-unknown-did-method.json",
        Verdict::Invalid,
        "",
    ),
    (
        "simple-err-credential-subject-type.json",
        Verdict::Invalid,
        "",
    ),
    (
        "simple-err-credential-subject-identifier-type.json",
        Verdict::Invalid,
        "",
    ),
    (
        "simple-err-credential-subject-result-type.json",
        Verdict::Invalid,
        "",
    ),
    (
        "simple-err-credential-subject-achievement-result-description-type.json",
        Verdict::Invalid,
        "",
    ),
    (
        "simple-err-credential-subject-profile-type.json",
        Verdict::Invalid,
        "",
    ),
    ("simple-err-evidence-type.json", Verdict::Invalid, ""),
    ("simple-err-issuer-type.json", Verdict::Invalid, ""),
    (
        "simple-err-issuer-parentorg-type.json",
        Verdict::Invalid,
        "",
    ),
    (
        "simple-err-issuer-otheridentifier-type.json",
        Verdict::Invalid,
        "",
    ),
    ("complete_v1.json", Verdict::Invalid, ""),
    ("credential-status-revoked.json", Verdict::Invalid, ""),
    (
        "bit-string-list/credential-status-revoked.json",
        Verdict::Invalid,
        "",
    ),
    (
        "bit-string-list/credential-status-revoked-blank-nodes.json",
        Verdict::Invalid,
        "",
    ),
];

fn validator_fixtures() -> Fixtures {
    let f = Fixtures::default();
    let base = "1edtech-validator/ob30/";
    for (file, _, _) in VALIDATOR_FILES
        .iter()
        .chain([("complete.json", Verdict::Valid, "")].iter())
    {
        if let Ok(v) = serde_json::from_slice::<Value>(&read(&format!("{base}{file}"))) {
            for p in proof::proofs(&v) {
                if let Some(vm) = p.get("verificationMethod").and_then(Value::as_str) {
                    f.publish_key_of(vm);
                }
            }
        }
    }
    // The two baked images were signed again with another key of the same issuer.
    f.publish_key_of(
        "https://example.com/issuers/876543#z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x",
    );
    // The validator's Bitstring list, at the URL its credentials name.
    f.put(
        "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist",
        read(&format!("{base}bit-string-list/testlist")),
    );
    f
}

#[test]
fn validator_files_get_the_expected_verdicts() {
    let fixtures = validator_fixtures();
    let clock = clock();
    let mut wrong = Vec::new();
    for (file, expected, _why) in VALIDATOR_FILES {
        let report = verify_with(
            &read(&format!("1edtech-validator/ob30/{file}")),
            &fixtures,
            &clock,
        );
        if report.verdict != *expected {
            wrong.push(format!(
                "{file}: expected {expected:?}, got {:?}: {}\n{:#?}",
                report.verdict, report.summary, report.checks
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

// ---------------------------------------------------------------------------------------
// The W3C vc-di-eddsa test vectors (eddsa-rdfc-2022, VC 2.0)

fn w3c(path: &str) -> String {
    String::from_utf8(read(&format!("w3c-vc-di-eddsa/{path}"))).unwrap()
}

#[test]
fn w3c_vectors_are_reproduced_byte_for_byte() {
    let signed: Value = serde_json::from_str(&w3c("eddsa-rdfc-2022/signedDataInt.json")).unwrap();
    let config: Value =
        serde_json::from_str(&w3c("eddsa-rdfc-2022/proofConfigDataInt.json")).unwrap();
    assert_eq!(
        proof::canonical_nquads(&config).unwrap(),
        w3c("eddsa-rdfc-2022/proofCanonDataInt.txt")
    );
    let mut unsecured = signed.clone();
    unsecured.as_object_mut().unwrap().remove("proof");
    assert_eq!(
        proof::canonical_nquads(&unsecured).unwrap(),
        w3c("eddsa-rdfc-2022/derived-canonDocDataInt.txt")
    );
    let hash = proof::hash_data(&unsecured, &config).unwrap();
    assert_eq!(
        hex::encode(hash),
        w3c("eddsa-rdfc-2022/combinedHashDataInt.txt").trim()
    );

    let keys: Value = serde_json::from_str(&w3c("keyPair.json")).unwrap();
    let key =
        KeyPair::from_secret_multibase(keys["privateKeyMultibase"].as_str().unwrap()).unwrap();
    let opts = ProofOptions::assertion(
        config["verificationMethod"].as_str().unwrap(),
        Some("2023-02-24T23:36:38Z".into()),
    );
    let ours = proof::sign(&unsecured, &key, &opts).unwrap();
    assert_eq!(
        ours["proof"][0]["proofValue"].as_str().unwrap(),
        w3c("eddsa-rdfc-2022/sigBTC58DataInt.txt").trim()
    );
    assert_eq!(
        ours["proof"][0]["proofValue"],
        signed["proof"]["proofValue"]
    );
}

// ---------------------------------------------------------------------------------------
// End-to-end stories with an issuer of our own

const ISSUER: &str = "did:web:issuer.example:issuers:acme";
const DID_URL: &str = "https://issuer.example/issuers/acme/did.json";
const REVOCATION_LIST: &str = "https://issuer.example/issuers/acme/status/revocation";
const SUSPENSION_LIST: &str = "https://issuer.example/issuers/acme/status/suspension";

struct Issuer {
    key: KeyPair,
    fixtures: Fixtures,
}

impl Issuer {
    fn new() -> Self {
        let key = KeyPair::generate().unwrap();
        let fixtures = Fixtures::default();
        let vm = format!("{ISSUER}#key-1");
        let did_doc = json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": ISSUER,
            "verificationMethod": [{"id": vm, "type": "Multikey", "controller": ISSUER, "publicKeyMultibase": key.public().to_multibase()}],
            "assertionMethod": [vm],
        });
        fixtures.put(DID_URL, did_doc.to_string());
        let issuer = Self { key, fixtures };
        issuer.publish_list(REVOCATION_LIST, "revocation", &[]);
        issuer.publish_list(SUSPENSION_LIST, "suspension", &[]);
        issuer
    }

    fn sign(&self, doc: &Value) -> Value {
        let opts = ProofOptions::assertion(
            format!("{ISSUER}#key-1"),
            Some("2026-01-15T12:00:00Z".into()),
        );
        proof::sign(doc, &self.key, &opts).unwrap()
    }

    fn publish_list(&self, url: &str, purpose: &str, set: &[u64]) {
        let mut bits = BitstringStatusList::new(131_072).unwrap();
        for &i in set {
            bits.set(i, true).unwrap();
        }
        let list = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": ISSUER,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": format!("{url}#list"), "type": "BitstringStatusList", "statusPurpose": purpose, "encodedList": bits.encode()},
        });
        self.fixtures
            .put(url, serde_json::to_vec(&self.sign(&list)).unwrap());
    }
}

fn badge(valid_until: Option<&str>) -> Value {
    let salt = accolade_credentials::identity::new_salt().unwrap();
    let mut c = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "https://issuer.example/credentials/3f1c7d2e-1111-4b61-9a2f-0c4d1e6b7a93",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Acme Academy", "url": "https://issuer.example/issuers/acme"},
        "validFrom": "2026-01-15T12:00:00Z",
        "name": "Rust Fundamentals",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": true,
                "identityHash": accolade_credentials::identity::hash_identity("learner@example.com", &salt), "salt": salt}],
            "achievement": {
                "id": "https://issuer.example/achievements/rust-fundamentals", "type": ["Achievement"],
                "name": "Rust Fundamentals", "description": "Completed the Rust Fundamentals course.",
                "criteria": {"narrative": "Pass the final assessment with 80% or more."},
                "creditsAvailable": 2.5,
            },
            "creditsEarned": 2.5,
        },
        "credentialStatus": [
            {"id": format!("{REVOCATION_LIST}#94567"), "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "94567", "statusListCredential": REVOCATION_LIST},
            {"id": format!("{SUSPENSION_LIST}#94567"), "type": "BitstringStatusListEntry", "statusPurpose": "suspension", "statusListIndex": "94567", "statusListCredential": SUSPENSION_LIST},
        ],
    });
    if let Some(u) = valid_until {
        c["validUntil"] = json!(u);
    }
    c
}

fn check(issuer: &Issuer, cred: &Value) -> Report {
    verify_with(
        &serde_json::to_vec(cred).unwrap(),
        &issuer.fixtures,
        &clock(),
    )
}

#[test]
fn story_issue_verify_revoke_suspend_reinstate() {
    let issuer = Issuer::new();
    let cred = issuer.sign(&badge(Some("2030-01-01T00:00:00Z")));
    let report = check(&issuer, &cred);
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert!(report.checks.iter().all(|c| c.outcome != Outcome::Failed));
    assert_eq!(report.issuer_name.as_deref(), Some("Acme Academy"));

    issuer.publish_list(SUSPENSION_LIST, "suspension", &[94567]);
    let report = check(&issuer, &cred);
    assert_eq!(report.verdict, Verdict::Invalid);
    assert!(
        report.flags.suspended && !report.flags.revoked,
        "{report:#?}"
    );
    assert!(report.summary.starts_with("Suspended"));

    issuer.publish_list(SUSPENSION_LIST, "suspension", &[]);
    assert_eq!(check(&issuer, &cred).verdict, Verdict::Valid);

    issuer.publish_list(REVOCATION_LIST, "revocation", &[94567, 3]);
    let report = check(&issuer, &cred);
    assert!(report.flags.revoked);
    assert_eq!(outcome(&report, CheckKind::Status), Outcome::Failed);
    assert!(report.summary.starts_with("Revoked"), "{}", report.summary);
}

#[test]
fn story_tampering_is_detected() {
    let issuer = Issuer::new();
    let cred = issuer.sign(&badge(None));
    for (path, value) in [
        ("/name", json!("Rust Expert")),
        ("/credentialSubject/achievement/name", json!("Rust Expert")),
        ("/credentialSubject/creditsEarned", json!(25)),
        ("/validFrom", json!("2025-01-15T12:00:00Z")),
        ("/issuer/name", json!("Evil Academy")),
    ] {
        let mut t = cred.clone();
        *t.pointer_mut(path).unwrap() = value;
        let report = check(&issuer, &t);
        assert_eq!(report.verdict, Verdict::Invalid, "{path}");
        assert_eq!(
            outcome(&report, CheckKind::Proof),
            Outcome::Failed,
            "{path}"
        );
    }
    // An extra property no context defines is refused rather than silently ignored.
    let mut t = cred.clone();
    t["credentialSubject"]["achievement"]["secretLevel"] = json!("gold");
    assert_eq!(check(&issuer, &t).verdict, Verdict::Invalid);
}

#[test]
fn story_wrong_key_and_foreign_controller_fail() {
    let issuer = Issuer::new();
    // Signed with a key the issuer never published, under the issuer's method id.
    let impostor = KeyPair::generate().unwrap();
    let opts = ProofOptions::assertion(format!("{ISSUER}#key-1"), None);
    let forged = proof::sign(&badge(None), &impostor, &opts).unwrap();
    let report = check(&issuer, &forged);
    assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Failed);
    // Signed validly by someone else's did:key: the key is fine, but it is not the issuer's.
    let opts = ProofOptions::assertion(impostor.public().did_key_verification_method(), None);
    let foreign = proof::sign(&badge(None), &impostor, &opts).unwrap();
    let report = check(&issuer, &foreign);
    assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Passed);
    assert_eq!(outcome(&report, CheckKind::IssuerKey), Outcome::Failed);
    assert_eq!(report.verdict, Verdict::Invalid);
}

#[test]
fn story_validity_period() {
    let issuer = Issuer::new();
    let expired = issuer.sign(&badge(Some("2026-03-01T00:00:00Z")));
    let report = check(&issuer, &expired);
    assert!(
        report.flags.expired && report.verdict == Verdict::Invalid,
        "{report:#?}"
    );
    let mut future = badge(None);
    future["validFrom"] = json!("2027-01-01T00:00:00Z");
    let report = check(&issuer, &issuer.sign(&future));
    assert!(report.flags.not_yet_valid && report.verdict == Verdict::Invalid);
    // Same credential, verified as of a later date: the injected clock decides.
    let later = FixedClock::new(datetime!(2027-06-01 0:00 UTC));
    let report = verify_with(
        &serde_json::to_vec(&issuer.sign(&future)).unwrap(),
        &issuer.fixtures,
        &later,
    );
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
}

#[test]
fn story_recipient_check() {
    let issuer = Issuer::new();
    let cred = serde_json::to_vec(&issuer.sign(&badge(None))).unwrap();
    let clock = clock();
    let mut opts = VerifyOptions::new(&issuer.fixtures, &clock);
    opts.recipient = Some(Email::parse(" Learner@Example.com ").unwrap());
    let report = verify::verify_bytes(&cred, &opts);
    assert_eq!(outcome(&report, CheckKind::Recipient), Outcome::Passed);
    opts.recipient = Some(Email::parse("someone.else@example.com").unwrap());
    let report = verify::verify_bytes(&cred, &opts);
    assert_eq!(outcome(&report, CheckKind::Recipient), Outcome::Failed);
}

#[test]
fn story_baked_badges_verify_and_tampered_images_do_not() {
    use accolade_credentials::bake;
    let issuer = Issuer::new();
    let cred = serde_json::to_string(&issuer.sign(&badge(None))).unwrap();
    let svg =
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4"/></svg>"#;
    let baked = bake::bake_svg(svg, &bake::BakePayload::Json(cred.clone())).unwrap();
    let report = verify_with(baked.as_bytes(), &issuer.fixtures, &clock());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert_eq!(report.format, verify::InputFormat::Svg);
    let tampered = baked.replace("Rust Fundamentals", "Rust Mastery");
    assert_eq!(
        verify_with(tampered.as_bytes(), &issuer.fixtures, &clock()).verdict,
        Verdict::Invalid
    );
}

#[test]
fn hostile_inputs_get_clear_errors_not_panics() {
    let fixtures = Fixtures::default();
    let clock = clock();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_obj = format!(
        "{{\"@context\":{}1{}}}",
        "{\"a\":".repeat(500),
        "}".repeat(500)
    );
    let cases: Vec<Vec<u8>> = vec![
        vec![],
        b"null".to_vec(),
        b"{".to_vec(),
        deep.into_bytes(),
        deep_obj.into_bytes(),
        b"\x89PNG\r\n\x1a\n\x00\x00".to_vec(),
        b"<svg><!DOCTYPE x [<!ENTITY a \"aaaa\">]></svg>".to_vec(),
        b"eyJhbGciOiJub25lIn0.eyJ2YyI6e319.".to_vec(),
        br#"{"@context": 5}"#.to_vec(),
        br#"{"@context": ["https://evil.example/ctx"], "type": "VerifiableCredential"}"#.to_vec(),
        br#"{"@context": ["https://www.w3.org/ns/credentials/v2", {"@vocab": "https://evil.example/#"}]}"#.to_vec(),
        br#"{"@context": ["https://www.w3.org/ns/credentials/v2"], "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod", "verificationMethod": "http://169.254.169.254/latest#k", "proofValue": "z1"}}"#.to_vec(),
        vec![0xff; 5000],
    ];
    for (i, input) in cases.iter().enumerate() {
        let report = verify_with(input, &fixtures, &clock);
        assert_ne!(report.verdict, Verdict::Valid, "case {i}");
        assert!(!report.summary.is_empty());
    }
}

/// Small deterministic generator for mutation tests (no dependency needed).
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn mutated_credentials_and_images_never_verify_and_never_panic() {
    use accolade_credentials::bake;
    let issuer = Issuer::new();
    let signed = issuer.sign(&badge(None));
    let json = serde_json::to_vec(&signed).unwrap();
    let png = read("1edtech-validator/ob30/simple-json.png");
    let baked = bake::bake_png(&png, std::str::from_utf8(&json).unwrap()).unwrap();
    let clock = clock();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for round in 0..300 {
        let mut m = json.clone();
        let at = rng.below(m.len());
        m[at] ^= 1 << rng.below(8);
        let report = verify_with(&m, &issuer.fixtures, &clock);
        let same = serde_json::from_slice::<Value>(&m).is_ok_and(|v| v == signed);
        assert!(
            same || report.verdict != Verdict::Valid,
            "round {round}: flipping byte {at} still verified"
        );
    }
    for _ in 0..200 {
        let mut m = baked.clone();
        match rng.below(3) {
            0 => {
                let at = rng.below(m.len());
                m[at] ^= 1 << rng.below(8);
            }
            1 => m.truncate(rng.below(m.len())),
            _ => {
                let at = rng.below(m.len());
                m.insert(at, rng.next() as u8);
            }
        }
        // Changes outside the credential chunk may leave the badge valid; the point is that
        // nothing panics and a damaged credential chunk is never accepted.
        let _ = verify_with(&m, &issuer.fixtures, &clock);
    }
}
