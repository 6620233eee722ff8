//! The verifier: one entry point for credential JSON, compact JWTs and baked PNG/SVG badges,
//! returning a [`Report`] with every check and a reason in plain words. No input makes it
//! panic; every network access goes through the caller's [`Fetch`].

mod input;
mod jwt;
mod kept;
pub mod report;
pub mod shape;
mod status;

pub use kept::{lasting, recheck};
pub use report::{Check, CheckKind, CredentialKind, Flags, InputFormat, Outcome, Report, Verdict};

use crate::did::{self, Fetch, ResolveOptions};
use crate::identity::{self, RecipientMatch};
use crate::jsonld::{self, JsonLdError};
use crate::proof::{self, ProofError};
use accolade_core::{Clock, Email};
use input::Parsed;
use report::Checks;
use serde_json::Value;

/// How to verify.
pub struct VerifyOptions<'a> {
    pub fetch: &'a dyn Fetch,
    pub clock: &'a dyn Clock,
    pub resolve: ResolveOptions,
    /// Also answer "was this issued to this email?".
    pub recipient: Option<Email>,
    /// Clock skew tolerated on validity dates.
    pub skew: time::Duration,
    pub check_status: bool,
}

/// Clock skew tolerated on validity dates unless told otherwise.
pub const DEFAULT_SKEW: time::Duration = time::Duration::minutes(5);

impl<'a> VerifyOptions<'a> {
    pub fn new(fetch: &'a dyn Fetch, clock: &'a dyn Clock) -> Self {
        Self {
            fetch,
            clock,
            resolve: ResolveOptions::default(),
            recipient: None,
            skew: DEFAULT_SKEW,
            check_status: true,
        }
    }
}

/// Verifies whatever was given: JSON, a JWT, or a baked PNG/SVG.
pub fn verify_bytes(input: &[u8], opts: &VerifyOptions<'_>) -> Report {
    let mut checks = Checks::default();
    let (format, parsed) = input::read(input);
    match parsed {
        Err(why) => {
            checks.fail(CheckKind::Parse, why);
            finish(
                format,
                CredentialKind::Unknown,
                None,
                checks,
                Flags::default(),
            )
        }
        Ok(Parsed::Json(v)) => {
            checks.pass(CheckKind::Parse, describe_source(format, "credential JSON"));
            verify_parsed(format, v, None, checks, opts)
        }
        Ok(Parsed::Jwt(jwt)) => {
            checks.pass(
                CheckKind::Parse,
                describe_source(format, &format!("a VC-JWT ({})", jwt.alg())),
            );
            verify_parsed(format, jwt.credential.clone(), Some(&jwt), checks, opts)
        }
        Ok(Parsed::Ob2(text)) => crate::ob2::verify(&text, format, opts),
    }
}

/// Verifies credential JSON already parsed.
pub fn verify_json(credential: &Value, opts: &VerifyOptions<'_>) -> Report {
    let mut checks = Checks::default();
    checks.pass(CheckKind::Parse, "credential JSON");
    verify_parsed(InputFormat::Json, credential.clone(), None, checks, opts)
}

fn describe_source(format: InputFormat, what: &str) -> String {
    match format {
        InputFormat::Png => format!("{what}, baked into a PNG image"),
        InputFormat::Svg => format!("{what}, baked into an SVG image"),
        _ => what.to_owned(),
    }
}

fn verify_parsed(
    format: InputFormat,
    cred: Value,
    jwt: Option<&crate::jwt::DecodedJwt>,
    mut checks: Checks,
    opts: &VerifyOptions<'_>,
) -> Report {
    let mut flags = Flags::default();
    let kind = match jwt {
        Some(_) => CredentialKind::Ob3Jwt,
        None => CredentialKind::Ob3DataIntegrity,
    };
    if let Err(e) = jsonld::check_depth(&cred, jsonld::Limits::default().max_depth) {
        checks.fail(CheckKind::Parse, e.to_string());
        return finish(format, kind, Some(cred), checks, flags);
    }
    let ctx = shape::check_context(&cred);
    let contexts_ok = ctx.model.is_ok();
    let model = match ctx.model {
        Ok(m) => {
            match ctx.warnings.is_empty() {
                true => checks.pass(
                    CheckKind::Context,
                    "standard Verifiable Credentials and Open Badges contexts",
                ),
                false => checks.warn(CheckKind::Context, ctx.warnings.join("; ")),
            }
            m
        }
        Err(why) => {
            checks.fail(CheckKind::Context, why);
            shape::DataModel::V2
        }
    };
    let mut problems = shape::check_shape(&cred, model);
    if let Some(jwt) = jwt {
        problems.extend(crate::jwt::claim_mismatches(jwt));
    }
    match problems.is_empty() {
        true => checks.pass(CheckKind::Shape, "a well-formed Open Badges credential"),
        false => checks.fail(CheckKind::Shape, sentence(&problems)),
    }
    let issuer = issuer_id(&cred);
    match &jwt {
        // Nothing more is worth the work (or a fetch) for a document whose vocabulary is
        // not the standard one: its meaning is not what it seems.
        _ if !contexts_ok => {
            let why = "not checked, because the credential's contexts are not acceptable";
            checks.skip(CheckKind::Proof, why);
            checks.skip(CheckKind::Key, why);
            checks.skip(CheckKind::IssuerKey, why);
            validity(
                &cred,
                model,
                opts.clock.now(),
                opts.skew,
                &mut checks,
                &mut flags,
            );
            checks.skip(CheckKind::Status, why);
            recipient(&cred, opts, &mut checks);
            return finish(format, kind, Some(cred), checks, flags);
        }
        Some(jwt) => jwt::proof_checks(jwt, issuer.as_deref(), opts, &mut checks),
        None => proof_checks(&cred, issuer.as_deref(), opts, &mut checks),
    }
    validity(
        &cred,
        model,
        opts.clock.now(),
        opts.skew,
        &mut checks,
        &mut flags,
    );
    if let Some(jwt) = jwt {
        jwt::time_checks(jwt, opts, &mut checks, &mut flags);
    }
    status::check(&cred, issuer.as_deref(), opts, &mut checks, &mut flags);
    recipient(&cred, opts, &mut checks);
    finish(format, kind, Some(cred), checks, flags)
}

fn sentence(problems: &[String]) -> String {
    let mut s = problems.join("; ");
    if let Some(first) = s.get(0..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s
}

pub(crate) fn issuer_id(cred: &Value) -> Option<String> {
    match cred.get("issuer")? {
        Value::String(s) => Some(s.clone()),
        o => o.get("id").and_then(Value::as_str).map(str::to_owned),
    }
}

fn issuer_name(cred: &Value) -> Option<String> {
    let name = cred.get("issuer")?.get("name")?;
    match name {
        Value::String(s) => Some(s.clone()),
        // A language map or value object: take the first text.
        Value::Object(m) => m
            .get("@value")
            .or_else(|| m.values().next())
            .and_then(Value::as_str)
            .map(str::to_owned),
        Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// Outcome of checking one proof.
struct ProofEval {
    proof: (Outcome, String),
    key: (Outcome, String),
    issuer_key: (Outcome, String),
}

impl ProofEval {
    fn outcomes(&self) -> [&(Outcome, String); 3] {
        [&self.proof, &self.key, &self.issuer_key]
    }
    fn all_passed(&self) -> bool {
        self.outcomes().iter().all(|(o, _)| *o == Outcome::Passed)
    }
    fn any(&self, outcome: Outcome) -> bool {
        self.outcomes().iter().any(|(o, _)| *o == outcome)
    }
}

/// Whether a key could not be resolved because a document was out of reach (then nothing is
/// known about the key) rather than because what was found is wrong, or because the server
/// answered that the document does not exist (the key is not published).
fn unreachable(e: &did::ResolveError) -> bool {
    match e {
        did::ResolveError::Fetch(f) => !f.is_absent(),
        did::ResolveError::NotJson { .. } => true,
        _ => false,
    }
}

fn eval_proof(
    cred: &Value,
    p: &Value,
    issuer: Option<&str>,
    opts: &VerifyOptions<'_>,
) -> ProofEval {
    let skipped = |why: &str| (Outcome::Skipped, why.to_owned());
    let parsed = match proof::parse_proof(p) {
        Ok(parsed) => parsed,
        Err(e @ (ProofError::WrongType(_) | ProofError::UnsupportedCryptosuite(_))) => {
            return ProofEval {
                proof: (Outcome::Inconclusive, e.to_string()),
                key: skipped("no supported proof"),
                issuer_key: skipped("no supported proof"),
            };
        }
        Err(e) => {
            return ProofEval {
                proof: (Outcome::Failed, e.to_string()),
                key: skipped("the proof is malformed"),
                issuer_key: skipped("the proof is malformed"),
            };
        }
    };
    let resolved = match did::resolve_key(&parsed.verification_method, opts.fetch, &opts.resolve) {
        Ok(r) => r,
        Err(e) => {
            let key = match unreachable(&e) {
                true => (
                    Outcome::Inconclusive,
                    format!("the signing key could not be fetched: {e}"),
                ),
                false => (
                    Outcome::Failed,
                    format!("the signing key could not be found: {e}"),
                ),
            };
            return ProofEval {
                proof: skipped("the signature could not be checked without the issuer's key"),
                key,
                issuer_key: skipped("no key was resolved"),
            };
        }
    };
    let proof_result = match proof::verify(cred, &parsed, &resolved.key) {
        Ok(()) => (
            Outcome::Passed,
            format!(
                "the {} signature matches the credential exactly",
                parsed.cryptosuite
            ),
        ),
        Err(e) => (Outcome::Failed, e.to_string()),
    };
    let key = (
        Outcome::Passed,
        format!("key {} {}", resolved.method_id, resolved.source),
    );
    let issuer_key = match issuer {
        Some(i) if i == resolved.controller => (
            Outcome::Passed,
            format!("the key belongs to the issuer {i}"),
        ),
        Some(i) => (
            Outcome::Failed,
            format!(
                "the key is controlled by {}, not by the issuer {i}",
                resolved.controller
            ),
        ),
        None => (
            Outcome::Failed,
            "the credential names no issuer to compare the key with".into(),
        ),
    };
    ProofEval {
        proof: proof_result,
        key,
        issuer_key,
    }
}

/// Every proof must verify: a proof set passes only when each proof does. The report shows
/// the first proof that failed, else the first that could not be checked, else all passed.
fn proof_checks(cred: &Value, issuer: Option<&str>, opts: &VerifyOptions<'_>, checks: &mut Checks) {
    let proofs = proof::proofs(cred);
    if proofs.is_empty() {
        checks.fail(CheckKind::Proof, "the credential carries no proof, so nothing shows who issued it or that it is unaltered");
        checks.skip(CheckKind::Key, "no proof");
        checks.skip(CheckKind::IssuerKey, "no proof");
        return;
    }
    if proofs.len() > MAX_PROOFS {
        checks.fail(
            CheckKind::Proof,
            format!(
                "the credential carries {} proofs; at most {MAX_PROOFS} are checked",
                proofs.len()
            ),
        );
        checks.skip(CheckKind::Key, "too many proofs");
        checks.skip(CheckKind::IssuerKey, "too many proofs");
        return;
    }
    // Every proof must at least be well-formed JSON-LD, even one we cannot check.
    for (i, p) in proofs.iter().enumerate() {
        if let Err(e) = proof_jsonld_error(cred, p) {
            checks.fail(
                CheckKind::Proof,
                format!("proof {} is not valid JSON-LD: {e}", i + 1),
            );
            checks.skip(CheckKind::Key, "a proof is invalid");
            checks.skip(CheckKind::IssuerKey, "a proof is invalid");
            return;
        }
    }
    let evals: Vec<ProofEval> = proofs
        .iter()
        .map(|p| eval_proof(cred, p, issuer, opts))
        .collect();
    let count = evals.len();
    let numbered = |i: usize, msg: &str| match count {
        1 => msg.to_owned(),
        _ => format!("proof {} of {count}: {msg}", i + 1),
    };
    let shown = evals
        .iter()
        .position(|e| e.any(Outcome::Failed))
        .or_else(|| evals.iter().position(|e| !e.all_passed()));
    match shown {
        Some(i) => {
            let e = &evals[i];
            checks.add(CheckKind::Proof, e.proof.0, numbered(i, &e.proof.1));
            checks.add(CheckKind::Key, e.key.0, numbered(i, &e.key.1));
            checks.add(
                CheckKind::IssuerKey,
                e.issuer_key.0,
                numbered(i, &e.issuer_key.1),
            );
        }
        None => {
            let all = |pick: fn(&ProofEval) -> &(Outcome, String)| match count {
                1 => evals.first().map(|e| pick(e).1.clone()).unwrap_or_default(),
                _ => format!("all {count} proofs: {}", pick(&evals[0]).1),
            };
            checks.pass(CheckKind::Proof, all(|e| &e.proof));
            checks.pass(CheckKind::Key, all(|e| &e.key));
            checks.pass(CheckKind::IssuerKey, all(|e| &e.issuer_key));
        }
    }
}

/// Most proofs a credential may carry (each costs a canonicalization and maybe a fetch).
const MAX_PROOFS: usize = 8;

/// Expands an unsupported proof's configuration to catch undefined terms.
fn proof_jsonld_error(cred: &Value, p: &Value) -> Result<(), JsonLdError> {
    if proof::parse_proof(p).is_ok() {
        return Ok(()); // checked fully by verification
    }
    let Value::Object(mut config) = p.clone() else {
        return Ok(());
    };
    if let Some(ctx) = cred.get("@context") {
        config.entry("@context").or_insert_with(|| ctx.clone());
    }
    jsonld::to_rdf(&Value::Object(config), &jsonld::Limits::default()).map(|_| ())
}

/// Whether every proof of a status list credential verifies with a key its issuer controls:
/// `Ok(())`, or the outcome (failed or could not be checked) with the reason.
pub(crate) fn proofs_and_key(
    cred: &Value,
    issuer: Option<&str>,
    opts: &VerifyOptions<'_>,
) -> Result<(), (Outcome, String)> {
    let proofs = proof::proofs(cred);
    if proofs.is_empty() {
        return Err((Outcome::Failed, "it carries no proof".to_owned()));
    }
    if proofs.len() > MAX_PROOFS {
        return Err((Outcome::Failed, "it carries too many proofs".to_owned()));
    }
    let evals: Vec<ProofEval> = proofs
        .iter()
        .map(|p| eval_proof(cred, p, issuer, opts))
        .collect();
    let first = |outcome: Outcome| {
        evals
            .iter()
            .flat_map(ProofEval::outcomes)
            .find(|(o, _)| *o == outcome)
            .map(|(o, m)| (*o, m.clone()))
    };
    match first(Outcome::Failed)
        .or_else(|| first(Outcome::Inconclusive))
        .or_else(|| first(Outcome::Skipped).map(|(_, m)| (Outcome::Inconclusive, m)))
    {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

fn validity(
    cred: &Value,
    model: shape::DataModel,
    now: time::OffsetDateTime,
    skew: time::Duration,
    checks: &mut Checks,
    flags: &mut Flags,
) {
    let (from_key, until_key) = match model {
        shape::DataModel::V2 => ("validFrom", "validUntil"),
        shape::DataModel::V1 => ("issuanceDate", "expirationDate"),
    };
    let from = cred.get(from_key).and_then(shape::parse_date);
    let until = cred.get(until_key).and_then(shape::parse_date);
    let show = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    if let Some(from) = from.filter(|f| now + skew < *f) {
        flags.not_yet_valid = true;
        let _ = from;
        checks.fail(
            CheckKind::ValidityPeriod,
            format!("not valid yet: valid from {}", show(&cred[from_key])),
        );
        return;
    }
    if let Some(until) = until.filter(|u| *u + skew < now) {
        flags.expired = true;
        let _ = until;
        checks.fail(
            CheckKind::ValidityPeriod,
            format!("expired on {}", show(&cred[until_key])),
        );
        return;
    }
    match (from, until) {
        (Some(_), Some(_)) => checks.pass(
            CheckKind::ValidityPeriod,
            format!(
                "valid from {} until {}",
                show(&cred[from_key]),
                show(&cred[until_key])
            ),
        ),
        (Some(_), None) => checks.pass(
            CheckKind::ValidityPeriod,
            format!("valid since {}, with no expiry", show(&cred[from_key])),
        ),
        _ => checks.fail(
            CheckKind::ValidityPeriod,
            format!("the credential has no readable {from_key}"),
        ),
    }
}

fn recipient(cred: &Value, opts: &VerifyOptions<'_>, checks: &mut Checks) {
    let Some(email) = &opts.recipient else {
        checks.skip(CheckKind::Recipient, "no recipient was asked about");
        return;
    };
    match identity::issued_to_email(cred, email) {
        m @ RecipientMatch::Match { .. } => checks.pass(CheckKind::Recipient, m.to_string()),
        m => checks.fail(CheckKind::Recipient, m.to_string()),
    }
}

pub(crate) fn finish(
    format: InputFormat,
    kind: CredentialKind,
    credential: Option<Value>,
    checks: Checks,
    flags: Flags,
) -> Report {
    let issuer = Issuer {
        id: credential.as_ref().and_then(issuer_id),
        name: credential.as_ref().and_then(issuer_name),
    };
    finish_for(format, kind, credential, issuer, checks, flags)
}

/// Who issued what was checked, as far as is known.
pub(crate) struct Issuer {
    pub id: Option<String>,
    pub name: Option<String>,
}

/// As [`finish`], with the issuer found elsewhere (an OB 2.0 assertion names it by URL).
pub(crate) fn finish_for(
    format: InputFormat,
    kind: CredentialKind,
    credential: Option<Value>,
    issuer: Issuer,
    checks: Checks,
    flags: Flags,
) -> Report {
    let proof_passed = checks
        .0
        .iter()
        .any(|c| c.check == CheckKind::Proof && c.outcome == Outcome::Passed);
    // Valid only when authenticity was established and nothing needed went unchecked.
    let verdict = if checks.failed() {
        Verdict::Invalid
    } else if proof_passed && !checks.any_inconclusive() {
        Verdict::Valid
    } else {
        Verdict::Unchecked
    };
    let Issuer {
        id: issuer_id,
        name: issuer_name,
    } = issuer;
    let who = match (&issuer_name, &issuer_id) {
        (Some(n), Some(i)) => format!(" {n} ({i})"),
        (None, Some(i)) => format!(" {i}"),
        _ => String::new(),
    };
    let first_failure = checks
        .0
        .iter()
        .find(|c| c.outcome == Outcome::Failed)
        .map(|c| c.message.clone());
    let summary = match verdict {
        Verdict::Valid => match who.is_empty() {
            true => "Valid: authentic, unaltered and current.".to_owned(),
            false => format!("Valid: authentic, unaltered and current, issued by{who}."),
        },
        Verdict::Invalid if flags.revoked => {
            format!("Revoked: the issuer{who} has revoked this credential.")
        }
        Verdict::Invalid if flags.suspended => {
            format!("Suspended: the issuer{who} has suspended this credential.")
        }
        Verdict::Invalid if flags.expired => {
            "Expired: this credential is past its validity period.".to_owned()
        }
        Verdict::Invalid => format!("Not valid: {}.", first_failure.unwrap_or_default()),
        Verdict::Unchecked => {
            let why = checks
                .0
                .iter()
                .find(|c| c.outcome == Outcome::Inconclusive)
                .or_else(|| checks.0.iter().find(|c| c.check == CheckKind::Proof))
                .map(|c| c.message.clone())
                .unwrap_or_default();
            format!("Could not be checked: {why}.")
        }
    };
    Report {
        verdict,
        summary,
        format,
        kind,
        flags,
        issuer_id,
        issuer_name,
        checks: checks.0,
        credential,
    }
}
