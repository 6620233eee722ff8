use super::*;
use base64::Engine as _;
use serde_json::json;

// The public W3C vc-di-ecdsa test keys (never use outside tests).
const P256_PUBLIC: &str = "zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP";
const P256_SECRET: &str = "z42twTcNeSYcnqg1FLuSFs2bsGH3ZqbRHFmvS9XMsYhjxvHN";
const P384_PUBLIC: &str = "z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ";
const P384_SECRET: &str = "z2fanyY7zgwNpZGxX5fXXibvScNaUWNprHU9dKx7qpVj7mws9J8LLt4mDB5TyH2GLHWkUc";

fn b58(bytes: &[u8]) -> String {
    format!("z{}", bs58::encode(bytes).into_string())
}

fn raw(mb: &str) -> Vec<u8> {
    bs58::decode(&mb[1..]).into_vec().unwrap()
}

#[test]
fn w3c_ecdsa_test_keys_round_trip() {
    for (public, secret, curve) in [
        (P256_PUBLIC, P256_SECRET, Curve::P256),
        (P384_PUBLIC, P384_SECRET, Curve::P384),
    ] {
        let pair = EcKeyPair::from_secret_multibase(secret).unwrap();
        assert_eq!(pair.curve(), curve);
        assert_eq!(pair.public().to_multibase(), public);
        assert_eq!(pair.secret_multibase(), secret);
        let key = VerificationKey::from_multibase(public).unwrap();
        assert_eq!(key, VerificationKey::Ecdsa(pair.public()));
        assert_eq!(key.kind(), curve.name());
        assert_eq!(key.to_multibase(), public);
        assert!(format!("{pair:?}").contains("secret hidden"));
    }
}

#[test]
fn multikey_prefixes_and_point_forms_are_pinned() {
    // A P-256 point under the P-384 code (and the reverse) is refused.
    let mut swapped = raw(P256_PUBLIC);
    swapped[0] = 0x81;
    assert_eq!(
        EcPublicKey::from_multibase(&b58(&swapped)).unwrap_err(),
        KeyError::NotCompressedPoint("P-384")
    );
    let mut swapped = raw(P384_PUBLIC);
    swapped[0] = 0x80;
    assert_eq!(
        EcPublicKey::from_multibase(&b58(&swapped)).unwrap_err(),
        KeyError::NotCompressedPoint("P-256")
    );
    // The uncompressed form is not a Multikey.
    let pair = EcKeyPair::from_secret_multibase(P256_SECRET).unwrap();
    let EcPublicKey::P256(k) = pair.public() else {
        panic!("P-256 expected")
    };
    let mut long = vec![0x80, 0x24];
    long.extend_from_slice(k.to_sec1_point(false).as_bytes());
    assert!(EcPublicKey::from_multibase(&b58(&long)).is_err());
    // Secret-key codes, an unknown code, and a point not on the curve.
    assert_eq!(
        VerificationKey::from_multibase(P256_SECRET).unwrap_err(),
        KeyError::UnsupportedMulticodec
    );
    assert_eq!(
        EcPublicKey::from_multibase(P384_SECRET).unwrap_err(),
        KeyError::NotEcPublic
    );
    assert_eq!(
        EcKeyPair::from_secret_multibase(P256_PUBLIC).unwrap_err(),
        KeyError::NotEcSecret
    );
    let mut off_curve = raw(P256_PUBLIC);
    for b in &mut off_curve[3..] {
        *b = 0xff;
    }
    assert!(EcPublicKey::from_multibase(&b58(&off_curve)).is_err());
    assert_eq!(
        VerificationKey::from_multibase(&b58(&[0xe7, 0x01, 2, 3])).unwrap_err(),
        KeyError::UnsupportedMulticodec
    );
    // An Ed25519 Multikey is read as an Ed25519 key, never as an EC key.
    let ed = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    assert_eq!(
        VerificationKey::from_multibase(ed).unwrap().kind(),
        "Ed25519"
    );
    assert_eq!(
        EcPublicKey::from_multibase(ed).unwrap_err(),
        KeyError::NotEcPublic
    );
}

#[test]
fn signatures_verify_only_in_their_exact_form() {
    for curve in [Curve::P256, Curve::P384] {
        let pair = EcKeyPair::generate(curve).unwrap();
        let public = pair.public();
        let sig = pair.sign(b"hello");
        assert_eq!(sig.len(), curve.signature_len());
        assert_eq!(sig, pair.sign(b"hello"), "RFC 6979 is deterministic");
        assert!(public.verify(b"hello", &sig));
        assert!(!public.verify(b"hellO", &sig));
        assert!(!public.verify(b"hello", &sig[..sig.len() - 1]));
        let mut extended = sig.clone();
        extended.push(0);
        assert!(!public.verify(b"hello", &extended));
        assert!(!public.verify(b"hello", &vec![0; sig.len()]));
        assert!(!public.verify(b"hello", &vec![0xff; sig.len()]));
        // r = 0 or s = 0 with the other half kept.
        let n = curve.scalar_len();
        let mut zero_r = sig.clone();
        zero_r[..n].fill(0);
        assert!(!public.verify(b"hello", &zero_r));
        let mut zero_s = sig.clone();
        zero_s[n..].fill(0);
        assert!(!public.verify(b"hello", &zero_s));
        // Another key of the same curve.
        let other = EcKeyPair::generate(curve).unwrap().public();
        assert!(!other.verify(b"hello", &sig));
    }
}

#[test]
fn the_other_s_of_a_signature_verifies_as_in_webcrypto() {
    // WebCrypto (and so the Digital Bazaar stack) signs with either s; refusing the high one
    // would refuse half of their credentials. The pair (r, n - s) signs the same message.
    let pair = EcKeyPair::from_secret_multibase(P256_SECRET).unwrap();
    let sig = p256::ecdsa::Signature::from_slice(&pair.sign(b"data")).unwrap();
    let (r, s) = sig.split_scalars();
    let flipped = p256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap();
    assert_ne!(flipped, sig);
    assert!(pair.public().verify(b"data", &flipped.to_vec()));
}

fn jwk_of(key: &EcPublicKey) -> serde_json::Value {
    let point = match key {
        EcPublicKey::P256(k) => k.to_sec1_point(false).as_bytes().to_vec(),
        EcPublicKey::P384(k) => k.to_sec1_point(false).as_bytes().to_vec(),
    };
    let n = key.curve().scalar_len();
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    json!({"kty": "EC", "crv": key.curve().name(), "x": b64(&point[1..1 + n]), "y": b64(&point[1 + n..])})
}

#[test]
fn ec_jwks_are_read_and_pinned_to_their_curve() {
    for secret in [P256_SECRET, P384_SECRET] {
        let public = EcKeyPair::from_secret_multibase(secret).unwrap().public();
        let jwk = jwk_of(&public);
        assert_eq!(EcPublicKey::from_jwk(&jwk).unwrap(), public);
        let mut private = jwk.clone();
        private["d"] = json!("AAAA");
        assert_eq!(
            EcPublicKey::from_jwk(&private).unwrap_err(),
            KeyError::PrivateJwk
        );
        let mut other_curve = jwk.clone();
        other_curve["crv"] = json!(if public.curve() == Curve::P256 {
            "P-384"
        } else {
            "P-256"
        });
        assert!(EcPublicKey::from_jwk(&other_curve).is_err());
        let mut okp = jwk.clone();
        okp["kty"] = json!("OKP");
        assert_eq!(EcPublicKey::from_jwk(&okp).unwrap_err(), KeyError::NotEcJwk);
    }
}
