//! Decides whether a file may be uploaded, from its metadata and its bytes.
//!
//! The size comes from the file system, the type from magic numbers and a
//! header decode: the name and any claimed type are never trusted, and no
//! more than the header is read.

use crate::core::config::UploadConfig;
use crate::core::gif_blocks::check_gif_has_an_image;
use crate::core::image_kind::{ImageKind, describe_kinds};
use crate::core::png_header::png_dimensions;
use image::{ImageFormat, ImageReader};
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};

/// The most of a JPEG read to find its dimensions.
pub const JPEG_HEADER_LIMIT_BYTES: u64 = 1024 * 1024;
/// What is read first, which holds the header of nearly every JPEG.
const JPEG_FIRST_TRY_BYTES: u64 = 64 * 1024;
use std::path::{Path, PathBuf};

/// Limits a file must meet.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationRules {
    pub max_size_bytes: u64,
    pub allowed: Vec<ImageKind>,
    pub max_side_px: u32,
    pub max_pixels: u64,
}

impl From<&UploadConfig> for ValidationRules {
    fn from(upload: &UploadConfig) -> Self {
        Self {
            max_size_bytes: upload.max_size_bytes(),
            allowed: upload.allowed_types.clone(),
            max_side_px: upload.max_side_px,
            max_pixels: u64::from(upload.max_megapixels) * 1_000_000,
        }
    }
}

impl Default for ValidationRules {
    fn default() -> Self {
        Self::from(&UploadConfig::default())
    }
}

/// A file that passed every check.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidatedImage {
    pub path: PathBuf,
    pub size_bytes: u64,
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
}

/// Why a file is not uploaded. Each message is one sentence a user can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the file does not exist (was it moved or deleted?)")]
    Missing,
    #[error("it is a folder, not an image file")]
    Directory,
    #[error("it is not a regular file (a pipe, device or socket), so it was not read")]
    NotRegularFile,
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
    #[error("the file is empty (0 bytes)")]
    Empty,
    #[error("it is {} but at most {} is allowed; raise \"Max file size\" in Settings to allow it", human_bytes(*size), human_bytes(*max))]
    TooLarge { size: u64, max: u64 },
    #[error("it is not an image: its contents are not JPEG, PNG, GIF or WebP whatever its name says")]
    NotAnImage,
    #[error("{found} images are not allowed; allowed types: {allowed}")]
    TypeNotAllowed { found: String, allowed: String },
    #[error("the {kind} header cannot be decoded (damaged or truncated file): {detail}")]
    BadHeader { kind: ImageKind, detail: String },
    #[error("the {kind} file is truncated: it ends before its data does")]
    Truncated { kind: ImageKind },
    #[error("it is {width}×{height} pixels, over the limit of {max_side} px a side and {max_megapixels} megapixels")]
    TooManyPixels {
        width: u32,
        height: u32,
        max_side: u32,
        max_megapixels: u64,
    },
}

impl Rejection {
    /// Whether checking the same file again can pass without the file's
    /// contents changing: it may come back, get readable permissions, finish
    /// being written, or the allowed size or types may be changed in Settings.
    /// A file that is not an image, or a broken one, stays rejected.
    pub fn may_pass_on_retry(&self) -> bool {
        match self {
            Self::Missing | Self::Unreadable(_) | Self::Empty | Self::TooLarge { .. } | Self::TypeNotAllowed { .. } => {
                true
            }
            Self::Directory
            | Self::NotRegularFile
            | Self::NotAnImage
            | Self::BadHeader { .. }
            | Self::Truncated { .. }
            | Self::TooManyPixels { .. } => false,
        }
    }
}

/// Checks `path` against `rules`, reading at most the image header and a few
/// trailing bytes. Never blocks on a FIFO or device: those are refused from
/// their metadata before any open.
pub fn validate(path: &Path, rules: &ValidationRules) -> Result<ValidatedImage, Rejection> {
    validate_kept_open(path, rules).map(|checked| checked.image)
}

/// [`validate`], handing back the file it read still open (see
/// [`validate_before_strip_kept_open`]).
pub fn validate_kept_open(path: &Path, rules: &ValidationRules) -> Result<CheckedFile, Rejection> {
    validate_reading(path, rules, true)
}

/// [`validate`] for a file that is stripped of its metadata next: a JPEG or
/// GIF is not walked to its end here, because the strip walks it anyway and
/// refuses a truncated or damaged one with the same [`Rejection`].
pub fn validate_before_strip(path: &Path, rules: &ValidationRules) -> Result<ValidatedImage, Rejection> {
    validate_before_strip_kept_open(path, rules).map(|checked| checked.image)
}

/// [`validate_before_strip`], handing back the file it read still open: its
/// bytes are then read from the very file that was checked, whatever the
/// path names by then, and without opening it again.
pub fn validate_before_strip_kept_open(path: &Path, rules: &ValidationRules) -> Result<CheckedFile, Rejection> {
    validate_reading(path, rules, false)
}

/// A file that passed every check, still open.
#[derive(Debug)]
pub struct CheckedFile {
    pub image: ValidatedImage,
    pub file: File,
    /// Read from the open file when it was checked.
    pub metadata: std::fs::Metadata,
}

fn validate_reading(path: &Path, rules: &ValidationRules, walk_to_end: bool) -> Result<CheckedFile, Rejection> {
    let metadata = std::fs::metadata(path).map_err(|e| io_rejection(&e))?;
    if metadata.is_dir() {
        return Err(Rejection::Directory);
    }
    if !metadata.is_file() {
        return Err(Rejection::NotRegularFile);
    }
    let size_bytes = metadata.len();
    if size_bytes == 0 {
        return Err(Rejection::Empty);
    }
    if size_bytes > rules.max_size_bytes {
        return Err(Rejection::TooLarge {
            size: size_bytes,
            max: rules.max_size_bytes,
        });
    }
    let mut file = File::open(path).map_err(|e| io_rejection(&e))?;
    // The path may have been swapped for something else since `metadata`.
    let metadata = file.metadata().map_err(|e| io_rejection(&e))?;
    if !metadata.is_file() {
        return Err(Rejection::NotRegularFile);
    }
    let reader = ImageReader::new(BufReader::new(&mut file))
        .with_guessed_format()
        .map_err(|e| io_rejection(&e))?;
    let format = reader.format().ok_or(Rejection::NotAnImage)?;
    let kind = ImageKind::from_format(format).ok_or_else(|| Rejection::TypeNotAllowed {
        found: format!("{format:?}").to_uppercase(),
        allowed: describe_kinds(&rules.allowed),
    })?;
    if !rules.allowed.contains(&kind) {
        return Err(Rejection::TypeNotAllowed {
            found: kind.to_string(),
            allowed: describe_kinds(&rules.allowed),
        });
    }
    let (width, height) = header_dimensions(reader, kind)?;
    if width == 0 || height == 0 {
        // image-webp reports a 16384 px VP8L side as 0: never a real image.
        return Err(Rejection::BadHeader {
            kind,
            detail: format!("it claims a size of {width}×{height} pixels"),
        });
    }
    check_dimensions(width, height, rules)?;
    if walk_to_end || !matches!(kind, ImageKind::Jpeg | ImageKind::Gif) {
        check_not_truncated(&mut file, kind, size_bytes)?;
    }
    Ok(CheckedFile {
        image: ValidatedImage {
            path: path.to_owned(),
            size_bytes,
            kind,
            width,
            height,
        },
        file,
        metadata,
    })
}

/// Refuses an image whose sides or pixel count are over the limits: a
/// decompression bomb from a header, or pasted pixels before they are encoded.
pub fn check_dimensions(width: u32, height: u32, rules: &ValidationRules) -> Result<(), Rejection> {
    let pixels = u64::from(width) * u64::from(height);
    if width > rules.max_side_px || height > rules.max_side_px || pixels > rules.max_pixels {
        return Err(Rejection::TooManyPixels {
            width,
            height,
            max_side: rules.max_side_px,
            max_megapixels: rules.max_pixels / 1_000_000,
        });
    }
    Ok(())
}

/// Reads the image header for its dimensions. PNG's comes from its first
/// chunk (`png_header.rs`); the GIF and WebP decoders read only as far as they need; the JPEG decoder would read the whole file,
/// so it gets at most [`JPEG_HEADER_LIMIT_BYTES`] (a header lies well within it:
/// APPn segments before it are at most 64 KiB each).
fn header_dimensions<R: Read + Seek>(
    reader: ImageReader<BufReader<R>>,
    kind: ImageKind,
) -> Result<(u32, u32), Rejection> {
    let bad_header = |e: image::ImageError| Rejection::BadHeader {
        kind,
        // Decoder messages may end in a newline.
        detail: e.to_string().trim_end().to_owned(),
    };
    if kind == ImageKind::Gif {
        // Walked on the file already open: reopening by path could meet a FIFO swapped in.
        let mut file = reader.into_inner();
        check_gif_has_an_image(&mut file)?;
        file.seek(SeekFrom::Start(0)).map_err(|e| io_rejection(&e))?;
        return ImageReader::with_format(file, ImageFormat::Gif)
            .into_dimensions()
            .map_err(bad_header);
    }
    if kind == ImageKind::Png {
        let mut file = reader.into_inner();
        file.seek(SeekFrom::Start(0)).map_err(|e| io_rejection(&e))?;
        return png_dimensions(&mut file).map_err(|detail| Rejection::BadHeader {
            kind,
            detail: detail.to_owned(),
        });
    }
    if kind != ImageKind::Jpeg {
        return reader.into_dimensions().map_err(bad_header);
    }
    // Most headers sit in the first 64 KiB; only when that is not enough is
    // the prefix read up to the limit (large EXIF thumbnails, ICC profiles).
    let mut file = reader.into_inner();
    let mut prefix = Vec::new();
    (&mut file)
        .take(JPEG_FIRST_TRY_BYTES)
        .read_to_end(&mut prefix)
        .map_err(|e| io_rejection(&e))?;
    if prefix.len() as u64 == JPEG_FIRST_TRY_BYTES
        && let Ok(found) = ImageReader::with_format(Cursor::new(&prefix), ImageFormat::Jpeg).into_dimensions()
    {
        return Ok(found);
    }
    file.take(JPEG_HEADER_LIMIT_BYTES - prefix.len() as u64)
        .read_to_end(&mut prefix)
        .map_err(|e| io_rejection(&e))?;
    // zune-jpeg reports running out of bytes as a format error, not an I/O
    // one: whether the prefix was cut short is known from its length alone.
    let cut_at_limit = prefix.len() as u64 == JPEG_HEADER_LIMIT_BYTES;
    ImageReader::with_format(Cursor::new(prefix), ImageFormat::Jpeg)
        .into_dimensions()
        .map_err(|e| {
            if cut_at_limit {
                Rejection::BadHeader {
                    kind,
                    detail: format!("no frame header in the first {}", human_bytes(JPEG_HEADER_LIMIT_BYTES)),
                }
            } else {
                bad_header(e)
            }
        })
}

/// End-of-file checks: a WebP's RIFF header states its length and a PNG ends
/// with an IEND chunk (both cheap); a JPEG's primary image must reach its EOI
/// and a GIF its trailer, found by walking the file through a fixed buffer
/// (linear time, bounded memory). Data after a JPEG's EOI or a GIF's trailer
/// (MPF images, motion-photo videos) is legitimate and not rejected.
fn check_not_truncated(file: &mut File, kind: ImageKind, size_bytes: u64) -> Result<(), Rejection> {
    // The header decode left the file anywhere: PNG's check seeks from the
    // end, and a JPEG or GIF walk from the start (`strip::Source`) itself.
    let truncated = match kind {
        ImageKind::Webp => {
            file.seek(SeekFrom::Start(0)).map_err(|e| io_rejection(&e))?;
            let mut header = [0u8; 8];
            file.read_exact(&mut header).map_err(|e| io_rejection(&e))?;
            let riff_len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
            u64::from(riff_len) + 8 > size_bytes
        }
        ImageKind::Png => {
            const IEND: [u8; 12] = [0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82];
            let mut tail = [0u8; 12];
            // A file shorter than 12 bytes fails the seek (and never gets
            // here: its header was decoded).
            file.seek(SeekFrom::End(-12)).is_err() || file.read_exact(&mut tail).is_err() || tail != IEND
        }
        ImageKind::Jpeg | ImageKind::Gif => match crate::core::strip::primary_image_end(file, kind) {
            Ok(_) => false,
            Err(crate::core::strip::StripError::Truncated { .. }) => true,
            Err(crate::core::strip::StripError::Malformed { detail, .. }) => {
                return Err(Rejection::BadHeader {
                    kind,
                    detail: detail.to_owned(),
                });
            }
            Err(crate::core::strip::StripError::Io(e)) => return Err(io_rejection(&e)),
        },
    };
    if truncated {
        Err(Rejection::Truncated { kind })
    } else {
        Ok(())
    }
}

pub(crate) fn io_rejection(error: &std::io::Error) -> Rejection {
    match error.kind() {
        std::io::ErrorKind::NotFound => Rejection::Missing,
        std::io::ErrorKind::PermissionDenied => {
            Rejection::Unreadable("permission denied; check the file's permissions".into())
        }
        _ => Rejection::Unreadable(error.to_string()),
    }
}

/// `5.0 MiB`, `812 KiB`, `17 bytes`: binary units, labelled as such, because
/// the size limit (`max_size_mb`) counts in MiB (5 MiB = 5,242,880 bytes).
pub fn human_bytes(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB * KIB {
        format!("{:.1} GiB", b / (KIB * KIB * KIB))
    } else if b >= KIB * KIB {
        format!("{:.1} MiB", b / (KIB * KIB))
    } else if b >= KIB {
        format!("{:.0} KiB", b / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
