use accolade_core::{Email, SystemClock};
use accolade_credentials::did::{Fetch, Offline};
use accolade_credentials::verify::{self, Outcome, Report, VerifyOptions};
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

pub fn run(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let policy = FetchPolicy {
        allow_loopback: args.allow_loopback,
        ..FetchPolicy::default()
    };
    let guarded = GuardedFetcher::new(policy);
    let fetch: &dyn Fetch = if args.offline { &Offline } else { &guarded };
    let input = if args.input.starts_with("https://") || args.input.starts_with("http://") {
        fetch.get(&args.input, "application/vc+ld+json, application/ld+json, application/json, image/png, image/svg+xml")?.body
    } else {
        super::read_input(&args.input)?
    };
    let clock = SystemClock;
    let mut opts = VerifyOptions::new(fetch, &clock);
    opts.resolve.http_for_loopback = args.allow_loopback;
    if let Some(e) = &args.email {
        opts.recipient = Some(Email::parse(e)?);
    }
    let report = verify::verify_bytes(&input, &opts);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(if report.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_report(report: &Report) {
    println!("{}", report.summary);
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
        println!("  {mark} {name:<15} {}", c.message);
    }
}
