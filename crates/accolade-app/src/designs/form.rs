//! The designer's form as posted, checked into a design field by field.

use crate::checks::sentence;
use crate::{AppError, AppResult};
use accolade_core::ImageId;
use accolade_media::{
    BadgeDesign, Border, BorderStyle, Colour, Icon, MAX_BORDER_WIDTH, MAX_SUBTITLE_CHARS,
    MAX_TITLE_CHARS, MediaError, Shape,
};
use serde::{Deserialize, Serialize};

/// The designer's form, every value as posted. `icon` and `logo` are empty for none; `logo`
/// is the id of one of the organization's logo images.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignForm {
    pub shape: String,
    pub background: String,
    pub foreground: String,
    pub accent: String,
    pub border_style: String,
    pub border_width: String,
    pub border_colour: String,
    pub title: String,
    #[serde(default)]
    pub subtitle: String,
    #[serde(default)]
    pub icon: String,
    #[serde(default)]
    pub logo: String,
}

impl Default for DesignForm {
    /// The designer's starting point.
    fn default() -> Self {
        DesignForm::from_design(&BadgeDesign::default(), None)
    }
}

impl DesignForm {
    pub(crate) fn from_design(d: &BadgeDesign, logo: Option<ImageId>) -> Self {
        DesignForm {
            shape: d.shape.as_str().into(),
            background: d.background.to_string(),
            foreground: d.foreground.to_string(),
            accent: d.accent.to_string(),
            border_style: d.border.style.as_str().into(),
            border_width: format_width(d.border.width),
            border_colour: d.border.colour.to_string(),
            title: d.title.clone(),
            subtitle: d.subtitle.clone(),
            icon: d.icon.map(|i| i.as_str().to_owned()).unwrap_or_default(),
            logo: logo.map(|l| l.to_string()).unwrap_or_default(),
        }
    }

    /// The form as a design without its logo, every value checked. Errors name the field.
    pub fn parse(&self) -> AppResult<(BadgeDesign, Option<ImageId>)> {
        let field = |name: &'static str| move |e: MediaError| invalid(Some(name), e);
        let colour = |name: &'static str, v: &str| Colour::parse(v.trim()).map_err(field(name));
        let width: f32 = self
            .border_width
            .trim()
            .parse()
            .ok()
            .filter(|w: &f32| w.is_finite() && (0.0..=MAX_BORDER_WIDTH).contains(w))
            .ok_or_else(|| {
                AppError::invalid_field(
                    "border_width",
                    format!("Enter a border width from 0 to {MAX_BORDER_WIDTH}, like 4."),
                )
            })?;
        let title = self.title.trim().to_owned();
        let subtitle = self.subtitle.trim().to_owned();
        if title.is_empty() {
            return Err(AppError::invalid_field(
                "title",
                "Enter a title for the badge.",
            ));
        }
        check_len("title", "the title", &title, MAX_TITLE_CHARS)?;
        check_len("subtitle", "the subtitle", &subtitle, MAX_SUBTITLE_CHARS)?;
        let icon = match self.icon.trim() {
            "" => None,
            name => Some(Icon::parse(name).map_err(field("icon"))?),
        };
        let logo = match self.logo.trim() {
            "" => None,
            id => Some(
                id.parse::<ImageId>()
                    .map_err(|_| AppError::NotFound("logo"))?,
            ),
        };
        let design = BadgeDesign {
            shape: Shape::parse(self.shape.trim()).map_err(field("shape"))?,
            background: colour("background", &self.background)?,
            foreground: colour("foreground", &self.foreground)?,
            accent: colour("accent", &self.accent)?,
            border: Border {
                style: BorderStyle::parse(self.border_style.trim())
                    .map_err(field("border_style"))?,
                width,
                colour: colour("border_colour", &self.border_colour)?,
            },
            title,
            subtitle,
            icon,
            logo: None,
        };
        design.validate().map_err(|e| invalid(None, e))?;
        Ok((design, logo))
    }
}

fn format_width(w: f32) -> String {
    let s = format!("{w:.1}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}

/// The media library's refusal as a sentence, about `field` (the form's name for it) or
/// about the design as a whole.
pub(crate) fn invalid(field: Option<&'static str>, e: MediaError) -> AppError {
    let text = e.to_string();
    let text = sentence(
        text.strip_prefix("the badge design is invalid: ")
            .unwrap_or(&text),
    );
    match field {
        Some(field) => AppError::invalid_field(field, text),
        None => AppError::invalid(text),
    }
}

fn check_len(field: &'static str, label: &str, text: &str, max: usize) -> AppResult<()> {
    let n = text.chars().count();
    if n > max {
        return Err(AppError::invalid_field(
            field,
            format!(
                "Shorten {label} to at most {max} characters to fit on the badge (it has {n})."
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_round_trips_and_names_the_bad_field() {
        let form = DesignForm::default();
        let (design, logo) = form.parse().unwrap();
        assert_eq!(design, BadgeDesign::default());
        assert_eq!(logo, None);
        assert_eq!(DesignForm::from_design(&design, None), form);
        for (change, message) in [
            (
                DesignForm {
                    background: "red".into(),
                    ..form.clone()
                },
                "background: The colour \"red\" is not of the form #rrggbb.",
            ),
            (
                DesignForm {
                    shape: "blob".into(),
                    ..form.clone()
                },
                "shape: There is no shape called \"blob\".",
            ),
            (
                DesignForm {
                    icon: "skull".into(),
                    ..form.clone()
                },
                "icon: There is no icon called \"skull\".",
            ),
            (
                DesignForm {
                    border_width: "NaN".into(),
                    ..form.clone()
                },
                "border_width: Enter a border width from 0 to 16, like 4.",
            ),
            (
                DesignForm {
                    title: " ".into(),
                    ..form.clone()
                },
                "title: Enter a title for the badge.",
            ),
            (
                DesignForm {
                    subtitle: "x".repeat(61),
                    ..form.clone()
                },
                "subtitle: Shorten the subtitle to at most 60 characters to fit on the badge (it has 61).",
            ),
        ] {
            assert_eq!(change.parse().unwrap_err().to_string(), message);
        }
    }
}
