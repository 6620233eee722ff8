//! The verification report: every check with its outcome and a reason in plain words.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The input could be read (JSON, JWT, baked PNG or SVG).
    Parse,
    /// `@context` is the standard, bundled set.
    Context,
    /// Types and required properties of an Open Badges credential.
    Shape,
    /// The cryptographic proof matches the document.
    Proof,
    /// The signing key was found where its controller publishes it.
    Key,
    /// The key's controller is the credential's issuer.
    IssuerKey,
    /// `validFrom` / `validUntil` against the clock.
    ValidityPeriod,
    /// Revocation and suspension status lists.
    Status,
    /// Whether the credential was issued to a given email.
    Recipient,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    /// The check was carried out and the credential failed it.
    Failed,
    /// Passed, with something worth knowing.
    Warning,
    /// Not needed here (e.g. no recipient was asked about, no status list is named).
    Skipped,
    /// Needed, but could not be carried out (a status list or key document unreachable, an
    /// unsupported proof): the credential can be neither trusted nor rejected.
    Inconclusive,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub check: CheckKind,
    pub outcome: Outcome,
    pub message: String,
}

/// What the input was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputFormat {
    Json,
    Jwt,
    Png,
    Svg,
    Unknown,
}

/// Which kind of badge the input holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// Open Badges 3.0 credential JSON (secured by a Data Integrity proof, if any).
    Ob3DataIntegrity,
    /// Open Badges 3.0 as a VC-JWT.
    Ob3Jwt,
    /// Open Badges 2.0 hosted assertion.
    Ob2Hosted,
    /// Open Badges 2.0 signed assertion (JWS).
    Ob2Signed,
    /// Nothing readable.
    #[default]
    Unknown,
}

impl CredentialKind {
    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ob3DataIntegrity => "Open Badges 3.0 (Data Integrity proof)",
            Self::Ob3Jwt => "Open Badges 3.0 (VC-JWT)",
            Self::Ob2Hosted => "Open Badges 2.0 (hosted assertion)",
            Self::Ob2Signed => "Open Badges 2.0 (signed assertion)",
            Self::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Authentic, issued by the named issuer, not revoked or suspended, within its dates.
    Valid,
    /// At least one check failed.
    Invalid,
    /// Could not be checked: nothing failed, but something needed could not be checked (a
    /// status list or key document unreachable, an unsupported proof). Never shown as valid.
    #[serde(rename = "unchecked", alias = "unverified")]
    Unchecked,
}

impl Verdict {
    /// The verdict in plain words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid => "not valid",
            Self::Unchecked => "could not be checked",
        }
    }
}

/// Status flags for displays that need them at a glance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flags {
    pub revoked: bool,
    pub suspended: bool,
    pub expired: bool,
    pub not_yet_valid: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub verdict: Verdict,
    pub summary: String,
    pub format: InputFormat,
    /// The kind of badge found in the input.
    #[serde(default)]
    pub kind: CredentialKind,
    pub flags: Flags,
    pub issuer_id: Option<String>,
    pub issuer_name: Option<String>,
    pub checks: Vec<Check>,
    /// The credential that was checked (the JWT payload's credential for a JWT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<Value>,
}

impl Report {
    /// A report for input that could not be verified at all (e.g. the verifier did not run).
    pub fn failure(message: impl Into<String>) -> Self {
        let message = message.into();
        Report {
            verdict: Verdict::Invalid,
            summary: format!("Not valid: {message}."),
            format: InputFormat::Unknown,
            kind: CredentialKind::Unknown,
            flags: Flags::default(),
            issuer_id: None,
            issuer_name: None,
            checks: vec![Check {
                check: CheckKind::Parse,
                outcome: Outcome::Failed,
                message,
            }],
            credential: None,
        }
    }

    /// A report for input that could not be checked at all (the credential could not be
    /// fetched, or the verifier could not run): never valid, never "not valid" either.
    pub fn unchecked(message: impl Into<String>) -> Self {
        let message = message.into();
        Report {
            verdict: Verdict::Unchecked,
            summary: format!("Could not be checked: {message}."),
            checks: vec![Check {
                check: CheckKind::Parse,
                outcome: Outcome::Inconclusive,
                message,
            }],
            ..Self::failure(String::new())
        }
    }

    pub fn is_valid(&self) -> bool {
        self.verdict == Verdict::Valid
    }

    pub fn check(&self, kind: CheckKind) -> Option<&Check> {
        self.checks.iter().find(|c| c.check == kind)
    }

    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.outcome == Outcome::Failed)
    }
}

/// Collects checks while the verifier runs.
#[derive(Debug, Default)]
pub(crate) struct Checks(pub Vec<Check>);

impl Checks {
    pub fn add(&mut self, check: CheckKind, outcome: Outcome, message: impl Into<String>) {
        self.0.push(Check {
            check,
            outcome,
            message: message.into(),
        });
    }
    pub fn pass(&mut self, check: CheckKind, message: impl Into<String>) {
        self.add(check, Outcome::Passed, message);
    }
    pub fn fail(&mut self, check: CheckKind, message: impl Into<String>) {
        self.add(check, Outcome::Failed, message);
    }
    pub fn warn(&mut self, check: CheckKind, message: impl Into<String>) {
        self.add(check, Outcome::Warning, message);
    }
    pub fn skip(&mut self, check: CheckKind, message: impl Into<String>) {
        self.add(check, Outcome::Skipped, message);
    }
    pub fn inconclusive(&mut self, check: CheckKind, message: impl Into<String>) {
        self.add(check, Outcome::Inconclusive, message);
    }
    pub fn failed(&self) -> bool {
        self.0.iter().any(|c| c.outcome == Outcome::Failed)
    }
    pub fn any_inconclusive(&self) -> bool {
        self.0.iter().any(|c| c.outcome == Outcome::Inconclusive)
    }
}
