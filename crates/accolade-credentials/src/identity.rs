//! Recipient identity hashes (OB 3.0 `IdentityObject`, OB 2.0 `recipient`).
//!
//! A credential names its earner by a salted hash so that a public badge does not reveal the
//! earner's email, yet the earner (or anyone they tell) can prove that the badge is theirs:
//! `identityHash = "sha256$" + hex(SHA-256(utf8(value) ‖ utf8(salt)))`, the salt appended with
//! no separator.
//!
//! # Email normalization policy
//!
//! The standards say nothing about case, and `Learner@Example.com` and `learner@example.com`
//! reach the same mailbox in practice. Accolade therefore hashes emails in their
//! [`accolade_core::Email`] form (trimmed, lower-cased) when issuing, and
//! [`issued_to_email`] compares against that same form. Hex digests are emitted in lowercase
//! and compared case-insensitively, because other issuers emit either case.
//!
//! Each credential gets its own fresh random salt of 16 bytes ([`new_salt`]), so the same
//! earner's badges cannot be linked by their hashes and an attacker cannot precompute hashes
//! of likely addresses (security item 8).

use accolade_core::Email;
use serde_json::Value;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

/// Number of random bytes in a salt: 128 bits, the minimum in security item 8.
const SALT_BYTES: usize = 16;

/// Prefix of a SHA-256 identity hash.
const SHA256_PREFIX: &str = "sha256$";

/// Why an identity hash could not be made or checked.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentityError {
    /// The operating system's random number generator failed.
    #[error("could not get random bytes from the operating system for a salt")]
    Random(#[source] getrandom::Error),
    /// The hash uses MD5, which OB 2.0 allowed but which is unsafe and unsupported here.
    #[error(
        "this identity hash uses MD5, a legacy algorithm Accolade does not check; \
         only sha256 identity hashes can be matched"
    )]
    Md5Unsupported,
    /// The hash names an algorithm other than sha256 or md5, or none at all.
    #[error("the identity hash does not start with a known algorithm (expected \"sha256$\")")]
    UnknownAlgorithm,
    /// The part after `sha256$` is not 64 hexadecimal digits.
    #[error("the identity hash is malformed: expected 64 hexadecimal digits after \"sha256$\"")]
    MalformedHash,
}

/// A fresh random salt: 16 bytes from the OS, as 32 lowercase hex digits.
///
/// Hex rather than base64url because it has a single spelling (no padding, no alphabet
/// variants, no case sensitivity issues in tools that fold case), contains only characters
/// safe in JSON, URLs and XML, and is what most OB tooling already shows for salts.
pub fn new_salt() -> Result<String, IdentityError> {
    let mut bytes = [0u8; SALT_BYTES];
    getrandom::fill(&mut bytes).map_err(IdentityError::Random)?;
    Ok(hex::encode(bytes))
}

/// `"sha256$" + hex(SHA-256(value ‖ salt))`, lowercase hex.
///
/// `value` is hashed exactly as given; for emails pass the normalized form (see the module
/// documentation), e.g. through [`hash_email`].
pub fn hash_identity(value: &str, salt: &str) -> String {
    let mut out = String::with_capacity(SHA256_PREFIX.len() + 64);
    out.push_str(SHA256_PREFIX);
    out.push_str(&hex::encode(digest(value, salt)));
    out
}

/// The identity hash of a normalized email, as Accolade writes it when issuing.
pub fn hash_email(email: &Email, salt: &str) -> String {
    hash_identity(email.as_str(), salt)
}

/// Whether `identity_hash` (e.g. `sha256$ab12…`) is the hash of `value` with `salt`.
///
/// The hex digits are compared case-insensitively and in constant time, so response timing
/// does not tell a guesser how many leading digits were right. The algorithm name is matched
/// case-insensitively too. A missing salt means the empty salt, as in OB 2.0.
pub fn identity_matches(
    identity_hash: &str,
    salt: Option<&str>,
    value: &str,
) -> Result<bool, IdentityError> {
    let trimmed = identity_hash.trim();
    let Some((alg, hex)) = trimmed.split_once('$') else {
        return Err(IdentityError::UnknownAlgorithm);
    };
    if alg.eq_ignore_ascii_case("md5") {
        return Err(IdentityError::Md5Unsupported);
    }
    if !alg.eq_ignore_ascii_case("sha256") {
        return Err(IdentityError::UnknownAlgorithm);
    }
    let claimed = parse_hex32(hex).ok_or(IdentityError::MalformedHash)?;
    let actual = digest(value, salt.unwrap_or(""));
    // The time taken must not depend on where the hashes first differ.
    Ok(claimed.ct_eq(&actual).into())
}

/// Where in a credential the matching identity was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentitySource {
    /// An OB 3.0 `credentialSubject.identifier` entry.
    Ob3Identifier,
    /// An OB 2.0 `recipient` object.
    Ob2Recipient,
}

/// The answer to "was this credential issued to this email?", with what a plain-language
/// report needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientMatch {
    /// An email identity in the credential is this address.
    Match {
        /// Which structure held the matching identity.
        source: IdentitySource,
        /// Whether it was stored as a salted hash (true) or in plain text (false).
        hashed: bool,
    },
    /// The credential names an email recipient, but not this address.
    NoMatch {
        /// How many email identities were compared.
        compared: usize,
        /// Email identities that could not be checked, each explained in plain words
        /// (for example a legacy MD5 hash).
        unchecked: Vec<String>,
    },
    /// The credential names no email recipient at all.
    NoEmailIdentity {
        /// The identity types that were present instead (e.g. `"studentId"`), if any.
        other_identity_types: Vec<String>,
    },
}

impl std::fmt::Display for RecipientMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Match { hashed: true, .. } => {
                write!(
                    f,
                    "the credential was issued to this email address (salted hash)"
                )
            }
            Self::Match { hashed: false, .. } => {
                write!(
                    f,
                    "the credential was issued to this email address (plain text)"
                )
            }
            Self::NoMatch {
                compared,
                unchecked,
            } => {
                write!(
                    f,
                    "the credential was not issued to this email address \
                     ({compared} email identit{} compared",
                    if *compared == 1 { "y" } else { "ies" }
                )?;
                if !unchecked.is_empty() {
                    write!(f, "; could not check: {}", unchecked.join("; "))?;
                }
                write!(f, ")")
            }
            Self::NoEmailIdentity {
                other_identity_types,
            } if other_identity_types.is_empty() => {
                write!(
                    f,
                    "the credential does not name its recipient by email address"
                )
            }
            Self::NoEmailIdentity {
                other_identity_types,
            } => write!(
                f,
                "the credential does not name its recipient by email address \
                 (it uses: {})",
                other_identity_types.join(", ")
            ),
        }
    }
}

/// Whether `credential` (raw JSON of an OB 3.0 credential, or an OB 2.0 assertion) was issued
/// to `email`.
///
/// Looks at every `credentialSubject` (object or array) and every `identifier` entry
/// (object or array) whose `identityType` is `emailAddress` (the OB 2.0 spelling `email` is
/// accepted too, since the OB 3.0 implementation guide uses it in an example), and at the
/// OB 2.0 `recipient` object of type `email`. Entries of other identity types are skipped.
pub fn issued_to_email(credential: &Value, email: &Email) -> RecipientMatch {
    let mut tally = Tally::default();
    for subject in one_or_many(credential.get("credentialSubject")) {
        for identifier in one_or_many(subject.get("identifier")) {
            let kind = identifier.get("identityType").and_then(Value::as_str);
            let value = identifier.get("identityHash").and_then(Value::as_str);
            let salt = identifier.get("salt").and_then(Value::as_str);
            let hashed = identifier.get("hashed");
            if let Some(found) = tally.check(
                kind,
                hashed,
                value,
                salt,
                email,
                IdentitySource::Ob3Identifier,
            ) {
                return found;
            }
        }
    }
    if let Some(recipient) = credential.get("recipient").filter(|r| r.is_object()) {
        let kind = recipient.get("type").and_then(Value::as_str);
        let value = recipient.get("identity").and_then(Value::as_str);
        let salt = recipient.get("salt").and_then(Value::as_str);
        let hashed = recipient.get("hashed");
        if let Some(found) = tally.check(
            kind,
            hashed,
            value,
            salt,
            email,
            IdentitySource::Ob2Recipient,
        ) {
            return found;
        }
    }
    tally.finish()
}

/// Running count of the identities seen by [`issued_to_email`].
#[derive(Default)]
struct Tally {
    compared: usize,
    unchecked: Vec<String>,
    other_types: Vec<String>,
}

impl Tally {
    /// Checks one identity; returns a result only when it matches.
    fn check(
        &mut self,
        kind: Option<&str>,
        hashed: Option<&Value>,
        value: Option<&str>,
        salt: Option<&str>,
        email: &Email,
        source: IdentitySource,
    ) -> Option<RecipientMatch> {
        let kind = kind.unwrap_or("(none)");
        if kind != "emailAddress" && kind != "email" {
            if !self.other_types.iter().any(|t| t == kind) {
                self.other_types.push(kind.to_owned());
            }
            return None;
        }
        let Some(value) = value else {
            self.unchecked
                .push("an email identity has no value".to_owned());
            return None;
        };
        // `hashed` is required by both standards; if it is missing, infer it from the
        // `alg$` prefix rather than refusing to look.
        let hashed = match hashed {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
            _ => value.contains('$'),
        };
        if hashed {
            match identity_matches(value, salt, email.as_str()) {
                Ok(true) => return Some(RecipientMatch::Match { source, hashed }),
                Ok(false) => self.compared += 1,
                Err(e) => self.unchecked.push(e.to_string()),
            }
        } else {
            if value.trim().to_lowercase() == email.as_str() {
                return Some(RecipientMatch::Match { source, hashed });
            }
            self.compared += 1;
        }
        None
    }

    fn finish(self) -> RecipientMatch {
        if self.compared == 0 && self.unchecked.is_empty() {
            RecipientMatch::NoEmailIdentity {
                other_identity_types: self.other_types,
            }
        } else {
            RecipientMatch::NoMatch {
                compared: self.compared,
                unchecked: self.unchecked,
            }
        }
    }
}

/// A JSON value that may be one object or an array of them, as a list.
fn one_or_many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    }
}

fn digest(value: &str, salt: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(value.as_bytes());
    hasher.update(salt.as_bytes());
    hasher.finalize().into()
}

/// Parses exactly 64 hex digits (either case) into 32 bytes.
fn parse_hex32(digits: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(digits, &mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    #[test]
    fn spec_examples() {
        assert_eq!(
            hash_identity("a@example.com", "Kosher"),
            "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
        );
        assert_eq!(
            hash_identity("learner@example.com", "Kx7Rq2Lw"),
            "sha256$815d0499d8c5d198644be401ed16156680e2add5bfcb14b8178d5f9aead4cd57"
        );
    }

    #[test]
    fn salts_are_fresh_lowercase_hex_of_16_bytes() {
        let a = new_salt().unwrap();
        let b = new_salt().unwrap();
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
        assert_ne!(a, b);
    }

    #[test]
    fn matches_case_insensitively_and_rejects_wrong_values() {
        let h = "sha256$B5809D8A92F8858436D7E6B87C12EBC0AE1EAC4BAECC2C0B913AEE2C922EF399";
        assert_eq!(
            identity_matches(h, Some("Kosher"), "a@example.com"),
            Ok(true)
        );
        assert_eq!(
            identity_matches(h, Some("kosher"), "a@example.com"),
            Ok(false)
        );
        assert_eq!(
            identity_matches(h, Some("Kosher"), "b@example.com"),
            Ok(false)
        );
        assert_eq!(identity_matches(h, None, "a@example.com"), Ok(false));
        let unsalted = hash_identity("x@example.com", "");
        assert_eq!(identity_matches(&unsalted, None, "x@example.com"), Ok(true));
    }

    #[test]
    fn refuses_md5_and_malformed_hashes() {
        let md5 = "md5$c0d9e7aa8c4e0a0e6b3c8fd2b3e9e9a1";
        assert_eq!(
            identity_matches(md5, None, "a"),
            Err(IdentityError::Md5Unsupported)
        );
        assert!(IdentityError::Md5Unsupported.to_string().contains("MD5"));
        for bad in [
            "abc",
            "sha1$00",
            "sha256$zz",
            "sha256$",
            &format!("sha256${}", "g".repeat(64)),
        ] {
            assert!(identity_matches(bad, None, "a").is_err(), "{bad}");
        }
    }

    #[test]
    fn property_random_salts_round_trip() {
        for i in 0..200 {
            let salt = new_salt().unwrap();
            let value = format!("user{i}@example.com");
            let h = hash_identity(&value, &salt);
            assert!(h.starts_with("sha256$") && h.len() == 71);
            assert_eq!(identity_matches(&h, Some(&salt), &value), Ok(true));
            assert_eq!(
                identity_matches(
                    &h.to_uppercase().replace("SHA256", "sha256"),
                    Some(&salt),
                    &value
                ),
                Ok(true)
            );
            assert_eq!(
                identity_matches(&h, Some(&salt), &format!("{value}x")),
                Ok(false)
            );
            let other = new_salt().unwrap();
            assert_eq!(identity_matches(&h, Some(&other), &value), Ok(false));
        }
    }

    fn ob3(identifier: Value) -> Value {
        json!({"type": ["VerifiableCredential", "OpenBadgeCredential"],
               "credentialSubject": {"type": ["AchievementSubject"], "identifier": identifier}})
    }

    #[test]
    fn digest_credential_matches_its_learner() {
        let cred = ob3(
            json!([{"type": "IdentityObject", "identityType": "emailAddress",
            "hashed": true,
            "identityHash": "sha256$815d0499d8c5d198644be401ed16156680e2add5bfcb14b8178d5f9aead4cd57",
            "salt": "Kx7Rq2Lw"}]),
        );
        let m = issued_to_email(&cred, &email("  Learner@Example.COM "));
        assert_eq!(
            m,
            RecipientMatch::Match {
                source: IdentitySource::Ob3Identifier,
                hashed: true
            }
        );
        let m = issued_to_email(&cred, &email("someone@example.com"));
        assert_eq!(
            m,
            RecipientMatch::NoMatch {
                compared: 1,
                unchecked: vec![]
            }
        );
        assert!(m.to_string().contains("not issued"));
    }

    #[test]
    fn issuing_policy_round_trips_through_issued_to_email() {
        let salt = new_salt().unwrap();
        let e = email("Ann.Lee@Example.org");
        let cred = ob3(
            json!({"type": "IdentityObject", "identityType": "emailAddress",
            "hashed": true, "identityHash": hash_email(&e, &salt), "salt": salt}),
        );
        assert!(matches!(
            issued_to_email(&cred, &email("ann.lee@example.org")),
            RecipientMatch::Match { .. }
        ));
    }

    #[test]
    fn plain_identities_subject_arrays_and_other_types() {
        let cred = json!({"credentialSubject": [
            {"identifier": {"identityType": "studentId", "hashed": false, "identityHash": "42"}},
            {"identifier": [{"identityType": "emailAddress", "hashed": false,
                             "identityHash": " Bob@Example.com"}]}]});
        assert_eq!(
            issued_to_email(&cred, &email("bob@example.com")),
            RecipientMatch::Match {
                source: IdentitySource::Ob3Identifier,
                hashed: false
            }
        );
        let only_other = ob3(json!([{"identityType": "studentId", "hashed": false,
                                      "identityHash": "42"}]));
        let m = issued_to_email(&only_other, &email("bob@example.com"));
        assert_eq!(
            m,
            RecipientMatch::NoEmailIdentity {
                other_identity_types: vec!["studentId".into()]
            }
        );
        assert!(m.to_string().contains("studentId"));
        let nothing = json!({"credentialSubject": {"id": "did:example:1"}});
        assert!(matches!(
            issued_to_email(&nothing, &email("bob@example.com")),
            RecipientMatch::NoEmailIdentity { .. }
        ));
    }

    #[test]
    fn md5_identities_are_reported_not_matched() {
        let cred = ob3(json!([{"identityType": "emailAddress", "hashed": true,
                               "identityHash": "md5$0123456789abcdef0123456789abcdef"}]));
        match issued_to_email(&cred, &email("a@example.com")) {
            RecipientMatch::NoMatch {
                compared: 0,
                unchecked,
            } => {
                assert!(unchecked[0].contains("MD5"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn ob2_recipient() {
        let assertion = json!({"type": "Assertion", "recipient": {"type": "email",
            "hashed": true, "salt": "Kosher",
            "identity": "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"}});
        assert_eq!(
            issued_to_email(&assertion, &email("A@example.com")),
            RecipientMatch::Match {
                source: IdentitySource::Ob2Recipient,
                hashed: true
            }
        );
        let plain = json!({"recipient": {"type": "email", "hashed": false,
                                         "identity": "a@example.com"}});
        assert!(matches!(
            issued_to_email(&plain, &email("a@example.com")),
            RecipientMatch::Match { hashed: false, .. }
        ));
    }
}
