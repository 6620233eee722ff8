//! The insight dashboard's page: the range and badge form, the headline numbers, and each
//! chart as an inline SVG with its legend, a table of the same numbers and a CSV link.

use accolade_app::insights::{InsightCounts, InsightTable, Insights};
use serde::Serialize;
use time::Date;
use time::macros::format_description;

use super::OptionView;
use crate::charts::{Bar, LineSeries, bar_chart, line_chart, thousands};

/// Badges shown in the "top badges" chart (the CSV has them all).
const TOP_BADGES: usize = 10;

/// One headline number.
#[derive(Debug, Clone, Serialize)]
pub struct KpiView {
    pub label: String,
    pub value: String,
    pub hint: Option<String>,
}

/// One entry of a chart's legend; `class` gives its colour.
#[derive(Debug, Clone, Serialize)]
pub struct LegendView {
    pub label: String,
    pub class: &'static str,
}

/// A chart: the SVG (already escaped), its legend, the same numbers as a table, and the
/// link to them as CSV.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    pub id: String,
    pub title: String,
    pub svg: String,
    pub legend: Vec<LegendView>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub csv_url: String,
    /// Whether the chart spans the page's width.
    pub wide: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct InsightsView {
    pub layout: super::Layout,
    pub slug: String,
    pub org_name: String,
    /// What the numbers cover, e.g. "First Aid, 8 November 2026 to 7 December 2026".
    pub scope: String,
    /// The form as submitted.
    pub range: String,
    pub from: String,
    pub to: String,
    pub badge: String,
    pub ranges: Vec<OptionView>,
    pub badges: Vec<OptionView>,
    pub kpis: Vec<KpiView>,
    pub charts: Vec<ChartView>,
    pub summary_csv_url: String,
    pub error: Option<String>,
}

/// The parts of the page's form, echoed into every CSV link.
#[derive(Debug, Clone, Default)]
pub struct InsightsQuery {
    pub range: String,
    pub from: String,
    pub to: String,
    pub badge: String,
}

impl InsightsQuery {
    /// The query string (without `?`), empty fields left out.
    pub fn to_query(&self) -> String {
        let mut out = form_urlencoded_pairs(&[
            ("range", &self.range),
            ("from", &self.from),
            ("to", &self.to),
            ("badge", &self.badge),
        ]);
        if out.ends_with('&') {
            out.pop();
        }
        out
    }
}

/// What a query value keeps unescaped: letters, digits and `-_.`.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.');

fn form_urlencoded_pairs(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        out.push_str(k);
        out.push('=');
        out.push_str(&percent_encoding::utf8_percent_encode(v, QUERY_VALUE).to_string());
        out.push('&');
    }
    out
}

fn long_date(d: Date) -> String {
    d.format(format_description!(
        "[day padding:none] [month repr:long] [year]"
    ))
    .unwrap_or_else(|_| d.to_string())
}

fn short_date(d: Date) -> String {
    d.format(format_description!("[day padding:none] [month repr:short]"))
        .unwrap_or_else(|_| d.to_string())
}

fn percent(rate: f64) -> String {
    let p = rate * 100.0;
    if p >= 10.0 || p == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// "LinkedIn adds" and the like for the share channels the product knows; others as named.
fn channel_label(channel: &str) -> String {
    super::share::CHANNELS
        .iter()
        .find(|(c, _)| *c == channel)
        .map_or_else(
            || {
                if channel.is_empty() {
                    "Other".to_owned()
                } else {
                    channel.to_owned()
                }
            },
            |(_, label)| (*label).to_owned(),
        )
}

/// "Views: 1,234 in total, most on 3 December 2026 (80)." for a series over the days.
fn describe_series(
    label: &str,
    days: &[(Date, InsightCounts)],
    get: fn(&InsightCounts) -> i64,
) -> String {
    let total: i64 = days.iter().map(|(_, c)| get(c)).sum();
    let peak = days
        .iter()
        .map(|(d, c)| (get(c), *d))
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)));
    match peak {
        Some((n, d)) if n > 0 => format!(
            "{label}: {} in total, most on {} ({}).",
            thousands(total),
            long_date(d),
            thousands(n)
        ),
        _ => format!("{label}: none."),
    }
}

type Metric = (&'static str, &'static str, fn(&InsightCounts) -> i64);

fn day_chart(
    id: &str,
    title: &str,
    period: &str,
    metrics: &[Metric],
    i: &Insights,
    csv_url: &str,
) -> ChartView {
    let labels: Vec<String> = i.daily.iter().map(|(d, _)| short_date(*d)).collect();
    let series: Vec<LineSeries> = metrics
        .iter()
        .map(|(label, class, get)| LineSeries {
            label: (*label).to_owned(),
            values: i.daily.iter().map(|(_, c)| get(c)).collect(),
            class,
        })
        .collect();
    let desc = std::iter::once(format!("{title} per day, {period}."))
        .chain(
            metrics
                .iter()
                .map(|(label, _, get)| describe_series(label, &i.daily, *get)),
        )
        .collect::<Vec<_>>()
        .join(" ");
    ChartView {
        id: id.to_owned(),
        title: title.to_owned(),
        svg: line_chart(id, title, &desc, &labels, &series),
        legend: metrics
            .iter()
            .map(|(label, class, _)| LegendView {
                label: (*label).to_owned(),
                class,
            })
            .collect(),
        headers: std::iter::once("Date".to_owned())
            .chain(metrics.iter().map(|(l, _, _)| (*l).to_owned()))
            .collect(),
        rows: i
            .daily
            .iter()
            .rev()
            .map(|(d, c)| {
                std::iter::once(long_date(*d))
                    .chain(metrics.iter().map(|(_, _, get)| thousands(get(c))))
                    .collect()
            })
            .collect(),
        csv_url: csv_url.to_owned(),
        wide: true,
    }
}

fn bar_view(
    id: &str,
    title: &str,
    headers: [&str; 2],
    bars: Vec<Bar>,
    csv_url: &str,
    empty: &str,
) -> ChartView {
    let desc = if bars.is_empty() {
        empty.to_owned()
    } else {
        bars.iter()
            .map(|b| match &b.note {
                Some(n) => format!("{}: {} ({n})", b.label, thousands(b.value)),
                None => format!("{}: {}", b.label, thousands(b.value)),
            })
            .collect::<Vec<_>>()
            .join("; ")
            + "."
    };
    ChartView {
        id: id.to_owned(),
        title: title.to_owned(),
        svg: bar_chart(id, title, &desc, &bars),
        legend: Vec::new(),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows: bars
            .iter()
            .map(|b| {
                vec![
                    b.label.clone(),
                    match &b.note {
                        Some(n) => format!("{} ({n})", thousands(b.value)),
                        None => thousands(b.value),
                    },
                ]
            })
            .collect(),
        csv_url: csv_url.to_owned(),
        wide: false,
    }
}

/// The headline numbers, charts and tables of `i`, with CSV links under `csv_base`
/// (`…/insights`) carrying `query`.
pub fn insight_sections(
    i: &Insights,
    badge_name: Option<&str>,
    csv_base: &str,
    query: &InsightsQuery,
) -> (String, Vec<KpiView>, Vec<ChartView>, String) {
    let q = query.to_query();
    let csv = |t: InsightTable| {
        if q.is_empty() {
            format!("{csv_base}/{}.csv", t.as_str())
        } else {
            format!("{csv_base}/{}.csv?{q}", t.as_str())
        }
    };
    let period = if i.range.from == i.range.to {
        long_date(i.range.from)
    } else {
        format!("{} to {}", long_date(i.range.from), long_date(i.range.to))
    };
    let scope = match badge_name {
        Some(name) => format!("{name}, {period}"),
        None => format!("All badges, {period}"),
    };
    let t = &i.totals;
    let kpi = |label: &str, value: i64, hint: Option<String>| KpiView {
        label: label.to_owned(),
        value: thousands(value),
        hint,
    };
    let of_issued = |n: i64| {
        (t.issued > 0).then(|| format!("{} of issued", percent(n as f64 / t.issued as f64)))
    };
    let kpis = vec![
        kpi("Issued", t.issued, None),
        kpi("Claimed", t.claimed, of_issued(t.claimed)),
        kpi(
            "Accepted",
            t.accepted,
            Some("Made public by the earner".into()),
        ),
        kpi("Shares", t.shares, None),
        kpi("Views", t.views, None),
        kpi("Verifications", t.verifications, None),
        kpi("LinkedIn adds", t.linkedin_adds, None),
        kpi("Downloads", t.downloads, None),
        kpi("Embed impressions", t.embeds, None),
        kpi(
            "Expiring soon",
            i.expiring_soon,
            Some("In the next 30 days".into()),
        ),
        kpi("Expired", i.expired, Some("In this period".into())),
    ];

    let mut charts = vec![
        day_chart(
            "chart-awards",
            "Badges issued and claimed",
            &period,
            &[
                ("Issued", "issued", |c| c.issued),
                ("Claimed", "claimed", |c| c.claimed),
            ],
            i,
            &csv(InsightTable::Daily),
        ),
        day_chart(
            "chart-engagement",
            "Views, shares and verifications",
            &period,
            &[
                ("Views", "views", |c| c.views),
                ("Shares", "shares", |c| c.shares),
                ("Verifications", "verifications", |c| c.verifications),
            ],
            i,
            &csv(InsightTable::Daily),
        ),
    ];
    let funnel: Vec<Bar> = i
        .funnel
        .iter()
        .enumerate()
        .map(|(n, s)| Bar {
            label: s.label.to_owned(),
            value: s.count,
            note: match (n, s.rate) {
                (0, _) | (_, None) => None,
                (n, Some(r)) => Some(format!(
                    "{} of {}",
                    percent(r),
                    i.funnel[n - 1].label.to_lowercase()
                )),
            },
        })
        .collect();
    let funnel_view = bar_view(
        "chart-funnel",
        "From issued to viewed",
        ["Step", "Badges"],
        funnel,
        &csv(InsightTable::Funnel),
        "Nothing in this period.",
    );
    charts.push(funnel_view);
    charts.push(bar_view(
        "chart-channels",
        "Shares by channel",
        ["Channel", "Shares"],
        i.channels
            .iter()
            .map(|(c, n)| Bar {
                label: channel_label(c),
                value: *n,
                note: None,
            })
            .collect(),
        &csv(InsightTable::Channels),
        "No shares in this period.",
    ));
    if i.badge.is_none() {
        charts.push(bar_view(
            "chart-badges",
            "Top badges by badges issued",
            ["Badge", "Issued"],
            i.badges
                .iter()
                .take(TOP_BADGES)
                .map(|b| Bar {
                    label: b.name.clone(),
                    value: b.counts.issued,
                    note: (b.counts.views > 0)
                        .then(|| format!("{} views", thousands(b.counts.views))),
                })
                .collect(),
            &csv(InsightTable::Badges),
            "No badge had any activity in this period.",
        ));
    }
    (scope, kpis, charts, csv(InsightTable::Summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use accolade_app::insights::{DateRange, funnel};
    use time::macros::date;

    #[test]
    fn every_chart_has_a_text_alternative_a_table_and_a_csv() {
        let totals = InsightCounts {
            issued: 8,
            claimed: 6,
            shared_awards: 3,
            viewed_awards: 2,
            views: 40,
            shares: 5,
            ..Default::default()
        };
        let i = Insights {
            range: DateRange::custom(date!(2026 - 12 - 06), date!(2026 - 12 - 07)).unwrap(),
            badge: None,
            totals,
            daily: vec![
                (date!(2026 - 12 - 06), InsightCounts::default()),
                (date!(2026 - 12 - 07), totals),
            ],
            channels: vec![("linkedin".into(), 5)],
            funnel: funnel(&totals),
            badges: vec![],
            expiring_soon: 1,
            expired: 0,
            all_badges: vec![],
        };
        let q = InsightsQuery {
            range: "custom".into(),
            from: "2026-12-06".into(),
            to: "2026-12-07".into(),
            badge: String::new(),
        };
        let (scope, kpis, charts, summary) =
            insight_sections(&i, None, "/dashboard/orgs/acme/insights", &q);
        assert_eq!(scope, "All badges, 6 December 2026 to 7 December 2026");
        assert_eq!(kpis[1].hint.as_deref(), Some("75% of issued"));
        assert_eq!(
            summary,
            "/dashboard/orgs/acme/insights/summary.csv?range=custom&from=2026-12-06&to=2026-12-07"
        );
        assert_eq!(charts.len(), 5);
        for c in &charts {
            assert!(c.svg.contains("role=\"img\""), "{}", c.id);
            assert!(c.svg.contains(&format!("<title id=\"{}-title\">", c.id)));
            assert!(c.svg.contains(&format!("<desc id=\"{}-desc\">", c.id)));
            assert!(!c.headers.is_empty() && !c.csv_url.is_empty());
        }
        let engagement = &charts[1];
        assert!(
            engagement
                .svg
                .contains("Views: 40 in total, most on 7 December 2026 (40).")
        );
        assert_eq!(engagement.rows[0], ["7 December 2026", "40", "5", "0"]);
        let funnel = &charts[2];
        assert_eq!(funnel.rows[1], ["Claimed", "6 (75% of issued)"]);
        assert_eq!(funnel.rows[3], ["Viewed", "2 (67% of shared)"]);
        assert_eq!(charts[3].rows, [["Post on LinkedIn", "5"]]);
        assert!(charts[4].svg.contains("Nothing in this period"));
    }
}
