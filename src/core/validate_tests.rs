use super::*;
use crate::test_support::{gif_bomb_header, image_bytes, write_image};
use image::ImageFormat;

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
    assert!(
        err.to_string().contains("6.0 MB") && err.to_string().contains("5.0 MB"),
        "{err}"
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
fn human_bytes_reads_naturally() {
    assert_eq!(human_bytes(17), "17 bytes");
    assert_eq!(human_bytes(2048), "2 KB");
    assert_eq!(human_bytes(5 * 1024 * 1024), "5.0 MB");
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
    let err = validate(&far, &rules()).unwrap_err();
    assert!(matches!(err, Rejection::BadHeader { .. }), "{err:?}");
}
