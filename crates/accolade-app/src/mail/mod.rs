//! Email: messages are written into the outbox (see `queue.rs`) and sent by `SendEmail` jobs
//! through SMTP (lettre, rustls). Without an SMTP server configured, messages stay in the
//! outbox marked unsent, for admins to read. Sending is bounded in time: a hanging server
//! costs one timeout, never a stuck worker.

mod account_templates;
mod language;
pub(crate) mod linkedin;
pub(crate) mod queue;
mod reminder;
mod signup_templates;
pub(crate) mod templates;

use crate::PublicUrl;
use lettre::message::Mailbox;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

pub use language::MailLanguage;
pub use queue::BadgeEmail;
pub use templates::EmailContent;

/// How long one delivery may take, connecting included.
pub const DEFAULT_SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// A mail setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailConfigError {
    #[error(
        "ACCOLADE_SMTP_URL must look like smtp://user:pass@host:587?tls=starttls, \
         smtps://user:pass@host:465 or smtp://127.0.0.1:2525 (plain): {0}"
    )]
    SmtpUrl(String),
    #[error("the sender address {0:?} is not a valid mailbox (e.g. Badges <badges@example.org>)")]
    From(String),
}

/// An SMTP server URL: `smtp://[user:pass@]host[:port][?tls=starttls|required|opportunistic]`
/// (no `tls`: plain SMTP, for local relays and tests) or `smtps://…` (TLS from the start).
/// Its `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(String);

impl FromStr for SmtpUrl {
    type Err = MailConfigError;

    fn from_str(raw: &str) -> Result<Self, MailConfigError> {
        let raw = raw.trim();
        let bad = |why: &str| MailConfigError::SmtpUrl(format!("{why} in {:?}", redact(raw)));
        let scheme = raw.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        if !matches!(scheme.as_deref(), Some("smtp" | "smtps")) {
            return Err(bad("the scheme is not smtp:// or smtps://"));
        }
        // lettre calls STARTTLS-or-fail "required"; accept the more familiar name too.
        let url = raw.replace("tls=starttls", "tls=required");
        AsyncSmtpTransport::<Tokio1Executor>::from_url(&url).map_err(|e| bad(&e.to_string()))?;
        Ok(Self(url))
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SmtpUrl({:?})", redact(&self.0))
    }
}

/// The URL with any password replaced by `***`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "***".into();
    };
    match rest.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_owned(),
    }
}

/// What the operator configures.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `None`: no mail goes out; messages stay in the outbox, marked unsent.
    pub smtp: Option<SmtpUrl>,
    /// The sender, `Name <address>`; default `Accolade <badges@{public host}>`.
    pub from: Option<String>,
    /// Bound on one delivery, connecting included.
    pub timeout: Duration,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp: None,
            from: None,
            timeout: DEFAULT_SEND_TIMEOUT,
        }
    }
}

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("no SMTP server is configured (set ACCOLADE_SMTP_URL)")]
    NotConfigured,
    /// Worth trying again later: the server is down, slow, or said "try later" (4xx).
    #[error("{0}")]
    Transient(String),
    /// Will fail the same way every time: the server refused it (5xx) or it cannot be built.
    #[error("{0}")]
    Permanent(String),
}

/// The configured way out: a transport (if any), the sender, the time bound.
#[derive(Clone)]
pub(crate) struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    /// `None` only if the public host makes no valid address (then nothing can be sent).
    from: Option<Mailbox>,
    timeout: Duration,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("smtp", &self.transport.is_some())
            .field("from", &self.from.as_ref().map(Mailbox::to_string))
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Mailer {
    pub(crate) fn new(
        settings: &MailSettings,
        public_url: &PublicUrl,
    ) -> Result<Self, MailConfigError> {
        let host = public_host(public_url);
        let from = match &settings.from {
            Some(f) => Some(
                f.trim()
                    .parse::<Mailbox>()
                    .map_err(|_| MailConfigError::From(f.clone()))?,
            ),
            None => Some(default_from(&host)?),
        };
        let transport = match &settings.smtp {
            None => None,
            Some(url) => {
                let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url.0)
                    .map_err(|e| MailConfigError::SmtpUrl(e.to_string()))?
                    .timeout(Some(settings.timeout));
                // An EHLO name given in the URL's path wins; else the public host.
                let has_ehlo_path = url
                    .0
                    .split_once("://")
                    .and_then(|(_, rest)| rest.split_once('/'))
                    .is_some_and(|(_, path)| !path.split('?').next().unwrap_or("").is_empty());
                let builder = if has_ehlo_path {
                    builder
                } else {
                    builder.hello_name(client_id(&host))
                };
                Some(builder.build())
            }
        };
        Ok(Self {
            transport,
            from,
            timeout: settings.timeout,
        })
    }

    /// No SMTP; the default sender.
    pub(crate) fn unconfigured(public_url: &PublicUrl) -> Self {
        Self {
            transport: None,
            from: default_from(&public_host(public_url)).ok(),
            timeout: DEFAULT_SEND_TIMEOUT,
        }
    }

    pub(crate) fn is_configured(&self) -> bool {
        self.transport.is_some()
    }

    pub(crate) fn from(&self) -> Option<&Mailbox> {
        self.from.as_ref()
    }

    /// Sends one message, giving up after the configured timeout.
    pub(crate) async fn send(&self, message: lettre::Message) -> Result<(), SendError> {
        let Some(transport) = &self.transport else {
            return Err(SendError::NotConfigured);
        };
        match tokio::time::timeout(self.timeout, transport.send(message)).await {
            Err(_) => Err(SendError::Transient(format!(
                "the SMTP server did not finish within {} s",
                self.timeout.as_secs_f32()
            ))),
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Ok(Err(e)) => Err(SendError::Transient(e.to_string())),
        }
    }
}

/// The EHLO name: the host, or an address literal.
fn client_id(host: &str) -> ClientId {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => ClientId::Ipv4(ip),
        Ok(std::net::IpAddr::V6(ip)) => ClientId::Ipv6(ip),
        Err(_) => ClientId::Domain(host.to_owned()),
    }
}

/// The public URL's host, without port (`badges.example.org`, `127.0.0.1`, `[::1]`).
fn public_host(url: &PublicUrl) -> String {
    let authority = url
        .base()
        .split_once("://")
        .map_or(url.base(), |(_, r)| r)
        .split('/')
        .next()
        .unwrap_or("localhost");
    if authority.starts_with('[') {
        authority
            .split(']')
            .next()
            .map_or(authority.to_owned(), |h| format!("{h}]"))
    } else {
        authority.split(':').next().unwrap_or(authority).to_owned()
    }
}

/// `Accolade <badges@{host}>`, or `…@localhost` for a host no address can name (`[::1]`).
fn default_from(host: &str) -> Result<Mailbox, MailConfigError> {
    let mailbox = |host: &str| {
        let raw = format!("Accolade <badges@{host}>");
        raw.parse::<Mailbox>()
            .map_err(|_| MailConfigError::From(raw))
    };
    mailbox(host).or_else(|_| mailbox("localhost"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        for good in [
            "smtp://user:pa%40ss@mail.example.org:587?tls=starttls",
            "smtps://mail.example.org:465",
            "smtp://127.0.0.1:2525",
            "smtp://mail.example.org?tls=required",
        ] {
            assert!(good.parse::<SmtpUrl>().is_ok(), "{good}");
        }
        for bad in ["", "mail.example.org", "http://mail.example.org", "smtp://"] {
            assert!(bad.parse::<SmtpUrl>().is_err(), "{bad}");
        }
        let url: SmtpUrl = "smtp://ada:secret@mail.example.org:587?tls=starttls"
            .parse()
            .unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("ada:***@mail.example.org:587"), "{shown}");
        assert!(url.0.ends_with("tls=required"));
    }

    #[test]
    fn default_sender_uses_the_public_host() {
        let from = |u: &str| {
            let url = PublicUrl::parse(u).unwrap();
            Mailer::new(&MailSettings::default(), &url)
                .unwrap()
                .from()
                .map(Mailbox::to_string)
                .unwrap()
        };
        assert_eq!(
            from("https://badges.example.org"),
            "Accolade <badges@badges.example.org>"
        );
        assert_eq!(from("http://localhost:8080"), "Accolade <badges@localhost>");
        assert_eq!(
            from("http://127.0.0.1:8080/x"),
            "Accolade <badges@127.0.0.1>"
        );
        assert_eq!(from("http://[::1]:8080"), "Accolade <badges@localhost>");
        let custom = MailSettings {
            from: Some("Acme Badges <noreply@acme.example>".into()),
            ..MailSettings::default()
        };
        let url = PublicUrl::parse("https://badges.example.org").unwrap();
        assert_eq!(
            Mailer::new(&custom, &url)
                .unwrap()
                .from()
                .unwrap()
                .to_string(),
            "Acme Badges <noreply@acme.example>"
        );
        let wrong = MailSettings {
            from: Some("not an address".into()),
            ..MailSettings::default()
        };
        assert!(Mailer::new(&wrong, &url).is_err());
    }
}
