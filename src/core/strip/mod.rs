//! Removes location and private metadata from an image without re-encoding it,
//! streaming from a reader to a writer with bounded memory.
//!
//! Each format has a walker (`jpeg.rs`, `png.rs`, `webp.rs`, `gif.rs`) that copies
//! the structures needed to decode the image through one fixed buffer and drops
//! the ones that describe the picture's origin (EXIF with GPS and maker notes,
//! XMP, IPTC, comments, JPEG multi-picture images, anything after the image's
//! end). The pixels are the same bytes before and after; the ICC profile is
//! kept, and an EXIF Orientation other than 1 is written back as a minimal EXIF
//! holding only that tag, so the picture still shows the right way up.
//!
//! Why not `img-parts`: it reads the whole file into memory (a 100 MB JPEG
//! would cost 100 MB+ per upload) and keeps everything after a JPEG's primary
//! end-of-image marker inside its scan segment, which is exactly where MPF
//! secondary images and motion-photo videos live; it has no GIF support either.
//! The walkers here hold at most one 64 KiB read buffer of a file (none for
//! an image already in memory) plus one JPEG segment (≤ 64 KiB) at a time,
//! never allocate from a length read from the file, and turn any damage into
//! a [`StripError`].

mod exif;
mod gif;
mod jpeg;
mod png;
mod source;
mod webp;

#[cfg(test)]
pub(crate) mod fixtures;

/// An EXIF TIFF block with `orientation` (and a GPS pointer), for other modules' tests.
#[cfg(test)]
pub(crate) fn test_exif_tiff(orientation: u16) -> Vec<u8> {
    fixtures::exif_tiff(orientation, true)
}

use crate::core::ImageKind;
use sha2::{Digest, Sha256};
use source::{Input, Source};
use std::fmt;
use std::io::{BufReader, BufWriter, Cursor, Read, Seek, Write};

/// A kind of metadata a strip removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetadataKind {
    /// EXIF (camera, dates, GPS, maker notes, thumbnail).
    Exif,
    /// XMP packets (incl. JPEG extended XMP).
    Xmp,
    /// IPTC / Photoshop resources (JPEG APP13).
    Iptc,
    /// JPEG COM segments and GIF comment extensions.
    Comment,
    /// PNG tEXt/zTXt/iTXt chunks other than XMP and raw EXIF profiles.
    Text,
    /// JPEG MPF (multi-picture) index; its images sit in the trailing data.
    MultiPicture,
    /// Bytes after the image's end (secondary images, motion-photo videos).
    TrailingData,
    /// Other application segments, chunks or extensions that decoding does not need.
    Other,
}

impl fmt::Display for MetadataKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Exif => "EXIF",
            Self::Xmp => "XMP",
            Self::Iptc => "IPTC",
            Self::Comment => "comments",
            Self::Text => "text chunks",
            Self::MultiPicture => "multi-picture index",
            Self::TrailingData => "data after the image",
            Self::Other => "other application data",
        })
    }
}

/// What a strip found and wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripReport {
    /// The input held a GPS position (EXIF GPS IFD, or `GPSLatitude` in XMP).
    pub had_gps: bool,
    /// Each kind of metadata removed, once, in the order first met.
    pub removed: Vec<MetadataKind>,
    /// The Orientation written back in a minimal EXIF (only when it was not 1).
    pub kept_orientation: Option<u16>,
    pub bytes_written: u64,
    /// SHA-256 of the bytes written, lowercase hex.
    pub sha256_hex: String,
}

/// Why an image could not be walked.
#[derive(Debug, thiserror::Error)]
pub enum StripError {
    #[error("the {kind} file is truncated: it ends before its image data does; upload a complete copy")]
    Truncated { kind: ImageKind },
    #[error("the {kind} file is damaged ({detail}); re-save it with an image editor and try again")]
    Malformed { kind: ImageKind, detail: &'static str },
    #[error("the image could not be read or written: {0}")]
    Io(#[from] std::io::Error),
}

/// What a walk learns on its way, turned into a [`StripReport`] at the end.
#[derive(Debug, Default)]
struct Findings {
    pub had_gps: bool,
    pub removed: Vec<MetadataKind>,
    pub kept_orientation: Option<u16>,
}

impl Findings {
    pub fn removed(&mut self, kind: MetadataKind) {
        if !self.removed.contains(&kind) {
            self.removed.push(kind);
        }
    }
}

/// Copies `input` (read from its start) to `out` without its metadata; see the
/// module documentation for what is removed and kept. On error, `out` may have
/// received part of the image and must be discarded.
pub fn strip_metadata<R: Read + Seek, W: Write>(
    input: &mut R,
    kind: ImageKind,
    out: &mut W,
) -> Result<StripReport, StripError> {
    let src = Source::new(BufReader::with_capacity(source::BUFFER_BYTES, input), kind)?;
    strip_with(
        src,
        BufWriter::with_capacity(source::BUFFER_BYTES, out),
        Some(Sha256::new()),
    )
}

/// [`strip_metadata`] for an image already in memory: the walk reads `input`
/// in place and writes straight to `out` (a `Vec` or a comparison, which need
/// no buffer), so each byte is copied once instead of three times.
pub fn strip_bytes<W: Write>(input: &[u8], kind: ImageKind, out: &mut W) -> Result<StripReport, StripError> {
    strip_with(Source::new(Cursor::new(input), kind)?, out, Some(Sha256::new()))
}

/// [`strip_bytes`] without the SHA-256 (`sha256_hex` is left empty): for
/// making again bytes whose hash is already known.
pub fn strip_bytes_unhashed<W: Write>(input: &[u8], kind: ImageKind, out: &mut W) -> Result<StripReport, StripError> {
    strip_with(Source::new(Cursor::new(input), kind)?, out, None)
}

fn strip_with<R: Input, W: Write>(
    mut src: Source<R>,
    out: W,
    hasher: Option<Sha256>,
) -> Result<StripReport, StripError> {
    let mut sink = HashingWriter {
        inner: out,
        hasher,
        written: 0,
    };
    let mut findings = Findings::default();
    walk(&mut src, &mut sink, &mut findings)?;
    sink.flush()?;
    Ok(StripReport {
        had_gps: findings.had_gps,
        removed: findings.removed,
        kept_orientation: findings.kept_orientation,
        bytes_written: sink.written,
        sha256_hex: sink
            .hasher
            .map(|hasher| hex::encode(hasher.finalize()))
            .unwrap_or_default(),
    })
}

/// Offset just past the primary image: a JPEG's end-of-image marker, a GIF's
/// trailer (0x3B), a PNG's IEND chunk, the end of a WebP's RIFF container.
/// `Err(StripError::Truncated)` when the file ends before it.
pub fn primary_image_end<R: Read + Seek>(input: &mut R, kind: ImageKind) -> Result<u64, StripError> {
    let mut src = Source::new(BufReader::with_capacity(source::BUFFER_BYTES, input), kind)?;
    walk(&mut src, &mut std::io::sink(), &mut Findings::default())
}

/// Runs the walker for the kind; returns the offset after the primary image.
fn walk<R: Input>(src: &mut Source<R>, out: &mut dyn Write, findings: &mut Findings) -> Result<u64, StripError> {
    let end = match src.kind() {
        ImageKind::Jpeg => jpeg::walk(src, out, findings)?,
        ImageKind::Png => png::walk(src, out, findings)?,
        ImageKind::Webp => webp::walk(src, out, findings)?,
        ImageKind::Gif => gif::walk(src, out, findings)?,
    };
    src.seek_to(end)?;
    if !src.at_end()? {
        findings.removed(MetadataKind::TrailingData);
    }
    Ok(end)
}

/// Counts and hashes what passes through, so the caller gets size and SHA-256
/// without a second pass.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Option<Sha256>,
    written: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(hasher) = &mut self.hasher {
            hasher.update(&buf[..n]);
        }
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
#[path = "strip_tests.rs"]
mod tests;
