//! Open Badges 2.0 stories: hosted assertions (origin rules, 410 Gone, `revoked`), signed
//! assertions (RS256 with the issuer's listed key, tampering, revocation lists), baked SVGs
//! and the recipient check on hashed identities.

use super::*;
use accolade_credentials::verify::CredentialKind;
use base64::Engine as _;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::signature::{SignatureEncoding as _, Signer as _};
use sha2::Digest as _;

const SITE: &str = "https://issuer.example/ob2";

/// The issuer's site: fixtures plus URLs that answer 410 Gone.
struct Site {
    fixtures: Fixtures,
    gone: Mutex<Vec<String>>,
}

impl Fetch for Site {
    fn get(&self, url: &str, accept: &str) -> Result<FetchedDocument, FetchError> {
        if self.gone.lock().unwrap().iter().any(|g| g == url) {
            return Err(FetchError::Status {
                url: url.into(),
                status: 410,
            });
        }
        self.fixtures.get(url, accept)
    }
}

fn hash(email: &str, salt: &str) -> String {
    let d = sha2::Sha256::digest(format!("{email}{salt}").as_bytes());
    format!("sha256${}", hex::encode(d))
}

fn site() -> Site {
    let f = Fixtures::default();
    f.put(
        &format!("{SITE}/issuer"),
        json!({
            "@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": format!("{SITE}/issuer"),
            "name": "Old School", "url": "https://issuer.example", "email": "badges@issuer.example",
            "publicKey": format!("{SITE}/key"), "revocationList": format!("{SITE}/revocations"),
        })
        .to_string(),
    );
    f.put(
        &format!("{SITE}/badge"),
        json!({
            "@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": format!("{SITE}/badge"),
            "name": "Knot Tying", "description": "Ties six knots.", "image": format!("{SITE}/badge.png"),
            "criteria": {"narrative": "Tie six knots."}, "issuer": format!("{SITE}/issuer"),
        })
        .to_string(),
    );
    f.put(
        &format!("{SITE}/key"),
        json!({
            "@context": "https://w3id.org/openbadges/v2", "type": "CryptographicKey", "id": format!("{SITE}/key"),
            "owner": format!("{SITE}/issuer"),
            "publicKeyPem": String::from_utf8(read("ob2/test-signing-key.pub.pem")).unwrap(),
        })
        .to_string(),
    );
    f.put(&format!("{SITE}/revocations"), json!({"type": "RevocationList", "id": format!("{SITE}/revocations"), "revokedAssertions": []}).to_string());
    Site {
        fixtures: f,
        gone: Mutex::new(Vec::new()),
    }
}

fn assertion(id: &str, verification: Value) -> Value {
    json!({
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": id,
        "recipient": {"type": "email", "hashed": true, "salt": "deadsea", "identity": hash("learner@example.com", "deadsea")},
        "badge": format!("{SITE}/badge"), "verification": verification,
        "issuedOn": "2026-02-01T10:00:00Z",
    })
}

fn hosted(site: &Site, n: u32) -> Value {
    let id = format!("{SITE}/assertions/{n}");
    let a = assertion(&id, json!({"type": "hosted"}));
    site.fixtures.put(&id, a.to_string());
    a
}

fn check(site: &Site, input: &[u8]) -> Report {
    let clock = clock();
    verify::verify_bytes(input, &VerifyOptions::new(site, &clock))
}

fn check_for(site: &Site, input: &[u8], email: &str) -> Report {
    let clock = clock();
    let mut opts = VerifyOptions::new(site, &clock);
    opts.recipient = Some(Email::parse(email).unwrap());
    verify::verify_bytes(input, &opts)
}

#[test]
fn hosted_assertion_verifies_from_its_own_url() {
    let site = site();
    let a = hosted(&site, 1);
    let report = check(&site, a.to_string().as_bytes());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert_eq!(report.kind, CredentialKind::Ob2Hosted);
    assert_eq!(report.issuer_name.as_deref(), Some("Old School"));
    assert!(report.summary.contains("Old School"), "{}", report.summary);
    assert_eq!(
        report.credential.as_ref().unwrap()["badge"]["name"],
        "Knot Tying"
    );
    // A local copy that differs is not trusted: the published one is what gets checked.
    let mut edited = a.clone();
    edited["issuedOn"] = json!("2020-01-01T00:00:00Z");
    let report = check(&site, edited.to_string().as_bytes());
    assert!(
        report
            .check(CheckKind::Proof)
            .unwrap()
            .message
            .contains("differs")
    );
    assert_eq!(
        report.credential.as_ref().unwrap()["issuedOn"],
        "2026-02-01T10:00:00Z"
    );
}

#[test]
fn hosted_assertion_revoked_by_410_or_flag() {
    let site = site();
    let a = hosted(&site, 2);
    site.gone
        .lock()
        .unwrap()
        .push(format!("{SITE}/assertions/2"));
    let report = check(&site, a.to_string().as_bytes());
    assert!(
        report.flags.revoked && report.verdict == Verdict::Invalid,
        "{report:#?}"
    );
    // Nothing names the issuer of an assertion that is gone; the summary says no more.
    assert_eq!(
        report.summary, "Revoked: the issuer has revoked this credential.",
        "{report:#?}"
    );

    let mut b = hosted(&site, 3);
    b["revoked"] = json!(true);
    b["revocationReason"] = json!("Issued in error");
    site.fixtures
        .put(&format!("{SITE}/assertions/3"), b.to_string());
    let report = check(&site, b.to_string().as_bytes());
    assert!(report.flags.revoked, "{report:#?}");
    assert!(
        report
            .check(CheckKind::Status)
            .unwrap()
            .message
            .contains("Issued in error")
    );
}

#[test]
fn hosted_assertion_on_a_foreign_origin_is_refused_unless_allowed() {
    let site = site();
    let id = "https://evil.example/assertions/9";
    let a = assertion(id, json!({"type": "hosted"}));
    site.fixtures.put(id, a.to_string());
    let report = check(&site, a.to_string().as_bytes());
    assert_eq!(
        outcome(&report, CheckKind::IssuerKey),
        Outcome::Failed,
        "{report:#?}"
    );
    assert_eq!(report.verdict, Verdict::Invalid);
    // The issuer may allow other origins.
    let mut issuer: Value = serde_json::from_slice(
        &site
            .fixtures
            .get(&format!("{SITE}/issuer"), "")
            .unwrap()
            .body,
    )
    .unwrap();
    issuer["verification"] = json!({"allowedOrigins": ["evil.example"]});
    site.fixtures
        .put(&format!("{SITE}/issuer"), issuer.to_string());
    assert_eq!(
        check(&site, a.to_string().as_bytes()).verdict,
        Verdict::Valid
    );
    // A document that is published under another id is not this assertion.
    site.fixtures.put(
        "https://issuer.example/ob2/assertions/10",
        hosted(&site, 11).to_string(),
    );
    let moved = assertion(
        "https://issuer.example/ob2/assertions/10",
        json!({"type": "hosted"}),
    );
    assert_eq!(
        check(&site, moved.to_string().as_bytes()).verdict,
        Verdict::Invalid
    );
}

fn sign(payload: &Value) -> String {
    let pem = String::from_utf8(read("ob2/test-signing-key.pem")).unwrap();
    let key = rsa::PrivateKey::from_pkcs8_pem(&pem).unwrap();
    let signer = rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha256>::new(key);
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let input = format!(
        "{}.{}",
        b64(br#"{"alg":"RS256"}"#),
        b64(payload.to_string().as_bytes())
    );
    let sig = signer.sign(input.as_bytes());
    format!("{input}.{}", b64(&sig.to_vec()))
}

fn signed_assertion() -> Value {
    assertion(
        "urn:uuid:2a7c9d4e-1f3b-4c5d-8e9f-0a1b2c3d4e5f",
        json!({"type": "SignedBadge", "creator": format!("{SITE}/key")}),
    )
}

#[test]
fn signed_assertion_verifies_and_tampering_fails() {
    let site = site();
    let token = sign(&signed_assertion());
    let report = check(&site, token.as_bytes());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert_eq!(report.kind, CredentialKind::Ob2Signed);
    // The payload changed under the signature.
    let (h, rest) = token.split_once('.').unwrap();
    let (_, s) = rest.split_once('.').unwrap();
    let mut changed = signed_assertion();
    changed["issuedOn"] = json!("2020-01-01T00:00:00Z");
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(changed.to_string());
    let report = check(&site, format!("{h}.{b64}.{s}").as_bytes());
    assert_eq!(
        outcome(&report, CheckKind::Proof),
        Outcome::Failed,
        "{report:#?}"
    );
    // Given without its signature, it is not accepted as signed.
    assert_eq!(
        check(&site, signed_assertion().to_string().as_bytes()).verdict,
        Verdict::Invalid
    );
    // An unsigned JWS ("none") is refused.
    let none = format!(
        "{}.{b64}.",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#)
    );
    assert_eq!(check(&site, none.as_bytes()).verdict, Verdict::Invalid);
}

#[test]
fn signed_assertion_key_must_be_the_issuers_and_revocation_list_counts() {
    let site = site();
    let token = sign(&signed_assertion());
    let mut issuer: Value = serde_json::from_slice(
        &site
            .fixtures
            .get(&format!("{SITE}/issuer"), "")
            .unwrap()
            .body,
    )
    .unwrap();
    issuer["publicKey"] = json!("https://issuer.example/ob2/other-key");
    site.fixtures
        .put(&format!("{SITE}/issuer"), issuer.to_string());
    let report = check(&site, token.as_bytes());
    assert_eq!(
        outcome(&report, CheckKind::IssuerKey),
        Outcome::Failed,
        "{report:#?}"
    );
    issuer["publicKey"] = json!([format!("{SITE}/key")]);
    site.fixtures
        .put(&format!("{SITE}/issuer"), issuer.to_string());
    assert_eq!(check(&site, token.as_bytes()).verdict, Verdict::Valid);
    site.fixtures.put(
        &format!("{SITE}/revocations"),
        json!({"type": "RevocationList", "revokedAssertions": [{"id": "urn:uuid:2a7c9d4e-1f3b-4c5d-8e9f-0a1b2c3d4e5f", "revocationReason": "Cheated"}]}).to_string(),
    );
    let report = check(&site, token.as_bytes());
    assert!(report.flags.revoked, "{report:#?}");
    assert!(report.summary.starts_with("Revoked"));
}

#[test]
fn baked_ob2_svgs_are_verified() {
    let site = site();
    hosted(&site, 4);
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" width="4" height="4"><openbadges:assertion verify="{SITE}/assertions/4"/><circle r="2"/></svg>"#
    );
    let report = check(&site, svg.as_bytes());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert_eq!(report.format, verify::InputFormat::Svg);
    let token = sign(&signed_assertion());
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="{token}"/></svg>"#
    );
    assert_eq!(check(&site, svg.as_bytes()).kind, CredentialKind::Ob2Signed);
}

#[test]
fn recipient_is_checked_against_the_hash_without_revealing_it() {
    let site = site();
    let a = hosted(&site, 5);
    let report = check_for(&site, a.to_string().as_bytes(), "Learner@Example.com");
    assert_eq!(
        outcome(&report, CheckKind::Recipient),
        Outcome::Passed,
        "{report:#?}"
    );
    let report = check_for(&site, a.to_string().as_bytes(), "other@example.com");
    assert_eq!(outcome(&report, CheckKind::Recipient), Outcome::Failed);
    assert!(!format!("{report:?}").contains("learner@example.com"));
    // A legacy MD5 hash.
    let mut b = hosted(&site, 6);
    let md5 = md5::Md5::digest(b"learner@example.comsalty");
    b["recipient"] = json!({"type": "email", "hashed": true, "salt": "salty",
        "identity": format!("md5${}", hex::encode(md5))});
    site.fixtures
        .put(&format!("{SITE}/assertions/6"), b.to_string());
    let report = check_for(&site, b.to_string().as_bytes(), "learner@example.com");
    assert_eq!(
        outcome(&report, CheckKind::Recipient),
        Outcome::Passed,
        "{report:#?}"
    );
}
