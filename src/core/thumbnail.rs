//! Small previews: decoded with limits, downscaled, EXIF orientation applied.
//!
//! JPEGs are decoded at 1/2–1/8 scale and resized with SIMD
//! (`thumbnail_jpeg.rs`); other formats, and JPEGs that path does not handle,
//! are decoded whole. Called by the worker off the UI thread; the UI only
//! uploads the finished RGBA buffer as a texture.

use crate::core::thumbnail_jpeg::jpeg_thumbnail;
use crate::core::validate::ValidationRules;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::Read;
use std::path::Path;

/// Longest side of a thumbnail, in pixels: the window draws them in a
/// 56-point square, so 128 px stays sharp on a 2× display. A quarter of the
/// bytes of 256 px, which counts with thousands of rows (64 KiB each).
pub const THUMBNAIL_SIDE_PX: u32 = 128;

/// Decoding never allocates more than this, whatever the header says.
const MAX_DECODE_ALLOC_BYTES: u64 = 512 * 1024 * 1024;

/// An RGBA8 preview, rows top to bottom.
#[derive(Clone, PartialEq, Eq)]
pub struct Thumbnail {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for Thumbnail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Thumbnail({}×{})", self.width, self.height)
    }
}

/// Decodes `path` (first frame for GIF and WebP), applies its EXIF orientation
/// and scales it to fit `side_px`. Errors are one readable sentence.
pub fn make_thumbnail(path: &Path, rules: &ValidationRules, side_px: u32) -> Result<Thumbnail, String> {
    if starts_like_jpeg(path)
        && let Ok(thumbnail) = jpeg_thumbnail(path, rules, side_px, MAX_DECODE_ALLOC_BYTES)
    {
        return Ok(thumbnail);
    }
    decode_whole(path, rules, side_px)
}

fn starts_like_jpeg(path: &Path) -> bool {
    let mut magic = [0u8; 3];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == [0xFF, 0xD8, 0xFF]
}

/// Any supported format: a full decode, orientation, then a downscale.
fn decode_whole(path: &Path, rules: &ValidationRules, side_px: u32) -> Result<Thumbnail, String> {
    let mut reader = ImageReader::open(path)
        .map_err(|e| format!("cannot open the file: {e}"))?
        .with_guessed_format()
        .map_err(|e| format!("cannot read the file: {e}"))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(rules.max_side_px);
    limits.max_image_height = Some(rules.max_side_px);
    limits.max_alloc = Some(MAX_DECODE_ALLOC_BYTES);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("cannot decode the image: {e}"))?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| format!("cannot decode the image: {e}"))?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    let small = if image.width() > side_px || image.height() > side_px {
        image.thumbnail(side_px, side_px)
    } else {
        image
    };
    let rgba = small.to_rgba8();
    Ok(Thumbnail {
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::write_image;
    use image::ImageFormat;

    /// The side the scaling tests use (the sizes below are for it).
    const TEST_SIDE: u32 = 256;

    #[test]
    fn a_large_image_is_scaled_to_fit_keeping_its_aspect() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_image(dir.path(), "wide.jpg", ImageFormat::Jpeg, 1024, 512);
        let thumb = make_thumbnail(&path, &ValidationRules::default(), TEST_SIDE).unwrap();
        assert_eq!((thumb.width, thumb.height), (256, 128));
        assert_eq!(thumb.rgba.len(), 256 * 128 * 4);
    }

    #[test]
    fn a_small_image_keeps_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_image(dir.path(), "small.webp", ImageFormat::WebP, 20, 10);
        let thumb = make_thumbnail(&path, &ValidationRules::default(), TEST_SIDE).unwrap();
        assert_eq!((thumb.width, thumb.height), (20, 10));
    }

    /// Mean absolute difference per channel between two equally sized thumbnails.
    fn mean_difference(a: &Thumbnail, b: &Thumbnail) -> f64 {
        assert_eq!((a.width, a.height), (b.width, b.height));
        let total: u64 = a.rgba.iter().zip(&b.rgba).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
        total as f64 / a.rgba.len() as f64
    }

    /// A smooth photo-like JPEG: a colour gradient (noise would make any two
    /// resamplers disagree pixel by pixel).
    fn gradient_jpeg(dir: &Path, width: u32, height: u32) -> std::path::PathBuf {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128])
        });
        let path = dir.join("gradient.jpg");
        image.save_with_format(&path, ImageFormat::Jpeg).unwrap();
        path
    }

    #[test]
    fn a_jpeg_scaled_on_load_looks_like_the_full_decode() {
        let dir = tempfile::tempdir().unwrap();
        let path = gradient_jpeg(dir.path(), 2400, 1600);
        let rules = ValidationRules::default();
        let fast = jpeg_thumbnail(&path, &rules, TEST_SIDE, MAX_DECODE_ALLOC_BYTES).unwrap();
        let full = decode_whole(&path, &rules, TEST_SIDE).unwrap();
        assert_eq!((fast.width, fast.height), (256, 171));
        let difference = mean_difference(&fast, &full);
        assert!(difference < 3.0, "mean difference {difference}");
        assert_eq!(make_thumbnail(&path, &rules, TEST_SIDE).unwrap(), fast);
    }

    #[test]
    fn the_exif_orientation_is_applied_to_the_scaled_jpeg() {
        let dir = tempfile::tempdir().unwrap();
        let plain = std::fs::read(gradient_jpeg(dir.path(), 800, 400)).unwrap();
        // Orientation 6: shown turned 90° clockwise, so tall.
        let tiff = crate::core::strip::test_exif_tiff(6);
        let mut rotated = plain[..2].to_vec();
        rotated.extend_from_slice(&[0xFF, 0xE1]);
        rotated.extend_from_slice(&u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
        rotated.extend_from_slice(b"Exif\0\0");
        rotated.extend_from_slice(&tiff);
        rotated.extend_from_slice(&plain[2..]);
        let path = dir.path().join("rotated.jpg");
        std::fs::write(&path, &rotated).unwrap();
        let rules = ValidationRules::default();
        let fast = jpeg_thumbnail(&path, &rules, TEST_SIDE, MAX_DECODE_ALLOC_BYTES).unwrap();
        assert_eq!((fast.width, fast.height), (128, 256));
        let full = decode_whole(&path, &rules, TEST_SIDE).unwrap();
        let difference = mean_difference(&fast, &full);
        assert!(difference < 3.0, "mean difference {difference}");
    }

    #[test]
    fn a_bomb_header_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.gif");
        std::fs::write(&path, crate::test_support::gif_bomb_header()).unwrap();
        assert!(make_thumbnail(&path, &ValidationRules::default(), TEST_SIDE).is_err());
    }
}
