//! Interoperability of every cryptosuite with the Digital Bazaar stack (run when
//! ACCOLADE_INTEROP=1, as `scripts/test.sh` does; needs `npm ci` in interop/): Digital Bazaar
//! verifies what Accolade signs, Accolade verifies what Digital Bazaar signs (fresh keys,
//! WebCrypto ECDSA signatures), and both reject the same tampered copies.

use super::*;
use accolade_credentials::multikey::{Curve, EcKeyPair};
use accolade_credentials::proof::Cryptosuite;
use std::path::Path;
use std::process::{Command, Output};

fn interop() -> bool {
    accolade_testkit::gate::require_flag(
        "ACCOLADE_INTEROP",
        "the Digital Bazaar interop check",
        "needs `npm ci` in interop/; scripts/test.sh does both",
    )
}

fn node(script: &str, args: &[&str]) -> Output {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../interop");
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

/// An Open Badges credential with blank nodes (so RDFC's hash function matters) and no
/// status list (nothing to fetch on either side).
fn unsigned() -> Value {
    let mut c = badge(None);
    c.as_object_mut().unwrap().remove("credentialStatus");
    c
}

fn with_issuer(doc: &Value, did: &str) -> Value {
    let mut c = doc.clone();
    c["issuer"]["id"] = json!(did);
    c
}

fn sign_ours(key: &impl proof::ProofSigner, did: &str, vm: String, suite: Cryptosuite) -> Value {
    let opts =
        ProofOptions::assertion(vm, Some("2026-01-15T12:00:00Z".into())).with_cryptosuite(suite);
    proof::sign(&with_issuer(&unsigned(), did), key, &opts).unwrap()
}

/// Copies an attacker would try: content changed, cryptosuite renamed, signature altered.
fn tampered(cred: &Value) -> Vec<(&'static str, Value)> {
    let single = |c: &Value| match &c["proof"] {
        Value::Array(a) => a[0].clone(),
        p => p.clone(),
    };
    let set_proof = |c: &mut Value, p: Value| {
        c["proof"] = p;
    };
    let mut content = cred.clone();
    content["credentialSubject"]["achievement"]["name"] = json!("Rust Mastery");
    let mut renamed = cred.clone();
    let mut p = single(cred);
    let suite = p["cryptosuite"].as_str().unwrap().to_owned();
    let swapped = if suite.contains("-jcs-") {
        suite.replace("-jcs-", "-rdfc-")
    } else {
        suite.replace("-rdfc-", "-jcs-")
    };
    p["cryptosuite"] = json!(swapped);
    set_proof(&mut renamed, p);
    let mut resigned = cred.clone();
    let mut p = single(cred);
    let value = p["proofValue"].as_str().unwrap().to_owned();
    let mut sig = bs58::decode(&value[1..]).into_vec().unwrap();
    let last = sig.len() - 1;
    sig[last] ^= 0x01;
    p["proofValue"] = json!(format!("z{}", bs58::encode(sig).into_string()));
    set_proof(&mut resigned, p);
    vec![
        ("content changed", content),
        ("cryptosuite renamed", renamed),
        ("signature altered", resigned),
    ]
}

fn write(dir: &Path, name: &str, v: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn digital_bazaar_and_accolade_agree_on_every_suite() {
    if !interop() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("accolade-suites-interop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    // Credentials Digital Bazaar signs with every suite and fresh keys.
    let unsigned_path = write(&dir, "unsigned.json", &unsigned());
    let out = node("suites.mjs", &[&unsigned_path]);
    assert!(
        out.status.success(),
        "suites.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(theirs.len(), 6);
    let mut cases: Vec<(String, Value)> = theirs
        .iter()
        .map(|t| {
            (
                format!(
                    "Digital Bazaar {} {}",
                    t["cryptosuite"].as_str().unwrap(),
                    t["key"].as_str().unwrap()
                ),
                t["credential"].clone(),
            )
        })
        .collect();

    // Credentials Accolade signs: eddsa-jcs-2022 (the suite it offers besides the default),
    // the default, and the ECDSA suites on both curves.
    let ed = KeyPair::generate().unwrap();
    let ed_did = ed.public().did_key();
    for suite in [Cryptosuite::EddsaJcs2022, Cryptosuite::EddsaRdfc2022] {
        let cred = sign_ours(
            &ed,
            &ed_did,
            ed.public().did_key_verification_method(),
            suite,
        );
        cases.push((format!("Accolade {suite} Ed25519"), cred));
    }
    for curve in [Curve::P256, Curve::P384] {
        let pair = EcKeyPair::generate(curve).unwrap();
        let did = pair.public().did_key();
        for suite in [Cryptosuite::EcdsaRdfc2019, Cryptosuite::EcdsaJcs2019] {
            let cred = sign_ours(
                &pair,
                &did,
                pair.public().did_key_verification_method(),
                suite,
            );
            cases.push((format!("Accolade {suite} {}", curve.name()), cred));
        }
    }

    // Every credential and its tampered copies, verified by both stacks.
    let mut files = Vec::new();
    for (i, (name, cred)) in cases.iter().enumerate() {
        files.push((name.clone(), true, write(&dir, &format!("{i}.json"), cred)));
        for (j, (how, t)) in tampered(cred).into_iter().enumerate() {
            files.push((
                format!("{name}, {how}"),
                false,
                write(&dir, &format!("{i}-t{j}.json"), &t),
            ));
        }
    }
    let mut args = vec!["--json"];
    args.extend(files.iter().map(|(_, _, f)| f.as_str()));
    let out = node("verify.mjs", &args);
    let js: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verify.mjs: {e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let fixtures = Fixtures::default();
    let clock = clock();
    let mut disagreements = Vec::new();
    for ((name, genuine, path), js) in files.iter().zip(&js) {
        assert_eq!(js["file"], json!(path));
        let report = verify_with(&std::fs::read(path).unwrap(), &fixtures, &clock);
        let ours = report.verdict == Verdict::Valid;
        let theirs = js["verified"] == json!(true);
        if ours != *genuine || theirs != *genuine {
            disagreements.push(format!(
                "{name}: expected {}, Accolade {} ({}), Digital Bazaar {} ({})",
                if *genuine { "valid" } else { "rejected" },
                if ours { "valid" } else { "rejected" },
                report.summary,
                if theirs { "valid" } else { "rejected" },
                js["error"].as_str().unwrap_or_default()
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    assert_eq!(files.len(), cases.len() * 4);
}

#[test]
fn jcs_numbers_and_strings_match_ecmascript() {
    if !interop() {
        return;
    }
    // Random doubles of every magnitude (from random bit patterns), integers around 2^53,
    // and strings with control and non-ASCII characters: JSON.stringify of an array writes
    // exactly what JCS requires for these values.
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let mut values = Vec::new();
    while values.len() < 5000 {
        let x = f64::from_bits(rng.next());
        if x.is_finite() {
            values.push(json!(x));
        }
    }
    for i in 0..200u64 {
        values.push(json!((1u64 << 53) - i));
        values.push(json!(rng.next() % 1_000_000));
        values.push(json!((rng.next() % 100_000) as f64 / 1000.0));
    }
    values.push(json!(
        "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f} \"\\/\u{7f}\u{80}\u{2028}\u{fffd}\u{1f600}é"
    ));
    let input = Value::Array(values);
    let dir = std::env::temp_dir().join(format!("accolade-jcs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = write(&dir, "numbers.json", &input);
    let out = Command::new("node")
        .args([
            "-e",
            "process.stdout.write(JSON.stringify(JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'))))",
            &path,
        ])
        .output()
        .expect("node is required for the interop tests");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success());
    let ours = accolade_credentials::jcs::canonicalize(&input).unwrap();
    let theirs = String::from_utf8(out.stdout).unwrap();
    if ours != theirs {
        let a: Vec<&str> = ours.split(',').collect();
        let b: Vec<&str> = theirs.split(',').collect();
        let diff: Vec<String> = a
            .iter()
            .zip(&b)
            .filter(|(x, y)| x != y)
            .take(10)
            .map(|(x, y)| format!("ours {x} / ECMAScript {y}"))
            .collect();
        panic!("JCS differs from ECMAScript:\n{}", diff.join("\n"));
    }
}
