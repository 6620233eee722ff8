//! PNG baking: a chunk splicer. Pixels are never decoded, so a "100k × 100k" header costs
//! nothing; every chunk's length and CRC are still checked so a damaged or tampered file is
//! reported rather than silently passed on.

use std::io::Read;

use flate2::read::ZlibDecoder;

use super::{BakeError, Baked, MAX_CREDENTIAL_BYTES, MAX_IMAGE_BYTES};

/// The eight bytes every PNG starts with.
pub(super) const SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

/// OB 3.0 iTXt keyword.
const OB3_KEYWORD: &[u8] = b"openbadgecredential";
/// OB 2.0 iTXt/tEXt keyword.
const OB2_KEYWORD: &[u8] = b"openbadges";

/// Largest chunk length the PNG format allows (2^31 − 1).
const MAX_CHUNK_LEN: usize = 0x7fff_ffff;

/// One chunk, borrowed from the file.
struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    /// The whole chunk (length, type, data, CRC) as it appears in the file.
    raw: &'a [u8],
}

/// Splits a PNG into chunks up to IEND, checking the signature, IHDR first, every length and
/// every CRC. Bytes after IEND are ignored, as PNG decoders do.
fn chunks(png: &[u8]) -> Result<Vec<Chunk<'_>>, BakeError> {
    if png.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::ImageTooLarge);
    }
    let Some(mut rest) = png.strip_prefix(SIGNATURE) else {
        return Err(BakeError::BadPng(
            "it does not start with the PNG signature".into(),
        ));
    };
    let mut offset = SIGNATURE.len();
    let mut out: Vec<Chunk<'_>> = Vec::new();
    loop {
        let Some((head, _)) = rest.split_first_chunk::<8>() else {
            return Err(BakeError::BadPng(format!(
                "the file ends at byte {offset} without an IEND chunk (truncated)"
            )));
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = [head[4], head[5], head[6], head[7]];
        let name = String::from_utf8_lossy(&kind).into_owned();
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(BakeError::BadPng(format!(
                "invalid chunk type at byte {offset}"
            )));
        }
        if len > MAX_CHUNK_LEN || len.saturating_add(12) > rest.len() {
            return Err(BakeError::BadPng(format!(
                "the {name} chunk at byte {offset} runs past the end of the file (truncated)"
            )));
        }
        let (raw, tail) = rest.split_at(len + 12);
        let data = &raw[8..8 + len];
        let stored = u32::from_be_bytes([raw[8 + len], raw[9 + len], raw[10 + len], raw[11 + len]]);
        let mut crc = crc32fast::Hasher::new();
        crc.update(&kind);
        crc.update(data);
        if crc.finalize() != stored {
            return Err(BakeError::PngCrc {
                chunk: name,
                offset,
            });
        }
        if out.is_empty() && (&kind != b"IHDR" || len != 13) {
            return Err(BakeError::BadPng(
                "the first chunk is not a valid IHDR".into(),
            ));
        }
        out.push(Chunk { kind, data, raw });
        if &kind == b"IEND" {
            return Ok(out);
        }
        rest = tail;
        offset += len + 12;
    }
}

/// Which credential, if any, a text chunk holds.
enum TextChunk<'a> {
    Ob3(&'a Chunk<'a>),
    Ob2(&'a Chunk<'a>),
    Other,
}

/// Keyword of a tEXt/zTXt/iTXt chunk: the bytes before the first NUL.
fn keyword<'a>(chunk: &Chunk<'a>) -> Option<&'a [u8]> {
    if !matches!(&chunk.kind, b"iTXt" | b"tEXt" | b"zTXt") {
        return None;
    }
    let nul = chunk.data.iter().position(|&b| b == 0)?;
    Some(&chunk.data[..nul])
}

fn classify<'a>(chunk: &'a Chunk<'a>) -> TextChunk<'a> {
    match keyword(chunk) {
        Some(OB3_KEYWORD) if &chunk.kind == b"iTXt" => TextChunk::Ob3(chunk),
        Some(OB2_KEYWORD) => TextChunk::Ob2(chunk),
        _ => TextChunk::Other,
    }
}

/// Bakes `credential_text` (JSON or a compact JWT) into `png` as one uncompressed
/// `openbadgecredential` iTXt chunk right after IHDR.
///
/// Any credential chunk already present is removed first, OB 2.0 `openbadges` ones included:
/// an image must carry exactly one credential, or a verifier might be shown a stale one.
pub fn bake_png(png: &[u8], credential_text: &str) -> Result<Vec<u8>, BakeError> {
    bake_png_as(png, credential_text, OB3_KEYWORD)
}

/// Bakes an OB 2.0 assertion (its JSON, a compact JWS, or its hosted URL) into `png` as one
/// uncompressed `openbadges` iTXt chunk right after IHDR, for displayers that read only
/// OB 2.0. Any credential chunk already present is removed first, as in [`bake_png`].
pub fn bake_png_ob2(png: &[u8], assertion_text: &str) -> Result<Vec<u8>, BakeError> {
    bake_png_as(png, assertion_text, OB2_KEYWORD)
}

fn bake_png_as(png: &[u8], credential_text: &str, keyword: &[u8]) -> Result<Vec<u8>, BakeError> {
    if credential_text.trim().is_empty() {
        return Err(BakeError::EmptyCredential);
    }
    if credential_text.len() > MAX_CREDENTIAL_BYTES {
        return Err(BakeError::CredentialTooLarge);
    }
    let parsed = chunks(png)?;
    let mut data = Vec::with_capacity(keyword.len() + 5 + credential_text.len());
    data.extend_from_slice(keyword);
    // NUL, compression flag 0, method 0, empty language tag + NUL, empty translated keyword
    // + NUL.
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(credential_text.as_bytes());

    let mut out = Vec::with_capacity(png.len() + data.len() + 12);
    out.extend_from_slice(SIGNATURE);
    for (i, chunk) in parsed.iter().enumerate() {
        if matches!(classify(chunk), TextChunk::Other) {
            out.extend_from_slice(chunk.raw);
        }
        if i == 0 {
            write_chunk(&mut out, b"iTXt", &data);
        }
    }
    Ok(out)
}

fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    // `data` is at most MAX_CREDENTIAL_BYTES plus a few bytes, far below u32::MAX.
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// Reads the credential baked into a PNG: an `openbadgecredential` iTXt (OB 3.0), or an
/// `openbadges` iTXt, zTXt or legacy tEXt (OB 2.0). `Ok(None)` if there is none.
pub fn unbake_png(bytes: &[u8]) -> Result<Option<Baked>, BakeError> {
    let parsed = chunks(bytes)?;
    let mut found = None;
    for chunk in &parsed {
        let baked = match classify(chunk) {
            TextChunk::Ob3(c) => Baked::ob3(itxt_text(c.data)?)?,
            TextChunk::Ob2(c) => Baked::Ob2(ob2_text(c)?),
            TextChunk::Other => continue,
        };
        if found.is_some() {
            return Err(BakeError::MultipleCredentials);
        }
        found = Some(baked);
    }
    Ok(found)
}

fn ob2_text(chunk: &Chunk<'_>) -> Result<String, BakeError> {
    let after_keyword = &chunk.data[OB2_KEYWORD.len() + 1..];
    match &chunk.kind {
        b"iTXt" => itxt_text(chunk.data),
        b"zTXt" => {
            let Some((&0, compressed)) = after_keyword.split_first() else {
                return Err(BakeError::BadPng("unknown zTXt compression method".into()));
            };
            utf8(inflate_bounded(compressed)?)
        }
        // tEXt is Latin-1; OB 2.0 stored an ASCII URL there.
        _ => bounded(after_keyword.iter().map(|&b| char::from(b)).collect()),
    }
}

/// The text of an iTXt chunk, inflated if compressed.
fn itxt_text(data: &[u8]) -> Result<String, BakeError> {
    let malformed = || BakeError::BadPng("the credential's iTXt chunk is malformed".into());
    let nul = data.iter().position(|&b| b == 0).ok_or_else(malformed)?;
    let rest = data.get(nul + 1..).ok_or_else(malformed)?;
    let [flag, method, rest @ ..] = rest else {
        return Err(malformed());
    };
    let lang_end = rest.iter().position(|&b| b == 0).ok_or_else(malformed)?;
    let rest = &rest[lang_end + 1..];
    let translated_end = rest.iter().position(|&b| b == 0).ok_or_else(malformed)?;
    let text = &rest[translated_end + 1..];
    match (flag, method) {
        (0, _) => {
            if text.len() > MAX_CREDENTIAL_BYTES {
                return Err(BakeError::CredentialTooLarge);
            }
            utf8(text.to_vec())
        }
        (1, 0) => utf8(inflate_bounded(text)?),
        _ => Err(BakeError::BadPng("unknown iTXt compression".into())),
    }
}

/// Inflates zlib data, stopping as soon as the output passes [`MAX_CREDENTIAL_BYTES`].
fn inflate_bounded(compressed: &[u8]) -> Result<Vec<u8>, BakeError> {
    let mut out = Vec::new();
    ZlibDecoder::new(compressed)
        .take(MAX_CREDENTIAL_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| BakeError::BadPng(format!("the compressed credential is corrupt: {e}")))?;
    if out.len() > MAX_CREDENTIAL_BYTES {
        return Err(BakeError::CredentialTooLarge);
    }
    Ok(out)
}

fn utf8(bytes: Vec<u8>) -> Result<String, BakeError> {
    bounded(String::from_utf8(bytes).map_err(|_| BakeError::NotUtf8)?)
}

fn bounded(text: String) -> Result<String, BakeError> {
    if text.len() > MAX_CREDENTIAL_BYTES {
        return Err(BakeError::CredentialTooLarge);
    }
    Ok(text)
}
