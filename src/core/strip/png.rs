//! PNG: copies chunks through the buffer, drops eXIf and the text chunks
//! (tEXt, zTXt, iTXt: XMP, "Raw profile type exif", comments) and stops after
//! IEND. Chunk data is never held whole: a chunk may claim up to 2^31 bytes.

use super::exif::{self, XMP_GPS_NEEDLE};
use super::source::{Input, Source};
use super::{Findings, MetadataKind, StripError};
use std::io::Write;

const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];
/// The PNG specification's limit on a chunk length.
const MAX_CHUNK_LEN: u32 = 0x7FFF_FFFF;
/// How much of an eXIf or text chunk is read to find Orientation and GPS: IFD0
/// sits at the start of an EXIF block.
const PREFIX_BYTES: usize = 64 * 1024;

/// Copies the image to `out` without metadata; returns the offset after IEND.
pub(super) fn walk<R: Input>(
    src: &mut Source<R>,
    out: &mut dyn Write,
    findings: &mut Findings,
) -> Result<u64, StripError> {
    if src.read_array::<8>()? != SIGNATURE {
        return Err(src.malformed("no PNG signature"));
    }
    out.write_all(&SIGNATURE)?;
    let mut prefix = vec![0u8; PREFIX_BYTES];
    let mut orientation_done = false;
    loop {
        let header = src.read_array::<8>()?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        if len > MAX_CHUNK_LEN {
            return Err(src.malformed("a chunk length over 2 GiB"));
        }
        let chunk_type: [u8; 4] = [header[4], header[5], header[6], header[7]];
        let data_and_crc = u64::from(len) + 4;
        if data_and_crc > src.remaining() {
            return Err(src.truncated());
        }
        match &chunk_type {
            b"eXIf" => {
                let kept = src.read_prefix(u64::from(len), &mut prefix)?;
                src.skip(4)?;
                let facts = exif::read_facts(exif::without_prefix(&prefix[..kept]));
                findings.had_gps |= facts.has_gps;
                findings.removed(MetadataKind::Exif);
                if !orientation_done {
                    orientation_done = true;
                    if let Some(orientation) = exif::orientation_to_keep(&facts) {
                        write_chunk(out, b"eXIf", &exif::minimal_tiff(orientation))?;
                        findings.kept_orientation = Some(orientation);
                    }
                }
            }
            b"tEXt" | b"zTXt" | b"iTXt" => {
                let kept = src.read_prefix(u64::from(len).min(PREFIX_BYTES as u64), &mut prefix)?;
                let text = &prefix[..kept];
                let kind = text_kind(&chunk_type, text, findings);
                findings.had_gps |= exif::contains(text, XMP_GPS_NEEDLE);
                // The rest of a long XMP packet is searched as it streams past.
                let rest = u64::from(len) - kept as u64;
                findings.had_gps |= src.scan_for(rest, XMP_GPS_NEEDLE)?;
                src.skip(4)?;
                findings.removed(kind);
            }
            b"IEND" => {
                out.write_all(&header)?;
                src.copy(data_and_crc, out)?;
                return Ok(src.position());
            }
            _ => {
                out.write_all(&header)?;
                src.copy(data_and_crc, out)?;
            }
        }
    }
}

/// Names a text chunk from its keyword, reading GPS out of a raw EXIF profile.
fn text_kind(chunk_type: &[u8; 4], text: &[u8], findings: &mut Findings) -> MetadataKind {
    let keyword_end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
    let keyword = &text[..keyword_end];
    if keyword == b"XML:com.adobe.xmp" {
        return MetadataKind::Xmp;
    }
    if keyword.eq_ignore_ascii_case(b"Raw profile type exif") || keyword.eq_ignore_ascii_case(b"Raw profile type APP1")
    {
        // Plain tEXt only: a zTXt profile would need inflating just to look.
        if let (b"tEXt", Some(body)) = (chunk_type, text.get(keyword_end + 1..)) {
            let mut tiff = Vec::with_capacity(PREFIX_BYTES / 2);
            exif::decode_raw_profile(body, &mut tiff);
            findings.had_gps |= exif::read_facts(exif::without_prefix(&tiff)).has_gps;
        }
        return MetadataKind::Exif;
    }
    MetadataKind::Text
}

fn write_chunk(out: &mut dyn Write, chunk_type: &[u8; 4], data: &[u8]) -> Result<(), StripError> {
    out.write_all(&(data.len() as u32).to_be_bytes())?;
    out.write_all(chunk_type)?;
    out.write_all(data)?;
    let crc = crc32(crc32(!0, chunk_type), data);
    out.write_all(&(!crc).to_be_bytes())?;
    Ok(())
}

/// CRC-32 (ISO 3309, as PNG uses) over `bytes`, continuing from `crc`.
pub(super) fn crc32(mut crc: u32, bytes: &[u8]) -> u32 {
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                0xEDB8_8320 ^ (crc >> 1)
            } else {
                crc >> 1
            };
        }
    }
    crc
}

#[cfg(test)]
#[path = "png_tests.rs"]
mod tests;
