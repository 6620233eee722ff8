use crate::{DesignId, ImageId, OrgId};
use time::OffsetDateTime;

/// A badge made in the designer. The parameters are kept so the design can be edited again;
/// each save also stores the badge as an image, and images never change, so achievements
/// that use an earlier version keep their picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Design {
    pub id: DesignId,
    pub org_id: OrgId,
    /// What the designs list shows: the badge's title and subtitle.
    pub name: String,
    /// The designer's parameters, as JSON written and read by the application.
    pub params: String,
    /// The SVG made from `params` at the last save.
    pub image_id: ImageId,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// An image uploaded in the designer to be drawn on badges in place of an icon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesignLogo {
    pub image_id: ImageId,
    pub org_id: OrgId,
    /// The uploaded file's name, to tell logos apart in the designer.
    pub name: String,
    pub created_at: OffsetDateTime,
}
