//! GIF: copies the header, colour tables, graphic-control and plain-text
//! extensions and image data (LZW sub-blocks copied as they are, never
//! decoded), drops comment extensions and application extensions other than
//! the looping ones (NETSCAPE2.0, ANIMEXTS1.0), and stops at the trailer.

use super::exif::XMP_GPS_NEEDLE;
use super::source::{Input, Source};
use super::{Findings, MetadataKind, StripError};
use std::io::Write;

const EXTENSION: u8 = 0x21;
const IMAGE: u8 = 0x2C;
const TRAILER: u8 = 0x3B;
const GRAPHIC_CONTROL: u8 = 0xF9;
const PLAIN_TEXT: u8 = 0x01;
const COMMENT: u8 = 0xFE;
const APPLICATION: u8 = 0xFF;

/// Copies the image to `out` without metadata; returns the offset after the
/// trailer.
pub(super) fn walk<R: Input>(
    src: &mut Source<R>,
    out: &mut dyn Write,
    findings: &mut Findings,
) -> Result<u64, StripError> {
    let header = src.read_array::<13>()?;
    if &header[..6] != b"GIF87a" && &header[..6] != b"GIF89a" {
        return Err(src.malformed("no GIF signature"));
    }
    out.write_all(&header)?;
    copy_color_table(src, out, header[10])?;
    loop {
        let introducer = src.read_u8()?;
        match introducer {
            TRAILER => {
                out.write_all(&[TRAILER])?;
                return Ok(src.position());
            }
            IMAGE => {
                let descriptor = src.read_array::<9>()?;
                out.write_all(&[IMAGE])?;
                out.write_all(&descriptor)?;
                copy_color_table(src, out, descriptor[8])?;
                let min_code_size = src.read_u8()?;
                out.write_all(&[min_code_size])?;
                sub_blocks(src, Some(&mut *out))?;
            }
            EXTENSION => extension(src, out, findings)?,
            _ => return Err(src.malformed("an unknown block between images")),
        }
    }
}

fn extension<R: Input>(src: &mut Source<R>, out: &mut dyn Write, findings: &mut Findings) -> Result<(), StripError> {
    let label = src.read_u8()?;
    match label {
        GRAPHIC_CONTROL | PLAIN_TEXT => {
            out.write_all(&[EXTENSION, label])?;
            sub_blocks(src, Some(&mut *out))?;
        }
        COMMENT => {
            findings.had_gps |= sub_blocks(src, None)?;
            findings.removed(MetadataKind::Comment);
        }
        APPLICATION => {
            let size = src.read_u8()?;
            let mut id = [0u8; 11];
            if size == 11 {
                src.read_exact(&mut id)?;
                if &id == b"NETSCAPE2.0" || &id == b"ANIMEXTS1.0" {
                    out.write_all(&[EXTENSION, label, size])?;
                    out.write_all(&id)?;
                    sub_blocks(src, Some(&mut *out))?;
                    return Ok(());
                }
            } else {
                src.skip(u64::from(size))?;
            }
            findings.had_gps |= sub_blocks(src, None)?;
            findings.removed(if &id == b"XMP DataXMP" {
                MetadataKind::Xmp
            } else {
                MetadataKind::Other
            });
        }
        _ => {
            sub_blocks(src, None)?;
            findings.removed(MetadataKind::Other);
        }
    }
    Ok(())
}

/// A global or local colour table, present when bit 7 of `flags` is set.
fn copy_color_table<R: Input>(src: &mut Source<R>, out: &mut dyn Write, flags: u8) -> Result<(), StripError> {
    if flags & 0x80 != 0 {
        src.copy(3 << ((flags & 0x07) + 1), out)?;
    }
    Ok(())
}

/// Walks data sub-blocks up to the zero-length terminator, copying them (with
/// their length bytes and the terminator) to `out`, or dropping them when `out`
/// is `None`. Tells whether dropped data mentioned a GPS position: an XMP
/// packet in GIF is stored raw, its length bytes being part of the text.
fn sub_blocks<R: Input>(src: &mut Source<R>, mut out: Option<&mut dyn Write>) -> Result<bool, StripError> {
    let mut gps = false;
    let mut tail: Vec<u8> = Vec::with_capacity(2 * XMP_GPS_NEEDLE.len() + 256);
    loop {
        let len = src.read_u8()?;
        match out.as_deref_mut() {
            Some(out) => {
                out.write_all(&[len])?;
                src.copy(u64::from(len), out)?;
            }
            None => {
                // Keep the last bytes of the previous block so a needle split
                // across blocks is still found.
                let keep_from = tail.len().saturating_sub(XMP_GPS_NEEDLE.len());
                tail.drain(..keep_from);
                tail.push(len);
                let start = tail.len();
                tail.resize(start + usize::from(len), 0);
                src.read_exact(&mut tail[start..])?;
                gps |= super::exif::contains(&tail, XMP_GPS_NEEDLE);
            }
        }
        if len == 0 {
            return Ok(gps);
        }
    }
}

#[cfg(test)]
#[path = "gif_tests.rs"]
mod tests;
