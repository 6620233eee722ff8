//! Conformance: the official signing vector, the 1EdTech validator's own test files, and
//! end-to-end sign → verify stories (tampering, wrong key, dates, revocation, suspension).
//!
//! Hosts such as example.com do not exist here, so a fixture fetcher answers for them with
//! the documents their issuers would publish (controller documents derived from the key the
//! test credential names; the validator's status list). Everything else is real code.

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

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(vectors().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read_json(path: &str) -> Value {
    serde_json::from_slice(&read(path)).unwrap()
}

/// Serves fixed documents by URL and counts requests.
#[derive(Default)]
struct Fixtures {
    docs: Mutex<HashMap<String, Vec<u8>>>,
}

impl Fixtures {
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
    (
        "simple-jwt.png",
        Verdict::Unverified,
        "VC-JWT signatures are not verified yet (and the key travels inside the token)",
    ),
    (
        "simple-jwt.svg",
        Verdict::Unverified,
        "VC-JWT signatures are not verified yet",
    ),
    (
        "simple-jwt_v1.png",
        Verdict::Unverified,
        "VC-JWT signatures are not verified yet",
    ),
    (
        "simple-jwt_v1.svg",
        Verdict::Unverified,
        "VC-JWT signatures are not verified yet",
    ),
    (
        "simple.jwt",
        Verdict::Invalid,
        "parse-only in the validator; its pre-release context is not a published standard context",
    ),
    (
        "sd/derivedcredential.json",
        Verdict::Unverified,
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
