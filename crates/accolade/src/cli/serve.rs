//! `accolade serve`: the web server.

use super::platform::PlatformArgs;
use anyhow::Context as _;
use clap::Args;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ACCOLADE_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Seed a demo organization with badges and awards and an account that owns it, and
    /// print where to look and how to sign in.
    #[arg(long, env = "ACCOLADE_DEMO")]
    demo: bool,
    /// A reverse proxy (address or CIDR block, repeatable) whose `Forwarded`,
    /// `X-Forwarded-For` and `X-Forwarded-Proto` headers are believed. Without one, the
    /// socket peer is the client.
    #[arg(
        long = "trusted-proxy",
        env = "ACCOLADE_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "CIDR"
    )]
    trusted_proxies: Vec<accolade_web::Cidr>,
    /// Serve Prometheus metrics at /metrics on a second listener of their own (bind it
    /// where only the scraper can reach it: it asks for no token).
    #[arg(long, env = "ACCOLADE_METRICS_LISTEN", value_name = "ADDR")]
    metrics_listen: Option<SocketAddr>,
    /// Serve /metrics on the main listener to requests with `Authorization: Bearer TOKEN`
    /// (others get 401). Without this or --metrics-listen, there are no metrics.
    #[arg(
        long,
        env = "ACCOLADE_METRICS_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    metrics_token: Option<String>,
    /// After SIGTERM or SIGINT: seconds that requests in flight, the background job in hand
    /// and a running import get to finish before the process exits anyway (leases are
    /// handed back either way).
    #[arg(
        long = "shutdown-grace",
        env = "ACCOLADE_SHUTDOWN_GRACE",
        default_value_t = 20,
        value_name = "SECONDS"
    )]
    shutdown_grace: u64,
    /// Requests in progress at once beyond which new ones are answered 503 (with
    /// `Retry-After`) instead of waiting; `/healthz` and credential pages may go a quarter
    /// above it.
    #[arg(
        long = "max-in-flight",
        env = "ACCOLADE_MAX_IN_FLIGHT",
        value_name = "N",
        default_value_t = accolade_web::MaxInFlight::DEFAULT.0
    )]
    max_in_flight: usize,
    /// Requests a minute each API key may make (all at once if need be); beyond it the API
    /// answers 429 with `Retry-After`.
    #[arg(
        long = "api-requests-per-minute",
        env = "ACCOLADE_API_REQUESTS_PER_MINUTE",
        value_name = "N",
        default_value_t = accolade_app::request_limits::API_RATE.burst,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    api_requests_per_minute: u32,
    /// Without SMTP, let the sign-up form create accounts at once. That form tells anyone
    /// whether an address already has an account, so by default an instance without SMTP
    /// takes no sign-ups (accounts come from invitations and `accolade user create`). With
    /// SMTP, sign-up confirms by email and this changes nothing.
    #[arg(long = "signup-without-email", env = "ACCOLADE_SIGNUP_WITHOUT_EMAIL")]
    signup_without_email: bool,
}

/// The file in the data directory that keeps the demo account's password.
const DEMO_PASSWORD_FILE: &str = "demo-password";

/// The demo account's password: as kept in the data directory, or a new one kept there
/// (readable by its owner only), so every start prints the same working sign-in.
fn demo_password(data_dir: &Path) -> anyhow::Result<String> {
    let file = data_dir.join(DEMO_PASSWORD_FILE);
    if let Ok(kept) = std::fs::read_to_string(&file) {
        let kept = kept.trim();
        if kept.chars().count() >= accolade_app::accounts::MIN_PASSWORD {
            return Ok(kept.to_owned());
        }
    }
    let password = accolade_app::demo::new_demo_password()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options
        .open(&file)
        .with_context(|| format!("cannot write {}", file.display()))?;
    std::io::Write::write_all(&mut out, format!("{password}\n").as_bytes())
        .with_context(|| format!("cannot write {}", file.display()))?;
    Ok(password)
}

pub fn run(platform: &PlatformArgs, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    super::malloc::return_freed_memory();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let host = match args.listen.ip() {
            ip if ip.is_unspecified() => "localhost".to_owned(),
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        };
        let default_url = format!("http://{host}:{}", args.listen.port());
        let app = std::sync::Arc::new(
            platform
                .open_app(&default_url)
                .await?
                .with_sign_up_without_email(args.signup_without_email),
        );
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let metrics_listener = match args.metrics_listen {
            Some(addr) => Some(
                tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr} for metrics"))?,
            ),
            None => None,
        };
        let metrics_token = match args.metrics_token.as_deref() {
            Some(t) => Some(
                accolade_web::MetricsToken::new(t)
                    .context("the metrics token (--metrics-token) is empty")?,
            ),
            None => None,
        };
        let base = app.urls().base().to_owned();
        if args.demo {
            let demo = app.seed_demo().await?;
            outln!(
                "Demo organization: {}",
                app.urls().issuer_page(&demo.org.slug)
            );
            for (who, award) in &demo.awards {
                outln!("  {who:<34} {}", app.urls().credential(award.id));
            }
            let password = demo_password(&platform.data_dir)?;
            let login = app.ensure_demo_account(&demo.org, &password).await?;
            outln!("Demo workspace: sign in at {base}/signin");
            outln!("  email     {}", login.email);
            outln!("  password  {}", login.password);
        }
        outln!(
            "Accolade is listening on http://{} (public URL {base})",
            args.listen
        );
        if let Some(addr) = args.metrics_listen {
            outln!("Metrics at http://{addr}/metrics");
        }
        outln!("Verify any badge at {base}/verify");
        match app.sign_up_mode() {
            accolade_app::accounts::SignUpMode::ConfirmByEmail => {}
            accolade_app::accounts::SignUpMode::AtOnce => outln!(
                "Sign-up without email is on: the sign-up form tells whether an address has an account"
            ),
            accolade_app::accounts::SignUpMode::Closed => outln!(
                "Sign-up is closed (no SMTP): create accounts with `accolade user create`"
            ),
        }
        // Background jobs (mail) run beside the server and stop with it.
        let worker = accolade_app::JobWorker::start(app.clone(), Duration::from_secs(1));
        // Bulk imports left unfinished (a crash, a restart) resume in the background.
        let imports = app.spawn_import_resumer(Duration::from_secs(10));
        // Credentials are verified once, after issue, and their verdicts kept for their pages.
        let verdicts = app.spawn_verdict_keeper();
        let grace = Duration::from_secs(args.shutdown_grace);
        let options = accolade_web::ServeOptions {
            trusted_proxies: accolade_web::TrustedProxies::new(args.trusted_proxies.clone()),
            metrics_token,
            shutdown_grace: grace,
            max_in_flight: accolade_web::MaxInFlight(args.max_in_flight),
            request_limits: accolade_app::RequestLimits {
                api: accolade_app::Rate::per_minute(args.api_requests_per_minute),
                ..Default::default()
            },
        };
        let metrics =
            metrics_listener.map(|l| tokio::spawn(accolade_web::serve_metrics(app.clone(), l)));
        let stop = std::sync::Arc::new(tokio::sync::Notify::new());
        let stop_server = stop.clone();
        let server = accolade_web::serve_until(app.clone(), listener, &options, async move {
            stop_server.notified().await
        });
        tokio::pin!(server);
        let served = tokio::select! {
            served = &mut server => Some(served),
            () = accolade_web::shutdown_signal() => None,
        };
        // The signal (or a failed server): stop accepting, and let the web requests, the job
        // in hand and running imports finish side by side, each within the grace.
        app.begin_shutdown();
        stop.notify_one();
        outln!(
            "Stopping: finishing requests in flight (at most {} s)",
            grace.as_secs()
        );
        let web = async {
            match served {
                Some(served) => served,
                None => (&mut server).await,
            }
        };
        let (served, jobs, leases) = tokio::join!(
            web,
            worker.stop_within(grace),
            app.wait_imports_stopped(grace)
        );
        imports.abort();
        if let Some(m) = metrics {
            m.abort();
        }
        match jobs {
            Ok(n) if n > 0 => tracing::info!(jobs = n, "unfinished jobs handed back to the queue"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %accolade_app::Chain(&e), "handing jobs back failed"),
        }
        match leases {
            Ok(n) if n > 0 => tracing::info!(imports = n, "unfinished imports handed back"),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %accolade_app::Chain(&e), "handing imports back failed")
            }
        }
        verdicts.abort();
        app.store().close().await;
        served.context("the server stopped")?;
        Ok(ExitCode::SUCCESS)
    })
}
