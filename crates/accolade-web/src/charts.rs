//! Charts drawn on the server as inline SVG: no script, readable with styles off, and
//! accessible — each is an image (`role="img"`) named by its `<title>` and described by its
//! `<desc>`, and the page shows the same numbers as a table beside it. Colours and type come
//! from the stylesheet (classes only: the content security policy allows no inline style).

use crate::escape::escape_html;
use std::fmt::Write;

/// One line of a line chart.
#[derive(Debug, Clone)]
pub struct LineSeries {
    pub label: String,
    pub values: Vec<i64>,
    /// Suffix of its CSS class (`chart-line-{class}`), which sets its colour.
    pub class: &'static str,
}

/// One bar of a bar chart.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    /// Shown after the value, e.g. a rate.
    pub note: Option<String>,
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `40000` as `40k`, `1500000` as `1.5M`: short enough for an axis at any width.
pub fn compact(n: i64) -> String {
    let scaled = |div: i64, unit: &str| {
        if n % div == 0 || n >= 100 * div {
            format!("{}{unit}", (n + div / 2) / div)
        } else {
            format!("{:.1}{unit}", n as f64 / div as f64)
        }
    };
    match n {
        1_000_000_000.. => scaled(1_000_000_000, "G"),
        1_000_000.. => scaled(1_000_000, "M"),
        10_000.. => scaled(1_000, "k"),
        _ => thousands(n),
    }
}

/// The top of a value axis: the smallest of 1, 2, 5 × 10ⁿ (and 4, so quarters stay whole)
/// at or above `max`; at least 4.
pub fn axis_top(max: i64) -> i64 {
    let mut base = 1i64;
    loop {
        for m in [1, 2, 4, 5] {
            let top = (base * m).max(4);
            if top >= max {
                return top;
            }
        }
        match base.checked_mul(10) {
            Some(b) => base = b,
            None => return max,
        }
    }
}

fn open_svg(out: &mut String, id: &str, width: i64, height: i64, title: &str, desc: &str) {
    let id = escape_html(id);
    let _ = write!(
        out,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
         role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" focusable=\"false\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape_html(title),
        escape_html(desc)
    );
}

/// A chart of values over days: one polyline per series over a shared value axis, with the
/// first, middle and last of `x_labels` under it.
pub fn line_chart(
    id: &str,
    title: &str,
    desc: &str,
    x_labels: &[String],
    series: &[LineSeries],
) -> String {
    const W: i64 = 640;
    const H: i64 = 230;
    const LEFT: i64 = 68;
    const RIGHT: i64 = 16;
    const TOP: i64 = 14;
    const BOTTOM: i64 = 30;
    let plot_w = (W - LEFT - RIGHT) as f64;
    let plot_h = (H - TOP - BOTTOM) as f64;
    let n = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    let top = axis_top(max);
    let mut out = String::with_capacity(1024 + n * series.len() * 14);
    open_svg(&mut out, id, W, H, title, desc);
    out.push_str("<g class=\"chart-axis\" aria-hidden=\"true\">");
    for i in 0..=4 {
        let v = top * i / 4;
        let y = TOP as f64 + plot_h - plot_h * (v as f64) / (top as f64);
        let _ = write!(
            out,
            "<line class=\"chart-grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 10,
            y + 4.0,
            compact(v)
        );
    }
    let x_at = |i: usize| -> f64 {
        if n <= 1 {
            LEFT as f64 + plot_w / 2.0
        } else {
            LEFT as f64 + plot_w * (i as f64) / ((n - 1) as f64)
        }
    };
    if !x_labels.is_empty() {
        let last = x_labels.len() - 1;
        let mut picks = vec![(0usize, "start")];
        if last >= 2 {
            picks.push((last / 2, "middle"));
        }
        if last >= 1 {
            picks.push((last, "end"));
        }
        for (i, anchor) in picks {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
                x_at(i),
                H - 8,
                escape_html(&x_labels[i])
            );
        }
    }
    out.push_str("</g>");
    for s in series {
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let y = TOP as f64 + plot_h - plot_h * (*v as f64) / (top as f64);
                format!("{:.1},{:.1}", x_at(i), y)
            })
            .collect();
        if points.len() == 1 {
            let _ = write!(
                out,
                "<circle class=\"chart-dot chart-line-{}\" cx=\"{}\" r=\"4\"><title>{}</title></circle>",
                s.class,
                points[0].replace(',', "\" cy=\""),
                escape_html(&s.label)
            );
        } else {
            let _ = write!(
                out,
                "<polyline class=\"chart-line chart-line-{}\" points=\"{}\"><title>{}</title></polyline>",
                s.class,
                points.join(" "),
                escape_html(&s.label)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars, one per row: the label on the left and the value (and note) on the
/// right above each bar, so long names and small screens both fit; a chart with no bars says
/// there is nothing to show.
pub fn bar_chart(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    const W: i64 = 560;
    const ROW: i64 = 52;
    let height = ROW * (bars.len().max(1) as i64) + 4;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let mut out = String::with_capacity(512 + bars.len() * 260);
    open_svg(&mut out, id, W, height, title, desc);
    if bars.is_empty() {
        let _ = write!(
            out,
            "<text class=\"chart-empty\" x=\"{}\" y=\"30\" text-anchor=\"middle\">Nothing in this period</text>",
            W / 2
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let y = 4 + ROW * i as i64;
        let width = if b.value > 0 {
            (W as f64 * b.value as f64 / max as f64).max(2.0)
        } else {
            0.0
        };
        let label: String = if b.label.chars().count() > 24 {
            b.label.chars().take(23).chain(['…']).collect()
        } else {
            b.label.clone()
        };
        let value = match &b.note {
            Some(note) => format!("{} · {note}", thousands(b.value)),
            None => thousands(b.value),
        };
        let _ = write!(
            out,
            "<g class=\"chart-bar-row\"><title>{}: {}</title>\
             <text class=\"chart-label\" x=\"0\" y=\"{}\">{}</text>\
             <text class=\"chart-value\" x=\"{W}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect class=\"chart-track\" x=\"0\" y=\"{}\" width=\"{W}\" height=\"16\" rx=\"3\"/>\
             <rect class=\"chart-bar\" x=\"0\" y=\"{}\" width=\"{width:.1}\" height=\"16\" rx=\"3\"/></g>",
            escape_html(&b.label),
            escape_html(&value),
            y + 16,
            escape_html(&label),
            y + 16,
            escape_html(&value),
            y + 26,
            y + 26,
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-4321), "-4,321");
        assert_eq!(compact(950), "950");
        assert_eq!(compact(5000), "5,000");
        assert_eq!(compact(40_000), "40k");
        assert_eq!(compact(1_500_000), "1.5M");
        assert_eq!(compact(20_000_000), "20M");
        assert_eq!(compact(12_500), "12.5k");
        assert_eq!(compact(250_000), "250k");
        assert_eq!(axis_top(0), 4);
        assert_eq!(axis_top(3), 4);
        assert_eq!(axis_top(5), 5);
        assert_eq!(axis_top(7), 10);
        assert_eq!(axis_top(33), 40);
        assert_eq!(axis_top(41), 50);
        assert_eq!(axis_top(120), 200);
        assert_eq!(axis_top(i64::MAX), i64::MAX);
    }

    #[test]
    fn a_line_chart_is_a_named_described_image() {
        let svg = line_chart(
            "views",
            "Views <per> day",
            "Total 6 & highest 3",
            &["1 Dec".into(), "2 Dec".into(), "3 Dec".into()],
            &[LineSeries {
                label: "Views".into(),
                values: vec![1, 3, 2],
                class: "views",
            }],
        );
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-labelledby=\"views-title views-desc\""));
        assert!(svg.contains("<title id=\"views-title\">Views &lt;per&gt; day</title>"));
        assert!(svg.contains("<desc id=\"views-desc\">Total 6 &amp; highest 3</desc>"));
        assert!(
            !svg.contains("style="),
            "no inline style: the CSP forbids it"
        );
        let points = svg
            .split("points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(points.split(' ').count(), 3);
        // The highest value (3) sits at 3/4 of the axis, whose top is 4.
        assert!(points.contains(",60.5 "), "{points}");
        for label in ["1 Dec", "2 Dec", "3 Dec"] {
            assert!(svg.contains(&format!(">{label}</text>")));
        }
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn bars_are_proportional_and_labelled() {
        let bars = [
            Bar {
                label: "LinkedIn".into(),
                value: 10,
                note: None,
            },
            Bar {
                label: "A badge with a very long name indeed".into(),
                value: 5,
                note: Some("50%".into()),
            },
            Bar {
                label: "Email".into(),
                value: 0,
                note: None,
            },
        ];
        let svg = bar_chart("ch", "Shares by channel", "LinkedIn 10", &bars);
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"ch-title\">Shares by channel</title>"));
        assert!(
            svg.contains("width=\"560.0\""),
            "the longest bar fills the room"
        );
        assert!(svg.contains("width=\"280.0\""), "half as long");
        assert!(svg.contains("width=\"0.0\""));
        assert!(svg.contains(">5 · 50%</text>"));
        assert!(svg.contains("A badge with a very lon…"));
        assert!(svg.contains("<title>A badge with a very long name indeed: 5 · 50%</title>"));
        let empty = bar_chart("e", "Top badges", "None", &[]);
        assert!(empty.contains("Nothing in this period"));
    }
}
