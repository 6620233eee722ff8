//! Verification for Accolade's own pages: the full verifier, with documents of this
//! instance (DID documents, status lists, profiles) answered directly from the application
//! and everything else fetched through the SSRF-guarded client.

use crate::App;
use crate::verify_gate::{Admission, Busy, VerifyGate};
use accolade_core::{Email, StatusPurpose};
use accolade_credentials::did::{Fetch, FetchError, FetchedDocument};
use accolade_credentials::verify::{self, Report, VerifyOptions};
use accolade_net::GuardedFetcher;
use std::sync::Arc;

/// Answers for this instance's own URLs without a network round trip; must be used from a
/// blocking thread (it waits on the async store).
pub struct LocalFetcher {
    app: Arc<App>,
    runtime: tokio::runtime::Handle,
    remote: GuardedFetcher,
}

impl LocalFetcher {
    pub fn new(app: Arc<App>, runtime: tokio::runtime::Handle) -> Self {
        let remote = GuardedFetcher::new(app.config().fetch_policy.clone());
        Self {
            app,
            runtime,
            remote,
        }
    }

    fn local(&self, url: &str, path: &str) -> Result<FetchedDocument, FetchError> {
        let not_found = || FetchError::Status {
            url: url.to_owned(),
            status: 404,
        };
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let app = &self.app;
        if let ["ob2", "assertions", id] = parts.as_slice() {
            // As the public route answers: a revoked assertion is gone (410).
            let id = id.parse().map_err(|_| not_found())?;
            let hosted = self
                .runtime
                .block_on(app.ob2_assertion(id))
                .map_err(|_| not_found())?;
            if hosted.gone {
                return Err(FetchError::Status {
                    url: url.to_owned(),
                    status: 410,
                });
            }
            return Ok(json_document(url, hosted.json.to_string()));
        }
        let body = self.runtime.block_on(async {
            match parts.as_slice() {
                ["ob2", "badges", id] => {
                    let id = id.parse().ok()?;
                    app.ob2_badge_class(id).await.ok().map(|d| d.to_string())
                }
                ["ob2", "issuers", slug] => app.ob2_issuer(slug).await.ok().map(|d| d.to_string()),
                ["issuers", slug, "did.json"] => {
                    let org = app.org_by_slug(slug).await.ok()?;
                    app.did_document(&org).await.ok().map(|d| d.to_string())
                }
                ["issuers", slug, "status", purpose] => {
                    let org = app.org_by_slug(slug).await.ok()?;
                    let purpose = StatusPurpose::parse(purpose)?;
                    app.status_list(&org, purpose)
                        .await
                        .ok()
                        .map(|l| l.json.as_ref().clone())
                }
                ["credentials", id] => {
                    let id = id.strip_suffix(".json").unwrap_or(id).parse().ok()?;
                    app.award_by_id(id).await.ok().map(|a| a.credential)
                }
                ["issuers", slug, "keys", file] => {
                    let org = app.org_by_slug(slug).await.ok()?;
                    app.jwt_key_document(&org, file)
                        .await
                        .ok()
                        .map(|d| d.to_string())
                }
                [".well-known", "jwks.json"] => app.jwks().await.ok().map(|d| d.to_string()),
                ["issuers", slug] => {
                    let org = app.org_by_slug(slug).await.ok()?;
                    Some(app.profile_json(&org).to_string())
                }
                _ => None,
            }
        });
        let body = body.ok_or_else(not_found)?;
        Ok(json_document(url, body))
    }
}

fn json_document(url: &str, body: String) -> FetchedDocument {
    FetchedDocument {
        url: url.to_owned(),
        content_type: Some("application/json".into()),
        body: body.into_bytes(),
    }
}

impl Fetch for LocalFetcher {
    fn get(&self, url: &str, accept: &str) -> Result<FetchedDocument, FetchError> {
        match self.app.urls().local_path(url) {
            Some(path) => self.local(url, path),
            None => self.remote.get(url, accept),
        }
    }
}

impl App {
    /// Fetches a document (a credential URL given on the verify page) through the same
    /// guarded path as verification: our own URLs locally, others with SSRF protection.
    pub async fn fetch_document(self: &Arc<Self>, url: String) -> Result<Vec<u8>, FetchError> {
        let app = self.clone();
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            LocalFetcher::new(app, runtime)
                .get(&url, "application/vc+ld+json, application/ld+json, application/json, image/png, image/svg+xml")
                .map(|d| d.body)
        })
        .await
        .unwrap_or_else(|e| Err(FetchError::Network { url: String::new(), reason: e.to_string() }))
    }

    /// Verifies any credential input (JSON, JWT, baked image), synchronously: call from a
    /// blocking thread.
    pub fn verify_blocking(
        self: &Arc<Self>,
        runtime: tokio::runtime::Handle,
        input: &[u8],
        recipient: Option<Email>,
    ) -> Report {
        let fetch = LocalFetcher::new(self.clone(), runtime.clone());
        let mut opts = VerifyOptions::new(&fetch, self.clock());
        opts.resolve.http_for_loopback = self.config().http_for_loopback;
        opts.recipient = recipient;
        let mut report = verify::verify_bytes(input, &opts);
        self.show_own_scheme(&mut report);
        self.with_own_status(&runtime, report)
    }

    /// did:web always resolves over https, so on an instance served over plain http (a
    /// local or test setup) the checks would name an https address that does not answer:
    /// they name the instance's own address instead, which is where the key was read.
    pub(crate) fn show_own_scheme(&self, report: &mut Report) {
        let base = self.urls().base();
        let Some(rest) = base.strip_prefix("http://") else {
            return;
        };
        let as_resolved = format!("https://{rest}");
        for check in &mut report.checks {
            if check.message.contains(&as_resolved) {
                check.message = check.message.replace(&as_resolved, base);
            }
        }
    }

    /// The limit on verifying documents from outside.
    pub fn verify_gate(&self) -> &VerifyGate {
        &self.verify_gate
    }

    /// Verifies a document from outside under the limit: `admission` was taken (with
    /// [`VerifyGate::admit`]) before its body was read; waits briefly for a worker, or says
    /// [`Busy`]. The worker is held by the blocking task, so work of a client that went away
    /// still counts until it ends.
    pub async fn verify_admitted(
        self: &Arc<Self>,
        admission: Admission,
        input: Vec<u8>,
        recipient: Option<Email>,
    ) -> Result<Report, Busy> {
        let worker = self.verify_gate.work(admission).await?;
        let app = self.clone();
        let runtime = tokio::runtime::Handle::current();
        let work = tokio::task::spawn_blocking(move || {
            let report = app.verify_blocking(runtime, &input, recipient);
            drop(worker);
            report
        });
        let report = match work.await {
            Ok(report) => report,
            Err(e) => Report::failure(format!("verification could not run ({e})")),
        };
        self.count_verification("submitted", &report);
        Ok(report)
    }

    /// Verifies on the blocking pool, outside the limit: for the instance's own credentials
    /// (bounded by issuance) and for callers that bound their own work.
    pub async fn verify(self: &Arc<Self>, input: Vec<u8>, recipient: Option<Email>) -> Report {
        let app = self.clone();
        let runtime = tokio::runtime::Handle::current();
        let report = match tokio::task::spawn_blocking(move || {
            app.verify_blocking(runtime, &input, recipient)
        })
        .await
        {
            Ok(report) => report,
            Err(e) => Report::unchecked(format!("verification could not run ({e})")),
        };
        self.count_verification("own", &report);
        report
    }

    fn count_verification(&self, source: &str, report: &Report) {
        let verdict = crate::metrics::verdict_label(report.verdict);
        self.metrics.verifications.inc(&[source, verdict]);
    }
}
