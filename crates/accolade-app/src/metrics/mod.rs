//! What the instance counts, for Prometheus: the [`App`] owns one [`Metrics`], so the web
//! server, the job worker and the CLI count into the same series. Counters are updated as
//! things happen; gauges (job queue, outbox, database pool, analytics queue) are read from
//! the store when [`App::metrics_text`] is called, with cheap indexed counts.

mod registry;

pub use registry::{Counter, Histogram, LATENCY_BUCKETS, write_gauge};

use crate::App;
use accolade_credentials::verify::Verdict;

/// The counters and histograms of one process.
pub struct Metrics {
    /// HTTP requests answered, by method, matched route and status.
    pub http_requests: Counter,
    /// How long answering took, by method, matched route and status.
    pub http_duration: Histogram,
    /// Verifications, by where the credential came from (`submitted` from outside, `own`
    /// for this instance's credentials, such as a page being rendered) and verdict.
    pub verifications: Counter,
    /// Credentials issued, by path (`single`, `bulk`).
    pub credentials_issued: Counter,
    /// Credentials revoked, by path (`single`, `bulk`).
    pub credentials_revoked: Counter,
    /// Background job attempts that failed, by job kind and outcome (`retry`, `gave_up`).
    pub job_failures: Counter,
    /// Emails that could not be sent, by outcome (`retry`, `gave_up`).
    pub mail_failures: Counter,
    /// Analytics events written to the database.
    pub analytics_recorded: Counter,
    /// Analytics events lost, by reason (`queue_full`, `write_failed`, `no_salt`).
    pub analytics_dropped: Counter,
    /// Public credential page lookups, by result (`hit`: a kept page; `miss`: rendered).
    pub page_cache: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            http_requests: Counter::new(
                "accolade_http_requests_total",
                "HTTP requests answered, by method, matched route and status.",
                &["method", "route", "status"],
            ),
            http_duration: Histogram::new(
                "accolade_http_request_duration_seconds",
                "Time from receiving a request to its response headers, in seconds.",
                &["method", "route", "status"],
                LATENCY_BUCKETS,
            ),
            verifications: Counter::new(
                "accolade_verifications_total",
                "Credentials verified, by source (submitted from outside, or own) and verdict.",
                &["source", "verdict"],
            ),
            credentials_issued: Counter::new(
                "accolade_credentials_issued_total",
                "Credentials issued, by path (single or bulk).",
                &["path"],
            ),
            credentials_revoked: Counter::new(
                "accolade_credentials_revoked_total",
                "Credentials revoked, by path (single or bulk).",
                &["path"],
            ),
            job_failures: Counter::new(
                "accolade_job_failures_total",
                "Background job attempts that failed, by kind and outcome (retry or gave_up).",
                &["kind", "outcome"],
            ),
            mail_failures: Counter::new(
                "accolade_mail_failures_total",
                "Emails whose delivery attempt failed, by outcome (retry or gave_up).",
                &["outcome"],
            ),
            analytics_recorded: Counter::new(
                "accolade_analytics_events_recorded_total",
                "Analytics events written to the database.",
                &[],
            ),
            analytics_dropped: Counter::new(
                "accolade_analytics_events_dropped_total",
                "Analytics events lost, by reason (queue_full, write_failed, no_salt).",
                &["reason"],
            ),
            page_cache: Counter::new(
                "accolade_credential_page_cache_total",
                "Public credential page lookups, by result (hit: a kept page, miss: rendered).",
                &["result"],
            ),
        }
    }
}

/// The label value of a verdict.
pub fn verdict_label(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "valid",
        Verdict::Invalid => "invalid",
        Verdict::Unchecked => "unchecked",
    }
}

impl App {
    /// This process's counters.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Every series in the Prometheus text format, gauges read now. A gauge whose reading
    /// fails is left out (and logged), so a database outage still leaves the counters
    /// readable.
    pub async fn metrics_text(&self) -> String {
        let m = &self.metrics;
        let mut out = String::with_capacity(16 * 1024);
        m.http_requests.write(&mut out);
        m.http_duration.write(&mut out);
        m.verifications.write(&mut out);
        m.credentials_issued.write(&mut out);
        m.credentials_revoked.write(&mut out);
        m.job_failures.write(&mut out);
        m.mail_failures.write(&mut out);
        m.analytics_recorded.write(&mut out);
        m.analytics_dropped.write(&mut out);
        m.page_cache.write(&mut out);
        write_gauge(
            &mut out,
            "accolade_analytics_queue_events",
            "Analytics events waiting to be written.",
            &[],
            &[(vec![], self.analytics.queued() as f64)],
        );
        match self.store.waiting_job_counts().await {
            Ok(c) => write_gauge(
                &mut out,
                "accolade_job_queue_depth",
                "Background jobs waiting (queued) or in hand (running).",
                &["state"],
                &[
                    (vec!["queued".into()], c.queued as f64),
                    (vec!["running".into()], c.running as f64),
                ],
            ),
            Err(e) => {
                tracing::warn!(error = %crate::Chain(&e), "metrics: reading job counts failed")
            }
        }
        match self.store.outbox_counts().await {
            Ok(counts) => {
                let rows: Vec<(Vec<String>, f64)> = counts
                    .iter()
                    .map(|(state, n)| (vec![state.as_str().to_owned()], *n as f64))
                    .collect();
                write_gauge(
                    &mut out,
                    "accolade_outbox_messages",
                    "Outgoing emails, by state (queued, sent, unsent, failed).",
                    &["state"],
                    &rows,
                );
            }
            Err(e) => {
                tracing::warn!(error = %crate::Chain(&e), "metrics: reading outbox counts failed")
            }
        }
        let pool = self.store.pool_stats();
        write_gauge(
            &mut out,
            "accolade_db_pool_connections",
            "Open database connections in the pool.",
            &[],
            &[(vec![], f64::from(pool.size))],
        );
        write_gauge(
            &mut out,
            "accolade_db_pool_idle_connections",
            "Open database connections not in use.",
            &[],
            &[(vec![], pool.idle as f64)],
        );
        write_gauge(
            &mut out,
            "accolade_db_pool_max_connections",
            "The most connections the pool opens.",
            &[],
            &[(vec![], f64::from(pool.max))],
        );
        out
    }
}
