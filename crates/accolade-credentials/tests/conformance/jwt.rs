//! VC-JWT stories: signatures with each supported algorithm and each way of naming the key,
//! tampering, algorithm confusion, and keys that belong to someone else.

use super::*;
use accolade_credentials::bake::{self, Baked};
use base64::Engine as _;
use p256::ecdsa::signature::Signer as _;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

enum Signer {
    Ed(KeyPair),
    P256(p256::ecdsa::SigningKey),
}

impl Signer {
    fn p256() -> Self {
        Self::P256(p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap())
    }

    fn public_jwk(&self) -> Value {
        match self {
            Self::Ed(k) => json!({"kty": "OKP", "crv": "Ed25519", "x": b64(k.public().as_bytes())}),
            Self::P256(k) => {
                let point = k.verifying_key().to_sec1_point(false);
                let bytes = point.as_bytes();
                json!({"kty": "EC", "crv": "P-256", "x": b64(&bytes[1..33]), "y": b64(&bytes[33..65])})
            }
        }
    }

    fn sign(&self, header: &Value, payload: &Value) -> String {
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(payload.to_string().as_bytes())
        );
        let sig = match self {
            Self::Ed(k) => k.sign(input.as_bytes()).to_vec(),
            Self::P256(k) => {
                let s: p256::ecdsa::Signature = k.sign(input.as_bytes());
                s.to_bytes().to_vec()
            }
        };
        format!("{input}.{}", b64(&sig))
    }
}

/// The OB 3.0 VC-JWT payload: the credential plus the registered claims.
fn payload(cred: &Value) -> Value {
    let mut p = cred.clone();
    p["iss"] = json!(ISSUER);
    p["jti"] = cred["id"].clone();
    p["nbf"] = json!(
        time::OffsetDateTime::parse(
            cred["validFrom"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339
        )
        .unwrap()
        .unix_timestamp()
    );
    p
}

fn verify_token(issuer: &Issuer, token: &str) -> Report {
    verify_with(token.as_bytes(), &issuer.fixtures, &clock())
}

#[test]
fn eddsa_with_a_did_web_kid_verifies_and_tampering_fails() {
    let issuer = Issuer::new();
    let signer = Signer::Ed(issuer.key.clone());
    let header = json!({"alg": "EdDSA", "typ": "JWT", "kid": format!("{ISSUER}#key-1")});
    let token = signer.sign(&header, &payload(&badge(None)));
    let report = verify_token(&issuer, &token);
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert_eq!(report.kind, verify::CredentialKind::Ob3Jwt);
    assert_eq!(outcome(&report, CheckKind::IssuerKey), Outcome::Passed);

    // A changed payload under the original signature.
    let (h, rest) = token.split_once('.').unwrap();
    let (_, s) = rest.split_once('.').unwrap();
    let mut changed = payload(&badge(None));
    changed["name"] = json!("Rust Expert");
    let forged = format!("{h}.{}.{s}", b64(changed.to_string().as_bytes()));
    let report = verify_token(&issuer, &forged);
    assert_eq!(
        outcome(&report, CheckKind::Proof),
        Outcome::Failed,
        "{report:#?}"
    );
    assert_eq!(report.verdict, Verdict::Invalid);

    // A changed signature.
    let mut sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap();
    sig[10] ^= 1;
    let (signed, _) = token.rsplit_once('.').unwrap();
    let report = verify_token(&issuer, &format!("{signed}.{}", b64(&sig)));
    assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Failed);
    assert_eq!(report.verdict, Verdict::Invalid);
}

#[test]
fn claims_must_agree_with_the_credential_and_the_clock() {
    let issuer = Issuer::new();
    let signer = Signer::Ed(issuer.key.clone());
    let header = json!({"alg": "EdDSA", "kid": format!("{ISSUER}#key-1")});
    let mut p = payload(&badge(None));
    p["iss"] = json!("did:web:other.example");
    let report = verify_token(&issuer, &signer.sign(&header, &p));
    assert_eq!(outcome(&report, CheckKind::Shape), Outcome::Failed);
    let mut p = payload(&badge(None));
    p["exp"] = json!(1_700_000_000);
    let report = verify_token(&issuer, &signer.sign(&header, &p));
    assert!(
        report.flags.expired && report.verdict == Verdict::Invalid,
        "{report:#?}"
    );
}

#[test]
fn none_and_hmac_and_mismatched_algorithms_are_refused() {
    let issuer = Issuer::new();
    let p = payload(&badge(None));
    let body = b64(p.to_string().as_bytes());
    for alg in ["none", "HS256", "HS512", "RS512"] {
        let h = b64(json!({"alg": alg, "kid": format!("{ISSUER}#key-1")})
            .to_string()
            .as_bytes());
        let report = verify_token(&issuer, &format!("{h}.{body}.c2lnbmF0dXJl"));
        assert_eq!(report.verdict, Verdict::Invalid, "{alg}");
        assert_eq!(outcome(&report, CheckKind::Parse), Outcome::Failed, "{alg}");
    }
    // An Ed25519 signature presented as ES256: the key type must fit the algorithm.
    let signer = Signer::Ed(issuer.key.clone());
    let token = signer.sign(
        &json!({"alg": "ES256", "kid": format!("{ISSUER}#key-1")}),
        &p,
    );
    let report = verify_token(&issuer, &token);
    assert_eq!(
        outcome(&report, CheckKind::Proof),
        Outcome::Failed,
        "{report:#?}"
    );
}

#[test]
fn a_key_of_someone_else_is_refused() {
    let issuer = Issuer::new();
    let impostor = KeyPair::generate().unwrap();
    let kid = impostor.public().did_key_verification_method();
    let token =
        Signer::Ed(impostor).sign(&json!({"alg": "EdDSA", "kid": kid}), &payload(&badge(None)));
    let report = verify_token(&issuer, &token);
    assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Passed);
    assert_eq!(
        outcome(&report, CheckKind::IssuerKey),
        Outcome::Failed,
        "{report:#?}"
    );
    assert_eq!(report.verdict, Verdict::Invalid);
    // A key URL on another site.
    let signer = Signer::p256();
    issuer.fixtures.put(
        "https://evil.example/key.json",
        signer.public_jwk().to_string(),
    );
    let token = signer.sign(
        &json!({"alg": "ES256", "kid": "https://evil.example/key.json"}),
        &payload(&badge(None)),
    );
    let report = verify_token(&issuer, &token);
    assert_eq!(
        outcome(&report, CheckKind::IssuerKey),
        Outcome::Failed,
        "{report:#?}"
    );
}

/// Adds `jwk` to the issuer's DID document as a `JsonWebKey` authorized for assertions.
fn list_in_did_document(issuer: &Issuer, jwk: &Value) {
    let vm = format!("{ISSUER}#jwt-1");
    let did_doc = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": ISSUER,
        "verificationMethod": [
            {"id": format!("{ISSUER}#key-1"), "type": "Multikey", "controller": ISSUER, "publicKeyMultibase": issuer.key.public().to_multibase()},
            {"id": vm, "type": "JsonWebKey", "controller": ISSUER, "publicKeyJwk": jwk},
        ],
        "assertionMethod": [format!("{ISSUER}#key-1"), vm],
    });
    issuer.fixtures.put(DID_URL, did_doc.to_string());
}

#[test]
fn es256_keys_by_url_by_did_document_and_in_the_header() {
    let issuer = Issuer::new();
    let signer = Signer::p256();
    let jwk = signer.public_jwk();
    let p = payload(&badge(None));
    // kid: a URL next to the issuer's DID document that serves one JWK. Where it is
    // published proves nothing until the DID document lists the key for assertions.
    let kid = "https://issuer.example/issuers/acme/keys/jwt-1.jwk";
    issuer.fixtures.put(kid, jwk.to_string());
    let token = signer.sign(&json!({"alg": "ES256", "kid": kid}), &p);
    let report = verify_token(&issuer, &token);
    assert_eq!(
        outcome(&report, CheckKind::IssuerKey),
        Outcome::Failed,
        "{report:#?}"
    );
    assert_eq!(report.verdict, Verdict::Invalid);
    // The same key URL elsewhere on the issuer's host is not the issuer's either: a host may
    // serve many issuers (did:web:issuer.example:issuers:acme is one of them).
    let elsewhere = "https://issuer.example/keys/jwt-1.json";
    issuer.fixtures.put(elsewhere, jwk.to_string());
    let token = signer.sign(&json!({"alg": "ES256", "kid": elsewhere}), &p);
    let report = verify_token(&issuer, &token);
    assert_eq!(
        outcome(&report, CheckKind::IssuerKey),
        Outcome::Failed,
        "{report:#?}"
    );
    // ...until the issuer's DID document lists the key.
    list_in_did_document(&issuer, &jwk);
    for token in [token, signer.sign(&json!({"alg": "ES256", "kid": kid}), &p)] {
        let report = verify_token(&issuer, &token);
        assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    }
    // No kid: the keys of the DID document.
    let report = verify_token(&issuer, &signer.sign(&json!({"alg": "ES256"}), &p));
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    // kid: the DID URL of the key.
    let report = verify_token(
        &issuer,
        &signer.sign(
            &json!({"alg": "ES256", "kid": format!("{ISSUER}#jwt-1")}),
            &p,
        ),
    );
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    // jwk in the header, also listed by the issuer: tied to the issuer.
    let report = verify_token(
        &issuer,
        &signer.sign(&json!({"alg": "ES256", "jwk": jwk}), &p),
    );
    assert_eq!(
        outcome(&report, CheckKind::IssuerKey),
        Outcome::Passed,
        "{report:#?}"
    );
    // jwk in the header that the issuer does not publish: the signature matches its own key,
    // which proves nothing, so the token is not valid.
    let other = Signer::P256(p256::ecdsa::SigningKey::from_slice(&[9u8; 32]).unwrap());
    let report = verify_token(
        &issuer,
        &other.sign(&json!({"alg": "ES256", "jwk": other.public_jwk()}), &p),
    );
    assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Passed);
    assert_eq!(
        outcome(&report, CheckKind::IssuerKey),
        Outcome::Failed,
        "{report:#?}"
    );
    assert_eq!(report.verdict, Verdict::Invalid);
    assert!(
        report.summary.contains("inside the token"),
        "{}",
        report.summary
    );
    // A private key in the header is refused outright.
    let mut private = other.public_jwk();
    private["d"] = json!(b64(&[9u8; 32]));
    let report = verify_token(
        &issuer,
        &other.sign(&json!({"alg": "ES256", "jwk": private}), &p),
    );
    assert_eq!(report.verdict, Verdict::Invalid);
}

#[test]
fn another_issuer_on_the_same_host_cannot_sign_for_this_one() {
    // Two issuers share issuer.example, each with a JWT key published in its own folder and
    // the host's JWK Set listing both. A token claiming acme, signed with beta's key, fails.
    let issuer = Issuer::new();
    let acme = Signer::p256();
    let beta = Signer::P256(p256::ecdsa::SigningKey::from_slice(&[11u8; 32]).unwrap());
    list_in_did_document(&issuer, &acme.public_jwk());
    let beta_kid = "https://issuer.example/issuers/beta/keys/jwt-1.jwk";
    let dotted = "https://issuer.example/issuers/acme/../beta/keys/jwt-1.jwk";
    // A fetcher may well resolve the dot segments and answer with beta's key.
    for url in [beta_kid, dotted] {
        issuer.fixtures.put(url, beta.public_jwk().to_string());
    }
    issuer.fixtures.put(
        "https://issuer.example/.well-known/jwks.json",
        json!({"keys": [acme.public_jwk(), beta.public_jwk()]}).to_string(),
    );
    let p = payload(&badge(None));
    for header in [
        json!({"alg": "ES256", "kid": beta_kid}),
        json!({"alg": "ES256", "kid": dotted}),
    ] {
        let report = verify_token(&issuer, &beta.sign(&header, &p));
        assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Passed);
        assert_eq!(
            outcome(&report, CheckKind::IssuerKey),
            Outcome::Failed,
            "{header}: {report:#?}"
        );
        assert_eq!(report.verdict, Verdict::Invalid);
    }
    let report = verify_token(
        &issuer,
        &beta.sign(&json!({"alg": "ES256", "jwk": beta.public_jwk()}), &p),
    );
    assert_ne!(outcome(&report, CheckKind::IssuerKey), Outcome::Passed);
    let report = verify_token(&issuer, &beta.sign(&json!({"alg": "ES256"}), &p));
    assert_eq!(report.verdict, Verdict::Invalid, "{report:#?}");
}

#[test]
fn signed_by_accolade_verifies_with_the_full_verifier() {
    use accolade_credentials::jwt::sign::{Es256Key, sign_credential};
    let issuer = Issuer::new();
    let key = Es256Key::generate().unwrap();
    let kid = "https://issuer.example/issuers/acme/keys/k1.jwk";
    issuer.fixtures.put(kid, key.public_jwk().to_string());
    list_in_did_document(&issuer, &key.public_jwk());
    // The credential keeps its Data Integrity proof inside the token.
    let signed = issuer.sign(&badge(Some("2027-01-01T00:00:00Z")));
    let token = sign_credential(&signed, &key, kid).unwrap();
    let report = verify_token(&issuer, &token);
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert_eq!(report.format, verify::InputFormat::Jwt);
    assert_eq!(report.kind, verify::CredentialKind::Ob3Jwt);
    assert_eq!(
        report.credential.as_ref().unwrap()["proof"],
        signed["proof"]
    );
    // Tampered: a changed payload under the original signature.
    let (h, rest) = token.split_once('.').unwrap();
    let (p, s) = rest.split_once('.').unwrap();
    let mut changed: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(p)
            .unwrap(),
    )
    .unwrap();
    changed["credentialSubject"]["achievement"]["name"] = json!("Rust Mastery");
    let forged = format!("{h}.{}.{s}", b64(changed.to_string().as_bytes()));
    let report = verify_token(&issuer, &forged);
    assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Failed);
    assert_eq!(report.verdict, Verdict::Invalid);
    // Expired: exp is checked against the clock.
    let expired = sign_credential(
        &issuer.sign(&badge(Some("2026-02-01T00:00:00Z"))),
        &key,
        kid,
    )
    .unwrap();
    let report = verify_token(&issuer, &expired);
    assert!(report.flags.expired && report.verdict == Verdict::Invalid);
}

#[test]
fn validator_jwt_images_fail_when_tampered() {
    let fixtures = validator_fixtures();
    let png = read("1edtech-validator/ob30/simple-jwt.png");
    let Some(Baked::Ob3Jwt(token)) = bake::unbake(&png).unwrap() else {
        panic!("simple-jwt.png holds a JWT");
    };
    let (signed, sig) = token.rsplit_once('.').unwrap();
    let mut sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(sig)
        .unwrap();
    sig[0] ^= 0x80;
    let report = verify_with(
        format!("{signed}.{}", b64(&sig)).as_bytes(),
        &fixtures,
        &clock(),
    );
    assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Failed);
    let (h, rest) = token.split_once('.').unwrap();
    let (p, s) = rest.split_once('.').unwrap();
    let mut payload: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(p)
            .unwrap(),
    )
    .unwrap();
    payload["name"] = json!("Forged");
    let forged = format!("{h}.{}.{s}", b64(payload.to_string().as_bytes()));
    let report = verify_with(forged.as_bytes(), &fixtures, &clock());
    assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Failed);
    assert_eq!(report.verdict, Verdict::Invalid);
}
