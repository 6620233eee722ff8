use accolade_core::{Clock, SystemClock};
use accolade_credentials::multikey::KeyPair;
use accolade_credentials::proof::{self, Cryptosuite, ProofOptions};
use anyhow::Context as _;
use clap::Args;
use serde_json::Value;
use std::process::ExitCode;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Key file: JSON with `secretKeyMultibase` (as printed by `accolade keygen`).
    #[arg(long)]
    key: String,
    /// Verification method id to name in the proof (default: the key's did:key method).
    #[arg(long)]
    verification_method: Option<String>,
    /// Proof creation time, RFC 3339 (default: now).
    #[arg(long)]
    created: Option<String>,
    /// Set the credential's issuer id to the key's did:key before signing (for a
    /// self-contained badge that verifies anywhere without a published issuer document).
    #[arg(long, conflicts_with = "verification_method")]
    issuer_from_key: bool,
    /// Data Integrity cryptosuite: RDF canonicalization (the default, what Open Badges
    /// verifiers expect) or JSON canonicalization (JCS).
    #[arg(long, default_value = "eddsa-rdfc-2022", value_parser = ["eddsa-rdfc-2022", "eddsa-jcs-2022"])]
    cryptosuite: String,
    /// The unsigned credential (JSON file, or - for standard input).
    credential: String,
}

pub fn run(args: &SignArgs) -> anyhow::Result<ExitCode> {
    let key_json = super::read_json(&args.key)?;
    let secret = key_json
        .get("secretKeyMultibase")
        .and_then(Value::as_str)
        .with_context(|| format!("{} has no secretKeyMultibase", args.key))?;
    let pair = KeyPair::from_secret_multibase(secret)
        .with_context(|| format!("the key in {} is not usable", args.key))?;
    let mut credential = super::read_json(&args.credential)?;
    if args.issuer_from_key {
        let did = pair.public().did_key();
        match credential.get_mut("issuer") {
            Some(Value::Object(o)) => {
                o.insert("id".into(), did.into());
            }
            _ => credential["issuer"] = Value::String(did),
        }
    }
    let vm = args
        .verification_method
        .clone()
        .unwrap_or_else(|| pair.public().did_key_verification_method());
    let created = match &args.created {
        Some(c) => {
            time::OffsetDateTime::parse(c, &Rfc3339)
                .with_context(|| format!("--created {c:?} is not an RFC 3339 date-time"))?;
            c.clone()
        }
        None => SystemClock
            .now()
            .replace_nanosecond(0)
            .unwrap_or(SystemClock.now())
            .format(&Rfc3339)?,
    };
    if vm.starts_with("did:key:") {
        let did = vm.split('#').next().unwrap_or_default();
        let issuer = credential
            .get("issuer")
            .and_then(|i| i.get("id").or(Some(i)))
            .and_then(Value::as_str)
            .unwrap_or_default();
        if issuer != did {
            eprintln!(
                "warning: the credential's issuer ({issuer}) is not the key's controller ({did}); \
                 verifiers will reject it unless the issuer publishes this key"
            );
        }
    }
    let suite: Cryptosuite = args.cryptosuite.parse()?;
    let signed = proof::sign(
        &credential,
        &pair,
        &ProofOptions::assertion(vm, Some(created)).with_cryptosuite(suite),
    )?;
    outln!("{}", serde_json::to_string_pretty(&signed)?);
    Ok(ExitCode::SUCCESS)
}
