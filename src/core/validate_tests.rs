use super::*;
use crate::test_support::{gif_bomb_header, image_bytes, write_image};
use image::ImageFormat;
use std::path::Path;

fn rules() -> ValidationRules {
    ValidationRules::default()
}

#[test]
fn each_allowed_type_is_detected_from_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for (format, kind) in [
        (ImageFormat::Jpeg, ImageKind::Jpeg),
        (ImageFormat::Png, ImageKind::Png),
        (ImageFormat::Gif, ImageKind::Gif),
        (ImageFormat::WebP, ImageKind::Webp),
    ] {
        // The extension lies on purpose: only the bytes count.
        let path = write_image(dir.path(), &format!("{kind}.txt"), format, 40, 30);
        let image = validate(&path, &rules()).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!((image.kind, image.width, image.height), (kind, 40, 30));
        assert_eq!(image.size_bytes, std::fs::metadata(&path).unwrap().len());
    }
}

#[test]
fn a_text_file_named_jpg_is_not_an_image() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.jpg");
    std::fs::write(&path, "just some text, not a photo\n").unwrap();
    assert_eq!(validate(&path, &rules()), Err(Rejection::NotAnImage));
}

#[test]
fn an_empty_file_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.png");
    std::fs::write(&path, b"").unwrap();
    assert_eq!(validate(&path, &rules()), Err(Rejection::Empty));
}

#[test]
fn a_file_over_the_limit_is_rejected_from_metadata_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jpg");
    // A sparse 6 MB file: rejecting it must not need to read it.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(6 * 1024 * 1024).unwrap();
    let err = validate(&path, &rules()).unwrap_err();
    assert!(matches!(err, Rejection::TooLarge { .. }));
    assert_eq!(
        err.to_string(),
        "it is 6.0 MiB but at most 5.0 MiB is allowed; raise \"Max file size\" in Settings to allow it"
    );
}

#[test]
fn a_type_that_is_not_allowed_names_the_allowed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let bmp = dir.path().join("a.bmp");
    std::fs::write(&bmp, b"BM\x46\0\0\0\0\0\0\0\x36\0\0\0").unwrap();
    let err = validate(&bmp, &rules()).unwrap_err();
    assert!(matches!(err, Rejection::TypeNotAllowed { .. }), "{err}");
    assert!(err.to_string().contains("JPEG, PNG, GIF or WebP"), "{err}");

    let only_png = ValidationRules {
        allowed: vec![ImageKind::Png],
        ..rules()
    };
    let gif = write_image(dir.path(), "a.gif", ImageFormat::Gif, 4, 4);
    assert_eq!(
        validate(&gif, &only_png),
        Err(Rejection::TypeNotAllowed {
            found: "GIF".into(),
            allowed: "PNG".into()
        })
    );
}

#[test]
fn a_damaged_header_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.png");
    let mut bytes = image_bytes(ImageFormat::Png, 8, 8, 1);
    bytes.truncate(20); // magic number intact, IHDR cut off
    std::fs::write(&path, &bytes).unwrap();
    assert!(matches!(validate(&path, &rules()), Err(Rejection::BadHeader { .. })));
}

#[test]
fn a_truncated_png_or_webp_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    for (name, format) in [("cut.png", ImageFormat::Png), ("cut.webp", ImageFormat::WebP)] {
        let mut bytes = image_bytes(format, 64, 64, 2);
        bytes.truncate(bytes.len() - 5);
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        assert!(
            matches!(validate(&path, &rules()), Err(Rejection::Truncated { .. })),
            "{name}"
        );
        // The strip that follows this check walks only JPEG and GIF.
        assert!(
            matches!(validate_before_strip(&path, &rules()), Err(Rejection::Truncated { .. })),
            "{name} before a strip"
        );
    }
}

#[test]
fn a_decompression_bomb_header_is_rejected_without_decoding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.gif");
    std::fs::write(&path, gif_bomb_header()).unwrap();
    let err = validate(&path, &rules()).unwrap_err();
    assert!(matches!(err, Rejection::TooManyPixels { width: 65535, .. }), "{err:?}");
}

#[test]
fn dimension_limits_are_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_image(dir.path(), "wide.png", ImageFormat::Png, 300, 10);
    let tight = ValidationRules {
        max_side_px: 256,
        ..rules()
    };
    assert!(matches!(validate(&path, &tight), Err(Rejection::TooManyPixels { .. })));
}

#[test]
fn folders_and_missing_files_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(validate(dir.path(), &rules()), Err(Rejection::Directory));
    assert_eq!(
        validate(&dir.path().join("gone.png"), &rules()),
        Err(Rejection::Missing)
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_rejected_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pipe.jpg");
    let status = std::process::Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(status.success());
    assert_eq!(validate(&path, &rules()), Err(Rejection::NotRegularFile));
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = write_image(dir.path(), "locked.png", ImageFormat::Png, 4, 4);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&path).is_ok() {
        return; // running as root: permissions do not stop reads
    }
    assert!(matches!(validate(&path, &rules()), Err(Rejection::Unreadable(_))));
}

#[test]
fn human_bytes_labels_binary_units_as_such() {
    assert_eq!(human_bytes(17), "17 bytes");
    assert_eq!(human_bytes(1023), "1023 bytes");
    assert_eq!(human_bytes(1024), "1 KiB");
    assert_eq!(human_bytes(2048), "2 KiB");
    assert_eq!(human_bytes(1024 * 1024 - 1), "1024 KiB");
    assert_eq!(human_bytes(1024 * 1024), "1.0 MiB");
    assert_eq!(human_bytes(5 * 1024 * 1024), "5.0 MiB");
    // 5,629,019 bytes is 5.6 MB but 5.4 MiB: the label must say which.
    assert_eq!(human_bytes(5_629_019), "5.4 MiB");
    assert_eq!(human_bytes(1024 * 1024 * 1024 - 1), "1024.0 MiB");
    assert_eq!(human_bytes(1024 * 1024 * 1024), "1.0 GiB");
    assert_eq!(human_bytes(10 * 1024 * 1024 * 1024), "10.0 GiB");
}

/// A valid JPEG whose frame header sits after `padding` bytes of APP15 segments.
fn jpeg_with_leading_segments(padding: usize) -> Vec<u8> {
    let jpeg = image_bytes(ImageFormat::Jpeg, 16, 16, 3);
    let mut out = jpeg[..2].to_vec(); // SOI
    let mut left = padding;
    while left > 0 {
        let len = left.min(65_533);
        out.extend_from_slice(&[0xFF, 0xEF]);
        out.extend_from_slice(&((len + 2) as u16).to_be_bytes());
        out.extend(std::iter::repeat_n(0u8, len));
        left -= len;
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn a_jpeg_is_measured_from_its_first_megabyte_only() {
    let dir = tempfile::tempdir().unwrap();
    let near = dir.path().join("near.jpg");
    std::fs::write(&near, jpeg_with_leading_segments(512 * 1024)).unwrap();
    let image = validate(&near, &rules()).unwrap();
    assert_eq!((image.width, image.height), (16, 16));

    // Same image, header beyond the limit: refused, which shows nothing past
    // the first megabyte was read.
    let far = dir.path().join("far.jpg");
    std::fs::write(&far, jpeg_with_leading_segments(1100 * 1024)).unwrap();
    assert_eq!(
        validate(&far, &rules()),
        Err(Rejection::BadHeader {
            kind: ImageKind::Jpeg,
            detail: "no frame header in the first 1.0 MiB".into()
        })
    );
}

#[test]
fn a_jpeg_header_that_is_damaged_rather_than_far_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.jpg");
    // SOI, then a frame header (SOF0) that claims zero colour components.
    let bytes = [
        0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x10, 0x00, 0x10, 0x00, 0x01, 0x11, 0x00, 0xFF, 0xD9,
    ];
    std::fs::write(&path, bytes).unwrap();
    let err = validate(&path, &rules()).unwrap_err();
    let Rejection::BadHeader { kind, detail } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*kind, ImageKind::Jpeg);
    assert!(!detail.contains("no frame header"), "{detail}");
    assert!(!detail.is_empty());
}

/// A real 1×1 GIF whose logical screen claims `width`×`height`: GIF has no
/// checksum, so patching the header is enough to fake any size cheaply.
fn gif_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = image_bytes(ImageFormat::Gif, 1, 1, 0);
    bytes[6..8].copy_from_slice(&width.to_le_bytes());
    bytes[8..10].copy_from_slice(&height.to_le_bytes());
    bytes
}

fn too_many_pixels(width: u32, height: u32, max_side: u32, max_megapixels: u64) -> Result<(u32, u32), Rejection> {
    Err(Rejection::TooManyPixels {
        width,
        height,
        max_side,
        max_megapixels,
    })
}

fn dimensions(path: &Path, rules: &ValidationRules) -> Result<(u32, u32), Rejection> {
    validate(path, rules).map(|image| (image.width, image.height))
}

#[test]
fn rules_come_from_the_upload_settings_in_mib_and_megapixels() {
    let upload = UploadConfig {
        max_size_mb: 3,
        max_side_px: 777,
        max_megapixels: 7,
        allowed_types: vec![ImageKind::Gif],
        ..UploadConfig::default()
    };
    assert_eq!(
        ValidationRules::from(&upload),
        ValidationRules {
            max_size_bytes: 3 * 1024 * 1024,
            allowed: vec![ImageKind::Gif],
            max_side_px: 777,
            max_pixels: 7_000_000,
        }
    );
    assert_eq!(rules().max_size_bytes, 5_242_880);
    assert_eq!(rules().max_pixels, 100_000_000);
}

#[test]
fn a_file_of_exactly_the_size_limit_passes_and_one_byte_more_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_image(dir.path(), "exact.png", ImageFormat::Png, 16, 16);
    let size = std::fs::metadata(&path).unwrap().len();
    let exact = ValidationRules {
        max_size_bytes: size,
        ..rules()
    };
    assert_eq!(validate(&path, &exact).map(|image| image.size_bytes), Ok(size));
    let one_less = ValidationRules {
        max_size_bytes: size - 1,
        ..rules()
    };
    assert_eq!(
        validate(&path, &one_less),
        Err(Rejection::TooLarge { size, max: size - 1 })
    );
}

#[test]
fn the_default_limit_takes_exactly_5_mib() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zeros.png");
    let file = std::fs::File::create(&path).unwrap();
    // Exactly 5 MiB gets past the size check (and fails on its bytes)...
    file.set_len(5 * 1024 * 1024).unwrap();
    assert_eq!(validate(&path, &rules()), Err(Rejection::NotAnImage));
    // ...one byte more does not.
    file.set_len(5 * 1024 * 1024 + 1).unwrap();
    assert_eq!(
        validate(&path, &rules()),
        Err(Rejection::TooLarge {
            size: 5_242_881,
            max: 5_242_880
        })
    );
}

#[test]
fn a_side_of_exactly_the_limit_passes_and_one_pixel_more_fails_for_width_and_height() {
    let dir = tempfile::tempdir().unwrap();
    let wide = write_image(dir.path(), "wide.png", ImageFormat::Png, 40, 30);
    let tall = write_image(dir.path(), "tall.png", ImageFormat::Png, 30, 40);
    let exact = ValidationRules {
        max_side_px: 40,
        ..rules()
    };
    let under = ValidationRules {
        max_side_px: 39,
        ..rules()
    };
    assert_eq!(dimensions(&wide, &exact), Ok((40, 30)));
    assert_eq!(dimensions(&tall, &exact), Ok((30, 40)));
    assert_eq!(dimensions(&wide, &under), too_many_pixels(40, 30, 39, 100));
    assert_eq!(dimensions(&tall, &under), too_many_pixels(30, 40, 39, 100));
}

#[test]
fn a_pixel_count_of_exactly_the_limit_passes_and_one_over_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_image(dir.path(), "small.png", ImageFormat::Png, 40, 30);
    let exact = ValidationRules {
        max_pixels: 1200,
        ..rules()
    };
    assert_eq!(dimensions(&path, &exact), Ok((40, 30)));
    let under = ValidationRules {
        max_pixels: 1199,
        ..rules()
    };
    assert_eq!(dimensions(&path, &under), too_many_pixels(40, 30, 16_384, 0));
    let three_megapixels = ValidationRules {
        max_pixels: 3_999_999,
        ..rules()
    };
    let wide = dir.path().join("wide.gif");
    std::fs::write(&wide, gif_claiming(4000, 1000)).unwrap();
    assert_eq!(
        dimensions(&wide, &three_megapixels),
        too_many_pixels(4000, 1000, 16_384, 3)
    );
}

#[test]
fn default_limits_catch_a_bomb_by_pixel_count_or_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // 100.02 megapixels, both sides within 16384: only the pixel count catches it.
        ((10_001, 10_001), too_many_pixels(10_001, 10_001, 16_384, 100)),
        ((9_000, 9_000), Ok((9_000, 9_000))),
        ((10_000, 10_000), Ok((10_000, 10_000))),
        // One long side, few pixels: only the side limit catches it.
        ((16_384, 1), Ok((16_384, 1))),
        ((16_385, 1), too_many_pixels(16_385, 1, 16_384, 100)),
        ((1, 16_385), too_many_pixels(1, 16_385, 16_384, 100)),
    ];
    for ((width, height), expected) in cases {
        let path = dir.path().join(format!("{width}x{height}.gif"));
        std::fs::write(&path, gif_claiming(width as u16, height as u16)).unwrap();
        assert_eq!(dimensions(&path, &rules()), expected, "{width}×{height}");
    }
}

#[test]
fn check_dimensions_applies_the_same_limits_without_a_file() {
    assert_eq!(check_dimensions(16_384, 6_103, &rules()), Ok(()));
    assert_eq!(
        check_dimensions(16_384, 6_104, &rules()),
        Err(Rejection::TooManyPixels {
            width: 16_384,
            height: 6_104,
            max_side: 16_384,
            max_megapixels: 100
        })
    );
    let err = check_dimensions(20_000, 20_000, &rules()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "it is 20000×20000 pixels, over the limit of 16384 px a side and 100 megapixels"
    );
}

#[test]
fn io_errors_become_one_sentence_rejections() {
    use std::io::{Error, ErrorKind};
    assert_eq!(io_rejection(&Error::from(ErrorKind::NotFound)), Rejection::Missing);
    assert_eq!(
        io_rejection(&Error::from(ErrorKind::PermissionDenied)),
        Rejection::Unreadable("permission denied; check the file's permissions".into())
    );
    assert_eq!(
        io_rejection(&Error::other("disk on fire")),
        Rejection::Unreadable("disk on fire".into())
    );
}

#[test]
fn a_gif_is_walked_past_its_extensions_to_its_first_image() {
    let dir = tempfile::tempdir().unwrap();
    let gif = image_bytes(ImageFormat::Gif, 4, 4, 5);
    let after_table = 13 + 3 * (2usize << (gif[10] & 7)) * usize::from(gif[10] >> 7);
    let mut with_extensions = gif[..after_table].to_vec();
    // A comment in two sub-blocks and an application extension (NETSCAPE loop).
    with_extensions.extend_from_slice(&[0x21, 0xFE, 3, b'a', b'b', b'c', 2, b'd', b'e', 0]);
    with_extensions.extend_from_slice(&[0x21, 0xFF, 11]);
    with_extensions.extend_from_slice(b"NETSCAPE2.0");
    with_extensions.extend_from_slice(&[3, 1, 0, 0, 0]);
    with_extensions.extend_from_slice(&gif[after_table..]);
    let path = dir.path().join("extended.gif");
    std::fs::write(&path, &with_extensions).unwrap();
    assert_eq!(validate(&path, &rules()).map(|i| (i.width, i.height)), Ok((4, 4)));

    // The same with its image replaced by text after the extensions.
    let mut polyglot = with_extensions[..with_extensions.len() - (gif.len() - after_table)].to_vec();
    polyglot.extend_from_slice(b"<script>alert(1)</script>");
    std::fs::write(&path, &polyglot).unwrap();
    assert_eq!(
        validate(&path, &rules()),
        Err(Rejection::BadHeader {
            kind: ImageKind::Gif,
            detail: "what follows its header is not GIF data".into()
        })
    );
}

#[test]
fn a_header_error_has_no_trailing_newline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.jpg");
    std::fs::write(&path, &image_bytes(ImageFormat::Jpeg, 16, 16, 3)[..40]).unwrap();
    let err = validate(&path, &rules()).unwrap_err();
    assert!(
        matches!(
            err,
            Rejection::BadHeader {
                kind: ImageKind::Jpeg,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.to_string().trim_end(), err.to_string());
}

#[test]
fn a_header_claiming_zero_width_or_height_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (width, height) in [(0u16, 5u16), (5, 0)] {
        let path = dir.path().join(format!("{width}x{height}.gif"));
        std::fs::write(&path, gif_claiming(width, height)).unwrap();
        assert_eq!(
            validate(&path, &rules()),
            Err(Rejection::BadHeader {
                kind: ImageKind::Gif,
                detail: format!("it claims a size of {width}×{height} pixels")
            })
        );
    }
}

#[test]
fn a_gif_with_no_global_colour_table_is_walked_correctly() {
    // A hand-made 1×1 GIF: no global table, a 2-colour local one.
    let mut gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
    gif.extend_from_slice(&[0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0x80]);
    gif.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0, 0, 0]);
    gif.extend_from_slice(&[0x02, 0x02, 0x44, 0x01, 0x00, 0x3B]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local-table.gif");
    std::fs::write(&path, &gif).unwrap();
    assert_eq!(validate(&path, &rules()).map(|i| (i.width, i.height)), Ok((1, 1)));
}

#[test]
fn a_gif_with_no_image_before_its_end_marker_says_so() {
    let real = image_bytes(ImageFormat::Gif, 1, 1, 0);
    let after_table = 13 + 3 * (2usize << (real[10] & 7)) * usize::from(real[10] >> 7);
    let mut gif = real[..after_table].to_vec();
    gif.push(0x3B);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-image.gif");
    std::fs::write(&path, &gif).unwrap();
    assert_eq!(
        validate(&path, &rules()),
        Err(Rejection::BadHeader {
            kind: ImageKind::Gif,
            detail: "it ends without any image".into()
        })
    );
}

#[test]
fn only_rejections_a_retry_can_fix_offer_one() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.jpg");
    std::fs::write(&text, "plain text").unwrap();
    let not_an_image = validate(&text, &rules()).unwrap_err();
    assert_eq!(not_an_image, Rejection::NotAnImage);
    assert!(!not_an_image.may_pass_on_retry());
    let missing = validate(&dir.path().join("gone.png"), &rules()).unwrap_err();
    assert_eq!(missing, Rejection::Missing);
    assert!(missing.may_pass_on_retry(), "the file may come back");
    let too_large = Rejection::TooLarge { size: 10, max: 5 };
    assert!(too_large.may_pass_on_retry(), "the limit can be raised in Settings");
    assert!(!Rejection::Directory.may_pass_on_retry());
    assert!(!Rejection::Truncated { kind: ImageKind::Png }.may_pass_on_retry());
}
