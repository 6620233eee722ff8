//! W3C Bitstring Status List v1.0 (revocation and suspension), plus recognition of the older
//! `StatusList2021Entry` and the OB 3.0 `1EdTechRevocationList`.
//!
//! A status list is a long bitstring, gzipped and base64url-encoded into a signed list
//! credential. Each credential points at one position; a set bit means revoked (or suspended,
//! per the list's purpose). Lists are at least 131,072 entries long so that one position does
//! not single out a small group of holders (herd privacy).
//!
//! Decoding is defensive: the list comes from the network, so the base64 text and the
//! gunzipped size are both bounded and a gzip bomb fails after at most 16 MiB of output.

use std::io::{Read, Write};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::Compression;
use flate2::GzBuilder;
use flate2::read::GzDecoder;
use serde_json::Value;

/// Minimum number of entries (16 KiB of bits) required by the Bitstring Status List spec.
pub const MIN_LIST_BITS: usize = 131_072;

/// Largest decompressed list accepted: 16 MiB (134 million entries), far beyond real lists.
pub const MAX_LIST_BYTES: usize = 16 * 1024 * 1024;

/// Largest `encodedList` text accepted before decoding. Gzip never expands incompressible data
/// by more than a few bytes per block, so base64 of a maximal list stays under this.
const MAX_ENCODED_CHARS: usize = MAX_LIST_BYTES / 3 * 4 + 4096;

/// Why a status list or status entry could not be used.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum StatusError {
    /// The list is shorter than the spec's minimum.
    #[error(
        "STATUS_LIST_LENGTH_ERROR: the status list has {bits} entries, \
         fewer than the required minimum of 131,072"
    )]
    ListTooShort {
        /// The number of entries found.
        bits: usize,
    },
    /// The requested position lies outside the list.
    #[error(
        "RANGE_ERROR: status position {index} (of {size} bit(s)) is outside the list \
         of {len} entries"
    )]
    Range {
        /// The entry index asked for.
        index: u64,
        /// The status size in bits.
        size: u32,
        /// The list length in bits.
        len: usize,
    },
    /// A status size outside 1..=32 bits.
    #[error("the status size must be between 1 and 32 bits, not {0}")]
    InvalidStatusSize(u32),
    /// The list would be larger than [`MAX_LIST_BYTES`].
    #[error("the status list is larger than the 16 MiB limit")]
    ListTooLarge,
    /// The `encodedList` text is not valid base64url.
    #[error("the encoded status list is not valid base64url text")]
    Base64,
    /// The decoded bytes are not a valid gzip stream.
    #[error("the encoded status list is not valid gzip data: {0}")]
    Gzip(String),
    /// The `credentialStatus` or list credential lacks a field or has the wrong kind of value.
    #[error("the {0}")]
    Invalid(String),
    /// The list's purpose differs from the entry's.
    #[error(
        "STATUS_VERIFICATION_ERROR: the credential's status entry has purpose \"{entry}\" \
         but the status list is for \"{list}\""
    )]
    PurposeMismatch {
        /// The purpose named by the credential.
        entry: String,
        /// The purpose(s) of the list.
        list: String,
    },
}

/// A bitstring of statuses. Index 0 is the most significant bit of byte 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitstringStatusList {
    bytes: Vec<u8>,
}

impl BitstringStatusList {
    /// An all-zero list of at least `len_bits` entries (rounded up to a whole byte).
    pub fn new(len_bits: usize) -> Result<Self, StatusError> {
        if len_bits < MIN_LIST_BITS {
            return Err(StatusError::ListTooShort { bits: len_bits });
        }
        let len_bytes = len_bits.div_ceil(8);
        if len_bytes > MAX_LIST_BYTES {
            return Err(StatusError::ListTooLarge);
        }
        Ok(Self {
            bytes: vec![0; len_bytes],
        })
    }

    /// Number of entries (bits).
    pub fn len(&self) -> usize {
        self.bytes.len() * 8
    }

    /// Always false: a valid list has at least [`MIN_LIST_BITS`] entries.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The bit at `index`.
    pub fn get(&self, index: u64) -> Result<bool, StatusError> {
        Ok(self.get_bits(index, 1)? == 1)
    }

    /// Sets or clears the bit at `index`.
    pub fn set(&mut self, index: u64, value: bool) -> Result<(), StatusError> {
        self.set_bits(index, 1, u32::from(value))
    }

    /// The `status_size`-bit value of entry `index` (bits `index*size .. (index+1)*size`,
    /// most significant first).
    pub fn get_bits(&self, index: u64, status_size: u32) -> Result<u32, StatusError> {
        let start = self.bit_range(index, status_size)?;
        let mut value = 0u32;
        for bit in start..start + status_size as usize {
            let byte = self.bytes.get(bit / 8).copied().unwrap_or(0);
            value = (value << 1) | u32::from((byte >> (7 - bit % 8)) & 1);
        }
        Ok(value)
    }

    /// Stores `value` (its low `status_size` bits) as entry `index`.
    pub fn set_bits(
        &mut self,
        index: u64,
        status_size: u32,
        value: u32,
    ) -> Result<(), StatusError> {
        let start = self.bit_range(index, status_size)?;
        for (i, bit) in (start..start + status_size as usize).enumerate() {
            let shift = status_size as usize - 1 - i;
            let on = (value >> shift) & 1 == 1;
            let mask = 1u8 << (7 - bit % 8);
            if let Some(byte) = self.bytes.get_mut(bit / 8) {
                if on {
                    *byte |= mask;
                } else {
                    *byte &= !mask;
                }
            }
        }
        Ok(())
    }

    /// First bit of entry `index`, after checking that the whole entry is in the list.
    fn bit_range(&self, index: u64, size: u32) -> Result<usize, StatusError> {
        if !(1..=32).contains(&size) {
            return Err(StatusError::InvalidStatusSize(size));
        }
        let len = self.len();
        let range = StatusError::Range { index, size, len };
        let start = index.checked_mul(u64::from(size)).ok_or(range.clone())?;
        let end = start.checked_add(u64::from(size)).ok_or(range.clone())?;
        if end > len as u64 {
            return Err(range);
        }
        usize::try_from(start).map_err(|_| range)
    }

    /// `"u"` + base64url-no-pad(gzip(bits)), with a fixed gzip header (no mtime, no name,
    /// OS = Unix) so the same list always encodes to the same text.
    pub fn encode(&self) -> String {
        // Level 8: zlib (and zlib-rs) give the reference text of an empty list byte for byte
        // (see `empty_list_encodes_to_spec_text`): the same deflate body as level 9, and the
        // header's extra-flags byte 0 that the reference has (flate2 writes 2 at level 9).
        let mut encoder = GzBuilder::new()
            .operating_system(3)
            .write(Vec::new(), Compression::new(8));
        // Writing to a Vec cannot fail; should it ever, the output is simply shorter and the
        // round-trip tests would catch it.
        let _ = encoder.write_all(&self.bytes);
        let gz = encoder.finish().unwrap_or_default();
        let mut out = String::from("u");
        out.push_str(&URL_SAFE_NO_PAD.encode(gz));
        out
    }

    /// Parses an `encodedList`: multibase `u` + base64url (padding and the standard base64
    /// alphabet tolerated, as is a missing `u`, which some StatusList2021 issuers emit),
    /// gunzipped with a 16 MiB cap, then checked against the minimum length.
    pub fn decode(encoded: &str) -> Result<Self, StatusError> {
        let text = encoded.trim();
        if text.len() > MAX_ENCODED_CHARS {
            return Err(StatusError::ListTooLarge);
        }
        // gzip data always begins "H4s" in base64, so a leading "u" can only be the prefix.
        let text = text.strip_prefix('u').unwrap_or(text);
        let normalized: String = text
            .chars()
            .filter(|c| !c.is_ascii_whitespace() && *c != '=')
            .map(|c| match c {
                '+' => '-',
                '/' => '_',
                other => other,
            })
            .collect();
        let gz = URL_SAFE_NO_PAD
            .decode(normalized)
            .map_err(|_| StatusError::Base64)?;
        let bytes = gunzip_bounded(&gz)?;
        if bytes.len() * 8 < MIN_LIST_BITS {
            return Err(StatusError::ListTooShort {
                bits: bytes.len() * 8,
            });
        }
        Ok(Self { bytes })
    }
}

/// Gunzips at most [`MAX_LIST_BYTES`]; memory stays bounded however the input is crafted.
fn gunzip_bounded(gz: &[u8]) -> Result<Vec<u8>, StatusError> {
    let limit = MAX_LIST_BYTES as u64 + 1;
    let mut out = Vec::new();
    GzDecoder::new(gz)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| StatusError::Gzip(e.to_string()))?;
    if out.len() > MAX_LIST_BYTES {
        return Err(StatusError::ListTooLarge);
    }
    Ok(out)
}

/// `value` as a list: an array's items, or the single value itself.
fn one_or_many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(v) => vec![v],
    }
}

/// One `statusMessage` item of an entry with `statusSize` > 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    /// The status value as written, e.g. `"0x2"`.
    pub status: String,
    /// What that value means, in the issuer's words.
    pub message: String,
}

/// A `BitstringStatusListEntry` (or the same shape from `StatusList2021Entry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// The entry's own `id`, if any (not the list's URL).
    pub id: Option<String>,
    /// `statusPurpose`: `revocation`, `suspension`, `refresh`, `message`, …
    pub purpose: String,
    /// `statusListIndex`, the entry's position in the list.
    pub index: u64,
    /// `statusListCredential`, the URL of the list credential.
    pub list_credential: String,
    /// `statusSize` in bits (1 unless stated).
    pub size: u32,
    /// `statusMessage` items, used when `size` > 1.
    pub messages: Vec<StatusMessage>,
}

/// Any `credentialStatus` item, sorted by kind so a verifier can say what it saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialStatus {
    /// W3C `BitstringStatusListEntry`, the scheme Accolade emits.
    Bitstring(StatusEntry),
    /// The older W3C `StatusList2021Entry` (same shape; list types differ).
    StatusList2021(StatusEntry),
    /// OB 3.0 `1EdTechRevocationList`: a JSON document at `id` listing revoked credentials.
    RevocationList1EdTech {
        /// URL of the revocation list.
        id: String,
    },
    /// A status type this crate does not check.
    Unsupported {
        /// The `type` value(s), joined by commas.
        type_name: String,
    },
}

impl CredentialStatus {
    /// Reads a `credentialStatus` value (one object or an array of them).
    pub fn from_json(credential_status: &Value) -> Result<Vec<Self>, StatusError> {
        one_or_many(Some(credential_status))
            .into_iter()
            .map(Self::from_item)
            .collect()
    }

    fn from_item(item: &Value) -> Result<Self, StatusError> {
        if !item.is_object() {
            return Err(invalid("credentialStatus entry is not a JSON object"));
        }
        if has_type(item, "BitstringStatusListEntry") {
            return StatusEntry::from_item(item).map(Self::Bitstring);
        }
        if has_type(item, "StatusList2021Entry") {
            return StatusEntry::from_item(item).map(Self::StatusList2021);
        }
        if has_type(item, "1EdTechRevocationList") {
            let id = string_field(item, "id", "1EdTechRevocationList status entry")?;
            return Ok(Self::RevocationList1EdTech { id });
        }
        let types = one_or_many(item.get("type"));
        let names: Vec<&str> = types.iter().filter_map(|t| t.as_str()).collect();
        let type_name = if names.is_empty() {
            "(no type)".to_owned()
        } else {
            names.join(", ")
        };
        Ok(Self::Unsupported { type_name })
    }
}

impl StatusEntry {
    /// The `BitstringStatusListEntry` items of a `credentialStatus` value (object or array).
    /// Other kinds are left out; use [`CredentialStatus::from_json`] to see everything.
    pub fn from_json(credential_status: &Value) -> Result<Vec<Self>, StatusError> {
        Ok(CredentialStatus::from_json(credential_status)?
            .into_iter()
            .filter_map(|s| match s {
                CredentialStatus::Bitstring(entry) => Some(entry),
                _ => None,
            })
            .collect())
    }

    fn from_item(item: &Value) -> Result<Self, StatusError> {
        const WHAT: &str = "status entry";
        let index = match item.get("statusListIndex") {
            Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s
                .parse::<u64>()
                .map_err(|_| invalid("statusListIndex is too large"))?,
            // The spec wants a string; some issuers (and the 1EdTech test files) write a number.
            Some(Value::Number(n)) => n
                .as_u64()
                .ok_or_else(|| invalid("statusListIndex is not a whole number"))?,
            Some(_) => return Err(invalid("statusListIndex is not a base-10 number")),
            None => return Err(invalid("status entry has no statusListIndex")),
        };
        let size = match item.get("statusSize") {
            None => 1,
            Some(Value::Number(n)) => n.as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
            Some(Value::String(s)) => s.parse::<u32>().unwrap_or(0),
            Some(_) => 0,
        };
        if !(1..=32).contains(&size) {
            return Err(StatusError::InvalidStatusSize(size));
        }
        let messages = one_or_many(item.get("statusMessage"))
            .into_iter()
            .map(|m| {
                Ok(StatusMessage {
                    status: string_field(m, "status", "statusMessage item")?,
                    message: string_field(m, "message", "statusMessage item")?,
                })
            })
            .collect::<Result<Vec<_>, StatusError>>()?;
        Ok(Self {
            id: item.get("id").and_then(Value::as_str).map(str::to_owned),
            purpose: string_field(item, "statusPurpose", WHAT)?,
            index,
            list_credential: string_field(item, "statusListCredential", WHAT)?,
            size,
            messages,
        })
    }
}

/// The status an entry points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusOutcome {
    /// The bit is 0: for `revocation`/`suspension`, the credential is in good standing.
    Unset,
    /// The bit is 1: revoked or suspended, per the entry's purpose.
    Set,
    /// A multi-bit status (`statusSize` > 1), with the issuer's message for it if given.
    Value {
        /// The status value read from the list.
        value: u32,
        /// The matching `statusMessage` text, if the entry has one for this value.
        message: Option<String>,
    },
}

/// Reads `entry`'s status from a `BitstringStatusListCredential`.
///
/// The caller must already have verified the list credential's proof and validity period;
/// this checks its types, purpose, encoding, length and the entry's range.
pub fn check_entry(
    entry: &StatusEntry,
    list_credential: &Value,
) -> Result<StatusOutcome, StatusError> {
    read_status(
        entry,
        list_credential,
        "BitstringStatusListCredential",
        "BitstringStatusList",
    )
}

/// As [`check_entry`], for a `StatusList2021Entry` and its `StatusList2021Credential`.
pub fn check_status_list_2021_entry(
    entry: &StatusEntry,
    list_credential: &Value,
) -> Result<StatusOutcome, StatusError> {
    read_status(
        entry,
        list_credential,
        "StatusList2021Credential",
        "StatusList2021",
    )
}

fn read_status(
    entry: &StatusEntry,
    list: &Value,
    credential_type: &str,
    subject_type: &str,
) -> Result<StatusOutcome, StatusError> {
    if !has_type(list, credential_type) {
        return Err(invalid(&format!(
            "status list credential is not a {credential_type}"
        )));
    }
    let subject = match list.get("credentialSubject") {
        Some(Value::Array(items)) if items.len() == 1 => &items[0],
        Some(s @ Value::Object(_)) => s,
        _ => {
            return Err(invalid(
                "status list credential has no single credentialSubject",
            ));
        }
    };
    if !has_type(subject, subject_type) {
        return Err(invalid(&format!(
            "status list's credentialSubject is not a {subject_type}"
        )));
    }
    let purposes: Vec<&str> = one_or_many(subject.get("statusPurpose"))
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    if !purposes.contains(&entry.purpose.as_str()) {
        return Err(StatusError::PurposeMismatch {
            entry: entry.purpose.clone(),
            list: purposes.join(", "),
        });
    }
    let encoded = string_field(subject, "encodedList", "status list")?;
    let bits = BitstringStatusList::decode(&encoded)?;
    let value = bits.get_bits(entry.index, entry.size)?;
    if entry.size == 1 {
        return Ok(if value == 1 {
            StatusOutcome::Set
        } else {
            StatusOutcome::Unset
        });
    }
    let message = entry
        .messages
        .iter()
        .find(|m| parse_status_value(&m.status) == Some(value))
        .map(|m| m.message.clone());
    Ok(StatusOutcome::Value { value, message })
}

/// `"0x1f"` (or plain hex digits) as a number.
fn parse_status_value(s: &str) -> Option<u32> {
    let t = s.trim();
    let hex = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    u32::from_str_radix(hex, 16).ok()
}

/// Whether a credential appears in a `1EdTechRevocationList`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevocationOutcome {
    /// Not listed (or listed with `revoked: false`).
    NotRevoked,
    /// Listed as revoked, with the issuer's reason if given.
    Revoked {
        /// `revocationReason`, if present.
        reason: Option<String>,
    },
}

/// Looks `credential_id` up in a fetched `1EdTechRevocationList` document's
/// `revokedCredential[]`: an item whose `id` equals it, with `revoked` true or absent, means
/// revoked. Items given as bare id strings are accepted too.
pub fn check_1edtech_revocation_list(
    credential_id: &str,
    list_json: &Value,
) -> Result<RevocationOutcome, StatusError> {
    if !list_json.is_object() {
        return Err(invalid("revocation list is not a JSON object"));
    }
    let items = match list_json.get("revokedCredential") {
        None | Some(Value::Null) => return Ok(RevocationOutcome::NotRevoked),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(invalid(
                "revocation list's revokedCredential is not an array",
            ));
        }
    };
    for item in items {
        let (id, revoked, reason) = match item {
            Value::String(s) => (Some(s.as_str()), true, None),
            Value::Object(_) => (
                item.get("id").and_then(Value::as_str),
                item.get("revoked").and_then(Value::as_bool).unwrap_or(true),
                item.get("revocationReason")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
            _ => continue,
        };
        if id == Some(credential_id) && revoked {
            return Ok(RevocationOutcome::Revoked { reason });
        }
    }
    Ok(RevocationOutcome::NotRevoked)
}

fn invalid(what: &str) -> StatusError {
    StatusError::Invalid(what.to_owned())
}

/// Whether `value.type` is `name` or an array containing it.
fn has_type(value: &Value, name: &str) -> bool {
    one_or_many(value.get("type"))
        .iter()
        .any(|t| t.as_str() == Some(name))
}

fn string_field(value: &Value, key: &str, what: &str) -> Result<String, StatusError> {
    match value.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(_) => Err(invalid(&format!(
            "{what}'s {key} is not a non-empty string"
        ))),
        None => Err(invalid(&format!("{what} has no {key}"))),
    }
}

#[cfg(test)]
mod tests;
