//! Command-line interface. Each subcommand parses its input, calls the application or the
//! credentials library and prints; exit status 0 means success (for `verify`: the credential
//! is valid; see [`verify`] for its other codes), 2 an error. Output goes through
//! [`outln!`], so a reader that stops early (`accolade verify x | head -1`) ends nothing
//! with a panic.

/// Prints a line to standard output like `println!`, but a closed pipe is not an error.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::write_line(format_args!($($arg)*))
    };
}

mod api_key;
mod backup;
mod bake;
mod data;
mod import;
mod keys;
mod log_writer;
mod logging;
mod malloc;
mod outbox;
mod platform;
mod serve;
mod sign;
mod user;
mod verify;

use clap::{Parser, Subcommand};
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "accolade",
    version,
    about = "Accolade: issue, serve, sign, bake and verify Open Badges 3.0 credentials"
)]
pub struct Cli {
    #[command(flatten)]
    platform: platform::PlatformArgs,
    /// How log lines on standard error look: readable text, or one JSON object a line.
    /// Which are written: ACCOLADE_LOG (or RUST_LOG), such as `info` or
    /// `warn,accolade::http=info`.
    #[arg(
        long,
        env = "ACCOLADE_LOG_FORMAT",
        value_enum,
        default_value_t = logging::LogFormat::Text,
        global = true
    )]
    log_format: logging::LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a new Ed25519 key pair (Multikey form) as JSON.
    Keygen(keys::KeygenArgs),
    /// Add an eddsa-rdfc-2022 proof to a credential and print the signed JSON.
    Sign(sign::SignArgs),
    /// Verify a credential (JSON, JWT, or baked PNG/SVG; a file, a URL, or - for stdin).
    Verify(verify::VerifyArgs),
    /// Bake a credential into a PNG or SVG badge image.
    Bake(bake::BakeArgs),
    /// Print the credential baked into a PNG or SVG badge image.
    Unbake(bake::UnbakeArgs),
    /// Run the web server (public badge pages, issuer documents, status lists, /verify).
    Serve(serve::ServeArgs),
    /// Organizations (issuers).
    #[command(subcommand)]
    Org(data::OrgCommand),
    /// Achievements (badge classes).
    #[command(subcommand)]
    Achievement(data::AchievementCommand),
    /// Issue a badge: prints the signed credential JSON.
    Award(data::AwardArgs),
    /// Issue a badge to every row of a CSV file (validated first; re-runnable, resumable).
    ImportCsv(import::ImportCsvArgs),
    /// Revoke an issued credential.
    Revoke(data::RevokeArgs),
    /// Suspend an issued credential.
    Suspend(data::SuspendArgs),
    /// Lift a suspension.
    Reinstate(data::ReinstateArgs),
    /// Signing keys of an organization.
    #[command(subcommand)]
    Keys(data::KeysCommand),
    /// Outgoing mail and its delivery state.
    #[command(subcommand)]
    Outbox(outbox::OutboxCommand),
    /// Write a consistent copy of the database (SQLite, also while `serve` runs; PostgreSQL
    /// through pg_dump). The master key is not in it: back that up on its own.
    Backup(backup::BackupArgs),
    /// Restore a backup into a data directory without a database, or an empty PostgreSQL
    /// database (never over existing data).
    Restore(backup::RestoreArgs),
    /// Accounts, for an operator (the first account of an instance without mail).
    #[command(subcommand)]
    User(user::UserCommand),
    /// API keys of an organization (for the REST API under /api/v1).
    #[command(subcommand)]
    ApiKey(api_key::ApiKeyCommand),
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    // What the libraries report goes to standard error: by default all of it for the
    // server, warnings and errors for other commands (they print their own progress).
    let level = match cli.command {
        Command::Serve(_) => tracing::Level::INFO,
        _ => tracing::Level::WARN,
    };
    let _logs = logging::init(cli.log_format, level);
    let result = match cli.command {
        Command::Keygen(a) => keys::keygen(&a),
        Command::Sign(a) => sign::run(&a),
        Command::Verify(a) => verify::run(&a),
        Command::Bake(a) => bake::bake(&a),
        Command::Unbake(a) => bake::unbake(&a),
        Command::Serve(a) => serve::run(&cli.platform, &a),
        Command::Org(c) => data::org(&cli.platform, &c),
        Command::Achievement(c) => data::achievement(&cli.platform, &c),
        Command::Award(a) => data::award(&cli.platform, &a),
        Command::ImportCsv(a) => import::import_csv(&cli.platform, &a),
        Command::Revoke(a) => data::revoke(&cli.platform, &a),
        Command::Suspend(a) => data::suspend(&cli.platform, &a),
        Command::Reinstate(a) => data::reinstate(&cli.platform, &a),
        Command::Keys(c) => data::keys(&cli.platform, &c),
        Command::Outbox(c) => outbox::outbox(&cli.platform, &c),
        Command::Backup(a) => backup::backup(&cli.platform, &a),
        Command::Restore(a) => backup::restore(&cli.platform, &a),
        Command::User(c) => user::user(&cli.platform, &c),
        Command::ApiKey(c) => api_key::api_key(&cli.platform, &c),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Writes one line to standard output. When the reader has gone away (a closed pipe) the line
/// is dropped quietly and the command ends as it would have; any other write error (a full
/// disk) ends the command with status 2, since its output would be lost.
pub(crate) fn write_line(args: std::fmt::Arguments<'_>) {
    use std::io::{ErrorKind, Write};
    let mut out = std::io::stdout().lock();
    match out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            std::process::exit(2)
        }
    }
}

/// Largest file the CLI reads (baked images included).
const MAX_INPUT: u64 = 16 * 1024 * 1024;

/// Reads a file, or standard input for `-`, refusing anything over [`MAX_INPUT`].
pub(crate) fn read_input(path: &str) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let n = if path == "-" {
        std::io::stdin().take(MAX_INPUT + 1).read_to_end(&mut buf)
    } else {
        let f = std::fs::File::open(Path::new(path))
            .map_err(|e| anyhow::anyhow!("cannot open {path}: {e}"))?;
        f.take(MAX_INPUT + 1).read_to_end(&mut buf)
    }
    .map_err(|e| anyhow::anyhow!("cannot read {path}: {e}"))?;
    if n as u64 > MAX_INPUT {
        anyhow::bail!("{path} is larger than {} MiB", MAX_INPUT >> 20);
    }
    Ok(buf)
}

pub(crate) fn read_json(path: &str) -> anyhow::Result<serde_json::Value> {
    let bytes = read_input(path)?;
    serde_json::from_slice(&bytes).map_err(|e| anyhow::anyhow!("{path} is not valid JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
