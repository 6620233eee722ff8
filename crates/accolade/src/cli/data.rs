//! Commands that work on the platform's database (the server may be running): organizations,
//! achievements, awards, revocation and suspension, keys.

use super::platform::{DEFAULT_PUBLIC_URL, PlatformArgs, block_on};
use accolade_app::{App, NewAchievement, NewAward, NewOrganization};
use accolade_core::{AchievementId, Actor, AlignmentSpec, AwardId, ExpiryPolicy};
use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde_json::json;
use std::process::ExitCode;
use std::sync::Arc;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organization (an issuer) with its first signing key.
    Create(OrgCreateArgs),
    /// List organizations.
    List(JsonFlag),
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct OrgCreateArgs {
    #[arg(long)]
    name: String,
    /// The organization's website.
    #[arg(long)]
    url: String,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// URL slug (default: made from the name).
    #[arg(long)]
    slug: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AchievementCommand {
    /// Create an achievement (a badge class).
    Create(AchievementCreateArgs),
}

#[derive(Debug, Args)]
pub struct AchievementCreateArgs {
    /// Organization id or slug.
    #[arg(long)]
    org: String,
    #[arg(long)]
    name: String,
    #[arg(long)]
    description: String,
    /// What earners must do (plain text).
    #[arg(long)]
    criteria: Option<String>,
    /// A page describing the criteria.
    #[arg(long)]
    criteria_url: Option<String>,
    /// Open Badges achievement type: Badge, Certificate, Certification, Course, …
    #[arg(long = "type")]
    achievement_type: Option<String>,
    /// Badge image (PNG or SVG).
    #[arg(long)]
    image: Option<String>,
    /// Credits / CEUs.
    #[arg(long)]
    credits: Option<f64>,
    /// Tags (repeatable).
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// Skill alignment as "Name|URL[|framework[|code]]" (repeatable).
    #[arg(long = "align")]
    alignments: Vec<String>,
    /// Awards expire this many months after issue.
    #[arg(long, conflicts_with = "expires_on")]
    expires_months: Option<u32>,
    /// Awards expire on this date-time (RFC 3339).
    #[arg(long)]
    expires_on: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct AwardArgs {
    /// Achievement id.
    #[arg(long)]
    achievement: String,
    /// Recipient's email address.
    #[arg(long)]
    email: String,
    /// Recipient's name, as shown on the badge.
    #[arg(long)]
    name: Option<String>,
    /// Issue date-time (RFC 3339; default now).
    #[arg(long)]
    issued_at: Option<String>,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// Award (credential) id.
    id: String,
    #[arg(long)]
    reason: String,
}

#[derive(Debug, Args)]
pub struct SuspendArgs {
    id: String,
    #[arg(long)]
    reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReinstateArgs {
    id: String,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List an organization's signing keys.
    List(KeysArgs),
    /// Add a new signing key and retire the current one (retired keys stay published).
    Rotate(KeysArgs),
}

#[derive(Debug, Args)]
pub struct KeysArgs {
    /// Organization id or slug.
    #[arg(long)]
    org: String,
    #[arg(long)]
    json: bool,
}

fn open(p: &PlatformArgs) -> anyhow::Result<Arc<App>> {
    block_on(p.open(DEFAULT_PUBLIC_URL))?
}

/// Accepts an award id or a credential URL ending in one.
fn award_id(raw: &str) -> anyhow::Result<AwardId> {
    let last = raw
        .trim()
        .trim_end_matches(".json")
        .rsplit('/')
        .next()
        .unwrap_or_default();
    last.parse()
        .with_context(|| format!("{raw:?} is not an award id"))
}

fn print(json_out: bool, value: serde_json::Value, text: String) -> anyhow::Result<ExitCode> {
    if json_out {
        outln!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        outln!("{text}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn org(p: &PlatformArgs, cmd: &OrgCommand) -> anyhow::Result<ExitCode> {
    let app = open(p)?;
    match cmd {
        OrgCommand::Create(a) => {
            let org = block_on(app.create_org(NewOrganization {
                name: a.name.clone(),
                url: a.url.clone(),
                email: a.email.clone(),
                description: a.description.clone(),
                slug: a.slug.clone(),
            }))??;
            let did = app.urls().issuer_did(&org.slug);
            let page = app.urls().issuer_page(&org.slug);
            print(
                a.json,
                json!({"id": org.id.to_string(), "slug": org.slug.as_str(), "name": org.name, "did": did, "url": page}),
                format!(
                    "created {} ({})\n  id:   {}\n  did:  {did}\n  page: {page}",
                    org.name, org.slug, org.id
                ),
            )
        }
        OrgCommand::List(f) => {
            let orgs = block_on(app.orgs())??;
            let rows: Vec<_> = orgs
                .iter()
                .map(|o| json!({"id": o.id.to_string(), "slug": o.slug.as_str(), "name": o.name}))
                .collect();
            let text = orgs
                .iter()
                .map(|o| format!("{}  {:<24} {}", o.id, o.slug, o.name))
                .collect::<Vec<_>>()
                .join("\n");
            print(f.json, json!(rows), text)
        }
    }
}

fn parse_alignment(raw: &str) -> anyhow::Result<AlignmentSpec> {
    let parts: Vec<&str> = raw.split('|').map(str::trim).collect();
    match parts.as_slice() {
        [name, url, rest @ ..] if rest.len() <= 2 => Ok(AlignmentSpec {
            target_name: (*name).to_owned(),
            target_url: (*url).to_owned(),
            target_framework: rest
                .first()
                .map(|s| (*s).to_owned())
                .filter(|s| !s.is_empty()),
            target_code: rest
                .get(1)
                .map(|s| (*s).to_owned())
                .filter(|s| !s.is_empty()),
        }),
        _ => anyhow::bail!("--align {raw:?}: expected \"Name|URL[|framework[|code]]\""),
    }
}

pub fn achievement(p: &PlatformArgs, cmd: &AchievementCommand) -> anyhow::Result<ExitCode> {
    let AchievementCommand::Create(a) = cmd;
    let alignments = a
        .alignments
        .iter()
        .map(|s| parse_alignment(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let expiry = match (&a.expires_months, &a.expires_on) {
        (Some(m), _) => ExpiryPolicy::MonthsAfterIssue(*m),
        (None, Some(d)) => ExpiryPolicy::FixedDate(
            time::OffsetDateTime::parse(d, &Rfc3339)
                .with_context(|| format!("--expires-on {d:?} is not an RFC 3339 date-time"))?,
        ),
        _ => ExpiryPolicy::Never,
    };
    let image = match &a.image {
        Some(path) => Some(super::read_input(path)?),
        None => None,
    };
    let app = open(p)?;
    let achievement = block_on(async {
        let org = app.find_org(&a.org).await?;
        let image_id = match image {
            Some(bytes) => Some(app.add_image(Some(org.id), bytes).await?.id),
            None => None,
        };
        app.create_achievement(
            &Actor::cli(),
            NewAchievement {
                org_id: org.id,
                name: a.name.clone(),
                description: a.description.clone(),
                criteria_narrative: a.criteria.clone(),
                criteria_url: a.criteria_url.clone(),
                achievement_type: a.achievement_type.clone(),
                image_id,
                alignments,
                credits: a.credits,
                tags: a.tags.clone(),
                expiry,
                ..Default::default()
            },
        )
        .await
    })??;
    print(
        a.json,
        json!({"id": achievement.id.to_string(), "name": achievement.name, "url": app.urls().achievement(achievement.id)}),
        format!(
            "created achievement {}\n  id: {}",
            achievement.name, achievement.id
        ),
    )
}

pub fn award(p: &PlatformArgs, a: &AwardArgs) -> anyhow::Result<ExitCode> {
    let achievement_id: AchievementId = a
        .achievement
        .parse()
        .with_context(|| format!("{:?} is not an achievement id", a.achievement))?;
    let issued_at = match &a.issued_at {
        Some(d) => Some(
            time::OffsetDateTime::parse(d, &Rfc3339)
                .with_context(|| format!("--issued-at {d:?} is not an RFC 3339 date-time"))?,
        ),
        None => None,
    };
    let app = open(p)?;
    let award = block_on(app.award(
        &Actor::cli(),
        NewAward {
            achievement_id,
            recipient_email: a.email.clone(),
            recipient_name: a.name.clone(),
            issued_at,
            ..Default::default()
        },
    ))??;
    eprintln!("issued {} → {}", award.id, app.urls().credential(award.id));
    outln!("{}", award.credential);
    Ok(ExitCode::SUCCESS)
}

pub fn revoke(p: &PlatformArgs, a: &RevokeArgs) -> anyhow::Result<ExitCode> {
    let id = award_id(&a.id)?;
    let app = open(p)?;
    let award = block_on(app.revoke(&Actor::cli(), id, &a.reason))??;
    outln!("revoked {} ({})", award.id, a.reason.trim());
    Ok(ExitCode::SUCCESS)
}

pub fn suspend(p: &PlatformArgs, a: &SuspendArgs) -> anyhow::Result<ExitCode> {
    let id = award_id(&a.id)?;
    let app = open(p)?;
    let award = block_on(app.suspend(&Actor::cli(), id, a.reason.as_deref()))??;
    outln!("suspended {}", award.id);
    Ok(ExitCode::SUCCESS)
}

pub fn reinstate(p: &PlatformArgs, a: &ReinstateArgs) -> anyhow::Result<ExitCode> {
    let id = award_id(&a.id)?;
    let app = open(p)?;
    let award = block_on(app.reinstate(&Actor::cli(), id))??;
    outln!("reinstated {}", award.id);
    Ok(ExitCode::SUCCESS)
}

pub fn keys(p: &PlatformArgs, cmd: &KeysCommand) -> anyhow::Result<ExitCode> {
    let app = open(p)?;
    let (args, rotate) = match cmd {
        KeysCommand::List(a) => (a, false),
        KeysCommand::Rotate(a) => (a, true),
    };
    let (org, keys) = block_on(async {
        let org = app.find_org(&args.org).await?;
        if rotate {
            app.rotate_key(&Actor::cli(), org.id).await?;
        }
        let keys = app.keys(org.id).await?;
        Ok::<_, accolade_app::AppError>((org, keys))
    })??;
    let rows: Vec<_> = keys
        .iter()
        .map(|k| {
            json!({
                "id": app.verification_method(&org, k),
                "publicKeyMultibase": k.public_multibase,
                "created": k.created_at.format(&Rfc3339).unwrap_or_default(),
                "retired": k.retired_at.and_then(|t| t.format(&Rfc3339).ok()),
            })
        })
        .collect();
    let text = keys
        .iter()
        .map(|k| {
            let state = k
                .retired_at
                .and_then(|t| t.format(&Rfc3339).ok())
                .map_or("active".to_owned(), |t| format!("retired {t}"));
            format!("{}  {state}", app.verification_method(&org, k))
        })
        .collect::<Vec<_>>()
        .join("\n");
    print(args.json, json!(rows), text)
}
