//! The badge designer: a design's parameters as a form posts them, checked and drawn by
//! `accolade-media`; previews; saving (the parameters, to edit again, and the badge as an
//! image of the organization); logos uploaded for designs.
//!
//! A save stores only the SVG. The PNG rendition is made on request from it
//! ([`App::image_png`]): images never change, so the rendition is a pure function of stored
//! bytes, served with an ETag and an immutable cache lifetime, and there is no second copy
//! to keep in step.

use crate::{App, AppError, AppResult};
use accolade_core::{Actor, Design, DesignId, DesignLogo, ImageId, ImageRecord, OrgId};
use accolade_media::{
    BadgeDesign, BorderStyle, CheckedImage, Icon, Logo, MAX_BORDER_WIDTH, MAX_SUBTITLE_CHARS,
    MAX_TITLE_CHARS, Shape, design_image,
};
use form::invalid;
use serde::{Deserialize, Serialize};

mod form;

pub use form::DesignForm;

/// What the designer offers, as `(name a form posts, label)` pairs.
#[derive(Debug, Clone)]
pub struct DesignChoices {
    pub shapes: Vec<(&'static str, &'static str)>,
    pub icons: Vec<(&'static str, &'static str)>,
    pub borders: Vec<(&'static str, &'static str)>,
    pub max_title_chars: usize,
    pub max_subtitle_chars: usize,
    pub max_border_width: f32,
}

/// The shapes, icons and border styles the designer offers.
pub fn choices() -> DesignChoices {
    DesignChoices {
        shapes: Shape::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        icons: Icon::ALL.iter().map(|i| (i.as_str(), i.label())).collect(),
        borders: BorderStyle::ALL
            .iter()
            .map(|b| (b.as_str(), b.label()))
            .collect(),
        max_title_chars: MAX_TITLE_CHARS,
        max_subtitle_chars: MAX_SUBTITLE_CHARS,
        max_border_width: MAX_BORDER_WIDTH,
    }
}

/// Longest logo file name kept.
const MAX_LOGO_NAME: usize = 120;

/// What a save keeps as the design's parameters.
#[derive(Debug, Serialize, Deserialize)]
struct StoredParams {
    design: BadgeDesign,
    logo_image: Option<String>,
}

/// Draws a design on a blocking thread: sanitizing and the render check take CPU time.
async fn draw(design: BadgeDesign) -> AppResult<CheckedImage> {
    tokio::task::spawn_blocking(move || design_image(&design))
        .await
        .map_err(|e| AppError::internal("drawing a design failed", e))?
        .map_err(|e| invalid(None, e))
}

impl App {
    /// The form checked, with its logo (one of the organization's designer logos, or its
    /// profile logo) loaded; another organization's image is "not found".
    async fn design_from_form(
        &self,
        org_id: OrgId,
        form: &DesignForm,
    ) -> AppResult<(BadgeDesign, Option<ImageId>)> {
        let (mut design, logo) = form.parse()?;
        if let Some(id) = logo {
            let image = self.org_image(org_id, id).await?;
            let allowed = self.org(org_id).await?.image_id == Some(id)
                || self
                    .store
                    .design_logos(org_id)
                    .await?
                    .iter()
                    .any(|l| l.image_id == id);
            if !allowed {
                return Err(AppError::NotFound("logo"));
            }
            design.logo =
                Some(Logo::from_bytes(&image.bytes).map_err(|e| invalid(Some("logo"), e))?);
        }
        Ok((design, logo))
    }

    /// The badge the form describes, as the SVG a save would store.
    pub async fn preview_design(&self, org_id: OrgId, form: &DesignForm) -> AppResult<Vec<u8>> {
        let (design, _) = self.design_from_form(org_id, form).await?;
        Ok(draw(design).await?.bytes)
    }

    /// Saves a new design (`id` is `None`) or a new version of one of the organization's
    /// designs: the parameters and a new image. Records `design.save`.
    pub async fn save_design(
        &self,
        actor: &Actor,
        org_id: OrgId,
        id: Option<DesignId>,
        form: &DesignForm,
    ) -> AppResult<Design> {
        let existing = match id {
            Some(id) => Some(self.org_design(org_id, id).await?),
            None => None,
        };
        let (design, logo) = self.design_from_form(org_id, form).await?;
        let name = design.label();
        let params = serde_json::to_string(&StoredParams {
            design: BadgeDesign {
                logo: None,
                ..design.clone()
            },
            logo_image: logo.map(|l| l.to_string()),
        })
        .map_err(|e| AppError::internal("design parameters", e))?;
        let image = draw(design).await?;
        let now = self.now();
        let record = ImageRecord {
            id: ImageId::new(),
            org_id: Some(org_id),
            content_type: image.content_type.to_owned(),
            bytes: image.bytes,
            created_at: now,
        };
        self.store.insert_image(&record).await?;
        let saved = match existing {
            Some(before) => {
                let after = Design {
                    name,
                    params,
                    image_id: record.id,
                    updated_at: now,
                    ..before
                };
                if !self.store.update_design(&after).await? {
                    return Err(AppError::NotFound("design"));
                }
                after
            }
            None => {
                let new = Design {
                    id: DesignId::new(),
                    org_id,
                    name,
                    params,
                    image_id: record.id,
                    created_at: now,
                    updated_at: now,
                };
                self.store.insert_design(&new).await?;
                new
            }
        };
        self.audit(
            org_id,
            actor,
            "design.save",
            &saved.id.to_string(),
            &format!("{} (image {})", saved.name, saved.image_id),
        )
        .await?;
        Ok(saved)
    }

    /// The organization's designs, most recently saved first.
    pub async fn designs(&self, org_id: OrgId) -> AppResult<Vec<Design>> {
        Ok(self.store.designs(org_id).await?)
    }

    /// One of the organization's designs; another organization's is "not found".
    pub async fn org_design(&self, org_id: OrgId, id: DesignId) -> AppResult<Design> {
        match self.store.design(id).await? {
            Some(d) if d.org_id == org_id => Ok(d),
            _ => Err(AppError::NotFound("design")),
        }
    }

    /// A saved design as the designer's form, to edit it again.
    pub fn design_form(&self, design: &Design) -> AppResult<DesignForm> {
        let stored: StoredParams = serde_json::from_str(&design.params)
            .map_err(|e| AppError::internal(format!("design {}", design.id), e))?;
        let logo = stored
            .logo_image
            .map(|l| l.parse::<ImageId>())
            .transpose()
            .map_err(|e| AppError::internal(format!("design {}", design.id), e))?;
        Ok(DesignForm::from_design(&stored.design, logo))
    }

    /// One of the organization's images; another organization's is "not found".
    pub async fn org_image(&self, org_id: OrgId, id: ImageId) -> AppResult<ImageRecord> {
        match self.store.image(id).await? {
            Some(i) if i.org_id == Some(org_id) => Ok(i),
            _ => Err(AppError::NotFound("image")),
        }
    }

    /// Checks an uploaded logo (PNG, JPEG made PNG, or inert SVG, sanitized; small enough to
    /// embed in every badge) and keeps it for the organization's designs. An SVG with scripts,
    /// handlers or references to other files is refused. Records `design.logo`.
    pub async fn add_design_logo(
        &self,
        actor: &Actor,
        org_id: OrgId,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> AppResult<DesignLogo> {
        self.org(org_id).await?;
        let image = self.add_checked_image(Some(org_id), bytes, true).await?;
        let name: String = file_name
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_LOGO_NAME)
            .collect();
        let logo = DesignLogo {
            image_id: image.id,
            org_id,
            name: if name.is_empty() { "logo".into() } else { name },
            created_at: self.now(),
        };
        self.store.insert_design_logo(&logo).await?;
        self.audit(
            org_id,
            actor,
            "design.logo",
            &image.id.to_string(),
            &format!("{} ({})", logo.name, image.content_type),
        )
        .await?;
        Ok(logo)
    }

    /// Logos uploaded in the organization's designer, newest first.
    pub async fn design_logos(&self, org_id: OrgId) -> AppResult<Vec<DesignLogo>> {
        Ok(self.store.design_logos(org_id).await?)
    }
}
