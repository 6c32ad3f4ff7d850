use super::super::fixtures::*;
use super::super::{MetadataKind, StripError, primary_image_end, strip_metadata};
use crate::core::ImageKind;
use image::ImageFormat;
use image::metadata::Orientation;
use std::io::Cursor;

const FLAGS_AT: usize = 20; // RIFF header 12 + VP8X chunk header 8

/// Appends a chunk and keeps the RIFF size right.
fn append_chunk(webp: &mut Vec<u8>, fourcc: &[u8; 4], data: &[u8]) {
    webp.extend_from_slice(fourcc);
    webp.extend_from_slice(&(data.len() as u32).to_le_bytes());
    webp.extend_from_slice(data);
    if data.len() % 2 == 1 {
        webp.push(0);
    }
    let riff = (webp.len() - 8) as u32;
    webp[4..8].copy_from_slice(&riff.to_le_bytes());
}

fn with_exif_and_xmp(img: &image::RgbaImage, orientation: u16) -> Vec<u8> {
    let mut webp = encode(ImageFormat::WebP, img, Some(exif_tiff(orientation, false)));
    assert_eq!(&webp[12..16], b"VP8X");
    append_chunk(&mut webp, b"XMP ", XMP_WITH_GPS);
    webp[FLAGS_AT] |= 0x04;
    webp
}

fn riff_size(webp: &[u8]) -> usize {
    u32::from_le_bytes([webp[4], webp[5], webp[6], webp[7]]) as usize
}

#[test]
fn exif_and_xmp_go_and_the_header_is_corrected() {
    let img = picture(24, 20);
    let input = with_exif_and_xmp(&img, 6);
    assert_eq!(input[FLAGS_AT] & 0x2C, 0x2C, "ICC, EXIF and XMP flags set before");
    let (out, report) = strip(&input, ImageKind::Webp);

    assert!(report.had_gps);
    assert_eq!(report.removed, [MetadataKind::Exif, MetadataKind::Xmp]);
    assert_eq!(report.kept_orientation, Some(6));
    assert_no_location(&out);
    assert_eq!(riff_size(&out), out.len() - 8);
    assert_eq!(out[FLAGS_AT] & 0x2C, 0x28, "ICC and EXIF (minimal) kept, XMP cleared");
    let (orientation, icc, exif) = decoded_metadata(&out, ImageFormat::WebP);
    assert_eq!(orientation, Orientation::Rotate90);
    assert_eq!(icc.as_deref(), Some(FAKE_ICC));
    assert_eq!(exif.as_deref(), Some(&super::super::exif::minimal_tiff(6)[..]));
    assert_eq!(pixels(&out, ImageFormat::WebP), img.into_raw());
}

#[test]
fn without_an_orientation_the_exif_flag_is_cleared_too() {
    let img = picture(9, 7); // odd sizes: odd chunk lengths need padding
    let mut input = with_exif_and_xmp(&img, 1);
    input.extend_from_slice(b"bytes after the RIFF container");
    let (out, report) = strip(&input, ImageKind::Webp);
    assert_eq!(
        report.removed,
        [MetadataKind::Exif, MetadataKind::Xmp, MetadataKind::TrailingData]
    );
    assert_eq!(report.kept_orientation, None);
    assert!(!contains(&out, b"EXIF") && !contains(&out, b"XMP "));
    assert_eq!(out[FLAGS_AT] & 0x2C, 0x20);
    assert_eq!(riff_size(&out), out.len() - 8);
    let (orientation, icc, exif) = decoded_metadata(&out, ImageFormat::WebP);
    assert_eq!(
        (orientation, icc.as_deref(), exif),
        (Orientation::NoTransforms, Some(FAKE_ICC), None)
    );
    assert_eq!(pixels(&out, ImageFormat::WebP), img.into_raw());
}

#[test]
fn a_simple_webp_is_copied_unchanged() {
    let plain = crate::test_support::image_bytes(ImageFormat::WebP, 16, 16, 1);
    let (out, report) = strip(&plain, ImageKind::Webp);
    assert_eq!(out, plain);
    assert!(report.removed.is_empty() && !report.had_gps);
    assert_eq!(
        primary_image_end(&mut Cursor::new(&plain), ImageKind::Webp).unwrap(),
        plain.len() as u64
    );
}

#[test]
fn hostile_sizes_give_typed_errors() {
    let input = with_exif_and_xmp(&picture(8, 8), 6);
    let run = |bytes: &[u8]| strip_metadata(&mut Cursor::new(bytes), ImageKind::Webp, &mut Vec::new());
    let mut chunk_past_riff = input.clone();
    chunk_past_riff[16..20].copy_from_slice(&u32::MAX.to_le_bytes()); // VP8X size
    assert!(matches!(run(&chunk_past_riff), Err(StripError::Malformed { .. })));
    let cut = &input[..input.len() - 3];
    assert!(matches!(run(cut), Err(StripError::Truncated { .. })));
    assert!(matches!(run(&noise(500, 5)), Err(StripError::Malformed { .. })));
}

#[test]
fn a_kept_orientation_sets_the_exif_flag_even_if_it_was_missing() {
    let mut input = with_exif_and_xmp(&picture(8, 8), 8);
    input[FLAGS_AT] &= !0x08;
    let (out, report) = strip(&input, ImageKind::Webp);
    assert_eq!(report.kept_orientation, Some(8));
    assert_eq!(out[FLAGS_AT] & 0x0C, 0x08);
    assert_eq!(decoded_metadata(&out, ImageFormat::WebP).0, Orientation::Rotate270);
}
