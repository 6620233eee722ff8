//! The queue between the pages and the database: pages hand events over without waiting
//! (a `try_send` into a bounded channel), and one background task writes them in batches,
//! one transaction each, hashing each client under its day's salt on the way.

use super::EventKind;
use crate::metrics::Metrics;
use accolade_core::AwardId;
use accolade_store::{AnalyticsEvent, Store};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

/// Events waiting to be written; past this, new ones are dropped (counted and logged)
/// rather than slow a page. About a second of views at 30,000 a second, so a writer stalled
/// by a slow commit or a busy machine loses nothing; at most ~8 MB of pending events.
pub const QUEUE_CAPACITY: usize = 32_768;
/// Most events written in one transaction. Each batch costs a near-fixed time (a pooled
/// connection, begin, commit, and the scheduling between them under load), so the writer's
/// rate is about this over that time: with 512 it topped out near 20,000 events a second;
/// batches take whatever is waiting, so they grow when the writer falls behind.
const BATCH: usize = 4096;

/// An event as a page recorded it, before its client is hashed.
pub(crate) struct Pending {
    pub award_id: AwardId,
    pub kind: EventKind,
    pub channel: String,
    /// Address and browser of the client; kept only until hashed.
    pub material: String,
    pub at: OffsetDateTime,
}

enum Message {
    Event(Pending),
    /// Answered once every event sent before it is written.
    Flush(oneshot::Sender<()>),
}

/// At most one warning about dropped events per this long (each names how many).
const WARN_EVERY: Duration = Duration::from_secs(10);

/// The sending end, with the writer task started on first use (on the runtime of the first
/// caller).
#[derive(Default)]
pub(crate) struct Recorder {
    queue: OnceLock<mpsc::Sender<Message>>,
    /// Events dropped since the last warning: counted in the metrics at once, logged at
    /// most every [`WARN_EVERY`] (one line, not one per event under load).
    dropped: AtomicU64,
    last_warning: std::sync::Mutex<Option<Instant>>,
}

impl Recorder {
    fn queue(&self, store: &Store, metrics: &Arc<Metrics>) -> Option<&mpsc::Sender<Message>> {
        if let Some(q) = self.queue.get() {
            return Some(q);
        }
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        Some(self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
            runtime.spawn(write_batches(store.clone(), rx, metrics.clone()));
            tx
        }))
    }

    pub fn record(&self, store: &Store, metrics: &Arc<Metrics>, event: Pending) {
        let Some(queue) = self.queue(store, metrics) else {
            self.lost(metrics, "no_runtime", 1);
            return;
        };
        if queue.try_send(Message::Event(event)).is_err() {
            self.lost(metrics, "queue_full", 1);
        }
    }

    /// Counts `n` lost events and warns, unless a warning went out less than
    /// [`WARN_EVERY`] ago (then the next one includes them).
    fn lost(&self, metrics: &Metrics, reason: &str, n: u64) {
        metrics.analytics_dropped.add(&[reason], n);
        self.dropped.fetch_add(n, Ordering::Relaxed);
        // A page never waits here: if another is deciding about the warning, this drop is
        // left to its line (or the next one).
        let Ok(mut last) = self.last_warning.try_lock() else {
            return;
        };
        if last.is_some_and(|t| t.elapsed() < WARN_EVERY) {
            return;
        }
        *last = Some(Instant::now());
        let count = self.dropped.swap(0, Ordering::Relaxed);
        tracing::warn!(
            count,
            reason,
            "analytics events were dropped, not counted (see accolade_analytics_events_dropped_total)"
        );
    }

    /// Events waiting to be written.
    pub fn queued(&self) -> usize {
        self.queue
            .get()
            .map_or(0, |q| q.max_capacity() - q.capacity())
    }

    pub async fn flush(&self) {
        let Some(queue) = self.queue.get() else {
            return;
        };
        let (ack, done) = oneshot::channel();
        if queue.send(Message::Flush(ack)).await.is_ok() {
            let _ = done.await;
        }
    }
}

async fn write_batches(store: Store, mut rx: mpsc::Receiver<Message>, metrics: Arc<Metrics>) {
    let mut salt = DaySalt::default();
    let mut messages = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut messages, BATCH).await > 0 {
        let mut events = Vec::with_capacity(messages.len());
        let mut acks = Vec::new();
        for message in messages.drain(..) {
            match message {
                Message::Event(p) => match salt.for_day(&store, p.at).await {
                    Some(s) => events.push(AnalyticsEvent {
                        award_id: p.award_id,
                        kind: p.kind.as_str().to_owned(),
                        channel: p.channel,
                        client: client_hash(s, &p.material),
                        at: p.at,
                    }),
                    None => {
                        metrics.analytics_dropped.inc(&["no_salt"]);
                        tracing::warn!("no analytics salt: an event was dropped");
                    }
                },
                Message::Flush(ack) => acks.push(ack),
            }
        }
        let n = events.len() as u64;
        let started = Instant::now();
        match store.insert_events(&events).await {
            Ok(()) => {
                metrics.analytics_recorded.add(&[], n);
                tracing::debug!(
                    events = n,
                    waiting = rx.len(),
                    ms = started.elapsed().as_secs_f64() * 1e3,
                    "analytics events written"
                );
            }
            Err(e) => {
                metrics.analytics_dropped.add(&["write_failed"], n);
                tracing::warn!(error = %crate::Chain(&e), count = n, "writing analytics events failed: they were dropped");
            }
        }
        for ack in acks {
            let _ = ack.send(());
        }
    }
}

/// The hex SHA-256 of salt ‖ client, cut to 128 bits.
pub(crate) fn client_hash(salt: &[u8], material: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(material.as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// The current day's salt, kept in the database (so every process of the instance hashes
/// alike) and cached here; a new day's salt replaces the old ones, which are deleted.
#[derive(Default)]
struct DaySalt {
    cached: Option<(String, Vec<u8>)>,
}

impl DaySalt {
    async fn for_day(&mut self, store: &Store, at: OffsetDateTime) -> Option<&[u8]> {
        let day = at.date().to_string();
        if self.cached.as_ref().is_none_or(|(d, _)| *d != day) {
            let mut candidate = [0u8; 32];
            getrandom::fill(&mut candidate).ok()?;
            let salt = match store.analytics_salt(&day, &candidate).await {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %crate::Chain(&e), "reading the analytics salt failed");
                    return None;
                }
            };
            if let Err(e) = store.delete_analytics_salts_before(&day).await {
                tracing::warn!(error = %crate::Chain(&e), "deleting old analytics salts failed");
            }
            self.cached = Some((day, salt));
        }
        self.cached.as_ref().map(|(_, s)| s.as_slice())
    }
}
