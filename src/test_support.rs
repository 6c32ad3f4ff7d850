//! Small generated images for tests, benchmarks and demos. Not part of the
//! public API.

use image::{ImageFormat, Rgba, RgbaImage};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// A deterministic gradient so encoded files differ by size and content.
fn gradient(width: u32, height: u32, seed: u8) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        Rgba([
            (x as u8).wrapping_add(seed),
            (y as u8).wrapping_mul(3),
            seed.wrapping_mul(7),
            255,
        ])
    })
}

/// Encodes a `width`×`height` test image in `format`.
pub fn image_bytes(format: ImageFormat, width: u32, height: u32, seed: u8) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let img = gradient(width, height, seed);
    let result = match format {
        ImageFormat::Jpeg => image::DynamicImage::ImageRgba8(img)
            .to_rgb8()
            .write_to(&mut out, format),
        _ => img.write_to(&mut out, format),
    };
    result.expect("encoding a small in-memory image cannot fail");
    out.into_inner()
}

/// Writes an image named `name` in `dir` and returns its path.
pub fn write_image(dir: &Path, name: &str, format: ImageFormat, width: u32, height: u32) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, image_bytes(format, width, height, name.len() as u8)).expect("write test image");
    path
}

/// A real 1×1 GIF whose header claims a 65535×65535 screen: a decompression
/// bomb's header (GIF has no checksum, so patching the size is enough).
pub fn gif_bomb_header() -> Vec<u8> {
    let mut bytes = image_bytes(ImageFormat::Gif, 1, 1, 0);
    bytes[6..8].copy_from_slice(&u16::MAX.to_le_bytes());
    bytes[8..10].copy_from_slice(&u16::MAX.to_le_bytes());
    bytes
}
