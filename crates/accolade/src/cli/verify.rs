//! `accolade verify`: the full verifier on one input, with an exit status per verdict.

use accolade_core::{Email, SystemClock};
use accolade_credentials::did::{Fetch, Offline};
use accolade_credentials::verify::{self, Outcome, Report, Verdict, VerifyOptions};
use accolade_net::{FetchPolicy, GuardedFetcher};
use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A credential file (JSON, JWT, PNG or SVG), an http(s) URL, or - for standard input.
    input: String,
    /// Print the full report as JSON.
    #[arg(long)]
    json: bool,
    /// Allow fetching from loopback addresses (local did:web issuers and status lists), and
    /// resolve did:web DIDs of localhost over plain http. For development and tests.
    #[arg(long)]
    allow_loopback: bool,
    /// Never fetch anything (did:key credentials still verify).
    #[arg(long, conflicts_with = "allow_loopback")]
    offline: bool,
    /// Also check that the credential was issued to this email address.
    #[arg(long)]
    email: Option<String>,
}

/// Exit status for "not valid": a check failed (forged, altered, revoked, expired, …).
pub const EXIT_NOT_VALID: u8 = 1;
/// Exit status for "could not be checked": something needed (a status list, a key document,
/// the input URL itself) could not be fetched or an unsupported proof was met. Status 2 stays
/// for usage errors and unreadable files.
pub const EXIT_UNCHECKED: u8 = 3;

pub fn run(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let policy = FetchPolicy {
        allow_loopback: args.allow_loopback,
        ..FetchPolicy::default()
    };
    let guarded = GuardedFetcher::new(policy);
    let fetch: &dyn Fetch = if args.offline { &Offline } else { &guarded };
    let clock = SystemClock;
    let mut opts = VerifyOptions::new(fetch, &clock);
    opts.resolve.http_for_loopback = args.allow_loopback;
    if let Some(e) = &args.email {
        opts.recipient = Some(Email::parse(e)?);
    }
    let report = if args.input.starts_with("https://") || args.input.starts_with("http://") {
        match fetch.get(&args.input, "application/vc+ld+json, application/ld+json, application/json, image/png, image/svg+xml") {
            Ok(doc) => verify::verify_bytes(&doc.body, &opts),
            Err(e) => Report::unchecked(format!("the credential could not be fetched: {e}")),
        }
    } else {
        verify::verify_bytes(&super::read_input(&args.input)?, &opts)
    };
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(ExitCode::from(match report.verdict {
        Verdict::Valid => 0,
        Verdict::Invalid => EXIT_NOT_VALID,
        Verdict::Unchecked => EXIT_UNCHECKED,
    }))
}

fn print_report(report: &Report) {
    outln!("{}", report.summary);
    for c in &report.checks {
        let mark = match c.outcome {
            Outcome::Passed => "ok  ",
            Outcome::Failed => "FAIL",
            Outcome::Warning => "warn",
            Outcome::Skipped => "skip",
            Outcome::Inconclusive => "????",
        };
        let name = serde_json::to_value(c.check)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        outln!("  {mark} {name:<15} {}", c.message);
    }
}
