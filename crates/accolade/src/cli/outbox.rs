//! `accolade outbox list`: every email Accolade wrote and what became of it (sent, waiting
//! for a retry, unsent for lack of an SMTP server, failed), for admins.

use super::platform::{DEFAULT_PUBLIC_URL, PlatformArgs, block_on};
use accolade_store::OutboxMessage;
use clap::{Args, Subcommand};
use serde_json::json;
use std::process::ExitCode;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// List outgoing mail, newest first.
    List(OutboxListArgs),
}

#[derive(Debug, Args)]
pub struct OutboxListArgs {
    /// Only this organization's mail (id or slug).
    #[arg(long)]
    org: Option<String>,
    /// At most this many messages.
    #[arg(long, default_value_t = 50)]
    limit: i64,
    /// Also print each message's text.
    #[arg(long)]
    body: bool,
    /// Machine-readable output (bodies included).
    #[arg(long)]
    json: bool,
}

pub fn outbox(platform: &PlatformArgs, command: &OutboxCommand) -> anyhow::Result<ExitCode> {
    let OutboxCommand::List(args) = command;
    block_on(async {
        let app = platform.open(DEFAULT_PUBLIC_URL).await?;
        let org = match &args.org {
            Some(o) => Some(app.find_org(o).await?.id),
            None => None,
        };
        let messages = app.outbox(org, args.limit).await?;
        if args.json {
            let list: Vec<_> = messages.iter().map(message_json).collect();
            outln!("{}", serde_json::to_string_pretty(&list)?);
            return Ok(ExitCode::SUCCESS);
        }
        for m in &messages {
            outln!(
                "{}  {:<7} {:>2}  {:<32} {}",
                date(m.created_at),
                m.state.as_str(),
                m.attempts,
                m.to.as_str(),
                m.subject
            );
            if let Some(e) = &m.last_error {
                outln!("    last error: {e}");
            }
            if args.body {
                for line in m.body_text.lines() {
                    outln!("    | {line}");
                }
            }
        }
        let jobs = app.job_counts().await?;
        outln!(
            "{} message(s); jobs: {} queued, {} running, {} done, {} failed",
            messages.len(),
            jobs.queued,
            jobs.running,
            jobs.done,
            jobs.failed
        );
        Ok(ExitCode::SUCCESS)
    })?
}

fn date(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}

fn message_json(m: &OutboxMessage) -> serde_json::Value {
    json!({
        "id": m.id.to_string(),
        "org_id": m.org_id.map(|o| o.to_string()),
        "award_id": m.award_id.map(|a| a.to_string()),
        "template": m.template,
        "to": m.to.as_str(),
        "subject": m.subject,
        "state": m.state.as_str(),
        "attempts": m.attempts,
        "last_error": m.last_error,
        "created_at": date(m.created_at),
        "sent_at": m.sent_at.map(date),
        "body_text": m.body_text,
        "body_html": m.body_html,
    })
}
