//! The one log subscriber of the process: everything the libraries report (requests,
//! server errors, failed jobs and emails, dropped analytics events, import failures) goes
//! to standard error, as readable lines or as one JSON object per line, through a writer
//! thread ([`super::log_writer`]) so that no request waits for it. Standard output stays
//! the commands' own.
//!
//! Which events are written: `ACCOLADE_LOG`, else `RUST_LOG`, in the `target=level,level`
//! form (`info`, `warn,accolade::http=off`, …); else `info` for `serve` and `warn` for the
//! other commands, which report their own progress.

use accolade_core::{Clock as _, SystemClock};
use clap::ValueEnum;
use std::fmt;
use std::str::FromStr;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

use super::log_writer::Drain;

/// How log lines look.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `2026-01-02T03:04:05.678901Z  INFO accolade::http: request request_id=… status=200`
    #[default]
    Text,
    /// One JSON object a line: time, level, target, message and the event's fields.
    Json,
}

/// The filter the environment asks for, or `None` (then `default`). A filter that does not
/// parse is reported on standard error and the default applies.
fn filter_from_env(default: Level) -> Targets {
    let spec = ["ACCOLADE_LOG", "RUST_LOG"].iter().find_map(|var| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| (var, v))
    });
    match spec {
        Some((var, spec)) => match Targets::from_str(spec.trim()) {
            Ok(t) => t,
            Err(e) => {
                // No subscriber yet: this one line goes to standard error directly.
                eprintln!("warning: {var}={spec:?} is not a log filter ({e}); using {default}");
                Targets::new().with_default(default)
            }
        },
        None => Targets::new().with_default(default),
    }
}

/// Installs the subscriber. `default` is the level when the environment names none. Keep
/// the answer until the end of the process: dropping it writes the lines still waiting.
pub fn init(format: LogFormat, default: Level) -> Drain {
    let filter = filter_from_env(default);
    let registry = tracing_subscriber::registry().with(filter);
    let (writer, drain) = super::log_writer::start(std::io::stderr());
    let _ = match format {
        LogFormat::Text => registry
            .with(tracing_subscriber::fmt::layer().with_writer(writer))
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .event_format(JsonLines)
                    .with_writer(writer),
            )
            .try_init(),
    };
    drain
}

/// Writes each event as one JSON object.
struct JsonLines;

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        writeln!(writer, "{}", json_line(event, SystemClock.now()))
    }
}

fn json_line(event: &Event<'_>, at: time::OffsetDateTime) -> serde_json::Value {
    let meta = event.metadata();
    let mut fields = Fields(serde_json::Map::new());
    event.record(&mut fields);
    let mut line = serde_json::Map::new();
    let time = at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    line.insert("time".into(), time.into());
    line.insert("level".into(), meta.level().as_str().into());
    line.insert("target".into(), meta.target().into());
    if let Some(message) = fields.0.remove("message") {
        line.insert("message".into(), message);
    }
    for (k, v) in fields.0 {
        // An event field never hides one of the line's own keys.
        let key = if line.contains_key(&k) {
            format!("field.{k}")
        } else {
            k
        };
        line.insert(key, v);
    }
    serde_json::Value::Object(line)
}

/// An event's fields as JSON values: numbers and booleans as such, the rest as text.
struct Fields(serde_json::Map<String, serde_json::Value>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().into(), format!("{value:?}").into());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.0.insert(field.name().into(), value.to_string().into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Collects the JSON lines of the events recorded while it is the default subscriber.
    #[derive(Clone, Default)]
    struct Collect(Arc<Mutex<Vec<serde_json::Value>>>);

    impl<S: Subscriber> tracing_subscriber::Layer<S> for Collect {
        fn on_event(&self, event: &Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
            let at = time::OffsetDateTime::UNIX_EPOCH;
            self.0.lock().unwrap().push(json_line(event, at));
        }
    }

    #[test]
    fn events_become_one_json_object_with_typed_fields() {
        let collect = Collect::default();
        let subscriber = tracing_subscriber::registry().with(collect.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(
                target: "accolade::http",
                request_id = "abc",
                status = 500u16,
                latency_ms = 1.5,
                level = "sneaky",
                "request \"quoted\""
            );
        });
        let lines = collect.0.lock().unwrap();
        assert_eq!(
            lines[0],
            serde_json::json!({
                "time": "1970-01-01T00:00:00Z",
                "level": "WARN",
                "target": "accolade::http",
                "message": "request \"quoted\"",
                "request_id": "abc",
                "status": 500,
                "latency_ms": 1.5,
                "field.level": "sneaky",
            })
        );
    }

    #[test]
    fn filters_parse_as_target_level_lists() {
        let t = Targets::from_str("warn,accolade::http=off").unwrap();
        assert!(t.would_enable("accolade_app::jobs", &Level::WARN));
        assert!(!t.would_enable("accolade_app::jobs", &Level::INFO));
        assert!(!t.would_enable("accolade::http", &Level::ERROR));
        assert!(Targets::from_str("accolade=loud").is_err());
    }
}
