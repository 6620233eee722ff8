use serde::Serialize;

use super::{FieldView, Layout, OptionView};

/// The badge designer: the design's form, its preview, and the organization's saved designs.
#[derive(Debug, Clone, Serialize)]
pub struct DesignerView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    /// Where the form posts (preview without script, save, logo upload).
    pub action: String,
    /// Where the script posts the form for a live preview.
    pub preview_url: String,
    /// The design being edited, if it was saved before.
    pub design_id: Option<String>,
    pub shape: String,
    pub shapes: Vec<OptionView>,
    /// Title, subtitle, icon, colours, border, logo, in form order.
    pub text_fields: Vec<FieldView>,
    pub colour_fields: Vec<FieldView>,
    pub border_fields: Vec<FieldView>,
    pub emblem_fields: Vec<FieldView>,
    /// The preview: a `data:` URL after a preview, the stored image of a saved design.
    pub preview_src: Option<String>,
    pub preview_alt: String,
    pub saved: Option<SavedDesignView>,
    pub designs: Vec<DesignRow>,
    pub notice: Option<String>,
    /// A refusal of the form as a whole (or of an input it does not show).
    pub error: Option<String>,
    /// A refusal of the logo upload, shown at its input.
    pub refused: Option<super::FieldError>,
    pub script_src: Option<String>,
    /// The most bytes a logo upload may have, for the hint and the script's check.
    pub max_upload_bytes: usize,
}

/// What a save produced, with where to go next.
#[derive(Debug, Clone, Serialize)]
pub struct SavedDesignView {
    pub image_id: String,
    pub svg_url: String,
    pub png_url: String,
    /// The achievement form with this image chosen.
    pub new_achievement_url: String,
}

/// One saved design in the list.
#[derive(Debug, Clone, Serialize)]
pub struct DesignRow {
    pub name: String,
    pub image_url: String,
    pub edit_url: String,
    pub updated_on: String,
    pub current: bool,
}
