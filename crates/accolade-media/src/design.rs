//! The badge designer's model: what a person picks in the browser designer, saved with the
//! achievement. Deserializing validates colours and re-checks an embedded logo, so a design
//! posted by a browser is as safe to draw as one built in code.

use crate::MediaError;
use crate::icons::Icon;
use crate::shapes::Shape;
use crate::upload::{CheckedImage, check_upload};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// Longest title and subtitle, in characters.
pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_SUBTITLE_CHARS: usize = 60;
/// Largest logo that may be embedded in a design (it is copied into every badge image).
pub const MAX_LOGO_BYTES: usize = 512 * 1024;
/// Widest border, in pixels of the 400-pixel canvas.
pub const MAX_BORDER_WIDTH: f32 = 16.0;

/// A complete badge design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadgeDesign {
    pub shape: Shape,
    /// Fill of the badge.
    pub background: Colour,
    /// Title and icon.
    pub foreground: Colour,
    /// Subtitle, banner and decorations.
    pub accent: Colour,
    #[serde(default)]
    pub border: Border,
    pub title: String,
    #[serde(default)]
    pub subtitle: String,
    #[serde(default)]
    pub icon: Option<Icon>,
    /// Drawn where the icon would be; it takes the icon's place when both are set.
    #[serde(default)]
    pub logo: Option<Logo>,
}

impl Default for BadgeDesign {
    fn default() -> Self {
        BadgeDesign {
            shape: Shape::Circle,
            background: Colour::rgb(0x1f, 0x4e, 0x79),
            foreground: Colour::rgb(0xff, 0xff, 0xff),
            accent: Colour::rgb(0xf2, 0xc1, 0x4e),
            border: Border::default(),
            title: "Badge".into(),
            subtitle: String::new(),
            icon: Some(Icon::Star),
            logo: None,
        }
    }
}

impl BadgeDesign {
    /// Checks what serde cannot: text lengths and the border width.
    pub fn validate(&self) -> Result<(), MediaError> {
        if self.title.trim().is_empty() {
            return Err(MediaError::Design("the title is empty".into()));
        }
        let too_long = |what: &str, s: &str, max: usize| {
            let n = s.chars().count();
            (n > max).then(|| {
                MediaError::Design(format!("the {what} has {n} characters; at most {max} fit"))
            })
        };
        if let Some(e) = too_long("title", &self.title, MAX_TITLE_CHARS)
            .or_else(|| too_long("subtitle", &self.subtitle, MAX_SUBTITLE_CHARS))
        {
            return Err(e);
        }
        let w = self.border.width;
        if !(0.0..=MAX_BORDER_WIDTH).contains(&w) {
            return Err(MediaError::Design(format!(
                "the border width must be between 0 and {MAX_BORDER_WIDTH}"
            )));
        }
        Ok(())
    }

    /// The text for `aria-label` and `<title>`.
    pub fn label(&self) -> String {
        let title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        let subtitle = self
            .subtitle
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if subtitle.is_empty() {
            title
        } else {
            format!("{title}: {subtitle}")
        }
    }
}

/// The border around the badge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Border {
    pub style: BorderStyle,
    /// In pixels of the 400-pixel canvas, 0 to [`MAX_BORDER_WIDTH`].
    pub width: f32,
    pub colour: Colour,
}

impl Default for Border {
    fn default() -> Self {
        Border {
            style: BorderStyle::Double,
            width: 8.0,
            colour: Colour::rgb(0xf2, 0xc1, 0x4e),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BorderStyle {
    None,
    Single,
    #[default]
    Double,
}

/// An sRGB colour, written `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Colour {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Colour {
        Colour { r, g, b }
    }

    /// Parses `#rrggbb` (either case).
    pub fn parse(s: &str) -> Result<Colour, MediaError> {
        let bad = || MediaError::Design(format!("the colour {s:?} is not of the form #rrggbb"));
        let hex = s.strip_prefix('#').ok_or_else(bad)?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        Ok(Colour::rgb(byte(0)?, byte(2)?, byte(4)?))
    }

    /// Relative luminance (WCAG), 0 for black to 1 for white.
    pub fn luminance(self) -> f32 {
        let lin = |c: u8| {
            let c = f32::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.r) + 0.7152 * lin(self.g) + 0.0722 * lin(self.b)
    }

    /// The WCAG contrast ratio between two colours, 1 to 21.
    pub fn contrast(self, other: Colour) -> f32 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// This colour mixed towards black (`amount` < 0) or white (`amount` > 0).
    pub fn shade(self, amount: f32) -> Colour {
        let t = amount.clamp(-1.0, 1.0);
        let mix = |c: u8| {
            let c = f32::from(c);
            let v = if t < 0.0 {
                c * (1.0 + t)
            } else {
                c + (255.0 - c) * t
            };
            v.round().clamp(0.0, 255.0) as u8
        };
        Colour::rgb(mix(self.r), mix(self.g), mix(self.b))
    }
}

impl std::fmt::Display for Colour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

impl TryFrom<String> for Colour {
    type Error = MediaError;
    fn try_from(s: String) -> Result<Colour, MediaError> {
        Colour::parse(&s)
    }
}

impl From<Colour> for String {
    fn from(c: Colour) -> String {
        c.to_string()
    }
}

/// A logo image checked by this crate, kept as the bytes that go into a `data:` URI.
/// Serialized as that data URI; deserializing checks the image again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Logo {
    content_type: String,
    bytes: Vec<u8>,
    width: u32,
    height: u32,
}

impl Logo {
    /// A logo from an image [`check_upload`] accepted.
    pub fn from_checked(image: &CheckedImage) -> Result<Logo, MediaError> {
        if image.bytes.len() > MAX_LOGO_BYTES {
            return Err(MediaError::TooLarge {
                size: image.bytes.len(),
                limit: MAX_LOGO_BYTES,
            });
        }
        Ok(Logo {
            content_type: image.content_type.to_owned(),
            bytes: image.bytes.clone(),
            width: image.width,
            height: image.height,
        })
    }

    /// Checks raw image bytes and makes them a logo.
    pub fn from_bytes(bytes: &[u8]) -> Result<Logo, MediaError> {
        Logo::from_checked(&check_upload(bytes)?)
    }

    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    pub fn data_uri(&self) -> String {
        format!(
            "data:{};base64,{}",
            self.content_type,
            STANDARD.encode(&self.bytes)
        )
    }
}

impl TryFrom<String> for Logo {
    type Error = MediaError;
    fn try_from(s: String) -> Result<Logo, MediaError> {
        let bad = || MediaError::Design("the logo is not a base64 data: URI".into());
        let rest = s.strip_prefix("data:").ok_or_else(bad)?;
        let (_, data) = rest.split_once(";base64,").ok_or_else(bad)?;
        if data.len() > MAX_LOGO_BYTES * 4 / 3 + 4 {
            return Err(MediaError::TooLarge {
                size: data.len() * 3 / 4,
                limit: MAX_LOGO_BYTES,
            });
        }
        let bytes = STANDARD.decode(data.trim()).map_err(|_| bad())?;
        Logo::from_bytes(&bytes)
    }
}

impl From<Logo> for String {
    fn from(l: Logo) -> String {
        l.data_uri()
    }
}
