//! Credential hot paths: JSON-LD to RDF (compiled vs general), RDFC-1.0, and
//! `eddsa-rdfc-2022` signing and verification of a realistic Open Badges 3.0 credential.
//!
//! `cargo bench -p accolade-credentials --bench credentials -- --quick`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // bench code: failing loudly is the point

use accolade_credentials::jsonld::{self, Limits, compiled, general};
use accolade_credentials::multikey::{Curve, EcKeyPair, KeyPair};
use accolade_credentials::proof::{self, Cryptosuite, ProofOptions, ProofSigner};
use accolade_credentials::rdf::canon;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::hint::black_box;

/// What Accolade issues: a profile issuer, an achievement with criteria, image, alignment
/// and a result description, a result, evidence, and a status list entry.
fn credential() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:2b4a7c52-4a57-4e0f-9e61-5b8d0f3e9a11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": "did:web:badges.example.edu",
            "type": ["Profile"],
            "name": "Example University",
            "url": "https://example.edu/",
            "email": "badges@example.edu",
            "image": {"id": "https://example.edu/logo.png", "type": "Image", "caption": "Logo"}
        },
        "validFrom": "2025-01-15T12:00:00Z",
        "validUntil": "2030-01-15T12:00:00Z",
        "name": "Data Analysis Fundamentals",
        "description": "Awarded for completing the data analysis course.",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "hashed": true,
                "identityHash": "sha256$28d3a7a1e7e1b5e8b6a0a1f0d5c3e2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5",
                "identityType": "emailAddress",
                "salt": "m3Qz8k"
            }],
            "achievement": {
                "id": "https://badges.example.edu/achievements/data-analysis",
                "type": ["Achievement"],
                "name": "Data Analysis Fundamentals",
                "description": "Clean, explore and visualise a data set.",
                "criteria": {"narrative": "Pass the final project with at least 70 points."},
                "image": {"id": "https://badges.example.edu/achievements/data-analysis.png", "type": "Image"},
                "achievementType": "Course",
                "creditsAvailable": 2.5,
                "tag": ["data", "statistics"],
                "alignment": [{
                    "type": ["Alignment"],
                    "targetName": "Data literacy",
                    "targetUrl": "https://example.org/frameworks/data-literacy",
                    "targetType": "CFItem"
                }],
                "resultDescription": [{
                    "id": "urn:uuid:7d1c8f0a-1b2c-4d3e-8f9a-0b1c2d3e4f5a",
                    "type": ["ResultDescription"],
                    "name": "Final project score",
                    "resultType": "ScaledScore",
                    "valueMin": "0",
                    "valueMax": "100"
                }]
            },
            "result": [{
                "type": ["Result"],
                "resultDescription": "urn:uuid:7d1c8f0a-1b2c-4d3e-8f9a-0b1c2d3e4f5a",
                "value": "87"
            }],
            "creditsEarned": 2.5
        },
        "evidence": [{
            "id": "https://badges.example.edu/evidence/4711",
            "type": ["Evidence"],
            "name": "Final project",
            "narrative": "An analysis of municipal water usage."
        }],
        "credentialStatus": {
            "id": "https://badges.example.edu/status/1#4711",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "4711",
            "statusListCredential": "https://badges.example.edu/status/1"
        }
    })
}

fn benches(c: &mut Criterion) {
    let doc = credential();
    let bytes = serde_json::to_vec(&doc).unwrap();
    let limits = Limits::default();
    let canon_limits = canon::Limits::default();
    let quads = compiled::to_rdf(&doc, &limits).unwrap();
    assert_eq!(
        canon::canonicalize(&quads, &canon_limits).unwrap(),
        canon::canonicalize(&general::to_rdf(&bytes, &limits).unwrap(), &canon_limits).unwrap()
    );

    c.bench_function("to_rdf/compiled", |b| {
        b.iter(|| compiled::to_rdf(black_box(&doc), &limits).unwrap())
    });
    c.bench_function("to_rdf/general", |b| {
        b.iter(|| general::to_rdf(black_box(&bytes), &limits).unwrap())
    });
    c.bench_function("to_rdf/jsonld_to_rdf_with_limits", |b| {
        b.iter(|| jsonld::to_rdf(black_box(&doc), &limits).unwrap())
    });
    c.bench_function("rdfc10/canonicalize_only", |b| {
        b.iter(|| canon::canonicalize(black_box(&quads), &canon_limits).unwrap())
    });
    c.bench_function("canonical_nquads/compiled", |b| {
        b.iter(|| {
            let q = compiled::to_rdf(black_box(&doc), &limits).unwrap();
            canon::canonicalize(&q, &canon_limits).unwrap()
        })
    });
    c.bench_function("canonical_nquads/general", |b| {
        b.iter(|| {
            let q = general::to_rdf(black_box(&bytes), &limits).unwrap();
            canon::canonicalize(&q, &canon_limits).unwrap()
        })
    });

    let key = KeyPair::from_seed([7; 32]);
    let vm = format!("{}#{}", key.public().did_key(), key.public().to_multibase());
    let options = ProofOptions::assertion(vm, Some("2025-01-15T12:00:00Z".into()));
    c.bench_function("proof/sign", |b| {
        b.iter(|| proof::sign(black_box(&doc), &key, &options).unwrap())
    });
    let signed = proof::sign(&doc, &key, &options).unwrap();
    let parsed = proof::parse_proof(&signed["proof"][0]).unwrap();
    let public = key.public();
    proof::verify(&signed, &parsed, &public).unwrap();
    c.bench_function("proof/verify", |b| {
        b.iter(|| proof::verify(black_box(&signed), &parsed, &public).unwrap())
    });

    // The other suites, each with the key type it is defined for.
    let jcs = options.clone().with_cryptosuite(Cryptosuite::EddsaJcs2022);
    bench_verify(c, "proof/verify eddsa-jcs-2022", &doc, &key, &jcs);
    for curve in [Curve::P256, Curve::P384] {
        let pair = EcKeyPair::from_scalar(curve, &vec![7; curve.scalar_len()]).unwrap();
        for suite in [Cryptosuite::EcdsaRdfc2019, Cryptosuite::EcdsaJcs2019] {
            let name = format!("proof/verify {suite} {}", curve.name());
            bench_verify(
                c,
                &name,
                &doc,
                &pair,
                &options.clone().with_cryptosuite(suite),
            );
        }
    }
}

fn bench_verify(
    c: &mut Criterion,
    name: &str,
    doc: &serde_json::Value,
    key: &impl ProofSigner,
    options: &ProofOptions,
) {
    let signed = proof::sign(doc, key, options).unwrap();
    let parsed = proof::parse_proof(&signed["proof"][0]).unwrap();
    let public = key.verification_key();
    proof::verify(&signed, &parsed, &public).unwrap();
    c.bench_function(name, |b| {
        b.iter(|| proof::verify(black_box(&signed), &parsed, &public).unwrap())
    });
}

criterion_group!(credential_benches, benches);
criterion_main!(credential_benches);
