use accolade_credentials::multikey::KeyPair;
use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct KeygenArgs {}

/// Prints `{"publicKeyMultibase", "secretKeyMultibase", "didKey"}`; the secret is for the
/// caller to store safely (e.g. a 0600 file).
pub fn keygen(_: &KeygenArgs) -> anyhow::Result<ExitCode> {
    let pair = KeyPair::generate()?;
    let out = serde_json::json!({
        "publicKeyMultibase": pair.public().to_multibase(),
        "secretKeyMultibase": pair.secret_multibase(),
        "didKey": pair.public().did_key(),
    });
    outln!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}
