//! Small previews: decoded with limits, EXIF orientation applied, downscaled.
//!
//! Called by the worker off the UI thread; the UI only uploads the finished
//! RGBA buffer as a texture.

use crate::core::validate::ValidationRules;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::path::Path;

/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE_PX: u32 = 256;

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

    #[test]
    fn a_large_image_is_scaled_to_fit_keeping_its_aspect() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_image(dir.path(), "wide.jpg", ImageFormat::Jpeg, 1024, 512);
        let thumb = make_thumbnail(&path, &ValidationRules::default(), THUMBNAIL_SIDE_PX).unwrap();
        assert_eq!((thumb.width, thumb.height), (256, 128));
        assert_eq!(thumb.rgba.len(), 256 * 128 * 4);
    }

    #[test]
    fn a_small_image_keeps_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_image(dir.path(), "small.webp", ImageFormat::WebP, 20, 10);
        let thumb = make_thumbnail(&path, &ValidationRules::default(), THUMBNAIL_SIDE_PX).unwrap();
        assert_eq!((thumb.width, thumb.height), (20, 10));
    }

    #[test]
    fn a_bomb_header_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.gif");
        std::fs::write(&path, crate::test_support::gif_bomb_header()).unwrap();
        assert!(make_thumbnail(&path, &ValidationRules::default(), THUMBNAIL_SIDE_PX).is_err());
    }
}
