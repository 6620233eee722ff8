//! A PNG's chunk structure, checked before any decoder sees it: a decoder may be lenient
//! about a bad CRC, a truncated file or a false chunk length, but such a file is either
//! damaged or made to confuse one reader and not another, so it is refused with the reason.

use crate::MediaError;

pub(crate) const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Largest chunk length PNG allows (2^31 − 1).
const MAX_CHUNK_LENGTH: u32 = 0x7fff_ffff;

fn corrupt(why: String) -> MediaError {
    MediaError::Corrupt(why)
}

/// Printable chunk name for messages (chunk types are four ASCII letters when well formed).
fn name(kind: &[u8]) -> String {
    if kind.iter().all(u8::is_ascii_alphabetic) {
        String::from_utf8_lossy(kind).into_owned()
    } else {
        "unnamed".into()
    }
}

/// Checks signature, chunk lengths and CRCs, IHDR first and IEND present. What follows IEND
/// is ignored: it is never read, and normalised images do not keep it.
pub(crate) fn check_structure(bytes: &[u8]) -> Result<(), MediaError> {
    let mut rest = bytes
        .strip_prefix(SIGNATURE)
        .ok_or_else(|| corrupt("it does not start with the PNG signature".into()))?;
    let mut first = true;
    loop {
        if rest.is_empty() {
            return Err(corrupt(
                "it is truncated: the file ends before its IEND chunk".into(),
            ));
        }
        if rest.len() < 12 {
            return Err(corrupt(
                "it is truncated: the last chunk is cut short".into(),
            ));
        }
        let length = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let kind = &rest[4..8];
        if length > MAX_CHUNK_LENGTH {
            return Err(corrupt(format!(
                "its {} chunk declares a length of {length} bytes, more than PNG allows",
                name(kind)
            )));
        }
        let length = length as usize;
        let available = rest.len() - 12;
        if length > available {
            return Err(corrupt(format!(
                "it is truncated, or a chunk length is false: its {} chunk declares {length} \
                 bytes but only {available} follow",
                name(kind)
            )));
        }
        if first && kind != b"IHDR" {
            return Err(corrupt("its first chunk is not IHDR".into()));
        }
        first = false;
        let data = &rest[8..8 + length];
        let stored = &rest[8 + length..12 + length];
        let stored = u32::from_be_bytes([stored[0], stored[1], stored[2], stored[3]]);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        if crc.finalize() != stored {
            return Err(corrupt(format!(
                "its {} chunk fails its CRC check (the file is damaged or was altered)",
                name(kind)
            )));
        }
        if kind == b"IEND" {
            return Ok(());
        }
        rest = &rest[12 + length..];
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    }

    fn minimal() -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]);
        chunk(&mut out, b"IEND", &[]);
        out
    }

    fn reason(bytes: &[u8]) -> String {
        check_structure(bytes).unwrap_err().to_string()
    }

    #[test]
    fn damaged_structure_is_named() {
        assert!(check_structure(&minimal()).is_ok());
        let good = minimal();
        assert!(reason(&good[..good.len() - 12]).contains("ends before its IEND"));
        assert!(reason(&good[..good.len() - 5]).contains("cut short"));
        let mut bad_crc = good.clone();
        let at = bad_crc.len() - 14; // the IDAT's last CRC byte
        bad_crc[at] ^= 1;
        assert!(reason(&bad_crc).contains("IDAT chunk fails its CRC check"));
        let mut huge = good.clone();
        huge[33..37].copy_from_slice(&0xffff_fff0u32.to_be_bytes()); // IDAT length
        assert!(reason(&huge).contains("more than PNG allows"));
        huge[33..37].copy_from_slice(&0x0100_0000u32.to_be_bytes());
        assert!(reason(&huge).contains("declares 16777216 bytes but only"));
        let mut no_ihdr = SIGNATURE.to_vec();
        chunk(&mut no_ihdr, b"IEND", &[]);
        assert!(reason(&no_ihdr).contains("first chunk is not IHDR"));
        assert!(reason(b"\x89PNG\r\n\x1a").contains("signature"));
    }
}
