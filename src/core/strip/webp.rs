//! WebP: a RIFF container whose size comes first, so the walk makes two passes
//! over the chunk headers: one to decide what stays and sum its size, one to
//! copy. EXIF and `XMP ` chunks go (a minimal EXIF stays for an Orientation
//! other than 1), the VP8X flags are corrected to match.

use super::exif::{self, XMP_GPS_NEEDLE};
use super::source::{Input, Source};
use super::{Findings, MetadataKind, StripError};
use std::io::Write;

const VP8X_EXIF_FLAG: u8 = 0x08;
const VP8X_XMP_FLAG: u8 = 0x04;
/// How much of an EXIF chunk is read to find Orientation and GPS.
const PREFIX_BYTES: usize = 64 * 1024;

/// What happens to a chunk.
enum Fate {
    Keep,
    /// Replaced by a minimal EXIF chunk holding this Orientation.
    MinimalExif(u16),
    Drop(MetadataKind),
}

/// Copies the image to `out` without metadata; returns the offset after the
/// RIFF container.
pub(super) fn walk<R: Input>(
    src: &mut Source<R>,
    out: &mut dyn Write,
    findings: &mut Findings,
) -> Result<u64, StripError> {
    let header = src.read_array::<12>()?;
    if &header[..4] != b"RIFF" || &header[8..] != b"WEBP" {
        return Err(src.malformed("no RIFF WEBP header"));
    }
    let riff_len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    let riff_end = 8 + u64::from(riff_len);
    if riff_len < 4 {
        return Err(src.malformed("a RIFF size below 4"));
    }
    if riff_end > src.position() + src.remaining() {
        return Err(src.truncated());
    }
    let mut prefix = vec![0u8; PREFIX_BYTES];

    // Pass 1: decide, and add up what stays.
    let mut new_len: u64 = 4;
    let mut minimal_exif: Option<(u64, u16)> = None;
    let mut exif_seen = false;
    while let Some((fourcc, size)) = next_chunk(src, riff_end)? {
        let start = src.position();
        match decide(src, &fourcc, size, &mut prefix, &mut exif_seen, findings)? {
            Fate::Keep => new_len += 8 + padded(size),
            Fate::MinimalExif(orientation) => {
                new_len += 8 + padded(exif::MINIMAL_TIFF_LEN as u32);
                minimal_exif = Some((start, orientation));
                findings.kept_orientation = Some(orientation);
            }
            Fate::Drop(kind) => findings.removed(kind),
        }
        // Relative: a seek would drop the read buffer at every chunk.
        src.skip(start + padded(size) - src.position())?;
    }

    // Pass 2: copy. Only the chunk type decides now, and the one EXIF chunk
    // replaced by a minimal one is known by its offset: nothing is re-read.
    src.seek_to(12)?;
    let new_len = u32::try_from(new_len).map_err(|_| src.malformed("a RIFF size over 4 GiB"))?;
    out.write_all(b"RIFF")?;
    out.write_all(&new_len.to_le_bytes())?;
    out.write_all(b"WEBP")?;
    while let Some((fourcc, size)) = next_chunk(src, riff_end)? {
        let start = src.position();
        if let Some((_, orientation)) = minimal_exif.filter(|&(at, _)| at == start) {
            out.write_all(b"EXIF")?;
            out.write_all(&(exif::MINIMAL_TIFF_LEN as u32).to_le_bytes())?;
            out.write_all(&exif::minimal_tiff(orientation))?;
            src.skip(padded(size))?;
        } else if !is_kept(&fourcc) {
            src.skip(padded(size))?;
        } else if &fourcc == b"VP8X" {
            // The flags must match the chunks that are there.
            let mut flags = src.read_u8()? & !VP8X_XMP_FLAG;
            if minimal_exif.is_some() {
                flags |= VP8X_EXIF_FLAG;
            } else {
                flags &= !VP8X_EXIF_FLAG;
            }
            out.write_all(&fourcc)?;
            out.write_all(&size.to_le_bytes())?;
            out.write_all(&[flags])?;
            src.copy(padded(size) - 1, out)?;
        } else {
            out.write_all(&fourcc)?;
            out.write_all(&size.to_le_bytes())?;
            src.copy(padded(size), out)?;
        }
    }
    Ok(riff_end)
}

/// Chunks needed to decode: the image, its alpha, animation, colour profile.
fn is_kept(fourcc: &[u8; 4]) -> bool {
    matches!(
        fourcc,
        b"VP8X" | b"ICCP" | b"ANIM" | b"ANMF" | b"ALPH" | b"VP8 " | b"VP8L"
    )
}

fn padded(size: u32) -> u64 {
    u64::from(size) + u64::from(size & 1)
}

/// Reads the next chunk header, or `None` at the end of the container.
/// Leaves the position at the chunk's data, which is checked to fit.
fn next_chunk<R: Input>(src: &mut Source<R>, riff_end: u64) -> Result<Option<([u8; 4], u32)>, StripError> {
    if src.position() >= riff_end {
        return Ok(None);
    }
    if riff_end - src.position() < 8 {
        return Err(src.malformed("a chunk header cut short by the RIFF size"));
    }
    let header = src.read_array::<8>()?;
    let fourcc = [header[0], header[1], header[2], header[3]];
    let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    if src.position() + padded(size) > riff_end {
        return Err(src.malformed("a chunk that runs past the RIFF size"));
    }
    Ok(Some((fourcc, size)))
}

/// Decides a chunk's fate, reading into its data as needed (the position is
/// anywhere in the chunk afterwards). Called once per chunk, in pass 1.
fn decide<R: Input>(
    src: &mut Source<R>,
    fourcc: &[u8; 4],
    size: u32,
    prefix: &mut [u8],
    exif_seen: &mut bool,
    findings: &mut Findings,
) -> Result<Fate, StripError> {
    Ok(match fourcc {
        b"VP8X" if size == 0 => return Err(src.malformed("an empty VP8X chunk")),
        _ if is_kept(fourcc) => Fate::Keep,
        b"EXIF" => {
            let kept = src.read_prefix(u64::from(size), prefix)?;
            let facts = exif::read_facts(exif::without_prefix(&prefix[..kept]));
            findings.had_gps |= facts.has_gps;
            findings.removed(MetadataKind::Exif);
            let first = !std::mem::replace(exif_seen, true);
            match exif::orientation_to_keep(&facts) {
                Some(orientation) if first => Fate::MinimalExif(orientation),
                _ => Fate::Drop(MetadataKind::Exif),
            }
        }
        b"XMP " => {
            findings.had_gps |= src.scan_for(u64::from(size), XMP_GPS_NEEDLE)?;
            Fate::Drop(MetadataKind::Xmp)
        }
        _ => Fate::Drop(MetadataKind::Other),
    })
}

#[cfg(test)]
#[path = "webp_tests.rs"]
mod tests;
