//! The master key that seals every organization's signing keys. It never sits in the
//! database: it comes from `ACCOLADE_MASTER_KEY` or from a 0600 file in the data directory,
//! so a database dump alone cannot sign anything.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use std::fmt;
use std::path::Path;

pub const MASTER_KEY_FILE: &str = "master.key";
pub const MASTER_KEY_ENV: &str = "ACCOLADE_MASTER_KEY";

#[derive(Debug, thiserror::Error)]
pub enum MasterKeyError {
    #[error("{0}: the master key must be 32 bytes, written as 43 base64url characters")]
    Malformed(String),
    #[error("cannot read the master key file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("cannot write the master key file {path}: {reason}")]
    Write { path: String, reason: String },
    #[error("the master key file {0} is readable by other users; run chmod 600 on it")]
    Permissions(String),
    #[error("the system random generator failed: {0}")]
    Random(String),
    #[error(
        "a signing key could not be unsealed: the master key is not the one it was sealed with, or the stored key was altered"
    )]
    Unseal,
    #[error(
        "this master key is not the instance's: the database was set up with another one. Give every server and command of the instance the same master key (ACCOLADE_MASTER_KEY, or the same master.key file)"
    )]
    NotTheInstances,
}

/// What the master key check seals, and the context it is bound to.
const CHECK_VALUE: &[u8] = b"accolade master key check";
const CHECK_CONTEXT: &[u8] = b"master_key_check";

/// Refuses a master key other than the instance's. The first process to open the database
/// with a master key stores a value sealed under it; every later one must unseal it. So a
/// second server started with another key (or one that made its own on an empty database at
/// the same moment as another) stops at once, before it could seal an organization's keys
/// the other servers cannot use, instead of failing on the first signature.
pub async fn check_instance_key(
    store: &accolade_store::Store,
    key: &MasterKey,
    now: time::OffsetDateTime,
) -> Result<(), crate::AppError> {
    let candidate = key.seal(CHECK_VALUE, CHECK_CONTEXT)?;
    let stored = store.claim_master_key_check(&candidate, now).await?;
    match key.unseal(&stored, CHECK_CONTEXT) {
        Ok(value) if value == CHECK_VALUE => Ok(()),
        _ => Err(MasterKeyError::NotTheInstances.into()),
    }
}

/// 32 secret bytes. `Debug` never shows them.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<secret>)")
    }
}

impl MasterKey {
    pub fn generate() -> Result<Self, MasterKeyError> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).map_err(|e| MasterKeyError::Random(e.to_string()))?;
        Ok(Self(k))
    }

    pub fn parse(text: &str, source: &str) -> Result<Self, MasterKeyError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| MasterKeyError::Malformed(source.to_owned()))?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| MasterKeyError::Malformed(source.to_owned()))?;
        Ok(Self(arr))
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// The key from `ACCOLADE_MASTER_KEY` (given as `env_value`) or `{data_dir}/master.key`.
    /// Returns `None` when neither exists.
    pub fn load(data_dir: &Path, env_value: Option<&str>) -> Result<Option<Self>, MasterKeyError> {
        if let Some(v) = env_value.filter(|v| !v.trim().is_empty()) {
            return Self::parse(v, MASTER_KEY_ENV).map(Some);
        }
        let path = data_dir.join(MASTER_KEY_FILE);
        let shown = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                check_permissions(&path)?;
                Self::parse(&text, &shown).map(Some)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(MasterKeyError::Read {
                path: shown,
                reason: e.to_string(),
            }),
        }
    }

    /// Writes a new key to `{data_dir}/master.key` with mode 0600; refuses to overwrite.
    pub fn create_file(data_dir: &Path) -> Result<Self, MasterKeyError> {
        use std::io::Write;
        let key = Self::generate()?;
        let path = data_dir.join(MASTER_KEY_FILE);
        let shown = path.display().to_string();
        let write_err = |e: std::io::Error| MasterKeyError::Write {
            path: shown.clone(),
            reason: e.to_string(),
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&path).map_err(write_err)?;
        f.write_all(format!("{}\n", key.encode()).as_bytes())
            .map_err(write_err)?;
        f.sync_all().map_err(write_err)?;
        Ok(key)
    }

    /// Seals `secret` with XChaCha20-Poly1305; `context` (e.g. the key's id) is bound as
    /// associated data so a sealed value cannot be moved to another record.
    pub fn seal(&self, secret: &[u8], context: &[u8]) -> Result<Vec<u8>, MasterKeyError> {
        let cipher = XChaCha20Poly1305::new(Key::from_slice(&self.0));
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).map_err(|e| MasterKeyError::Random(e.to_string()))?;
        let ct = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: secret,
                    aad: context,
                },
            )
            .map_err(|_| MasterKeyError::Unseal)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(out)
    }

    pub fn unseal(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, MasterKeyError> {
        if sealed.len() < 24 + 16 {
            return Err(MasterKeyError::Unseal);
        }
        let (nonce, ct) = sealed.split_at(24);
        let cipher = XChaCha20Poly1305::new(Key::from_slice(&self.0));
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: context,
                },
            )
            .map_err(|_| MasterKeyError::Unseal)
    }
}

#[cfg(unix)]
fn check_permissions(path: &Path) -> Result<(), MasterKeyError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| MasterKeyError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(MasterKeyError::Permissions(path.display().to_string()));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_: &Path) -> Result<(), MasterKeyError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_round_trip_and_binding() {
        let k = MasterKey::generate().unwrap();
        let sealed = k.seal(b"seed", b"key-1").unwrap();
        assert_eq!(k.unseal(&sealed, b"key-1").unwrap(), b"seed");
        assert!(k.unseal(&sealed, b"key-2").is_err());
        assert!(
            MasterKey::generate()
                .unwrap()
                .unseal(&sealed, b"key-1")
                .is_err()
        );
        let mut bad = sealed.clone();
        bad[30] ^= 1;
        assert!(k.unseal(&bad, b"key-1").is_err());
        assert_eq!(format!("{k:?}"), "MasterKey(<secret>)");
    }

    #[test]
    fn file_is_private_and_never_overwritten() {
        let dir = std::env::temp_dir().join(format!("accolade-master-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let k = MasterKey::create_file(&dir).unwrap();
        assert!(MasterKey::create_file(&dir).is_err());
        assert_eq!(
            MasterKey::load(&dir, None).unwrap().unwrap().encode(),
            k.encode()
        );
        let env = MasterKey::generate().unwrap().encode();
        assert_eq!(
            MasterKey::load(&dir, Some(&env)).unwrap().unwrap().encode(),
            env
        );
        assert!(MasterKey::load(&dir, Some("short")).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                dir.join(MASTER_KEY_FILE),
                std::fs::Permissions::from_mode(0o644),
            )
            .unwrap();
            assert!(matches!(
                MasterKey::load(&dir, None),
                Err(MasterKeyError::Permissions(_))
            ));
        }
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(MasterKey::load(&dir, None).unwrap().is_none());
    }
}
