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
    Failed,
    Warning,
    Skipped,
    /// The check was needed but could not be carried out (an unreachable status list or
    /// key document, an unsupported proof): the verdict can only be "could not be checked".
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
    /// Nothing failed, but something needed could not be checked (e.g. an unsupported
    /// proof, an unreachable status list): "could not be checked".
    #[serde(rename = "unchecked", alias = "unverified")]
    Unchecked,
}

#[allow(non_upper_case_globals)]
impl Verdict {
    /// The former name of [`Verdict::Unchecked`], for code written before the rename.
    pub const Unverified: Verdict = Verdict::Unchecked;
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
    pub fn failed(&self) -> bool {
        self.0.iter().any(|c| c.outcome == Outcome::Failed)
    }
}
