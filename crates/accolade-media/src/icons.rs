//! The built-in badge icons, drawn here on a 24×24 grid: stroked outlines (2 units wide,
//! round caps and joins) with a few filled parts, so they read well from 32 to 400 pixels.

use serde::{Deserialize, Serialize};
use std::f32::consts::PI;

/// A built-in icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Icon {
    Star,
    Check,
    Book,
    GraduationCap,
    Shield,
    Heart,
    Lightbulb,
    Code,
    Gear,
    Trophy,
    Leaf,
    Globe,
    Lightning,
    Flag,
    Rocket,
    People,
}

/// One part of an icon: path data on the 24×24 grid, stroked or filled.
#[derive(Debug, Clone, PartialEq)]
pub struct IconPath {
    pub d: String,
    pub filled: bool,
}

impl Icon {
    pub const ALL: [Icon; 16] = [
        Icon::Star,
        Icon::Check,
        Icon::Book,
        Icon::GraduationCap,
        Icon::Shield,
        Icon::Heart,
        Icon::Lightbulb,
        Icon::Code,
        Icon::Gear,
        Icon::Trophy,
        Icon::Leaf,
        Icon::Globe,
        Icon::Lightning,
        Icon::Flag,
        Icon::Rocket,
        Icon::People,
    ];

    /// A short English name, for designer menus and alt text.
    pub fn label(self) -> &'static str {
        match self {
            Icon::Star => "star",
            Icon::Check => "check mark",
            Icon::Book => "book",
            Icon::GraduationCap => "graduation cap",
            Icon::Shield => "shield",
            Icon::Heart => "heart",
            Icon::Lightbulb => "light bulb",
            Icon::Code => "code brackets",
            Icon::Gear => "gear",
            Icon::Trophy => "trophy",
            Icon::Leaf => "leaf",
            Icon::Globe => "globe",
            Icon::Lightning => "lightning bolt",
            Icon::Flag => "flag",
            Icon::Rocket => "rocket",
            Icon::People => "people",
        }
    }

    /// The icon's parts.
    pub fn paths(self) -> Vec<IconPath> {
        let s = |d: &str| IconPath {
            d: d.to_owned(),
            filled: false,
        };
        let f = |d: &str| IconPath {
            d: d.to_owned(),
            filled: true,
        };
        match self {
            Icon::Star => vec![IconPath {
                d: star_path(12.0, 12.6, 10.5, 4.4, 5),
                filled: true,
            }],
            Icon::Check => vec![
                s("M12 2.5a9.5 9.5 0 1 0 0 19a9.5 9.5 0 1 0 0-19z"),
                s("M7.5 12.3l3 3l6-6.6"),
            ],
            Icon::Book => vec![
                s(
                    "M12 6.5C9.5 4.6 6.3 4.2 3 5v14c3.3-.8 6.5-.4 9 1.5c2.5-1.9 5.7-2.3 9-1.5V5c-3.3-.8-6.5-.4-9 1.5z",
                ),
                s("M12 6.5v14"),
            ],
            Icon::GraduationCap => vec![
                f("M12 3.8L1.5 8.8L12 13.8L22.5 8.8z"),
                s("M6 11.2v4.6c1.6 1.6 3.7 2.4 6 2.4s4.4-.8 6-2.4v-4.6"),
                s("M21.5 9.3v6.2"),
            ],
            Icon::Shield => vec![
                s("M12 2.5l8 3v6c0 5-3.4 8.6-8 10c-4.6-1.4-8-5-8-10v-6z"),
                s("M8.6 12l2.4 2.4l4.4-4.8"),
            ],
            Icon::Heart => vec![f(
                "M12 20.5C6.5 17 2.5 13.3 2.5 8.9C2.5 6 4.7 3.8 7.4 3.8c1.9 0 3.6 1 4.6 2.6c1-1.6 2.7-2.6 4.6-2.6c2.7 0 4.9 2.2 4.9 5.1c0 4.4-4 8.1-9.5 11.6z",
            )],
            Icon::Lightbulb => vec![
                s("M9 17.5h6M10 21h4"),
                s("M9 17.5c0-2.4-3.2-3.7-3.2-7.6a6.2 6.2 0 0 1 12.4 0c0 3.9-3.2 5.2-3.2 7.6"),
                s("M12 7.2a2.6 2.6 0 0 0-2.6 2.6"),
            ],
            Icon::Code => vec![
                s("M8 6.5L2.5 12L8 17.5"),
                s("M16 6.5L21.5 12L16 17.5"),
                s("M13.8 4.5L10.2 19.5"),
            ],
            Icon::Gear => vec![
                IconPath {
                    d: gear_path(),
                    filled: false,
                },
                s("M12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6z"),
            ],
            Icon::Trophy => vec![
                s("M7 3.5h10v5.5c0 3.1-2.2 5.6-5 5.6s-5-2.5-5-5.6z"),
                s("M7 5.5H3.8v1.6c0 2.2 1.5 3.9 3.6 4.2M17 5.5h3.2v1.6c0 2.2-1.5 3.9-3.6 4.2"),
                s("M12 14.6v3.4M8 20.5h8"),
                f("M9 18h6l.8 2.5H8.2z"),
            ],
            Icon::Leaf => vec![
                s("M4.5 20c-.6-9.6 4.8-15.2 15.8-15.8c.3 10.8-5.4 16.3-15.8 15.8z"),
                s("M4.5 20c3-4.8 6.4-8.2 10.5-10.6"),
            ],
            Icon::Globe => vec![
                s("M12 2.5a9.5 9.5 0 1 0 0 19a9.5 9.5 0 1 0 0-19z"),
                s("M12 2.5c-3.4 3-3.4 16 0 19c3.4-3 3.4-16 0-19z"),
                s("M3 9h18M3 15h18"),
            ],
            Icon::Lightning => vec![f("M13.5 1.8L4.2 13.6h6.6l-1.6 8.6l9.6-12.2h-6.8z")],
            Icon::Flag => vec![s("M5 21.5V3"), f("M5 3.5h13.5l-3 4.3l3 4.3H5z")],
            Icon::Rocket => vec![
                s("M12 2.5c3.2 2.6 4.6 6.2 4.2 10.6l-1.8 3.4H9.6l-1.8-3.4C7.4 8.7 8.8 5.1 12 2.5z"),
                s("M7.8 13.1L5 16.2l.2 3.1l3.6-2.8M16.2 13.1l2.8 3.1l-.2 3.1l-3.6-2.8"),
                s("M10.6 19.5l1.4 2.2l1.4-2.2"),
                f("M12 7.4a1.9 1.9 0 1 0 0 3.8a1.9 1.9 0 1 0 0-3.8z"),
            ],
            Icon::People => vec![
                s("M9 4.5a3.3 3.3 0 1 0 0 6.6a3.3 3.3 0 1 0 0-6.6z"),
                s("M2.5 20.5c0-3.8 2.9-6.4 6.5-6.4s6.5 2.6 6.5 6.4"),
                s("M16 4.8a3 3 0 0 1 0 6M18 14.4c2.1.7 3.5 2.8 3.5 5.6"),
            ],
        }
    }
}

/// A star with `points` points, centred on (cx, cy).
pub(crate) fn star_path(cx: f32, cy: f32, outer: f32, inner: f32, points: usize) -> String {
    let mut d = String::new();
    for i in 0..points * 2 {
        let r = if i % 2 == 0 { outer } else { inner };
        let a = -PI / 2.0 + i as f32 * PI / points as f32;
        let cmd = if i == 0 { 'M' } else { 'L' };
        d.push_str(&format!(
            "{cmd}{:.2} {:.2}",
            cx + r * a.cos(),
            cy + r * a.sin()
        ));
    }
    d.push('z');
    d
}

/// A gear of eight teeth around (12, 12).
fn gear_path() -> String {
    let (teeth, outer, inner) = (8usize, 10.2f32, 7.6f32);
    let step = 2.0 * PI / teeth as f32;
    let mut d = String::new();
    for i in 0..teeth {
        let a = i as f32 * step - PI / 2.0;
        // Each tooth: root, rise, top, fall; tops a little narrower than the gaps.
        let pts = [
            (inner, a - step * 0.32),
            (outer, a - step * 0.17),
            (outer, a + step * 0.17),
            (inner, a + step * 0.32),
        ];
        for (j, (r, t)) in pts.iter().enumerate() {
            let cmd = if i == 0 && j == 0 { 'M' } else { 'L' };
            d.push_str(&format!(
                "{cmd}{:.2} {:.2}",
                12.0 + r * t.cos(),
                12.0 + r * t.sin()
            ));
        }
    }
    d.push('z');
    d
}
