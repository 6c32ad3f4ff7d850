//! JPEG: walks markers to the first scan, copies entropy-coded data through
//! the buffer (stuffed `FF 00` and restart markers are data), repeats for each
//! scan of a progressive image, and stops at the primary image's EOI.

use super::exif::{self, EXIF_PREFIX, XMP_GPS_NEEDLE};
use super::source::{Input, Source};
use super::{Findings, MetadataKind, StripError};
use std::io::Write;

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const COM: u8 = 0xFE;
const TEM: u8 = 0x01;

const XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXTENSION_ID: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";

/// What happens to a marker segment.
enum Fate {
    Keep,
    Drop(MetadataKind),
}

/// Copies the primary image to `out` without metadata; returns the offset
/// just past its EOI.
pub(super) fn walk<R: Input>(
    src: &mut Source<R>,
    out: &mut dyn Write,
    findings: &mut Findings,
) -> Result<u64, StripError> {
    if src.read_array::<2>()? != [0xFF, SOI] {
        return Err(src.malformed("no start-of-image marker"));
    }
    out.write_all(&[0xFF, SOI])?;
    // One segment at a time: its length field caps it at 64 KiB.
    let mut segment = vec![0u8; usize::from(u16::MAX)];
    let mut orientation_done = false;
    let mut next: Option<u8> = None;
    loop {
        let marker = match next.take() {
            Some(marker) => marker,
            None => next_marker(src, out)?,
        };
        match marker {
            EOI => {
                out.write_all(&[0xFF, EOI])?;
                return Ok(src.position());
            }
            SOI => return Err(src.malformed("a second start-of-image marker inside the image")),
            // Restart markers belong inside scan data (copied there); decoders
            // disagree on one outside it (standalone, or with a length).
            TEM | 0xD0..=0xD7 => return Err(src.malformed("a restart marker outside the image data")),
            _ => {
                let len = usize::from(u16::from_be_bytes(src.read_array::<2>()?));
                let Some(body_len) = len.checked_sub(2) else {
                    return Err(src.malformed("a segment length below 2"));
                };
                let body = &mut segment[..body_len];
                src.read_exact(body)?;
                match fate(marker, body, findings) {
                    Fate::Keep => {
                        out.write_all(&[0xFF, marker])?;
                        out.write_all(&(len as u16).to_be_bytes())?;
                        out.write_all(body)?;
                    }
                    Fate::Drop(MetadataKind::Exif) => {
                        let facts = exif::read_facts(exif::without_prefix(body));
                        findings.had_gps |= facts.has_gps;
                        findings.removed(MetadataKind::Exif);
                        // Only the first EXIF segment counts, as decoders read it.
                        if !orientation_done {
                            orientation_done = true;
                            if let Some(orientation) = exif::orientation_to_keep(&facts) {
                                write_minimal_exif(out, orientation)?;
                                findings.kept_orientation = Some(orientation);
                            }
                        }
                    }
                    Fate::Drop(kind) => findings.removed(kind),
                }
                if marker == SOS {
                    next = Some(copy_scan(src, out)?);
                }
            }
        }
    }
}

/// Reads up to the next marker and returns its code (not written yet),
/// reading junk between segments as libjpeg and zune-jpeg do: after an `FF`,
/// a run of `FF` and `00` bytes; the byte after the run is a marker when an
/// `FF` comes right before it, else junk (`FF 00 xx`). Junk bytes are copied
/// (some decoders read them as scan data) but never an `FF`, so junk on either
/// side of a dropped segment cannot join into a marker that was not there.
fn next_marker<R: Input>(src: &mut Source<R>, out: &mut dyn Write) -> Result<u8, StripError> {
    loop {
        let byte = src.read_u8()?;
        if byte != 0xFF {
            out.write_all(&[byte])?;
            continue;
        }
        let mut before = byte;
        let mut code = src.read_u8()?;
        while code == 0xFF || code == 0x00 {
            before = code;
            code = src.read_u8()?;
        }
        if before == 0xFF {
            return Ok(code);
        }
        out.write_all(&[code])?;
    }
}

/// Copies entropy-coded data up to the marker that ends it, and returns that
/// marker's code (not written yet). Stuffed `FF 00` and restart markers are
/// data and copied; `FF` fill bytes before the marker are dropped.
fn copy_scan<R: Input>(src: &mut Source<R>, out: &mut dyn Write) -> Result<u8, StripError> {
    loop {
        let buf = src.fill()?;
        // Scan data is most of a JPEG: stuffed bytes and restart markers
        // inside the buffer are passed over in place, so the data goes out in
        // large writes; anything else at an FF takes the byte-wise path below.
        let mut from = 0;
        let stop = loop {
            match memchr::memchr(0xFF, &buf[from..]) {
                None => break None,
                Some(offset) => {
                    let at = from + offset;
                    match buf.get(at + 1) {
                        Some(0x00 | 0xD0..=0xD7) => from = at + 2,
                        _ => break Some(at),
                    }
                }
            }
        };
        match stop {
            None => {
                let n = buf.len();
                out.write_all(buf)?;
                src.consume(n);
            }
            Some(at) => {
                out.write_all(&buf[..at])?;
                src.consume(at + 1);
                let mut code = src.read_u8()?;
                while code == 0xFF {
                    code = src.read_u8()?; // fill bytes before a marker
                }
                match code {
                    0x00 | 0xD0..=0xD7 => out.write_all(&[0xFF, code])?,
                    _ => return Ok(code),
                }
            }
        }
    }
}

fn fate(marker: u8, body: &[u8], findings: &mut Findings) -> Fate {
    let fate = match marker {
        0xE0 => Fate::Keep, // JFIF / JFXX
        0xE1 if body.starts_with(EXIF_PREFIX) => Fate::Drop(MetadataKind::Exif),
        0xE1 if body.starts_with(XMP_ID) || body.starts_with(XMP_EXTENSION_ID) => Fate::Drop(MetadataKind::Xmp),
        0xE2 if body.starts_with(b"ICC_PROFILE\0") => Fate::Keep,
        0xE2 if body.starts_with(b"MPF\0") => Fate::Drop(MetadataKind::MultiPicture),
        0xED => Fate::Drop(MetadataKind::Iptc),
        0xEE if body.starts_with(b"Adobe") => Fate::Keep, // colour transform: needed to decode
        0xE1..=0xEF => Fate::Drop(MetadataKind::Other),
        COM => Fate::Drop(MetadataKind::Comment),
        _ => Fate::Keep,
    };
    if let Fate::Drop(kind) = fate
        && kind != MetadataKind::Exif
        && exif::contains(body, XMP_GPS_NEEDLE)
    {
        findings.had_gps = true;
    }
    fate
}

/// APP1 `Exif\0\0` + a TIFF block holding only Orientation.
fn write_minimal_exif(out: &mut dyn Write, orientation: u16) -> Result<(), StripError> {
    let len = (2 + EXIF_PREFIX.len() + exif::MINIMAL_TIFF_LEN) as u16;
    out.write_all(&[0xFF, 0xE1])?;
    out.write_all(&len.to_be_bytes())?;
    out.write_all(EXIF_PREFIX)?;
    out.write_all(&exif::minimal_tiff(orientation))?;
    Ok(())
}

#[cfg(test)]
#[path = "jpeg_tests.rs"]
mod tests;
