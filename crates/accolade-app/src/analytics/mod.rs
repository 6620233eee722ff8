//! Analytics capture: what happens to a credential — views, verifications, share clicks per
//! channel, downloads, LinkedIn adds, embed impressions — stored as events on this instance
//! only, with no third-party tracker. Who asked is kept as a hash of their address and
//! browser under a salt that changes every day and is then deleted, so no raw address is
//! stored and a client cannot be followed from one day to the next.
//!
//! Recording never slows or fails a page: [`App::record_event`] hands the event to a
//! bounded queue that a background task writes in batches (see `recorder.rs`). The queue
//! holds about a second of a busy server's views and the batches grow with the backlog, so
//! the writer keeps up with tens of thousands of views a second; an event the full queue
//! cannot take is dropped, counted in `accolade_analytics_events_dropped_total` and logged.

mod recorder;

pub use recorder::QUEUE_CAPACITY;
pub(crate) use recorder::Recorder;

use crate::{App, AppResult};
use accolade_core::{AchievementId, AwardId, OrgId};
use accolade_credentials::verify::Report;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

/// What happened to a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// Its public page was shown.
    View,
    /// It was checked on the verify page.
    Verification,
    /// A share link was followed (the channel says where to).
    Share,
    /// It was downloaded (the channel says in which format).
    Download,
    /// The earner followed the LinkedIn "Add to profile" link.
    LinkedinAdd,
    /// Its embed was shown on a web page.
    EmbedImpression,
    /// Its earner made it public on their profile (counted once per award).
    Accept,
}

impl EventKind {
    pub const ALL: [EventKind; 7] = [
        EventKind::View,
        EventKind::Verification,
        EventKind::Share,
        EventKind::Download,
        EventKind::LinkedinAdd,
        EventKind::EmbedImpression,
        EventKind::Accept,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::View => "view",
            EventKind::Verification => "verification",
            EventKind::Share => "share",
            EventKind::Download => "download",
            EventKind::LinkedinAdd => "linkedin_add",
            EventKind::EmbedImpression => "embed_impression",
            EventKind::Accept => "accept",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Who asked, as the request says: used only to compute the day's client hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Client {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl Client {
    pub fn new(ip: Option<IpAddr>, user_agent: Option<&str>) -> Self {
        Self {
            ip,
            user_agent: user_agent.map(|u| u.chars().take(256).collect()),
        }
    }

    /// The text hashed under the day's salt.
    fn material(&self) -> String {
        format!(
            "{}\u{1f}{}",
            self.ip.map(|i| i.to_string()).unwrap_or_default(),
            self.user_agent.as_deref().unwrap_or_default()
        )
    }
}

/// How often each thing happened to a credential, or to all awards of an achievement.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct EventTotals {
    pub views: i64,
    pub verifications: i64,
    pub downloads: i64,
    pub linkedin_adds: i64,
    pub embed_impressions: i64,
    /// Share clicks on every channel, LinkedIn adds included.
    pub shares: i64,
    /// Share clicks by channel name (`linkedin-profile` for LinkedIn adds).
    pub shares_by_channel: BTreeMap<String, i64>,
}

impl EventTotals {
    fn add(&mut self, kind: &str, channel: &str, count: i64) {
        match EventKind::parse(kind) {
            Some(EventKind::View) => self.views += count,
            Some(EventKind::Verification) => self.verifications += count,
            Some(EventKind::Download) => self.downloads += count,
            Some(EventKind::EmbedImpression) => self.embed_impressions += count,
            Some(EventKind::LinkedinAdd) => {
                self.linkedin_adds += count;
                self.shares += count;
                *self
                    .shares_by_channel
                    .entry(channel.to_owned())
                    .or_default() += count;
            }
            Some(EventKind::Share) => {
                self.shares += count;
                *self
                    .shares_by_channel
                    .entry(channel.to_owned())
                    .or_default() += count;
            }
            // Counted by the insight dashboard, not on a credential's totals.
            Some(EventKind::Accept) | None => {}
        }
    }
}

impl App {
    /// Records that `kind` happened to the award (`channel`: the share channel or download
    /// format, or empty). Returns at once and never fails: the event is written shortly
    /// after, in a batch, or dropped if the queue is full.
    pub fn record_event(&self, award: AwardId, kind: EventKind, channel: &str, client: &Client) {
        self.analytics.record(
            &self.store,
            &self.metrics,
            recorder::Pending {
                award_id: award,
                kind,
                channel: channel.chars().take(40).collect(),
                material: client.material(),
                at: self.now(),
            },
        );
    }

    /// Records a verification on the verify page when the checked credential is one of
    /// this instance's awards (whatever the outcome).
    pub fn record_verification(&self, report: &Report, client: &Client) {
        let Some(id) = report
            .credential
            .as_ref()
            .and_then(|c| c["id"].as_str())
            .and_then(|id| self.urls().local_path(id))
            .and_then(|path| path.strip_prefix("/credentials/"))
            .and_then(|id| id.parse::<AwardId>().ok())
        else {
            return;
        };
        self.record_event(id, EventKind::Verification, "", client);
    }

    /// Waits until every event recorded so far is written.
    pub async fn flush_events(&self) {
        self.analytics.flush().await;
    }

    /// Counts the events of the days that are over (UTC) into daily totals and deletes their
    /// rows, so the events table holds about a day; totals stay the same. `accolade serve`'s
    /// worker does this once a day; any number of servers may at once.
    pub async fn roll_up_analytics(&self) -> AppResult<u64> {
        self.flush_events().await;
        let today = self.now().replace_time(time::Time::MIDNIGHT);
        let events = self.store.roll_up_events(today).await?;
        self.store
            .roll_up_insights(crate::insights::day_number(today))
            .await?;
        Ok(events)
    }

    /// The award's totals.
    pub async fn award_totals(&self, award: AwardId) -> AppResult<EventTotals> {
        let mut totals = EventTotals::default();
        for c in self.store.award_event_counts(award).await? {
            totals.add(&c.kind, &c.channel, c.count);
        }
        Ok(totals)
    }

    /// The totals of the organization's awards, by achievement (achievements without any
    /// event are absent).
    pub async fn achievement_totals(
        &self,
        org: OrgId,
    ) -> AppResult<HashMap<AchievementId, EventTotals>> {
        let mut out: HashMap<AchievementId, EventTotals> = HashMap::new();
        for (achievement, c) in self.store.achievement_event_counts(org).await? {
            out.entry(achievement)
                .or_default()
                .add(&c.kind, &c.channel, c.count);
        }
        Ok(out)
    }
}
