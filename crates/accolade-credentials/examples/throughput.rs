//! Signing and verification throughput on all cores: `cargo run --release -p
//! accolade-credentials --example throughput -- [N] [THREADS]`. Prints one JSON line.
//!
//! Each credential is a realistic OB 3.0 badge (embedded issuer profile, achievement with
//! criteria and alignment, salted email identifier, Bitstring status entry), distinct in id
//! and salt. Verification is the full verifier (context, shape, proof, did:key resolution,
//! issuer ↔ key, validity period) without fetching the status list, as in the JavaScript
//! benchmark it is compared with.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark program

use accolade_core::SystemClock;
use accolade_credentials::did::Offline;
use accolade_credentials::identity;
use accolade_credentials::multikey::KeyPair;
use accolade_credentials::proof::{self, ProofOptions};
use accolade_credentials::verify::{self, CheckKind, Outcome, Verdict, VerifyOptions};
use serde_json::{Value, json};
use std::time::Instant;

fn credential(i: usize, issuer: &str) -> Value {
    let salt = identity::new_salt().unwrap();
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": format!("https://badges.example.org/credentials/{i:08}-5d7e-4b61-9a2f-0c4d1e6b7a93"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Academy", "url": "https://badges.example.org", "email": "badges@example.org"},
        "validFrom": "2026-01-15T12:00:00Z",
        "name": "Rust Fundamentals",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": true,
                "identityHash": identity::hash_identity(&format!("learner{i}@example.com"), &salt), "salt": salt}],
            "achievement": {
                "id": "https://badges.example.org/achievements/rust-fundamentals", "type": ["Achievement"],
                "achievementType": "Course", "name": "Rust Fundamentals",
                "description": "Awarded for completing the Rust Fundamentals course.",
                "criteria": {"narrative": "Pass the final assessment with a score of 80% or higher."},
                "image": {"id": "https://badges.example.org/achievements/rust-fundamentals/image.png", "type": "Image"},
                "alignment": [{"type": ["Alignment"], "targetName": "Programming", "targetUrl": "https://example.org/skills/programming", "targetFramework": "Example Skills"}],
                "creditsAvailable": 2.5
            }
        },
        "credentialStatus": {"id": format!("https://badges.example.org/status/1#{i}"), "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": format!("{i}"), "statusListCredential": "https://badges.example.org/status/1"}
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let threads: usize = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |p| p.get()));
    let key = KeyPair::generate().unwrap();
    let vm = key.public().did_key_verification_method();
    let issuer = key.public().did_key();
    let unsigned: Vec<Value> = (0..n).map(|i| credential(i, &issuer)).collect();
    let chunk = n.div_ceil(threads);

    let start = Instant::now();
    let signed: Vec<Value> = std::thread::scope(|s| {
        let handles: Vec<_> = unsigned
            .chunks(chunk)
            .map(|part| {
                let (key, vm) = (&key, &vm);
                s.spawn(move || {
                    let opts =
                        ProofOptions::assertion(vm.clone(), Some("2026-01-15T12:00:00Z".into()));
                    part.iter()
                        .map(|c| proof::sign(c, key, &opts).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let sign_secs = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let valid: usize = std::thread::scope(|s| {
        let handles: Vec<_> = signed
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    let clock = SystemClock;
                    let mut opts = VerifyOptions::new(&Offline, &clock);
                    opts.check_status = false;
                    // Status is not checked here, so the verdict is "could not be checked";
                    // what is timed is that every proof and key passed and nothing failed.
                    part.iter()
                        .filter(|c| {
                            let r = verify::verify_json(c, &opts);
                            r.verdict != Verdict::Invalid
                                && r.check(CheckKind::Proof)
                                    .is_some_and(|p| p.outcome == Outcome::Passed)
                        })
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    let verify_secs = start.elapsed().as_secs_f64();
    assert_eq!(valid, n, "every signed credential must verify");
    println!(
        "{}",
        json!({"n": n, "threads": threads, "sign_per_s": (n as f64 / sign_secs).round(), "verify_per_s": (n as f64 / verify_secs).round()})
    );
}
