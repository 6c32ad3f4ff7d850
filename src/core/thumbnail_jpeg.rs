//! JPEG previews without a full decode: the decoder scales the DCT blocks
//! (1/2, 1/4 or 1/8 of each side, the smallest that still covers the
//! thumbnail), a SIMD resampler makes the last step, and the EXIF orientation
//! is applied to the small image only.

use crate::core::byte_reader::ByteReader;
use crate::core::thumbnail::Thumbnail;
use crate::core::validate::ValidationRules;
use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::metadata::Orientation;
use image::{DynamicImage, RgbaImage};
use jpeg_decoder::{Decoder, PixelFormat};
use std::path::Path;

/// Why the fast path gave up; the caller then decodes the usual way, which
/// also words the error for the user.
#[derive(Debug)]
pub(crate) struct NotHandled;

/// A thumbnail fitting `side_px` of the JPEG at `path`. RGB and greyscale
/// baseline or progressive JPEGs only; anything else is [`NotHandled`].
pub(crate) fn jpeg_thumbnail(
    path: &Path,
    rules: &ValidationRules,
    side_px: u32,
    max_alloc_bytes: u64,
) -> Result<Thumbnail, NotHandled> {
    let file = std::fs::File::open(path).map_err(|_| NotHandled)?;
    let mut decoder = Decoder::new(ByteReader::with_capacity(64 * 1024, file));
    decoder.read_info().map_err(|_| NotHandled)?;
    let info = decoder.info().ok_or(NotHandled)?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    if width > rules.max_side_px || height > rules.max_side_px || width == 0 || height == 0 {
        return Err(NotHandled);
    }
    let side = u16::try_from(side_px).unwrap_or(u16::MAX);
    let (scaled_w, scaled_h) = decoder.scale(side, side).map_err(|_| NotHandled)?;
    decoder.set_max_decoding_buffer_size(usize::try_from(max_alloc_bytes).unwrap_or(usize::MAX));
    let pixels = decoder.decode().map_err(|_| NotHandled)?;
    let pixel_type = match info.pixel_format {
        PixelFormat::RGB24 => PixelType::U8x3,
        PixelFormat::L8 => PixelType::U8,
        PixelFormat::L16 | PixelFormat::CMYK32 => return Err(NotHandled),
    };
    let (scaled_w, scaled_h) = (u32::from(scaled_w), u32::from(scaled_h));
    let source = Image::from_vec_u8(scaled_w, scaled_h, pixels, pixel_type).map_err(|_| NotHandled)?;
    let (thumb_w, thumb_h) = fit(scaled_w, scaled_h, side_px);
    let small = if (thumb_w, thumb_h) == (scaled_w, scaled_h) {
        source
    } else {
        let mut target = Image::new(thumb_w, thumb_h, pixel_type);
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
        Resizer::new()
            .resize(&source, &mut target, &options)
            .map_err(|_| NotHandled)?;
        target
    };
    let rgba = to_rgba(small.buffer(), pixel_type, thumb_w, thumb_h).ok_or(NotHandled)?;
    let mut image = DynamicImage::ImageRgba8(rgba);
    if let Some(orientation) = decoder.exif_data().and_then(Orientation::from_exif_chunk) {
        image.apply_orientation(orientation);
    }
    let rgba = image.into_rgba8();
    Ok(Thumbnail {
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
}

/// The size that fits `side_px` on both sides, keeping the aspect (never enlarged).
fn fit(width: u32, height: u32, side_px: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= side_px {
        return (width, height);
    }
    let scale = |n: u32| ((u64::from(n) * u64::from(side_px) + u64::from(longest) / 2) / u64::from(longest)).max(1);
    (
        u32::try_from(scale(width)).unwrap_or(side_px),
        u32::try_from(scale(height)).unwrap_or(side_px),
    )
}

fn to_rgba(buffer: &[u8], pixel_type: PixelType, width: u32, height: u32) -> Option<RgbaImage> {
    let rgba: Vec<u8> = match pixel_type {
        PixelType::U8x3 => buffer.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        PixelType::U8 => buffer.iter().flat_map(|&l| [l, l, l, 255]).collect(),
        _ => return None,
    };
    RgbaImage::from_raw(width, height, rgba)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_the_aspect_and_never_enlarges() {
        assert_eq!(fit(300, 200, 256), (256, 171));
        assert_eq!(fit(200, 300, 256), (171, 256));
        assert_eq!(fit(100, 50, 256), (100, 50));
        assert_eq!(fit(5000, 1, 256), (256, 1));
    }
}
