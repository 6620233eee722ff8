use super::*;
use serde_json::json;

fn proof_with(suite: &str, sig_len: usize) -> Value {
    json!({
        "type": "DataIntegrityProof", "cryptosuite": suite, "proofPurpose": "assertionMethod",
        "verificationMethod": "did:example:1#k",
        "proofValue": format!("z{}", bs58::encode(vec![7u8; sig_len]).into_string()),
    })
}

#[test]
fn suite_names_round_trip_and_the_old_name_is_read() {
    for s in Cryptosuite::DATA_INTEGRITY {
        assert_eq!(Cryptosuite::from_cryptosuite(s.name()), Some(s));
        assert_eq!(s.name().parse::<Cryptosuite>(), Ok(s));
    }
    assert_eq!(
        Cryptosuite::from_cryptosuite("eddsa-2022"),
        Some(Cryptosuite::EddsaRdfc2022)
    );
    for unknown in [
        "ecdsa-sd-2023",
        "bbs-2023",
        "EDDSA-RDFC-2022",
        "",
        "Ed25519Signature2020",
    ] {
        assert_eq!(Cryptosuite::from_cryptosuite(unknown), None, "{unknown}");
    }
    assert_eq!(Cryptosuite::default(), Cryptosuite::EddsaRdfc2022);
}

#[test]
fn proof_values_must_have_the_size_of_their_suite() {
    let parsed = parse_proof(&proof_with("eddsa-2022", 64)).unwrap();
    assert_eq!(parsed.cryptosuite, "eddsa-2022");
    assert_eq!(parsed.suite, Cryptosuite::EddsaRdfc2022);
    for (suite, ok, bad) in [
        ("eddsa-rdfc-2022", &[64][..], &[63, 65, 96][..]),
        ("eddsa-jcs-2022", &[64], &[0, 96]),
        ("ecdsa-rdfc-2019", &[64, 96], &[63, 65, 95, 97, 128]),
        ("ecdsa-jcs-2019", &[64, 96], &[32, 48]),
    ] {
        for n in ok {
            assert!(parse_proof(&proof_with(suite, *n)).is_ok(), "{suite} {n}");
        }
        for n in bad {
            assert_eq!(
                parse_proof(&proof_with(suite, *n)),
                Err(ProofError::BadProofValue),
                "{suite} {n}"
            );
        }
    }
    assert_eq!(
        parse_proof(&proof_with("ecdsa-sd-2023", 64)),
        Err(ProofError::UnsupportedCryptosuite("ecdsa-sd-2023".into()))
    );
    let mut legacy = proof_with("", 64);
    legacy["type"] = json!("Ed25519Signature2020");
    assert_eq!(
        parse_proof(&legacy).unwrap().suite,
        Cryptosuite::Ed25519Signature2020
    );
}
