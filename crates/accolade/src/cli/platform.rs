//! Opening the platform (data directory, database, master key, public URL) for `serve` and
//! for the CLI commands that work on the same database as a running server.

use accolade_app::{App, AppConfig, MailSettings, MasterKey, PublicUrl, SmtpUrl};
use accolade_core::{Clock as _, SystemClock};
use accolade_net::FetchPolicy;
use accolade_store::Store;
use anyhow::Context as _;
use clap::Args;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the platform keeps its data; shared by `serve` and the data commands.
#[derive(Debug, Clone, Args)]
pub struct PlatformArgs {
    /// Data directory (SQLite database, master key, settings).
    #[arg(
        long,
        env = "ACCOLADE_DATA_DIR",
        default_value = "./accolade-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Database URL: postgres://… for PostgreSQL; default: SQLite in the data directory.
    #[arg(long, env = "ACCOLADE_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Public base URL of this instance (credential ids, issuer DIDs). Remembered in the
    /// data directory once given.
    #[arg(long, env = "ACCOLADE_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Allow fetching from loopback addresses while verifying (local development).
    #[arg(long, env = "ACCOLADE_ALLOW_LOOPBACK", global = true)]
    pub allow_loopback: bool,
    /// SMTP server for outgoing mail: smtp://user:pass@host:587?tls=starttls,
    /// smtps://user:pass@host:465, or smtp://127.0.0.1:2525 (plain, local). Without it, mail
    /// stays in the outbox (`accolade outbox list`).
    #[arg(long, env = "ACCOLADE_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<SmtpUrl>,
    /// Sender of outgoing mail [default: Accolade <badges@{public host}>].
    #[arg(long, env = "ACCOLADE_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
}

const PUBLIC_URL_FILE: &str = "public-url";
pub const DEFAULT_PUBLIC_URL: &str = "http://localhost:8080";

impl PlatformArgs {
    /// The public URL: as given (and then remembered), else as remembered, else `fallback`.
    fn public_url(&self, fallback: &str) -> anyhow::Result<PublicUrl> {
        let file = self.data_dir.join(PUBLIC_URL_FILE);
        let raw = match &self.public_url {
            Some(u) => {
                let parsed = PublicUrl::parse(u)?;
                std::fs::write(&file, format!("{}\n", parsed.base()))
                    .with_context(|| format!("cannot write {}", file.display()))?;
                return Ok(parsed);
            }
            None => std::fs::read_to_string(&file).unwrap_or_else(|_| fallback.to_owned()),
        };
        Ok(PublicUrl::parse(raw.trim())?)
    }

    /// Opens everything; `default_public_url` applies when none was ever given.
    pub async fn open(&self, default_public_url: &str) -> anyhow::Result<Arc<App>> {
        Ok(Arc::new(self.open_app(default_public_url).await?))
    }

    /// [`PlatformArgs::open`], for a caller that configures the application further.
    pub async fn open_app(&self, default_public_url: &str) -> anyhow::Result<App> {
        create_private_dir(&self.data_dir)?;
        let store = match &self.database_url {
            Some(url) => Store::connect(url).await,
            None => Store::open_sqlite(&self.data_dir.join("accolade.db")).await,
        }
        .context("cannot open the database")?;
        let env_key = std::env::var(accolade_app::master::MASTER_KEY_ENV).ok();
        let mut master = MasterKey::load(&self.data_dir, env_key.as_deref())?;
        if master.is_none() && store.orgs().await?.is_empty() {
            // A new installation: make the master key now, before any key needs sealing.
            master = Some(MasterKey::create_file(&self.data_dir)?);
        }
        if let Some(key) = &master {
            accolade_app::master::check_instance_key(&store, key, SystemClock.now())
                .await
                .context("cannot use this master key")?;
        } else {
            eprintln!(
                "warning: no master key (ACCOLADE_MASTER_KEY or {}): pages and verification work, but nothing can be signed",
                self.data_dir
                    .join(accolade_app::master::MASTER_KEY_FILE)
                    .display()
            );
        }
        let config = AppConfig {
            public_url: self.public_url(default_public_url)?,
            fetch_policy: FetchPolicy {
                allow_loopback: self.allow_loopback,
                ..FetchPolicy::default()
            },
            http_for_loopback: self.allow_loopback,
        };
        let mail = MailSettings {
            smtp: self.smtp_url.clone(),
            from: self.mail_from.clone(),
            ..MailSettings::default()
        };
        Ok(App::new(store, Arc::new(SystemClock), config, master).with_mail(&mail)?)
    }
}

pub(crate) fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))
}

/// Runs an async command body on a small runtime.
///
/// One runtime serves the whole command: database pools opened in it stay usable by every
/// later step (PostgreSQL connections do not survive a runtime that was dropped).
pub fn block_on<F: std::future::Future>(f: F) -> anyhow::Result<F::Output> {
    use std::sync::OnceLock;
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    let rt = RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    Ok(rt.block_on(f))
}
