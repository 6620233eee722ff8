//! What the designer offers, by name: shapes, icons and border styles as the words a form
//! posts (the same kebab-case names the design's JSON uses) and as labels for people; and
//! a design turned into the image that is stored.

use crate::MediaError;
use crate::design::{BadgeDesign, BorderStyle};
use crate::icons::Icon;
use crate::shapes::Shape;
use crate::svg::to_svg;
use crate::upload::{CheckedImage, check_upload};

impl Shape {
    /// The name a form posts, e.g. `ribbon`.
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Circle => "circle",
            Shape::Shield => "shield",
            Shape::Hexagon => "hexagon",
            Shape::Octagon => "octagon",
            Shape::Ribbon => "ribbon",
            Shape::Square => "square",
            Shape::Rosette => "rosette",
        }
    }

    /// A short English name for menus.
    pub fn label(self) -> &'static str {
        match self {
            Shape::Circle => "Circle",
            Shape::Shield => "Shield",
            Shape::Hexagon => "Hexagon",
            Shape::Octagon => "Octagon",
            Shape::Ribbon => "Medal with ribbon",
            Shape::Square => "Rounded square",
            Shape::Rosette => "Rosette",
        }
    }

    pub fn parse(name: &str) -> Result<Shape, MediaError> {
        Shape::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| MediaError::Design(format!("there is no shape called {name:?}")))
    }
}

impl Icon {
    /// The name a form posts, e.g. `graduation-cap`.
    pub fn as_str(self) -> &'static str {
        match self {
            Icon::Star => "star",
            Icon::Check => "check",
            Icon::Book => "book",
            Icon::GraduationCap => "graduation-cap",
            Icon::Shield => "shield",
            Icon::Heart => "heart",
            Icon::Lightbulb => "lightbulb",
            Icon::Code => "code",
            Icon::Gear => "gear",
            Icon::Trophy => "trophy",
            Icon::Leaf => "leaf",
            Icon::Globe => "globe",
            Icon::Lightning => "lightning",
            Icon::Flag => "flag",
            Icon::Rocket => "rocket",
            Icon::People => "people",
        }
    }

    pub fn parse(name: &str) -> Result<Icon, MediaError> {
        Icon::ALL
            .into_iter()
            .find(|i| i.as_str() == name)
            .ok_or_else(|| MediaError::Design(format!("there is no icon called {name:?}")))
    }
}

impl BorderStyle {
    pub const ALL: [BorderStyle; 3] = [BorderStyle::None, BorderStyle::Single, BorderStyle::Double];

    /// The name a form posts: `none`, `single` or `double`.
    pub fn as_str(self) -> &'static str {
        match self {
            BorderStyle::None => "none",
            BorderStyle::Single => "single",
            BorderStyle::Double => "double",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BorderStyle::None => "No border",
            BorderStyle::Single => "Single line",
            BorderStyle::Double => "Double line",
        }
    }

    pub fn parse(name: &str) -> Result<BorderStyle, MediaError> {
        BorderStyle::ALL
            .into_iter()
            .find(|b| b.as_str() == name)
            .ok_or_else(|| MediaError::Design(format!("there is no border style called {name:?}")))
    }
}

/// The design as it is stored and served: validated, drawn with [`to_svg`], then put through
/// the same checks as an uploaded SVG (sanitizing, a render parse), so a preview shows
/// exactly the bytes a save keeps.
pub fn design_image(design: &BadgeDesign) -> Result<CheckedImage, MediaError> {
    design.validate()?;
    let checked = check_upload(to_svg(design).as_bytes())?;
    if checked.content_type != "image/svg+xml" {
        return Err(MediaError::Render("the design did not make an SVG".into()));
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::design::Logo;

    #[test]
    fn names_round_trip_and_match_the_json_names() {
        for shape in Shape::ALL {
            assert_eq!(Shape::parse(shape.as_str()).unwrap(), shape);
            let json = serde_json::to_value(shape).unwrap();
            assert_eq!(json, shape.as_str());
            assert!(!shape.label().is_empty());
        }
        for icon in Icon::ALL {
            assert_eq!(Icon::parse(icon.as_str()).unwrap(), icon);
            assert_eq!(serde_json::to_value(icon).unwrap(), icon.as_str());
        }
        for style in BorderStyle::ALL {
            assert_eq!(BorderStyle::parse(style.as_str()).unwrap(), style);
            assert_eq!(serde_json::to_value(style).unwrap(), style.as_str());
        }
        assert_eq!(
            Shape::parse("pentagram").unwrap_err().to_string(),
            "the badge design is invalid: there is no shape called \"pentagram\""
        );
        assert!(Icon::parse("Star").is_err(), "names are exact");
        assert!(BorderStyle::parse("").is_err());
    }

    #[test]
    fn a_design_image_is_the_sanitized_svg_and_keeps_what_matters() {
        let design = BadgeDesign {
            title: "Data & <Safety>".into(),
            subtitle: "Level 2".into(),
            ..BadgeDesign::default()
        };
        let image = design_image(&design).unwrap();
        assert_eq!(image.content_type, "image/svg+xml");
        assert_eq!((image.width, image.height), (400, 400));
        let text = String::from_utf8(image.bytes.clone()).unwrap();
        assert!(text.contains("Data &amp; &lt;Safety&gt;"), "{text}");
        assert!(
            text.contains("LEVEL 2") || text.contains("Level 2"),
            "{text}"
        );
        assert!(text.contains("aria-label"), "accessible name kept: {text}");
        // Deterministic: the same design makes the same bytes.
        assert_eq!(design_image(&design).unwrap(), image);
        let empty = BadgeDesign {
            title: "  ".into(),
            ..BadgeDesign::default()
        };
        assert!(design_image(&empty).is_err());
    }

    #[test]
    fn a_design_with_a_logo_keeps_the_logo_as_a_data_image() {
        let mut png = Vec::new();
        image::RgbaImage::from_pixel(32, 32, image::Rgba([200, 30, 30, 255]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let design = BadgeDesign {
            logo: Some(Logo::from_bytes(&png).unwrap()),
            ..BadgeDesign::default()
        };
        let text = String::from_utf8(design_image(&design).unwrap().bytes).unwrap();
        assert!(text.contains("data:image/png;base64,"), "{text}");
        let png = crate::render_png(&text, 64).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
    }
}
