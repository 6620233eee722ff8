//! The attack suite: what a forger or a careless network does to a verifier, and the verdict
//! each must get. Nothing here may ever be reported valid: a forgery is "not valid", and
//! what could not be checked (an unreachable status list or key document) is "could not be
//! checked", never "valid".

use super::*;
use accolade_credentials::did::Offline;
use accolade_credentials::jwt::sign::Es256Key;
use base64::Engine as _;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A compact EdDSA JWS signed by `key` (any key the forger likes).
fn eddsa_token(key: &KeyPair, header: &Value, payload: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    format!("{input}.{}", b64(&key.sign(input.as_bytes())))
}

fn ed_jwk(key: &KeyPair) -> Value {
    json!({"kty": "OKP", "crv": "Ed25519", "x": b64(key.public().as_bytes())})
}

/// The badge as an OB 3.0 VC-JWT payload naming `issuer`.
fn jwt_payload(issuer: &str) -> Value {
    let mut p = badge(None);
    p["issuer"]["id"] = json!(issuer);
    p.as_object_mut().unwrap().remove("credentialStatus");
    p["iss"] = json!(issuer);
    p["jti"] = p["id"].clone();
    p
}

fn never_valid(report: &Report, what: &str) {
    assert_ne!(report.verdict, Verdict::Valid, "{what}: {report:#?}");
    assert!(!report.is_valid(), "{what}");
}

fn not_valid(report: &Report, what: &str) {
    assert_eq!(report.verdict, Verdict::Invalid, "{what}: {report:#?}");
    assert!(
        report.summary.starts_with("Not valid"),
        "{what}: {}",
        report.summary
    );
}

fn unchecked(report: &Report, what: &str) {
    assert_eq!(report.verdict, Verdict::Unchecked, "{what}: {report:#?}");
    assert!(
        report.summary.starts_with("Could not be checked"),
        "{what}: {}",
        report.summary
    );
}

fn offline(bytes: &[u8]) -> Report {
    let clock = clock();
    verify::verify_bytes(bytes, &VerifyOptions::new(&Offline, &clock))
}

#[test]
fn forged_jwt_with_its_own_key_in_the_header_is_not_valid() {
    let forger = KeyPair::generate().unwrap();
    let header = json!({"alg": "EdDSA", "jwk": ed_jwk(&forger)});
    // The reproduction of the report: a did:web issuer, verified offline.
    let token = eddsa_token(
        &forger,
        &header,
        &jwt_payload("did:web:registrar.example.edu"),
    );
    let report = offline(token.as_bytes());
    not_valid(&report, "did:web issuer, offline");
    assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Passed);
    assert_eq!(outcome(&report, CheckKind::IssuerKey), Outcome::Failed);
    // Online, with the issuer's DID document reachable but not listing the key.
    let issuer = Issuer::new();
    let token = eddsa_token(&forger, &header, &jwt_payload(ISSUER));
    not_valid(
        &check_bytes(&issuer, token.as_bytes()),
        "did:web issuer, online",
    );
    // The issuer's DID document unreachable: still not the issuer's key.
    issuer.fixtures.take_down("https://issuer.example/");
    not_valid(
        &check_bytes(&issuer, token.as_bytes()),
        "did:web issuer down",
    );
    // A did:key issuer: only the DID's own key counts.
    let victim = KeyPair::generate().unwrap();
    let token = eddsa_token(&forger, &header, &jwt_payload(&victim.public().did_key()));
    not_valid(&offline(token.as_bytes()), "did:key issuer");
    // An https issuer whose JWK Set does not list it.
    let site = Fixtures::default();
    site.put(
        "https://registrar.example.edu/.well-known/jwks.json",
        json!({"keys": [ed_jwk(&victim)]}).to_string(),
    );
    let token = eddsa_token(
        &forger,
        &header,
        &jwt_payload("https://registrar.example.edu"),
    );
    not_valid(
        &verify_with(token.as_bytes(), &site, &clock()),
        "https issuer",
    );
    // The genuine key in the header of a did:key issuer does verify.
    let token = eddsa_token(
        &victim,
        &json!({"alg": "EdDSA", "jwk": ed_jwk(&victim)}),
        &jwt_payload(&victim.public().did_key()),
    );
    assert_eq!(offline(token.as_bytes()).verdict, Verdict::Valid);
}

#[test]
fn forged_jwt_whose_kid_points_at_the_forgers_key_is_never_valid() {
    let forger = Es256Key::generate().unwrap();
    let issuer = Issuer::new();
    let kid = "https://forger.example/keys/1.jwk";
    issuer.fixtures.put(kid, forger.public_jwk().to_string());
    let token = forger.sign_compact(&json!({"alg": "ES256", "kid": kid}), &jwt_payload(ISSUER));
    not_valid(
        &check_bytes(&issuer, token.as_bytes()),
        "kid on the forger's host",
    );
    // The issuer's DID document out of reach: the link to the issuer cannot be checked.
    issuer.fixtures.take_down("https://issuer.example/");
    let report = check_bytes(&issuer, token.as_bytes());
    unchecked(&report, "kid on the forger's host, issuer down");
    assert_eq!(
        outcome(&report, CheckKind::IssuerKey),
        Outcome::Inconclusive
    );
    // Offline, the key itself cannot even be read.
    unchecked(&offline(token.as_bytes()), "kid URL, offline");
    // A kid that is the forger's did:key.
    let ed = KeyPair::generate().unwrap();
    let token = eddsa_token(
        &ed,
        &json!({"alg": "EdDSA", "kid": ed.public().did_key_verification_method()}),
        &jwt_payload("did:web:registrar.example.edu"),
    );
    not_valid(&offline(token.as_bytes()), "forger's did:key as kid");
    // An https issuer: a key on another origin is not its key.
    let site = Fixtures::default();
    site.put(kid, forger.public_jwk().to_string());
    site.put(
        "https://registrar.example.edu/.well-known/jwks.json",
        json!({"keys": []}).to_string(),
    );
    let token = forger.sign_compact(
        &json!({"alg": "ES256", "kid": kid}),
        &jwt_payload("https://registrar.example.edu"),
    );
    not_valid(
        &verify_with(token.as_bytes(), &site, &clock()),
        "https issuer, foreign kid",
    );
}

#[test]
fn no_credential_with_an_unreachable_status_list_is_valid() {
    let issuer = Issuer::new();
    let cred = issuer.sign(&badge(None));
    assert_eq!(check(&issuer, &cred).verdict, Verdict::Valid);
    // The list answers 404.
    issuer.fixtures.remove(REVOCATION_LIST);
    let report = check(&issuer, &cred);
    unchecked(&report, "revocation list 404");
    assert_eq!(outcome(&report, CheckKind::Status), Outcome::Inconclusive);
    // The list's host is down (and so is the DID document).
    issuer
        .fixtures
        .take_down("https://issuer.example/issuers/acme/status/");
    unchecked(&check(&issuer, &cred), "status host down");
    // Offline: the signature could be checked only with the DID document; a did:web key is
    // out of reach, so nothing is valid.
    unchecked(
        &offline(&serde_json::to_vec(&cred).unwrap()),
        "offline with a status list",
    );
}

#[test]
fn a_status_list_failing_its_own_checks_leaves_status_unchecked() {
    let issuer = Issuer::new();
    let cred = issuer.sign(&badge(None));
    // A list signed by a key that is not the issuer's (a forger "clearing" the bit).
    let forger = Issuer::new();
    let mut bits = BitstringStatusList::new(131_072).unwrap();
    bits.set(1, true).unwrap();
    let list = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": REVOCATION_LIST,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": format!("{REVOCATION_LIST}#list"), "type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": bits.encode()},
    });
    let forged = forger.sign(&list);
    issuer
        .fixtures
        .put(REVOCATION_LIST, serde_json::to_vec(&forged).unwrap());
    unchecked(&check(&issuer, &cred), "list signed by another key");
    // An unsigned list.
    issuer
        .fixtures
        .put(REVOCATION_LIST, serde_json::to_vec(&list).unwrap());
    unchecked(&check(&issuer, &cred), "unsigned list");
    // A list that is not JSON, or whose member names repeat.
    issuer
        .fixtures
        .put(REVOCATION_LIST, "<html>maintenance</html>");
    unchecked(&check(&issuer, &cred), "list not JSON");
    let text = serde_json::to_string(&issuer.sign(&list)).unwrap();
    let doubled = text.replacen("\"issuer\":", "\"issuer\":\"did:web:x\",\"issuer\":", 1);
    issuer.fixtures.put(REVOCATION_LIST, doubled);
    unchecked(&check(&issuer, &cred), "list with a repeated member name");
    // An expired list.
    let mut stale = list.clone();
    stale["validUntil"] = json!("2026-02-01T00:00:00Z");
    issuer.fixtures.put(
        REVOCATION_LIST,
        serde_json::to_vec(&issuer.sign(&stale)).unwrap(),
    );
    unchecked(&check(&issuer, &cred), "expired list");
    // The genuine list, with the bit set: revoked.
    issuer.publish_list(REVOCATION_LIST, "revocation", &[94567]);
    let report = check(&issuer, &cred);
    assert!(report.flags.revoked && report.verdict == Verdict::Invalid);
}

#[test]
fn an_extra_invalid_proof_fails_the_credential_in_either_order() {
    let issuer = Issuer::new();
    let cred = issuer.sign(&badge(None));
    let good = cred["proof"][0].clone();
    let mut bad = good.clone();
    let value = bad["proofValue"].as_str().unwrap().to_owned();
    let flipped = if value.ends_with('A') { 'B' } else { 'A' };
    bad["proofValue"] = json!(format!("{}{flipped}", &value[..value.len() - 1]));
    for (order, proofs) in [("good, bad", [&good, &bad]), ("bad, good", [&bad, &good])] {
        let mut c = cred.clone();
        c["proof"] = json!(proofs);
        let report = check(&issuer, &c);
        not_valid(&report, order);
        assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Failed);
    }
    // A second proof by another key that is not the issuer's.
    let other = Issuer::new();
    let twice = other.sign(&cred);
    assert_eq!(twice["proof"].as_array().unwrap().len(), 2);
    not_valid(&check(&issuer, &twice), "second proof by a foreign key");
    // A second proof of a kind that cannot be checked: the set cannot be checked either.
    let mut c = cred.clone();
    c["proof"] = json!([good, {"type": "DataIntegrityProof", "cryptosuite": "bbs-2023", "proofPurpose": "assertionMethod", "verificationMethod": format!("{ISSUER}#key-1"), "proofValue": "u2V0"}]);
    never_valid(&check(&issuer, &c), "second proof unsupported");
    // Two genuine proofs by the issuer's key: valid.
    let both = issuer.sign(&cred);
    assert_eq!(check(&issuer, &both).verdict, Verdict::Valid);
}

#[test]
fn repeated_member_names_are_refused_everywhere() {
    let issuer = Issuer::new();
    let cred = issuer.sign(&badge(None));
    let text = serde_json::to_string(&cred).unwrap();
    // The achievement's name twice: one reader would show the first, another the last.
    let doubled = text.replacen(
        "\"name\":\"Rust Fundamentals\"",
        "\"name\":\"Rust Fundamentals\",\"name\":\"Brain Surgery\"",
        2,
    );
    assert_ne!(doubled, text);
    let report = check_bytes(&issuer, doubled.as_bytes());
    not_valid(&report, "credential JSON");
    assert!(
        report.summary.contains("appears twice"),
        "{}",
        report.summary
    );
    // Baked into an SVG.
    let svg = accolade_credentials::bake::bake_svg(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>",
        &accolade_credentials::bake::BakePayload::Json(doubled.clone()),
    )
    .unwrap();
    not_valid(&check_bytes(&issuer, svg.as_bytes()), "baked SVG");
    // In a JWT header and in a JWT payload.
    let key = KeyPair::generate().unwrap();
    let payload = jwt_payload(&key.public().did_key());
    let kid = key.public().did_key_verification_method();
    let header = format!(r#"{{"alg":"EdDSA","kid":"{kid}","kid":"did:web:other"}}"#);
    let input = format!(
        "{}.{}",
        b64(header.as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let token = format!("{input}.{}", b64(&key.sign(input.as_bytes())));
    not_valid(&offline(token.as_bytes()), "JWT header");
    let body = payload
        .to_string()
        .replacen("\"name\":", "\"name\":\"Other\",\"name\":", 1);
    let input = format!(
        "{}.{}",
        b64(json!({"alg": "EdDSA", "kid": kid}).to_string().as_bytes()),
        b64(body.as_bytes())
    );
    let token = format!("{input}.{}", b64(&key.sign(input.as_bytes())));
    not_valid(&offline(token.as_bytes()), "JWT payload");
    // An OB 2.0 assertion.
    let ob2 = r#"{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://issuer.example/a/1","id":"https://issuer.example/a/2","recipient":{"type":"email","identity":"a@example.com"},"badge":"https://issuer.example/b","verification":{"type":"hosted"},"issuedOn":"2024-01-01T00:00:00Z"}"#;
    not_valid(&offline(ob2.as_bytes()), "OB 2.0 assertion");
}

#[test]
fn an_unreachable_key_document_is_unchecked_and_a_missing_one_not_valid() {
    let issuer = Issuer::new();
    let cred = issuer.sign(&badge(None));
    issuer.fixtures.take_down(DID_URL);
    let report = check(&issuer, &cred);
    unchecked(&report, "DID document unreachable");
    assert_eq!(outcome(&report, CheckKind::Key), Outcome::Inconclusive);
    let issuer = Issuer::new();
    let cred = issuer.sign(&badge(None));
    issuer.fixtures.remove(DID_URL);
    not_valid(&check(&issuer, &cred), "DID document gone (404)");
}

#[test]
fn oversized_and_malformed_input_is_refused_cleanly() {
    let issuer = Issuer::new();
    for (what, bytes) in [
        ("empty", Vec::new()),
        ("truncated JSON", b"{\"@context\": [".to_vec()),
        ("trailing data", b"{} {}".to_vec()),
        ("not UTF-8", vec![0xff, 0xfe, 0x7b]),
        ("huge", vec![b' '; 17 * 1024 * 1024]),
        ("JWT with bad base64", b"eyJ.eyJ!.x".to_vec()),
        (
            "alg none",
            format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(b"{}")).into_bytes(),
        ),
    ] {
        let report = check_bytes(&issuer, &bytes);
        assert_eq!(report.verdict, Verdict::Invalid, "{what}: {report:#?}");
    }
}

fn check_bytes(issuer: &Issuer, bytes: &[u8]) -> Report {
    verify_with(bytes, &issuer.fixtures, &clock())
}
