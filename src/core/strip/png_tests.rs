use super::super::fixtures::*;
use super::super::{MetadataKind, StripError, primary_image_end, strip_metadata};
use crate::core::ImageKind;
use image::ImageFormat;
use image::metadata::Orientation;
use std::io::Cursor;

/// ImageMagick's hex form of an EXIF profile in a tEXt chunk.
fn raw_profile(tiff: &[u8]) -> Vec<u8> {
    let exif = [b"Exif\0\0", tiff].concat();
    let hex: String = exif.iter().map(|b| format!("{b:02x}")).collect();
    format!("Raw profile type exif\0\nexif\n{:8}\n{hex}\n", exif.len()).into_bytes()
}

fn itxt_xmp() -> Vec<u8> {
    [&b"XML:com.adobe.xmp\0\0\0\0\0"[..], XMP_WITH_GPS].concat()
}

#[test]
fn exif_text_and_xmp_go_while_icc_orientation_and_pixels_stay() {
    let img = picture(40, 30);
    let input = before_iend(
        &encode(ImageFormat::Png, &img, Some(exif_tiff(6, false))),
        &[
            chunk(b"tEXt", b"Comment\0taken at home"),
            chunk(b"iTXt", &itxt_xmp()),
            chunk(b"zTXt", b"Title\0\0compressed-looking bytes"),
        ],
    );
    assert!(contains(&input, b"eXIf") && contains(&input, CAMERA));
    let (out, report) = strip(&input, ImageKind::Png);

    assert!(report.had_gps);
    assert_eq!(
        report.removed,
        [MetadataKind::Exif, MetadataKind::Text, MetadataKind::Xmp]
    );
    assert_eq!(report.kept_orientation, Some(6));
    assert_no_location(&out);
    for chunk_type in [b"tEXt", b"iTXt", b"zTXt"] {
        assert!(!contains(&out, chunk_type));
    }
    let (orientation, icc, exif) = decoded_metadata(&out, ImageFormat::Png);
    assert_eq!(orientation, Orientation::Rotate90);
    assert_eq!(icc.as_deref(), Some(FAKE_ICC));
    assert_eq!(exif.as_deref(), Some(&super::super::exif::minimal_tiff(6)[..]));
    assert_eq!(pixels(&out, ImageFormat::Png), img.into_raw());
}

#[test]
fn gps_is_found_in_xmp_and_in_a_raw_exif_profile() {
    let img = picture(8, 8);
    let plain = encode(ImageFormat::Png, &img, None);
    for (text_chunk, kind) in [
        (chunk(b"iTXt", &itxt_xmp()), MetadataKind::Xmp),
        (chunk(b"tEXt", &raw_profile(&exif_tiff(3, true))), MetadataKind::Exif),
    ] {
        let (out, report) = strip(&before_iend(&plain, &[text_chunk]), ImageKind::Png);
        assert!(report.had_gps);
        assert_eq!(report.removed, [kind]);
        assert_eq!(out, plain);
    }
    let (out, report) = strip(&plain, ImageKind::Png);
    assert!(!report.had_gps && report.removed.is_empty());
    assert_eq!(out, plain);
}

#[test]
fn data_after_iend_is_dropped() {
    let plain = encode(ImageFormat::Png, &picture(8, 8), None);
    let input = [&plain[..], b"appended secrets"].concat();
    let (out, report) = strip(&input, ImageKind::Png);
    assert_eq!(out, plain);
    assert_eq!(report.removed, [MetadataKind::TrailingData]);
    assert_eq!(
        primary_image_end(&mut Cursor::new(&input), ImageKind::Png).unwrap(),
        plain.len() as u64
    );
}

#[test]
fn hostile_chunk_lengths_give_typed_errors_without_allocating() {
    let plain = encode(ImageFormat::Png, &picture(8, 8), None);
    let run = |bytes: &[u8]| strip_metadata(&mut Cursor::new(bytes), ImageKind::Png, &mut Vec::new());
    // A text chunk claiming 2 GiB - 1: skipped by seeking, refused as truncated.
    let mut huge = plain[..33].to_vec(); // signature + IHDR
    huge.extend_from_slice(&0x7FFF_FFFFu32.to_be_bytes());
    huge.extend_from_slice(b"tEXtComment\0x");
    assert!(matches!(run(&huge), Err(StripError::Truncated { .. })));
    // The same for a chunk that is copied.
    huge[37..41].copy_from_slice(b"IDAT");
    assert!(matches!(run(&huge), Err(StripError::Truncated { .. })));
    // Over the PNG limit of 2^31 - 1.
    huge[33..37].copy_from_slice(&0x8000_0000u32.to_be_bytes());
    assert!(matches!(run(&huge), Err(StripError::Malformed { .. })));
    // No IEND.
    assert!(matches!(
        run(&plain[..plain.len() - 12]),
        Err(StripError::Truncated { .. })
    ));
    assert!(matches!(run(&noise(1000, 3)), Err(StripError::Malformed { .. })));
}
