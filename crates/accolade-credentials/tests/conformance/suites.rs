//! The cryptosuites besides eddsa-rdfc-2022: the W3C vc-di-eddsa (eddsa-jcs-2022) and
//! vc-di-ecdsa (ecdsa-rdfc-2019, ecdsa-jcs-2019 on P-256 and P-384) vectors reproduced byte
//! for byte, Open Badges credentials signed and verified with each suite, and the attacks a
//! forger would try on them.

use super::*;
use accolade_credentials::did::{self, Offline, ResolveOptions};
use accolade_credentials::jcs;
use accolade_credentials::multikey::{Curve, EcKeyPair, VerificationKey};
use accolade_credentials::proof::{Cryptosuite, ProofError};
use accolade_credentials::rdf::canon::HashAlgorithm;

fn text(path: &str) -> String {
    String::from_utf8(read(path)).unwrap()
}

fn without_proof(signed: &Value) -> Value {
    let mut v = signed.clone();
    v.as_object_mut().unwrap().remove("proof");
    v
}

/// One published vector: its folder, file suffix, suite and hash function.
struct Vector {
    dir: &'static str,
    suffix: &'static str,
    suite: Cryptosuite,
    hash: HashAlgorithm,
}

const VECTORS: [Vector; 5] = [
    Vector {
        dir: "w3c-vc-di-eddsa/eddsa-jcs-2022",
        suffix: "JCS",
        suite: Cryptosuite::EddsaJcs2022,
        hash: HashAlgorithm::Sha256,
    },
    Vector {
        dir: "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256",
        suffix: "ECDSAP256",
        suite: Cryptosuite::EcdsaRdfc2019,
        hash: HashAlgorithm::Sha256,
    },
    Vector {
        dir: "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p384",
        suffix: "ECDSAP384",
        suite: Cryptosuite::EcdsaRdfc2019,
        hash: HashAlgorithm::Sha384,
    },
    Vector {
        dir: "w3c-vc-di-ecdsa/ecdsa-jcs-2019-p256",
        suffix: "JCSECDSAP256",
        suite: Cryptosuite::EcdsaJcs2019,
        hash: HashAlgorithm::Sha256,
    },
    Vector {
        dir: "w3c-vc-di-ecdsa/ecdsa-jcs-2019-p384",
        suffix: "JCSECDSAP384",
        suite: Cryptosuite::EcdsaJcs2019,
        hash: HashAlgorithm::Sha384,
    },
];

impl Vector {
    fn file(&self, name: &str, ext: &str) -> String {
        text(&format!("{}/{name}{}.{ext}", self.dir, self.suffix))
    }
    fn json(&self, name: &str) -> Value {
        serde_json::from_str(&self.file(name, "json")).unwrap()
    }
    fn signed(&self) -> Value {
        self.json("signed")
    }
    fn key(&self, signed: &Value) -> VerificationKey {
        let vm = signed["proof"]["verificationMethod"].as_str().unwrap();
        did::resolve_key(vm, &Offline, &ResolveOptions::default())
            .unwrap()
            .key
    }
}

fn check(doc: &Value, key: impl Into<VerificationKey>) -> Result<(), ProofError> {
    let p = proof::parse_proof(&doc["proof"])?;
    proof::verify(doc, &p, &key.into())
}

#[test]
fn w3c_vectors_of_every_suite_are_reproduced_byte_for_byte() {
    for v in &VECTORS {
        let signed = v.signed();
        let unsecured = without_proof(&signed);
        let config = v.json("proofConfig");
        assert_eq!(
            proof::canonical_form(v.suite, v.hash, &config).unwrap(),
            v.file("proofCanon", "txt"),
            "{}",
            v.dir
        );
        assert_eq!(
            proof::canonical_form(v.suite, v.hash, &unsecured).unwrap(),
            v.file("canonDoc", "txt"),
            "{}",
            v.dir
        );
        let data = proof::hash_data_for(v.suite, v.hash, &unsecured, &config).unwrap();
        let half = data.len() / 2;
        assert_eq!(
            hex::encode(&data[..half]),
            v.file("proofHash", "txt"),
            "{}",
            v.dir
        );
        assert_eq!(
            hex::encode(&data[half..]),
            v.file("docHash", "txt"),
            "{}",
            v.dir
        );
        assert_eq!(
            hex::encode(&data),
            v.file("combinedHash", "txt"),
            "{}",
            v.dir
        );
        let b58 = v.file("sigBTC58", "txt");
        assert_eq!(signed["proof"]["proofValue"], json!(b58), "{}", v.dir);
        let sig = bs58::decode(&b58[1..]).into_vec().unwrap();
        assert_eq!(hex::encode(&sig), v.file("sigHex", "txt"), "{}", v.dir);
        // The published signed document verifies with the key its did:key names.
        check(&signed, v.key(&signed)).unwrap_or_else(|e| panic!("{}: {e}", v.dir));
    }
}

#[test]
fn w3c_eddsa_jcs_2022_signature_is_reproduced() {
    let v = &VECTORS[0];
    let signed = v.signed();
    let keys = read_json("w3c-vc-di-eddsa/keyPair.json");
    let key =
        KeyPair::from_secret_multibase(keys["privateKeyMultibase"].as_str().unwrap()).unwrap();
    let opts = ProofOptions::assertion(
        signed["proof"]["verificationMethod"].as_str().unwrap(),
        Some("2023-02-24T23:36:38Z".into()),
    )
    .with_cryptosuite(Cryptosuite::EddsaJcs2022);
    let ours = proof::sign(&without_proof(&signed), &key, &opts).unwrap();
    // The whole proof, @context included, in the same member order.
    assert_eq!(
        serde_json::to_string(&ours["proof"][0]).unwrap(),
        serde_json::to_string(&signed["proof"]).unwrap()
    );
}

#[test]
fn w3c_ecdsa_signatures_are_reproduced_with_rfc6979() {
    for (i, file) in [(1, "p256KeyPair.json"), (2, "p384KeyPair.json")] {
        let keys = read_json(&format!("w3c-vc-di-ecdsa/{file}"));
        let pair =
            EcKeyPair::from_secret_multibase(keys["secretKeyMultibase"].as_str().unwrap()).unwrap();
        assert_eq!(
            json!(pair.public().to_multibase()),
            keys["publicKeyMultibase"]
        );
        for v in [&VECTORS[i], &VECTORS[i + 2]] {
            let signed = v.signed();
            let opts = ProofOptions::assertion(
                signed["proof"]["verificationMethod"].as_str().unwrap(),
                Some("2023-02-24T23:36:38Z".into()),
            )
            .with_cryptosuite(v.suite);
            let ours = proof::sign(&without_proof(&signed), &pair, &opts).unwrap();
            // The published signatures use the deterministic nonce of RFC 6979 too, so the
            // whole proof, signature included, comes out byte for byte.
            assert_eq!(
                serde_json::to_string(&ours["proof"][0]).unwrap(),
                serde_json::to_string(&signed["proof"]).unwrap(),
                "{}",
                v.dir
            );
            let mut ours_single = ours.clone();
            ours_single["proof"] = ours["proof"][0].clone();
            check(&ours_single, pair.public()).unwrap();
            let again = proof::sign(&without_proof(&signed), &pair, &opts).unwrap();
            assert_eq!(again, ours, "RFC 6979 signing is deterministic");
        }
    }
}

#[test]
fn jcs_proofs_survive_reformatting_and_reordering() {
    // JCS signs the JSON data, not its text: the same members in another order and with
    // other whitespace still verify.
    for v in &VECTORS {
        let signed = v.signed();
        let mut reordered = serde_json::Map::new();
        let obj = signed.as_object().unwrap();
        for k in obj.keys().rev() {
            reordered.insert(k.clone(), obj[k].clone());
        }
        let compact = serde_json::to_string(&Value::Object(reordered)).unwrap();
        let reread: Value = serde_json::from_str(&compact).unwrap();
        check(&reread, v.key(&signed)).unwrap();
    }
}

// ---------------------------------------------------------------------------------------
// Attacks on the published vectors

#[test]
fn attacker_changes_one_byte_of_the_document() {
    for v in &VECTORS {
        let signed = v.signed();
        let key = v.key(&signed);
        for (path, value) in [
            ("/name", json!("Alumni Credentiam")),
            (
                "/credentialSubject/alumniOf",
                json!("The School of Examplez"),
            ),
            ("/validFrom", json!("2023-01-01T00:00:01Z")),
            ("/issuer", json!("https://vc.example/issuers/5679")),
        ] {
            let mut t = signed.clone();
            *t.pointer_mut(path).unwrap() = value;
            assert_eq!(
                check(&t, key),
                Err(ProofError::BadSignature),
                "{} {path}",
                v.dir
            );
        }
        // A member added, and a type dropped.
        let mut t = signed.clone();
        t["credentialSubject"]["degree"] = json!("PhD");
        assert_eq!(check(&t, key), Err(ProofError::BadSignature), "{}", v.dir);
        let mut t = signed.clone();
        t["type"] = json!(["VerifiableCredential"]);
        assert_eq!(check(&t, key), Err(ProofError::BadSignature), "{}", v.dir);
    }
}

#[test]
fn attacker_changes_the_proof_configuration() {
    for v in &VECTORS {
        let signed = v.signed();
        let key = v.key(&signed);
        let mut t = signed.clone();
        t["proof"]["created"] = json!("2023-02-24T23:36:39Z");
        assert_eq!(check(&t, key), Err(ProofError::BadSignature), "{}", v.dir);
        let mut t = signed.clone();
        t["proof"]["expires"] = json!("2030-01-01T00:00:00Z");
        assert_eq!(check(&t, key), Err(ProofError::BadSignature), "{}", v.dir);
        // A proof @context that the document does not start with.
        let mut t = signed.clone();
        t["proof"]["@context"] = json!(["https://www.w3.org/ns/credentials/examples/v2"]);
        assert_eq!(
            check(&t, key),
            Err(ProofError::ContextMismatch),
            "{}",
            v.dir
        );
        // The JCS suites sign the proof's @context: removing it changes what was signed.
        if v.suite.canonicalization() == proof::Canonicalization::Jcs {
            let mut t = signed.clone();
            t["proof"].as_object_mut().unwrap().remove("@context");
            assert_eq!(check(&t, key), Err(ProofError::BadSignature), "{}", v.dir);
        }
    }
}

#[test]
fn attacker_swaps_the_cryptosuite_name() {
    let swaps = [
        (Cryptosuite::EddsaJcs2022, "eddsa-rdfc-2022"),
        (Cryptosuite::EcdsaRdfc2019, "ecdsa-jcs-2019"),
        (Cryptosuite::EcdsaJcs2019, "ecdsa-rdfc-2019"),
    ];
    for v in &VECTORS {
        let signed = v.signed();
        let key = v.key(&signed);
        for (from, to) in swaps {
            if v.suite != from {
                continue;
            }
            let mut t = signed.clone();
            t["proof"]["cryptosuite"] = json!(to);
            assert_eq!(
                check(&t, key),
                Err(ProofError::BadSignature),
                "{} as {to}",
                v.dir
            );
        }
        // Naming the suite of the other key family leaves a key that cannot check it.
        let mut t = signed.clone();
        let other = match v.suite {
            Cryptosuite::EddsaJcs2022 => "ecdsa-jcs-2019",
            Cryptosuite::EcdsaJcs2019 => "eddsa-jcs-2022",
            _ => "eddsa-rdfc-2022",
        };
        t["proof"]["cryptosuite"] = json!(other);
        let parsed = proof::parse_proof(&t["proof"]);
        match parsed {
            Ok(p) => assert!(
                matches!(
                    proof::verify(&t, &p, &key),
                    Err(ProofError::KeyTypeMismatch { .. })
                ),
                "{} as {other}",
                v.dir
            ),
            // A 96-byte P-384 signature is not even the size of an Ed25519 one.
            Err(e) => assert_eq!(e, ProofError::BadProofValue, "{}", v.dir),
        }
    }
}

#[test]
fn attacker_uses_a_key_of_another_type_or_curve() {
    let ed = KeyPair::generate().unwrap().public();
    let p256 = EcKeyPair::generate(Curve::P256).unwrap().public();
    let p384 = EcKeyPair::generate(Curve::P384).unwrap().public();
    for v in &VECTORS {
        let signed = v.signed();
        let key = v.key(&signed);
        for other in [
            VerificationKey::from(ed),
            VerificationKey::from(p256),
            VerificationKey::from(p384),
        ] {
            let result = check(&signed, other);
            match (&key, &other) {
                (VerificationKey::Ed25519(_), VerificationKey::Ed25519(_))
                | (VerificationKey::Ecdsa(_), VerificationKey::Ecdsa(_)) => {
                    assert_eq!(result, Err(ProofError::BadSignature), "{}", v.dir)
                }
                _ => assert!(
                    matches!(result, Err(ProofError::KeyTypeMismatch { .. })),
                    "{}: {result:?}",
                    v.dir
                ),
            }
        }
    }
    // The P-256 public point read as a P-384 key (and the reverse) is no key at all.
    for v in [&VECTORS[1], &VECTORS[2]] {
        let signed = v.signed();
        let mb = v.key(&signed).to_multibase();
        let mut raw = bs58::decode(&mb[1..]).into_vec().unwrap();
        raw[0] ^= 0x01; // 0x80 0x24 <-> 0x81 0x24
        let swapped = format!("z{}", bs58::encode(&raw).into_string());
        let vm = format!("did:key:{swapped}#{swapped}");
        assert!(did::resolve_key(&vm, &Offline, &ResolveOptions::default()).is_err());
    }
}

#[test]
fn attacker_sends_truncated_zero_or_garbage_signatures() {
    for v in &VECTORS {
        let signed = v.signed();
        let key = v.key(&signed);
        let sig = bs58::decode(&signed["proof"]["proofValue"].as_str().unwrap()[1..])
            .into_vec()
            .unwrap();
        let n = sig.len();
        let with = |bytes: &[u8]| {
            let mut t = signed.clone();
            t["proof"]["proofValue"] = json!(format!("z{}", bs58::encode(bytes).into_string()));
            t
        };
        assert_eq!(
            check(&with(&sig[..n - 1]), key),
            Err(ProofError::BadProofValue),
            "{}",
            v.dir
        );
        assert_eq!(
            check(&with(&[]), key),
            Err(ProofError::BadProofValue),
            "{}",
            v.dir
        );
        let mut r_zero = sig.clone();
        r_zero[..n / 2].fill(0);
        let mut s_zero = sig.clone();
        s_zero[n / 2..].fill(0);
        let mut flipped = sig.clone();
        flipped[n - 1] ^= 1;
        for bad in [vec![0; n], vec![0xff; n], r_zero, s_zero, flipped] {
            assert_eq!(
                check(&with(&bad), key),
                Err(ProofError::BadSignature),
                "{}",
                v.dir
            );
        }
        // Another multibase than base58btc.
        let mut t = signed.clone();
        t["proof"]["proofValue"] = json!(format!(
            "u{}",
            &signed["proof"]["proofValue"].as_str().unwrap()[1..]
        ));
        assert_eq!(check(&t, key), Err(ProofError::BadProofValue), "{}", v.dir);
    }
}

// ---------------------------------------------------------------------------------------
// Open Badges credentials signed with each suite, through the full verifier

/// Lists extra verification methods (`#key-2`, …) in the issuer's DID document, next to its
/// Ed25519 `#key-1` (which signs the status lists).
fn publish_keys(issuer: &Issuer, extra: &[Value]) {
    let vm1 = format!("{ISSUER}#key-1");
    let mut vms = vec![
        json!({"id": vm1, "type": "Multikey", "controller": ISSUER, "publicKeyMultibase": issuer.key.public().to_multibase()}),
    ];
    vms.extend(extra.iter().cloned());
    let assertion: Vec<Value> = vms.iter().map(|m| m["id"].clone()).collect();
    let doc = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": ISSUER, "verificationMethod": vms, "assertionMethod": assertion,
    });
    issuer.fixtures.put(DID_URL, doc.to_string());
}

fn multikey_vm(id: &str, key: &impl std::fmt::Display) -> Value {
    json!({"id": format!("{ISSUER}#{id}"), "type": "Multikey", "controller": ISSUER, "publicKeyMultibase": key.to_string()})
}

fn ec_jwk(pair: &EcKeyPair) -> Value {
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let (point, n) = match pair {
        EcKeyPair::P256(k) => (
            k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            32,
        ),
        EcKeyPair::P384(k) => (
            k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            48,
        ),
    };
    json!({"kty": "EC", "crv": pair.curve().name(), "x": b64(&point[1..1 + n]), "y": b64(&point[1 + n..])})
}

fn sign_as(issuer_key: &impl proof::ProofSigner, key_id: &str, suite: Cryptosuite) -> Value {
    let opts = ProofOptions::assertion(
        format!("{ISSUER}#{key_id}"),
        Some("2026-01-15T12:00:00Z".into()),
    )
    .with_cryptosuite(suite);
    proof::sign(&badge(None), issuer_key, &opts).unwrap()
}

#[test]
fn open_badges_signed_with_each_suite_verify_and_tampering_fails() {
    let issuer = Issuer::new();
    let p256 = EcKeyPair::generate(Curve::P256).unwrap();
    let p384 = EcKeyPair::generate(Curve::P384).unwrap();
    publish_keys(
        &issuer,
        &[
            multikey_vm("key-2", &p256.public()),
            multikey_vm("key-3", &p384.public()),
            json!({"id": format!("{ISSUER}#key-4"), "type": "JsonWebKey", "controller": ISSUER, "publicKeyJwk": ec_jwk(&p384)}),
        ],
    );
    let cases = [
        (
            sign_as(&issuer.key, "key-1", Cryptosuite::EddsaJcs2022),
            "eddsa-jcs-2022",
        ),
        (
            sign_as(&p256, "key-2", Cryptosuite::EcdsaRdfc2019),
            "ecdsa-rdfc-2019",
        ),
        (
            sign_as(&p256, "key-2", Cryptosuite::EcdsaJcs2019),
            "ecdsa-jcs-2019",
        ),
        (
            sign_as(&p384, "key-3", Cryptosuite::EcdsaRdfc2019),
            "ecdsa-rdfc-2019",
        ),
        (
            sign_as(&p384, "key-3", Cryptosuite::EcdsaJcs2019),
            "ecdsa-jcs-2019",
        ),
        (
            sign_as(&p384, "key-4", Cryptosuite::EcdsaRdfc2019),
            "ecdsa-rdfc-2019",
        ),
    ];
    for (cred, suite) in &cases {
        assert_eq!(cred["proof"][0]["cryptosuite"], json!(suite));
        let report = check_report(&issuer, cred);
        assert_eq!(report.verdict, Verdict::Valid, "{suite}: {report:#?}");
        let mut t = cred.clone();
        t["credentialSubject"]["achievement"]["name"] = json!("Rust Expert");
        let report = check_report(&issuer, &t);
        assert_eq!(report.verdict, Verdict::Invalid, "{suite}");
        assert_eq!(
            outcome(&report, CheckKind::Proof),
            Outcome::Failed,
            "{suite}"
        );
    }
    // A proof naming the P-256 key but signed by the P-384 key (or the reverse): the key in
    // the issuer's document decides, and the signature does not match it.
    let mut forged = sign_as(&p384, "key-3", Cryptosuite::EcdsaRdfc2019);
    forged["proof"][0]["verificationMethod"] = json!(format!("{ISSUER}#key-2"));
    let report = check_report(&issuer, &forged);
    assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Failed);
    // The issuer's Ed25519 key named under an ECDSA proof signed by someone else.
    let mut forged = sign_as(&p256, "key-2", Cryptosuite::EcdsaJcs2019);
    forged["proof"][0]["verificationMethod"] = json!(format!("{ISSUER}#key-1"));
    let report = check_report(&issuer, &forged);
    assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Failed);
    assert!(
        report
            .check(CheckKind::Proof)
            .unwrap()
            .message
            .contains("Ed25519 keys cannot check ecdsa-jcs-2019 proofs"),
        "{report:#?}"
    );
}

fn check_report(issuer: &Issuer, cred: &Value) -> Report {
    verify_with(
        &serde_json::to_vec(cred).unwrap(),
        &issuer.fixtures,
        &clock(),
    )
}

#[test]
fn p384_rdfc_canonicalizes_blank_nodes_with_sha384() {
    // An Open Badges credential has several blank nodes; their canonical labels follow the
    // order of their hashes, so SHA-384 and SHA-256 give different canonical documents.
    let doc = badge(None);
    let a = proof::canonical_nquads_with(&doc, HashAlgorithm::Sha256).unwrap();
    let b = proof::canonical_nquads_with(&doc, HashAlgorithm::Sha384).unwrap();
    assert_ne!(a, b);
    let sorted = |s: &str| {
        let mut lines: Vec<String> = s
            .lines()
            .map(|l| {
                l.split_whitespace()
                    .map(|t| if t.starts_with("_:c14n") { "_:x" } else { t })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        lines.sort();
        lines
    };
    assert_eq!(sorted(&a), sorted(&b), "same statements, other labels");
}

#[test]
fn jcs_signed_credentials_must_still_be_well_formed_json_ld() {
    // A JCS signature covers any JSON; the issuer signing a term no context defines still
    // gets a credential whose meaning is undefined, and it is refused like under RDFC.
    let issuer = Issuer::new();
    let mut doc = badge(None);
    doc["credentialSubject"]["achievement"]["secretLevel"] = json!("gold");
    let opts = ProofOptions::assertion(format!("{ISSUER}#key-1"), None)
        .with_cryptosuite(Cryptosuite::EddsaJcs2022);
    let signed = proof::sign(&doc, &issuer.key, &opts).unwrap();
    let report = check_report(&issuer, &signed);
    assert_eq!(report.verdict, Verdict::Invalid, "{report:#?}");
    assert_eq!(outcome(&report, CheckKind::Proof), Outcome::Failed);
}

#[test]
fn signing_refuses_a_key_of_the_wrong_type() {
    let ed = KeyPair::generate().unwrap();
    let p256 = EcKeyPair::generate(Curve::P256).unwrap();
    let opts = |suite| ProofOptions::assertion("did:example:1#k", None).with_cryptosuite(suite);
    assert!(matches!(
        proof::sign(&badge(None), &ed, &opts(Cryptosuite::EcdsaRdfc2019)),
        Err(ProofError::KeyTypeMismatch { .. })
    ));
    assert!(matches!(
        proof::sign(&badge(None), &p256, &opts(Cryptosuite::EddsaJcs2022)),
        Err(ProofError::KeyTypeMismatch { .. })
    ));
    assert!(matches!(
        proof::sign(&badge(None), &ed, &opts(Cryptosuite::Ed25519Signature2020)),
        Err(ProofError::CannotSign(_))
    ));
    // The default stays eddsa-rdfc-2022.
    let signed = proof::sign(
        &badge(None),
        &ed,
        &ProofOptions::assertion("did:example:1#k", None),
    )
    .unwrap();
    assert_eq!(signed["proof"][0]["cryptosuite"], json!("eddsa-rdfc-2022"));
    assert!(signed["proof"][0].get("@context").is_none());
}

#[test]
fn jcs_text_of_the_vectors_is_the_json_itself() {
    // The canonical text parses back to the same document.
    for v in &VECTORS {
        let unsecured = without_proof(&v.signed());
        let text = jcs::canonicalize(&unsecured).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), unsecured);
    }
}

#[test]
fn jcs_contexts_appended_after_signing_must_not_break_the_document() {
    // The suites let a document's @context grow after signing (the proof keeps the signed
    // prefix). What was signed still verifies; an appended context that redefines the
    // protected terms of the signed ones makes the document itself invalid JSON-LD.
    let issuer = Issuer::new();
    let opts = ProofOptions::assertion(format!("{ISSUER}#key-1"), None)
        .with_cryptosuite(Cryptosuite::EddsaJcs2022);
    let signed = proof::sign(&badge(None), &issuer.key, &opts).unwrap();
    let p = proof::parse_proof(&signed["proof"][0]).unwrap();
    let key = issuer.key.public();
    proof::verify(&signed, &p, &key).unwrap();
    let mut grown = signed.clone();
    grown["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "https://evil.example/name"}));
    assert!(matches!(
        proof::verify(&grown, &p, &key),
        Err(ProofError::JsonLd(_))
    ));
}
