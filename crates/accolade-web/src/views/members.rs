use serde::Serialize;

use super::{FieldView, Layout, OptionView};

/// An organization's members and pending invitations.
#[derive(Debug, Clone, Serialize)]
pub struct MembersView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    /// Admins and owners manage members.
    pub can_manage: bool,
    pub members: Vec<MemberListRow>,
    pub invitations: Vec<InvitationRow>,
    pub invite_fields: Vec<FieldView>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// One member, with what the viewer may do to them.
#[derive(Debug, Clone, Serialize)]
pub struct MemberListRow {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub since: String,
    pub is_you: bool,
    /// The roles the viewer may give this member (empty: the viewer cannot change it).
    pub role_options: Vec<OptionView>,
    pub can_remove: bool,
}

/// An invitation waiting to be accepted.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub role: String,
    pub invited_by: String,
    pub expires: String,
    pub can_revoke: bool,
}

/// A small account form with a notice: forgotten password, new password.
#[derive(Debug, Clone, Serialize)]
pub struct AccountFormView {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub action: String,
    pub csrf: String,
    pub fields: Vec<FieldView>,
    pub submit_label: String,
    /// `None`: no form (the request is done, or the link is unusable).
    pub show_form: bool,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// (label, href)
    pub links: Vec<(String, String)>,
}

/// The page an invitation link opens: accept it signed in, or create the account first.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationView {
    pub layout: Layout,
    pub org_name: String,
    pub role: String,
    pub email: String,
    pub action: String,
    pub csrf: String,
    /// Signed in (as the invited address): one button accepts.
    pub signed_in_as: Option<String>,
    /// Signed in as another address: accepting is not possible with this account.
    pub wrong_account: bool,
    /// Not signed in: create the account (name and password) and join.
    pub signup_fields: Vec<FieldView>,
    pub signin_url: String,
    pub error: Option<String>,
}
