//! The one application API that the web pages, the REST API and the CLI all call:
//! organizations and their keys, achievements, issuing, revocation and suspension, status
//! lists, and verification. Rules live here; adapters only parse, call and render.

pub mod accounts;
mod achievements;
pub mod analytics;
pub mod api_keys;
mod audit;
pub mod awards;
pub mod bulk;
mod checks;
pub mod demo;
pub mod designs;
pub mod downloads;
pub mod earner_imports;
pub mod earners;
pub mod effective;
mod error;
pub mod expiry;
pub mod i18n;
pub mod idempotency;
pub mod images;
pub mod insights;
mod issue;
pub mod jobs;
pub mod jwt_keys;
pub mod lifecycle;
pub mod mail;
pub mod master;
pub mod metrics;
mod orgs;
mod own_status;
pub use own_status::IssuedHere;
pub mod pathways;
pub mod profile;
pub mod public_page;
pub mod request_limits;
pub mod sharing;
mod status;
pub mod tokens;
mod urls;
mod verdicts;
mod verify;
pub mod verify_gate;
pub mod webhooks;

pub use achievements::{
    ALIGNMENT_FRAMEWORKS, Framework, NewAchievement, NewTranslation, criteria_summary,
    search_catalog,
};
pub use api_keys::{
    ApiCaller, ApiKeyState, ApiKeyView, ApiScope, CreatedApiKey, NewApiKey, OrgAdmin,
};
pub use designs::DesignForm;
pub use error::{AppError, AppResult, Cause, Chain, Invalid};
pub use issue::{
    CUSTOM_FIELD_RESULT_TYPE, NewAward, NewEvidence, describe_achievement, field_result_id,
};
pub use jobs::{JobKind, JobWorker, RunSummary};
pub use mail::{MailConfigError, MailSettings, SmtpUrl};
pub use master::{MasterKey, MasterKeyError};
pub use orgs::NewOrganization;
pub use profile::OrgProfile;
pub use request_limits::{Rate, RequestClass, RequestLimits};
pub use urls::{PublicUrl, PublicUrlError};
pub use verify::LocalFetcher;
pub use verify_gate::{Admission, Busy, VerifyGate, VerifyLimit};

use accolade_core::{Clock, OrgId, StatusPurpose};
use accolade_net::FetchPolicy;
use accolade_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Settings the application needs.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub public_url: PublicUrl,
    /// Limits for fetching other issuers' documents while verifying.
    pub fetch_policy: FetchPolicy,
    /// Resolve did:web DIDs of loopback hosts over plain http (development and tests).
    pub http_for_loopback: bool,
}

/// A signed status list, cached until the organization's status version changes.
#[derive(Debug, Clone)]
pub struct SignedStatusList {
    pub version: i64,
    pub json: Arc<String>,
}

pub struct App {
    store: Store,
    clock: Arc<dyn Clock>,
    config: AppConfig,
    master: Option<MasterKey>,
    status_cache: Mutex<HashMap<(OrgId, StatusPurpose), SignedStatusList>>,
    mailer: mail::Mailer,
    analytics: analytics::Recorder,
    pages: public_page::PageCache,
    verdicts: verdicts::Verdicts,
    verify_gate: verify_gate::VerifyGate,
    metrics: Arc<metrics::Metrics>,
    lifecycle: lifecycle::Lifecycle,
    passwords: accounts::PasswordWork,
    /// Whether the sign-up form creates accounts at once when there is no mail.
    sign_up_without_email: bool,
}

impl App {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        config: AppConfig,
        master: Option<MasterKey>,
    ) -> Self {
        Self {
            store,
            clock,
            mailer: mail::Mailer::unconfigured(&config.public_url),
            config,
            master,
            status_cache: Mutex::new(HashMap::new()),
            analytics: analytics::Recorder::default(),
            pages: public_page::PageCache::default(),
            verdicts: verdicts::Verdicts::default(),
            verify_gate: verify_gate::VerifyGate::new(verify_gate::VerifyLimit::for_machine()),
            metrics: Arc::new(metrics::Metrics::default()),
            lifecycle: lifecycle::Lifecycle::default(),
            passwords: accounts::PasswordWork::for_machine(),
            sign_up_without_email: false,
        }
    }

    /// Runs at most `cap` password hashes at once (by default one per core).
    pub fn with_password_workers(mut self, cap: usize) -> Self {
        self.passwords = accounts::PasswordWork::new(cap);
        self
    }

    /// Where password hashes run (see [`accounts::PasswordWork`]).
    pub fn passwords(&self) -> &accounts::PasswordWork {
        &self.passwords
    }

    /// Bounds verification of outside documents as `limit` says (see [`VerifyGate`]).
    pub fn with_verify_limit(mut self, limit: VerifyLimit) -> Self {
        self.verify_gate = verify_gate::VerifyGate::new(limit);
        self
    }

    /// Sends mail as `settings` say (by default no SMTP: mail stays in the outbox).
    pub fn with_mail(mut self, settings: &MailSettings) -> Result<Self, MailConfigError> {
        self.mailer = mail::Mailer::new(settings, &self.config.public_url)?;
        Ok(self)
    }

    /// The storage under the application: for tests only. Adapters (web, CLI) go through
    /// the application's methods, which check who may do what.
    #[cfg(feature = "testing")]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Closes the storage (the database pool) at shutdown.
    pub async fn close(&self) {
        self.store.close().await;
    }

    pub fn urls(&self) -> &PublicUrl {
        &self.config.public_url
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub fn has_master_key(&self) -> bool {
        self.master.is_some()
    }

    fn master(&self) -> AppResult<&MasterKey> {
        self.master.as_ref().ok_or(AppError::NoMasterKey)
    }

    /// Now, to the second (credentials carry seconds).
    fn now(&self) -> time::OffsetDateTime {
        let t = self.clock.now();
        t.replace_nanosecond(0).unwrap_or(t)
    }
}

/// RFC 3339 with seconds, `Z` for UTC.
pub(crate) fn rfc3339(t: time::OffsetDateTime) -> String {
    use time::format_description::well_known::Rfc3339;
    let t = t.to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}
