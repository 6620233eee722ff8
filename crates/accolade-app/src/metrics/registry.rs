//! Counters, gauges and fixed-bucket histograms with label sets, and their Prometheus text
//! exposition (format 0.0.4). Updating a series that exists costs a read lock and an atomic
//! add; a new label set takes the write lock once.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// The series of a family by their label values joined with U+0001 (a character no label
/// value of ours holds), each with its values as given.
type Series<S> = BTreeMap<String, (Vec<String>, Arc<S>)>;

/// A family of series: one name, one set of label names, a series per label values.
struct Family<S> {
    name: &'static str,
    help: &'static str,
    labels: &'static [&'static str],
    series: RwLock<Series<S>>,
}

fn key(values: &[&str]) -> String {
    values.join("\u{1}")
}

impl<S> Family<S> {
    fn new(name: &'static str, help: &'static str, labels: &'static [&'static str]) -> Self {
        Self {
            name,
            help,
            labels,
            series: RwLock::new(BTreeMap::new()),
        }
    }

    /// The series of `values` (one per label name, in order), made on first use.
    fn get(&self, values: &[&str], make: impl FnOnce() -> S) -> Arc<S> {
        debug_assert_eq!(values.len(), self.labels.len(), "{}", self.name);
        let k = key(values);
        if let Some((_, s)) = self
            .series
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&k)
        {
            return s.clone();
        }
        let mut write = self.series.write().unwrap_or_else(|p| p.into_inner());
        write
            .entry(k)
            .or_insert_with(|| {
                let owned = values.iter().map(|v| (*v).to_owned()).collect();
                (owned, Arc::new(make()))
            })
            .1
            .clone()
    }

    fn find(&self, values: &[&str]) -> Option<Arc<S>> {
        let read = self.series.read().unwrap_or_else(|p| p.into_inner());
        read.get(&key(values)).map(|(_, s)| s.clone())
    }

    fn snapshot(&self) -> Vec<(Vec<String>, Arc<S>)> {
        let read = self.series.read().unwrap_or_else(|p| p.into_inner());
        read.values().map(|(k, s)| (k.clone(), s.clone())).collect()
    }
}

/// A count that only goes up.
pub struct Counter(Family<AtomicU64>);

impl Counter {
    pub fn new(name: &'static str, help: &'static str, labels: &'static [&'static str]) -> Self {
        Self(Family::new(name, help, labels))
    }

    pub fn inc(&self, values: &[&str]) {
        self.add(values, 1);
    }

    pub fn add(&self, values: &[&str], n: u64) {
        self.0
            .get(values, || AtomicU64::new(0))
            .fetch_add(n, Ordering::Relaxed);
    }

    /// The current count of one series (0 if it was never touched).
    pub fn get(&self, values: &[&str]) -> u64 {
        self.0.find(values).map_or(0, |c| c.load(Ordering::Relaxed))
    }

    pub fn write(&self, out: &mut String) {
        header(out, self.0.name, self.0.help, "counter");
        for (values, c) in self.0.snapshot() {
            sample(
                out,
                self.0.name,
                "",
                self.0.labels,
                &values,
                None,
                c.load(Ordering::Relaxed) as f64,
            );
        }
    }
}

/// Upper bounds of request latency buckets, in seconds.
pub const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Observations counted into fixed buckets, with their sum.
pub struct Histogram {
    family: Family<Buckets>,
    bounds: &'static [f64],
}

struct Buckets {
    /// Observations at or below each bound (not cumulative; summed when written).
    counts: Vec<AtomicU64>,
    count: AtomicU64,
    /// The sum of observations, as `f64` bits.
    sum: AtomicU64,
}

impl Histogram {
    pub fn new(
        name: &'static str,
        help: &'static str,
        labels: &'static [&'static str],
        bounds: &'static [f64],
    ) -> Self {
        Self {
            family: Family::new(name, help, labels),
            bounds,
        }
    }

    pub fn observe(&self, values: &[&str], v: f64) {
        let b = self.family.get(values, || Buckets {
            counts: self.bounds.iter().map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            sum: AtomicU64::new(0f64.to_bits()),
        });
        if let Some(i) = self.bounds.iter().position(|bound| v <= *bound)
            && let Some(c) = b.counts.get(i)
        {
            c.fetch_add(1, Ordering::Relaxed);
        }
        b.count.fetch_add(1, Ordering::Relaxed);
        let _ = b
            .sum
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                Some((f64::from_bits(bits) + v).to_bits())
            });
    }

    pub fn write(&self, out: &mut String) {
        let name = self.family.name;
        header(out, name, self.family.help, "histogram");
        for (values, b) in self.family.snapshot() {
            let mut cumulative = 0;
            for (bound, c) in self.bounds.iter().zip(&b.counts) {
                cumulative += c.load(Ordering::Relaxed);
                let le = number(*bound);
                let labels = self.family.labels;
                sample(
                    out,
                    name,
                    "_bucket",
                    labels,
                    &values,
                    Some(&le),
                    cumulative as f64,
                );
            }
            let count = b.count.load(Ordering::Relaxed) as f64;
            let labels = self.family.labels;
            sample(out, name, "_bucket", labels, &values, Some("+Inf"), count);
            let sum = f64::from_bits(b.sum.load(Ordering::Relaxed));
            sample(out, name, "_sum", labels, &values, None, sum);
            sample(out, name, "_count", labels, &values, None, count);
        }
    }
}

/// A gauge read when the metrics are scraped: one value per label set.
pub fn write_gauge(
    out: &mut String,
    name: &str,
    help: &str,
    labels: &[&str],
    rows: &[(Vec<String>, f64)],
) {
    header(out, name, help, "gauge");
    for (values, v) in rows {
        sample(out, name, "", labels, values, None, *v);
    }
}

fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    let help = help.replace('\\', "\\\\").replace('\n', "\\n");
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn sample(
    out: &mut String,
    name: &str,
    suffix: &str,
    labels: &[&str],
    values: &[String],
    le: Option<&str>,
    v: f64,
) {
    out.push_str(name);
    out.push_str(suffix);
    let pairs: Vec<(&str, &str)> = labels
        .iter()
        .copied()
        .zip(values.iter().map(String::as_str))
        .chain(le.map(|le| ("le", le)))
        .collect();
    if !pairs.is_empty() {
        out.push('{');
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(k);
            out.push_str("=\"");
            escape_label(out, v);
            out.push('"');
        }
        out.push('}');
    }
    out.push(' ');
    out.push_str(&number(v));
    out.push('\n');
}

/// A label value as the text format wants it: backslash, double quote and line feed escaped.
fn escape_label(out: &mut String, v: &str) {
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// A sample value: integers without a fraction, `+Inf`/`-Inf`/`NaN` spelled as Prometheus
/// spells them.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_write_one_line_per_label_set_with_escaped_values() {
        let c = Counter::new("t_total", "Things.\nMany.", &["route", "status"]);
        c.inc(&["/a", "200"]);
        c.add(&["/a", "200"], 2);
        c.inc(&["say \"hi\"\\\n", "500"]);
        assert_eq!(c.get(&["/a", "200"]), 3);
        assert_eq!(c.get(&["/b", "200"]), 0);
        let mut out = String::new();
        c.write(&mut out);
        assert_eq!(
            out,
            "# HELP t_total Things.\\nMany.\n# TYPE t_total counter\n\
             t_total{route=\"/a\",status=\"200\"} 3\n\
             t_total{route=\"say \\\"hi\\\"\\\\\\n\",status=\"500\"} 1\n"
        );
    }

    #[test]
    fn histograms_are_cumulative_with_sum_and_count() {
        let h = Histogram::new("d_seconds", "Time.", &["route"], &[0.1, 1.0]);
        h.observe(&["/x"], 0.05);
        h.observe(&["/x"], 0.5);
        h.observe(&["/x"], 3.0);
        let mut out = String::new();
        h.write(&mut out);
        assert!(
            out.contains("d_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n"),
            "{out}"
        );
        assert!(
            out.contains("d_seconds_bucket{route=\"/x\",le=\"1\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("d_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"),
            "{out}"
        );
        assert!(out.contains("d_seconds_sum{route=\"/x\"} 3.55\n"), "{out}");
        assert!(out.contains("d_seconds_count{route=\"/x\"} 3\n"), "{out}");
    }

    #[test]
    fn gauges_without_labels_have_no_braces() {
        let mut out = String::new();
        write_gauge(&mut out, "g", "A gauge.", &[], &[(vec![], 7.0)]);
        assert_eq!(out, "# HELP g A gauge.\n# TYPE g gauge\ng 7\n");
    }
}
