//! `accolade api-key create|list|revoke`: an organization's API keys, for the operator. The
//! token is printed once, at creation; it is not stored and cannot be shown again.

use super::platform::{DEFAULT_PUBLIC_URL, PlatformArgs, block_on};
use accolade_app::{ApiKeyView, ApiScope, NewApiKey, OrgAdmin};
use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key and print its token (shown this once).
    Create(CreateArgs),
    /// List an organization's keys (revoked and expired ones too).
    List(ListArgs),
    /// Revoke a key for good, by its prefix (`acc_1a2b3c4d`).
    Revoke(RevokeArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The organization (id or slug).
    #[arg(long)]
    org: String,
    /// What the key is for, as people will see it ("Moodle sync").
    #[arg(long)]
    name: String,
    /// A scope: read, issue, revoke or admin (repeat for several).
    #[arg(long = "scope", required = true, value_parser = parse_scope)]
    scopes: Vec<ApiScope>,
    /// Days until the key stops working (without it, it works until revoked).
    #[arg(long, value_name = "D")]
    expires_in_days: Option<u32>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The organization (id or slug).
    #[arg(long)]
    org: String,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The key's prefix, as `list` shows it.
    prefix: String,
}

fn parse_scope(s: &str) -> Result<ApiScope, String> {
    ApiScope::parse(s).ok_or_else(|| format!("{s} is not a scope: read, issue, revoke or admin"))
}

fn scopes(k: &ApiKeyView) -> String {
    k.scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn date(t: Option<time::OffsetDateTime>) -> String {
    t.map_or_else(|| "-".to_owned(), |t| t.date().to_string())
}

pub fn api_key(platform: &PlatformArgs, command: &ApiKeyCommand) -> anyhow::Result<ExitCode> {
    block_on(async {
        let app = platform.open(DEFAULT_PUBLIC_URL).await?;
        match command {
            ApiKeyCommand::Create(a) => {
                let org = app.find_org(&a.org).await?;
                let created = app
                    .create_api_key(
                        OrgAdmin::Operator,
                        org.id,
                        NewApiKey {
                            name: a.name.clone(),
                            scopes: a.scopes.clone(),
                            expires_in_days: a.expires_in_days,
                        },
                    )
                    .await?;
                let k = &created.key;
                outln!(
                    "Created the API key {} ({}) for {}",
                    k.prefix,
                    k.name,
                    org.name
                );
                outln!("  scopes   {}", scopes(k));
                outln!("  expires  {}", date(k.expires_at));
                outln!("  token    {}", created.token);
                outln!("Keep the token now: it is not stored and cannot be shown again.");
            }
            ApiKeyCommand::List(a) => {
                let org = app.find_org(&a.org).await?;
                let keys = app.api_keys(OrgAdmin::Operator, org.id).await?;
                if keys.is_empty() {
                    outln!("{} has no API keys.", org.name);
                }
                for k in &keys {
                    outln!(
                        "{}  {:<8}  {:<24}  created {}  last used {}  expires {}  {}",
                        k.prefix,
                        k.state.as_str(),
                        scopes(k),
                        date(Some(k.created_at)),
                        date(k.last_used_at),
                        date(k.expires_at),
                        k.name
                    );
                }
            }
            ApiKeyCommand::Revoke(a) => {
                let org = app.api_key_org(&a.prefix).await?;
                let k = app
                    .revoke_api_key(OrgAdmin::Operator, org, &a.prefix)
                    .await?;
                outln!("Revoked the API key {} ({})", k.prefix, k.name);
            }
        }
        Ok(ExitCode::SUCCESS)
    })?
}
