//! API keys: an organization's programs call the REST API with a bearer token
//! `acc_<prefix>_<secret>`. The prefix (8 hex characters) is the part people see and finds the
//! key; the secret is 32 random bytes (base64url) stored only as its SHA-256 and compared in
//! constant time. A key has scopes (read, issue, revoke, admin), may expire, and is revoked
//! for good. Admins manage keys in the workspace, the operator on the command line, and a
//! key with the admin scope through the API; every change is audited.

use crate::accounts::CurrentUser;
use crate::{App, AppError, AppResult};
use accolade_core::{Actor, ApiKeyId, OrgId, Role};
use accolade_store::{ApiKey, StoreError};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};

/// What every token starts with, so that leaked keys are easy to recognise (secret scanners).
pub const TOKEN_START: &str = "acc_";
/// Hex characters of the visible prefix.
const PREFIX_LEN: usize = 8;
/// A key's last use is written at most this often (not on every request).
pub const LAST_USE_EVERY: Duration = Duration::minutes(1);
/// The longest name of a key.
const MAX_NAME: usize = 100;
/// The longest lifetime a key may be given at creation.
pub const MAX_EXPIRY_DAYS: u32 = 3650;

/// What a key may do. Admin implies every scope; issue and revoke imply read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiScope {
    Read,
    Issue,
    Revoke,
    Admin,
}

impl ApiScope {
    pub const ALL: [ApiScope; 4] = [Self::Read, Self::Issue, Self::Revoke, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Issue => "issue",
            Self::Revoke => "revoke",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "read" => Some(Self::Read),
            "issue" => Some(Self::Issue),
            "revoke" => Some(Self::Revoke),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    /// Whether holding `self` grants `needed`.
    fn grants(self, needed: ApiScope) -> bool {
        self == needed
            || self == Self::Admin
            || (needed == Self::Read && matches!(self, Self::Issue | Self::Revoke))
    }
}

/// Who is calling the API: the key, its organization and scopes, and how the audit log
/// names it.
#[derive(Clone, Debug)]
pub struct ApiCaller {
    pub key_id: ApiKeyId,
    pub org_id: OrgId,
    pub scopes: Vec<ApiScope>,
    pub actor: Actor,
}

impl ApiCaller {
    /// Whether the key's scopes grant `needed`.
    pub fn allows(&self, needed: ApiScope) -> bool {
        self.scopes.iter().any(|s| s.grants(needed))
    }

    /// `Forbidden`, naming the scope, unless the key's scopes grant `needed`.
    pub fn require(&self, needed: ApiScope) -> AppResult<()> {
        if self.allows(needed) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "This API key lacks the {} scope.",
                needed.as_str()
            )))
        }
    }
}

/// Who acts as an organization's admin (managing its API keys and webhooks), and so how the
/// change is authorized and audited: [`App::admin_of`] is the one check.
#[derive(Clone, Copy, Debug)]
pub enum OrgAdmin<'a> {
    /// A member signed in to the workspace (admins and owners).
    Member(&'a CurrentUser),
    /// A key with the admin scope, through the API (its own organization only).
    Key(&'a ApiCaller),
    /// The operator at the server's command line.
    Operator,
}

/// A key to create.
#[derive(Clone, Debug, Default)]
pub struct NewApiKey {
    pub name: String,
    pub scopes: Vec<ApiScope>,
    /// Days until it stops working; `None` for never.
    pub expires_in_days: Option<u32>,
}

/// Where a key stands at a given time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyState {
    Active,
    Expired,
    Revoked,
}

impl ApiKeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }
}

/// A key as its organization's admins see it (never the secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKeyView {
    pub id: ApiKeyId,
    pub org_id: OrgId,
    pub name: String,
    /// `acc_` and the 8 visible characters, as the token starts.
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub state: ApiKeyState,
}

/// A key just created, with its whole token: shown once, never again.
#[derive(Clone, Debug)]
pub struct CreatedApiKey {
    pub key: ApiKeyView,
    pub token: String,
}

/// The prefix and secret of a well-formed token.
fn split_token(token: &str) -> Option<(&str, &str)> {
    let rest = token.trim().strip_prefix(TOKEN_START)?;
    let prefix = rest.get(..PREFIX_LEN)?;
    let secret = rest.get(PREFIX_LEN..)?.strip_prefix('_')?;
    let hex = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    (hex(prefix) && crate::tokens::is_token(secret)).then_some((prefix, secret))
}

/// The visible prefix a person types (`acc_1a2b3c4d` or `1a2b3c4d`), without `acc_`.
fn bare_prefix(prefix: &str) -> &str {
    let p = prefix.trim();
    p.strip_prefix(TOKEN_START).unwrap_or(p)
}

fn secret_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

fn parse_scopes(key: &ApiKey) -> AppResult<Vec<ApiScope>> {
    key.scopes
        .iter()
        .map(|s| {
            ApiScope::parse(s).ok_or_else(|| {
                AppError::internal_msg(format!("API key {} has scope {s:?}", key.id))
            })
        })
        .collect()
}

fn view(key: &ApiKey, now: OffsetDateTime) -> AppResult<ApiKeyView> {
    let state = if key.revoked_at.is_some() {
        ApiKeyState::Revoked
    } else if key.expires_at.is_some_and(|e| e <= now) {
        ApiKeyState::Expired
    } else {
        ApiKeyState::Active
    };
    Ok(ApiKeyView {
        id: key.id,
        org_id: key.org_id,
        name: key.name.clone(),
        prefix: format!("{TOKEN_START}{}", key.prefix),
        scopes: parse_scopes(key)?,
        created_by: key.created_by.clone(),
        created_at: key.created_at,
        last_used_at: key.last_used_at,
        expires_at: key.expires_at,
        revoked_at: key.revoked_at,
        state,
    })
}

fn caller_actor(key: &ApiKey) -> Actor {
    Actor {
        user_id: None,
        label: format!("API key {TOKEN_START}{} ({})", key.prefix, key.name),
    }
}

const NOT_VALID: &str = "The API key is missing or not valid.";

impl App {
    /// The caller a bearer token names: `Unauthorized` if unknown, revoked or expired. Records
    /// the key's use at most once a minute.
    pub async fn api_caller(&self, token: &str) -> AppResult<ApiCaller> {
        let unauthorized = |m: &str| AppError::Unauthorized(m.to_owned());
        let (prefix, secret) = split_token(token).ok_or_else(|| unauthorized(NOT_VALID))?;
        let key = self
            .store
            .api_key_by_prefix(prefix)
            .await?
            .ok_or_else(|| unauthorized(NOT_VALID))?;
        let matches: bool = key.secret_hash.ct_eq(&secret_hash(secret)).into();
        if !matches {
            return Err(unauthorized(NOT_VALID));
        }
        let now = self.clock.now();
        if key.revoked_at.is_some() {
            return Err(unauthorized("This API key has been revoked."));
        }
        if key.expires_at.is_some_and(|e| e <= now) {
            return Err(unauthorized("This API key has expired."));
        }
        let since = now - LAST_USE_EVERY;
        if key.last_used_at.is_none_or(|t| t < since) {
            // A lost race with another request just writes nothing.
            self.store.touch_api_key(key.id, now, since).await?;
        }
        Ok(ApiCaller {
            key_id: key.id,
            org_id: key.org_id,
            scopes: parse_scopes(&key)?,
            actor: caller_actor(&key),
        })
    }

    /// Checks that `by` may act as `org`'s admin; returns who to name in the audit log.
    pub(crate) async fn admin_of(&self, by: OrgAdmin<'_>, org: OrgId) -> AppResult<Actor> {
        match by {
            OrgAdmin::Member(who) => {
                self.authorize(who, org, Role::Admin).await?;
                Ok(Actor::user(&who.user))
            }
            OrgAdmin::Key(caller) => {
                if caller.org_id != org {
                    return Err(AppError::NotFound("organization"));
                }
                caller.require(ApiScope::Admin)?;
                Ok(caller.actor.clone())
            }
            OrgAdmin::Operator => {
                self.org(org).await?;
                Ok(Actor::cli())
            }
        }
    }

    /// Creates a key for `org`; the returned token is shown once and never stored.
    pub async fn create_api_key(
        &self,
        by: OrgAdmin<'_>,
        org: OrgId,
        new: NewApiKey,
    ) -> AppResult<CreatedApiKey> {
        let actor = self.admin_of(by, org).await?;
        let name = new.name.trim().to_owned();
        if name.is_empty() {
            return Err(AppError::invalid_field("name", "Give the key a name."));
        }
        if name.chars().count() > MAX_NAME {
            return Err(AppError::invalid_field(
                "name",
                format!("Use at most {MAX_NAME} characters for the name."),
            ));
        }
        let mut scopes = new.scopes.clone();
        scopes.sort();
        scopes.dedup();
        if scopes.is_empty() {
            return Err(AppError::invalid_field(
                "scopes",
                "Choose at least one scope.",
            ));
        }
        let now = self.now();
        let expires_at = match new.expires_in_days {
            None => None,
            Some(d) if (1..=MAX_EXPIRY_DAYS).contains(&d) => Some(now + Duration::days(d.into())),
            Some(_) => {
                return Err(AppError::invalid_field(
                    "expires_in_days",
                    format!("Choose between 1 and {MAX_EXPIRY_DAYS} days, or no expiry."),
                ));
            }
        };
        // A prefix is 32 random bits: a clash is rare, and a new draw resolves it.
        for _ in 0..4 {
            let mut b = [0u8; PREFIX_LEN / 2];
            getrandom::fill(&mut b).map_err(|e| AppError::internal("random source", e))?;
            let prefix = hex::encode(b);
            let secret = crate::tokens::new_token()?;
            let key = ApiKey {
                id: ApiKeyId::new(),
                org_id: org,
                name: name.clone(),
                prefix: prefix.clone(),
                secret_hash: secret_hash(&secret),
                scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
                created_by: actor.label.clone(),
                created_at: now,
                last_used_at: None,
                expires_at,
                revoked_at: None,
            };
            match self.store.insert_api_key(&key).await {
                Ok(()) => {}
                Err(StoreError::Conflict { what: "prefix" }) => continue,
                Err(e) => return Err(e.into()),
            }
            let view = view(&key, now)?;
            let detail = format!(
                "scopes {}{}",
                key.scopes.join(", "),
                expires_at.map_or(String::new(), |e| format!(
                    "; expires {}",
                    crate::rfc3339(e)
                ))
            );
            self.audit(
                org,
                &actor,
                "api_key.create",
                &format!("{} ({})", view.prefix, view.name),
                &detail,
            )
            .await?;
            return Ok(CreatedApiKey {
                key: view,
                token: format!("{TOKEN_START}{prefix}_{secret}"),
            });
        }
        Err(AppError::internal_msg("no free API key prefix"))
    }

    /// The organization's keys, revoked and expired ones included, newest first.
    pub async fn api_keys(&self, by: OrgAdmin<'_>, org: OrgId) -> AppResult<Vec<ApiKeyView>> {
        self.admin_of(by, org).await?;
        let now = self.clock.now();
        self.store
            .api_keys(org)
            .await?
            .iter()
            .map(|k| view(k, now))
            .collect()
    }

    /// The organization of the key with this visible prefix (`acc_1a2b3c4d` or `1a2b3c4d`):
    /// what the command line needs to revoke a key by prefix alone.
    pub async fn api_key_org(&self, prefix: &str) -> AppResult<OrgId> {
        Ok(self
            .store
            .api_key_by_prefix(bare_prefix(prefix))
            .await?
            .ok_or(AppError::NotFound("API key"))?
            .org_id)
    }

    /// Revokes `org`'s key with this visible prefix for good; a key already revoked is a
    /// `Conflict`.
    pub async fn revoke_api_key(
        &self,
        by: OrgAdmin<'_>,
        org: OrgId,
        prefix: &str,
    ) -> AppResult<ApiKeyView> {
        let actor = self.admin_of(by, org).await?;
        let key = self
            .store
            .api_key_by_prefix(bare_prefix(prefix))
            .await?
            .filter(|k| k.org_id == org)
            .ok_or(AppError::NotFound("API key"))?;
        let now = self.now();
        if !self.store.revoke_api_key(key.id, now).await? {
            return Err(AppError::Conflict(
                "This API key is already revoked.".into(),
            ));
        }
        let revoked = ApiKey {
            revoked_at: Some(now),
            ..key
        };
        let view = view(&revoked, now)?;
        self.audit(
            org,
            &actor,
            "api_key.revoke",
            &format!("{} ({})", view.prefix, view.name),
            "",
        )
        .await?;
        Ok(view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_imply_as_documented() {
        let caller = |scopes: &[ApiScope]| ApiCaller {
            key_id: ApiKeyId::new(),
            org_id: OrgId::new(),
            scopes: scopes.to_vec(),
            actor: Actor::system(),
        };
        let admin = caller(&[ApiScope::Admin]);
        assert!(ApiScope::ALL.iter().all(|s| admin.allows(*s)));
        let issue = caller(&[ApiScope::Issue]);
        assert!(issue.allows(ApiScope::Read) && issue.allows(ApiScope::Issue));
        assert!(!issue.allows(ApiScope::Revoke) && !issue.allows(ApiScope::Admin));
        let revoke = caller(&[ApiScope::Revoke]);
        assert!(revoke.allows(ApiScope::Read) && !revoke.allows(ApiScope::Issue));
        let read = caller(&[ApiScope::Read]);
        assert!(read.allows(ApiScope::Read) && !read.allows(ApiScope::Issue));
        match read.require(ApiScope::Issue) {
            Err(AppError::Forbidden(m)) => assert!(m.contains("issue"), "{m}"),
            other => panic!("{other:?}"),
        }
        for s in ApiScope::ALL {
            assert_eq!(ApiScope::parse(s.as_str()), Some(s));
        }
        assert_eq!(ApiScope::parse("owner"), None);
    }

    #[test]
    fn tokens_split_into_prefix_and_secret() {
        let secret = crate::tokens::new_token().unwrap();
        let token = format!("acc_0a1b2c3d_{secret}");
        assert_eq!(split_token(&token), Some(("0a1b2c3d", secret.as_str())));
        for bad in [
            "",
            "acc_",
            "acc_0a1b2c3d",
            "acc_0a1b2c3d_short",
            &format!("acc_0A1B2C3D_{secret}"),
            &format!("xyz_0a1b2c3d_{secret}"),
            &format!("acc_0a1b2c3_{secret}"),
            &format!("acc_0a1b2c3d-{secret}"),
        ] {
            assert_eq!(split_token(bad), None, "{bad}");
        }
        assert_eq!(bare_prefix(" acc_0a1b2c3d "), "0a1b2c3d");
        assert_eq!(bare_prefix("0a1b2c3d"), "0a1b2c3d");
    }
}
