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

/// A JPEG carrying an EXIF block with a GPS position (latitude reference
/// "N") and Orientation 1: what a phone photo's location looks like to a
/// metadata stripper.
pub fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
    let plain = image_bytes(ImageFormat::Jpeg, width, height, 7);
    // TIFF, big-endian: IFD0 at 8 (Orientation, GPS IFD pointer), GPS IFD at 38.
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(&[0, 1]);
    tiff.extend_from_slice(&[0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    let mut segment = vec![0xFF, 0xE1];
    let length = u16::try_from(2 + 6 + tiff.len()).expect("small segment");
    segment.extend_from_slice(&length.to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    let mut bytes = plain[..2].to_vec(); // SOI
    bytes.extend_from_slice(&segment);
    bytes.extend_from_slice(&plain[2..]);
    bytes
}
