//! Badge outlines on the 400×400 canvas and where each one leaves room for the icon and text.

use serde::{Deserialize, Serialize};
use std::f32::consts::PI;

/// The outline of a badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    #[default]
    Circle,
    Shield,
    Hexagon,
    Octagon,
    /// A medal with a banner across it carrying the subtitle.
    Ribbon,
    Square,
    /// A scalloped seal.
    Rosette,
}

impl Shape {
    pub const ALL: [Shape; 7] = [
        Shape::Circle,
        Shape::Shield,
        Shape::Hexagon,
        Shape::Octagon,
        Shape::Ribbon,
        Shape::Square,
        Shape::Rosette,
    ];
}

/// Where things go on a shape. Widths are the room text may take at that height.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub outline: String,
    /// The point the inner (double) border is scaled around.
    pub centre: (f32, f32),
    /// Half the shape's smaller extent, to size the inner border.
    pub radius: f32,
    pub icon_y: f32,
    pub icon_size: f32,
    pub title_width: f32,
    pub subtitle_y: f32,
    pub subtitle_width: f32,
    /// A banner behind the subtitle (Ribbon), drawn in the accent colour.
    pub banner: Option<String>,
}

pub(crate) fn layout(shape: Shape) -> Layout {
    let base = Layout {
        outline: String::new(),
        centre: (200.0, 200.0),
        radius: 180.0,
        icon_y: 128.0,
        icon_size: 92.0,
        title_width: 270.0,
        subtitle_y: 300.0,
        subtitle_width: 200.0,
        banner: None,
    };
    match shape {
        Shape::Circle => Layout {
            outline: "M20 200a180 180 0 1 0 360 0a180 180 0 1 0-360 0z".into(),
            ..base
        },
        Shape::Square => Layout {
            outline: "M80 24h240a56 56 0 0 1 56 56v240a56 56 0 0 1-56 56H80a56 56 0 0 1-56-56V80a56 56 0 0 1 56-56z".into(),
            radius: 176.0,
            title_width: 276.0,
            subtitle_width: 250.0,
            ..base
        },
        Shape::Hexagon => Layout {
            outline: polygon(6, 186.0, -PI / 2.0),
            radius: 170.0,
            title_width: 262.0,
            subtitle_width: 190.0,
            ..base
        },
        Shape::Octagon => Layout {
            outline: polygon(8, 186.0, -PI / 2.0 + PI / 8.0),
            radius: 174.0,
            title_width: 282.0,
            subtitle_width: 230.0,
            ..base
        },
        Shape::Shield => Layout {
            outline: "M200 18L354 66V190C354 286 292 350 200 384C108 350 46 286 46 190V66Z".into(),
            centre: (200.0, 196.0),
            radius: 160.0,
            icon_y: 122.0,
            title_width: 232.0,
            subtitle_y: 292.0,
            subtitle_width: 170.0,
            ..base
        },
        Shape::Rosette => Layout {
            outline: rosette(24, 174.0, 12.0),
            radius: 168.0,
            title_width: 250.0,
            subtitle_width: 190.0,
            ..base
        },
        Shape::Ribbon => Layout {
            outline: "M30 186a170 170 0 1 0 340 0a170 170 0 1 0-340 0z".into(),
            centre: (200.0, 186.0),
            radius: 170.0,
            icon_y: 112.0,
            icon_size: 84.0,
            title_width: 260.0,
            subtitle_y: 305.0,
            subtitle_width: 250.0,
            banner: Some("M14 270H386L366 300L386 330H14L34 300Z".into()),
        },
    }
}

/// A regular polygon around (200, 200).
fn polygon(sides: usize, r: f32, start: f32) -> String {
    let mut d = String::new();
    for i in 0..sides {
        let a = start + i as f32 * 2.0 * PI / sides as f32;
        let cmd = if i == 0 { 'M' } else { 'L' };
        d.push_str(&format!(
            "{cmd}{:.1} {:.1}",
            200.0 + r * a.cos(),
            200.0 + r * a.sin()
        ));
    }
    d.push('Z');
    d
}

/// A seal of `n` round scallops whose valleys lie on radius `r` around (200, 200).
fn rosette(n: usize, r: f32, bulge: f32) -> String {
    let step = 2.0 * PI / n as f32;
    let point = |i: usize| {
        let a = -PI / 2.0 + i as f32 * step;
        (200.0 + r * a.cos(), 200.0 + r * a.sin())
    };
    let chord = 2.0 * r * (step / 2.0).sin();
    // Arc radius giving the wanted bulge over the chord.
    let arc = (chord * chord / 4.0 + bulge * bulge) / (2.0 * bulge);
    let (x0, y0) = point(0);
    let mut d = format!("M{x0:.1} {y0:.1}");
    for i in 1..=n {
        let (x, y) = point(i % n);
        d.push_str(&format!("A{arc:.1} {arc:.1} 0 0 1 {x:.1} {y:.1}"));
    }
    d.push('Z');
    d
}
