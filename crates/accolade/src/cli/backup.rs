//! `accolade backup` and `accolade restore`: the database only. The master key never enters
//! the database (it seals the signing keys stored there), so it is backed up on its own.
//!
//! SQLite: a consistent copy made while the server runs (`VACUUM INTO`), restored by copying
//! it into a data directory that has no database yet. PostgreSQL: `pg_dump --format=custom`
//! with the configured database URL, restored with `pg_restore` into an empty database.

use super::platform::{PlatformArgs, block_on, create_private_dir};
use accolade_store::Store;
use anyhow::{Context as _, bail};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write (must not exist): a SQLite database file, or a pg_dump
    /// custom-format archive for PostgreSQL.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file written by `accolade backup`.
    #[arg(long)]
    from: PathBuf,
}

/// The first bytes of each kind of backup file.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_DUMP_MAGIC: &[u8] = b"PGDMP";

/// Where the platform's database is.
enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

fn target(platform: &PlatformArgs) -> anyhow::Result<Target> {
    Ok(match &platform.database_url {
        None => Target::Sqlite(platform.data_dir.join("accolade.db")),
        Some(url) => match Store::sqlite_path(url)? {
            Some(path) => Target::Sqlite(path),
            None => Target::Postgres(url.trim().to_owned()),
        },
    })
}

fn master_key_note(platform: &PlatformArgs) {
    outln!(
        "The master key is not in the backup. Keep {} (or ACCOLADE_MASTER_KEY) apart from it: \
         without it, nothing can be signed after a restore.",
        platform
            .data_dir
            .join(accolade_app::master::MASTER_KEY_FILE)
            .display()
    );
}

pub fn backup(platform: &PlatformArgs, args: &BackupArgs) -> anyhow::Result<ExitCode> {
    if args.out.exists() {
        bail!("{} exists; give a new file name", args.out.display());
    }
    match target(platform)? {
        Target::Sqlite(db) => block_on(backup_sqlite(&db, &args.out))??,
        Target::Postgres(url) => pg_tool(
            "pg_dump",
            &url,
            &[
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                &args.out.to_string_lossy(),
            ],
        )?,
    }
    restrict(&args.out)?;
    let size = std::fs::metadata(&args.out)?.len();
    outln!(
        "Backed up the database to {} ({size} bytes)",
        args.out.display()
    );
    master_key_note(platform);
    Ok(ExitCode::SUCCESS)
}

async fn backup_sqlite(db: &Path, out: &Path) -> anyhow::Result<()> {
    if !db.is_file() {
        bail!("there is no database at {}", db.display());
    }
    let store = Store::open_sqlite(db)
        .await
        .with_context(|| format!("cannot open {}", db.display()))?;
    // Written beside its final name first, so a failed backup leaves no file that looks whole.
    let partial = partial_name(out);
    let _ = std::fs::remove_file(&partial);
    let copied = store.backup_sqlite_into(&partial).await;
    store.close().await;
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e).context("the backup failed");
    }
    std::fs::rename(&partial, out).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(())
}

pub fn restore(platform: &PlatformArgs, args: &RestoreArgs) -> anyhow::Result<ExitCode> {
    let mut head = [0u8; 16];
    let read = std::fs::File::open(&args.from)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .with_context(|| format!("cannot read {}", args.from.display()))?;
    let head = &head[..read];
    // The master key and the remembered public URL go here, whatever the database.
    create_private_dir(&platform.data_dir)?;
    match target(platform)? {
        Target::Sqlite(db) => {
            if !head.starts_with(SQLITE_MAGIC) {
                bail!(
                    "{} is not a SQLite backup (a PostgreSQL backup restores with --database-url postgres://…)",
                    args.from.display()
                );
            }
            block_on(restore_sqlite(&args.from, &db))??;
            outln!("Restored {} into {}", args.from.display(), db.display());
        }
        Target::Postgres(url) => {
            if !head.starts_with(PG_DUMP_MAGIC) {
                bail!(
                    "{} is not a PostgreSQL backup made by `accolade backup` (pg_dump custom format)",
                    args.from.display()
                );
            }
            let empty = block_on(Store::postgres_is_empty(&url))?
                .context("cannot reach the PostgreSQL database")?;
            if !empty {
                bail!(
                    "the PostgreSQL database already has tables; restore into a new, empty database"
                );
            }
            pg_tool(
                "pg_restore",
                &url,
                &[
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    &args.from.to_string_lossy(),
                ],
            )?;
            // Brings the schema up to this build's migrations if the backup is older.
            block_on(async {
                let store = Store::connect(&url).await?;
                store.close().await;
                Ok::<_, accolade_store::StoreError>(())
            })?
            .context("the restored database does not open")?;
            outln!(
                "Restored {} into the PostgreSQL database",
                args.from.display()
            );
        }
    }
    let env_key = std::env::var(accolade_app::master::MASTER_KEY_ENV).ok();
    match accolade_app::MasterKey::load(&platform.data_dir, env_key.as_deref()) {
        Ok(Some(_)) => outln!("A master key is in place; `accolade serve` can start."),
        _ => outln!(
            "Now put the master key this database was sealed with at {} (mode 0600) or in \
             ACCOLADE_MASTER_KEY before `accolade serve`, or nothing can be signed.",
            platform
                .data_dir
                .join(accolade_app::master::MASTER_KEY_FILE)
                .display()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

async fn restore_sqlite(from: &Path, db: &Path) -> anyhow::Result<()> {
    let in_use = [db.to_path_buf(), sidecar(db, "-wal")]
        .iter()
        .any(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 0));
    if in_use {
        bail!(
            "{} already holds a database; restore into a new data directory",
            db.display()
        );
    }
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    for stale in [db.to_path_buf(), sidecar(db, "-wal"), sidecar(db, "-shm")] {
        let _ = std::fs::remove_file(stale);
    }
    let partial = partial_name(db);
    std::fs::copy(from, &partial).with_context(|| format!("cannot write {}", partial.display()))?;
    restrict(&partial)?;
    std::fs::rename(&partial, db).with_context(|| format!("cannot write {}", db.display()))?;
    // Opening applies this build's migrations to an older backup; then SQLite checks the file.
    let checked = async {
        let store = Store::open_sqlite(db).await?;
        let problems = store.integrity_problems().await;
        store.close().await;
        problems
    }
    .await;
    match checked {
        Ok(problems) if problems.is_empty() => Ok(()),
        Ok(problems) => {
            remove_database(db);
            bail!("the backup is damaged: {}", problems.join("; "))
        }
        Err(e) => {
            remove_database(db);
            Err(e).context("the restored database does not open")
        }
    }
}

fn remove_database(db: &Path) {
    for f in [db.to_path_buf(), sidecar(db, "-wal"), sidecar(db, "-shm")] {
        let _ = std::fs::remove_file(f);
    }
}

fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn partial_name(path: &Path) -> PathBuf {
    sidecar(path, ".partial")
}

/// Backups hold personal data: readable by their owner only.
fn restrict(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict {}", path.display()))?;
    }
    Ok(())
}

/// Runs `pg_dump` or `pg_restore` on the database `url` names. The password travels in
/// `PGPASSWORD`, not on the command line where `ps` would show it.
fn pg_tool(tool: &str, url: &str, args: &[&str]) -> anyhow::Result<()> {
    let (url, password) = split_password(url);
    let mut cmd = std::process::Command::new(tool);
    cmd.args(args).arg("--dbname").arg(&url);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd.output().with_context(|| {
        format!("cannot run {tool}: install PostgreSQL's client tools (Debian: postgresql-client)")
    })?;
    if !out.status.success() {
        bail!(
            "{tool} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// The URL without its password, and the password (percent-decoded).
fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (url.to_owned(), None);
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return (url.to_owned(), None);
    };
    (
        format!("{scheme}://{user}@{host}{tail}"),
        Some(percent_decode(password)),
    )
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_url() {
        assert_eq!(
            split_password("postgres://acc:p%40ss@db:5432/accolade?sslmode=require"),
            (
                "postgres://acc@db:5432/accolade?sslmode=require".to_owned(),
                Some("p@ss".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://acc@db/accolade"),
            ("postgres://acc@db/accolade".to_owned(), None)
        );
        assert_eq!(
            split_password("postgresql://db/x"),
            ("postgresql://db/x".to_owned(), None)
        );
    }
}
