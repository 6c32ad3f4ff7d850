//! A corpus of hostile files, made by the test in a temp dir: truncations,
//! decompression bombs, polyglots, special files and hostile names. Each must
//! be refused with its exact reason, quickly, without panicking and without
//! reading (or allocating) more than a header's worth.

use image::ImageFormat;
use picbucket::core::naming::sanitize_filename;
use picbucket::core::validate::{Rejection, ValidatedImage, ValidationRules, validate};
use picbucket::core::{Config, ImageKind};
use picbucket::test_support::image_bytes;
use picbucket::worker::{Command, Event, WorkerHandle, WorkerOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Validates with the default rules and fails the test if it takes 2 s or more.
fn check(path: &Path) -> Result<ValidatedImage, Rejection> {
    let started = Instant::now();
    let result = validate(path, &ValidationRules::default());
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "{} took {took:?}", path.display());
    result
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A real 96×64 image cut to `keep(its length)` bytes.
fn cut(format: ImageFormat, keep: impl Fn(usize) -> usize) -> Vec<u8> {
    let mut bytes = image_bytes(format, 96, 64, 9);
    let len = keep(bytes.len());
    bytes.truncate(len);
    bytes
}

#[test]
fn truncated_png_and_webp_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let png_len = image_bytes(ImageFormat::Png, 96, 64, 9).len();
    assert!(png_len > 200, "the test image must have data to cut: {png_len} bytes");
    let cases = [
        (
            "half.png",
            cut(ImageFormat::Png, |n| n / 2),
            Rejection::Truncated { kind: ImageKind::Png },
        ),
        (
            "no-iend.png",
            cut(ImageFormat::Png, |n| n - 12),
            Rejection::Truncated { kind: ImageKind::Png },
        ),
        (
            "one-short.png",
            cut(ImageFormat::Png, |n| n - 1),
            Rejection::Truncated { kind: ImageKind::Png },
        ),
        (
            "half.webp",
            cut(ImageFormat::WebP, |n| n / 2),
            Rejection::Truncated { kind: ImageKind::Webp },
        ),
        (
            "one-short.webp",
            cut(ImageFormat::WebP, |n| n - 1),
            Rejection::Truncated { kind: ImageKind::Webp },
        ),
    ];
    for (name, bytes, expected) in cases {
        let path = write(dir.path(), name, &bytes);
        assert_eq!(check(&path), Err(expected), "{name}");
    }
    // Cut inside the header: the header itself cannot be read.
    for (name, bytes, kind) in [
        ("magic-only.png", cut(ImageFormat::Png, |_| 8), ImageKind::Png),
        ("no-ihdr.png", cut(ImageFormat::Png, |_| 20), ImageKind::Png),
        ("riff-only.webp", cut(ImageFormat::WebP, |_| 16), ImageKind::Webp),
        ("magic-only.gif", cut(ImageFormat::Gif, |_| 6), ImageKind::Gif),
        ("magic-only.jpg", cut(ImageFormat::Jpeg, |_| 4), ImageKind::Jpeg),
    ] {
        let path = write(dir.path(), name, &bytes);
        assert!(
            matches!(check(&path), Err(Rejection::BadHeader { kind: k, .. }) if k == kind),
            "{name}: {:?}",
            check(&path)
        );
    }
}

/// A JPEG whose primary image never reaches its end-of-image marker, and a
/// GIF without its trailer, are found by walking the file (core::strip).
#[test]
fn truncated_jpeg_and_gif_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Big enough that its first third holds the whole header and some scan data.
    let mut jpeg = image_bytes(ImageFormat::Jpeg, 640, 480, 9);
    jpeg.truncate(jpeg.len() / 3);
    let third = write(dir.path(), "third.jpg", &jpeg);
    assert_eq!(check(&third), Err(Rejection::Truncated { kind: ImageKind::Jpeg }));
    let no_trailer = write(dir.path(), "no-trailer.gif", &cut(ImageFormat::Gif, |n| n - 1));
    assert_eq!(check(&no_trailer), Err(Rejection::Truncated { kind: ImageKind::Gif }));
}

/// CRC-32 (IEEE) of PNG chunk type and data, so a patched IHDR stays valid.
fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// A real 1×1 PNG whose IHDR claims `width`×`height`, with a correct CRC.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = image_bytes(ImageFormat::Png, 1, 1, 0);
    assert_eq!(&bytes[12..16], b"IHDR");
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

/// A real 1×1 GIF whose logical screen claims `width`×`height` (no checksum).
fn gif_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = image_bytes(ImageFormat::Gif, 1, 1, 0);
    bytes[6..8].copy_from_slice(&width.to_le_bytes());
    bytes[8..10].copy_from_slice(&height.to_le_bytes());
    bytes
}

/// A real 1×1 lossless WebP whose VP8L header claims `width`×`height` (each
/// at most 16384, the format's limit; 14 bits each, no checksum).
fn webp_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = image_bytes(ImageFormat::WebP, 1, 1, 0);
    assert_eq!(&bytes[12..16], b"VP8L");
    assert_eq!(bytes[20], 0x2F, "VP8L signature");
    let mut bits = u32::from_le_bytes([bytes[21], bytes[22], bytes[23], bytes[24]]);
    bits &= !((1 << 28) - 1);
    bits |= (width - 1) | ((height - 1) << 14);
    bytes[21..25].copy_from_slice(&bits.to_le_bytes());
    bytes
}

/// An extended WebP (VP8X) whose canvas claims `width`×`height` (up to 2^24
/// each), wrapping a real 1×1 lossless image.
fn webp_canvas_claiming(width: u32, height: u32) -> Vec<u8> {
    let simple = image_bytes(ImageFormat::WebP, 1, 1, 0);
    let image_chunk = &simple[12..];
    let mut body = b"WEBPVP8X".to_vec();
    body.extend_from_slice(&10u32.to_le_bytes());
    body.extend_from_slice(&[0, 0, 0, 0]);
    body.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    body.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    body.extend_from_slice(image_chunk);
    let mut bytes = b"RIFF".to_vec();
    bytes.extend_from_slice(&(body.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&body);
    bytes
}

fn too_many_pixels(width: u32, height: u32) -> Result<(u32, u32), Rejection> {
    Err(Rejection::TooManyPixels {
        width,
        height,
        max_side: 16_384,
        max_megapixels: 100,
    })
}

/// Peak resident memory of this process so far, in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn decompression_bomb_headers_are_refused_without_decoding() {
    let dir = tempfile::tempdir().unwrap();
    // Sanity: the generators make valid files when the claim is modest.
    for (name, bytes) in [
        ("ok.png", png_claiming(3, 2)),
        ("ok.gif", gif_claiming(3, 2)),
        ("ok.webp", webp_claiming(3, 2)),
    ] {
        let path = write(dir.path(), name, &bytes);
        let image = check(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((image.width, image.height), (3, 2), "{name}");
    }
    let before = peak_rss_kib();
    let cases = [
        ("square.png", png_claiming(65_535, 65_535), (65_535, 65_535)),
        ("wide.png", png_claiming(100_000, 1), (100_000, 1)),
        ("huge.png", png_claiming(100_000, 100_000), (100_000, 100_000)),
        ("square.gif", gif_claiming(65_535, 65_535), (65_535, 65_535)),
        ("tall.gif", gif_claiming(1, 65_535), (1, 65_535)),
        ("square.webp", webp_claiming(16_383, 16_383), (16_383, 16_383)),
        ("canvas.webp", webp_canvas_claiming(60_000, 60_000), (60_000, 60_000)),
        ("wide-canvas.webp", webp_canvas_claiming(100_000, 1), (100_000, 1)),
    ];
    for (name, bytes, (width, height)) in cases {
        let path = write(dir.path(), name, &bytes);
        let result = check(&path).map(|image| (image.width, image.height));
        assert_eq!(result, too_many_pixels(width, height), "{name}");
    }
    // image-webp reads a 16384 px VP8L side as 0 (its 14-bit mask): refused, not taken as 0×0.
    let quirk = write(dir.path(), "max.webp", &webp_claiming(16_384, 16_384));
    assert_eq!(
        check(&quirk).map(|image| (image.width, image.height)),
        Err(Rejection::BadHeader {
            kind: ImageKind::Webp,
            detail: "it claims a size of 0×0 pixels".into()
        })
    );
    // A canvas whose pixel count overflows 32 bits: image-webp refuses it itself.
    let overflow = write(dir.path(), "overflow.webp", &webp_canvas_claiming(100_000, 100_000));
    assert!(
        matches!(
            check(&overflow),
            Err(Rejection::BadHeader {
                kind: ImageKind::Webp,
                ..
            })
        ),
        "{:?}",
        check(&overflow)
    );
    // Decoding any one of these would need gigabytes; the headers need almost nothing.
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        assert!(after - before < 64 * 1024, "peak memory grew by {} KiB", after - before);
    }
}

#[test]
fn polyglots_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // GIF magic and a 1×1 screen, then HTML, a ZIP, or script that ends in
    // the GIF end marker (`;`): the header decodes, but no image follows it.
    let not_gif_data = Err(Rejection::BadHeader {
        kind: ImageKind::Gif,
        detail: "what follows its header is not GIF data".into(),
    });
    let mut zip = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
    zip.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x08\x00payload.txt");
    zip.extend(std::iter::repeat_n(0x5Au8, 4096));
    for (name, bytes) in [
        (
            "page.gif",
            &b"GIF89a\x01\x00\x01\x00\x00\x00\x00<html><script>alert(1)</script></html>"[..],
        ),
        ("archive.gif", &zip),
        ("script.gif", b"GIF89a/*\x01\x00\x00\x00\x00*/=1;alert(1);"),
    ] {
        let path = write(dir.path(), name, bytes);
        assert_eq!(check(&path), not_gif_data, "{name}");
    }
    // A real GIF with only its image taken out.
    let mut no_image = image_bytes(ImageFormat::Gif, 1, 1, 0);
    let header_and_table = 13 + 3 * (2 << (no_image[10] & 7));
    no_image.truncate(header_and_table);
    no_image.push(0x3B);
    let empty_gif = write(dir.path(), "no-image.gif", &no_image);
    assert_eq!(
        check(&empty_gif),
        Err(Rejection::BadHeader {
            kind: ImageKind::Gif,
            detail: "it ends without any image".into()
        })
    );
    // A ZIP named .png: no image magic at all.
    let plain_zip = write(dir.path(), "archive.png", b"PK\x03\x04\x14\x00\x00\x00\x08\x00payload");
    assert_eq!(check(&plain_zip), Err(Rejection::NotAnImage));
    // JPEG magic followed by garbage: no frame header to be found.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.extend((0..64 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let jpeg_garbage = write(dir.path(), "photo.jpg", &jpeg);
    assert!(
        matches!(
            check(&jpeg_garbage),
            Err(Rejection::BadHeader {
                kind: ImageKind::Jpeg,
                ..
            })
        ),
        "{:?}",
        check(&jpeg_garbage)
    );
    // HTML named .jpg.
    let html = write(dir.path(), "photo2.jpg", b"<!doctype html><html><body>hi</body></html>");
    assert_eq!(check(&html), Err(Rejection::NotAnImage));
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_from_their_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A symlink loop: resolving it fails, it must not spin.
    std::os::unix::fs::symlink(root.join("loop-b.png"), root.join("loop-a.png")).unwrap();
    std::os::unix::fs::symlink(root.join("loop-a.png"), root.join("loop-b.png")).unwrap();
    let looped = check(&root.join("loop-a.png"));
    assert!(
        matches!(&looped, Err(Rejection::Unreadable(why)) if why.contains("symbolic links")),
        "{looped:?}"
    );
    // A dangling symlink is a missing file.
    std::os::unix::fs::symlink(root.join("nowhere.png"), root.join("dangling.png")).unwrap();
    assert_eq!(check(&root.join("dangling.png")), Err(Rejection::Missing));
    // A FIFO with no writer: opening it would block forever.
    let fifo = root.join("pipe.png");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    assert_eq!(check(&fifo), Err(Rejection::NotRegularFile));
    // A device.
    assert_eq!(check(Path::new("/dev/zero")), Err(Rejection::NotRegularFile));
    // A folder, even one named like an image, and an empty file.
    std::fs::create_dir(root.join("album.jpg")).unwrap();
    assert_eq!(check(&root.join("album.jpg")), Err(Rejection::Directory));
    let empty = write(root, "empty.gif", b"");
    assert_eq!(check(&empty), Err(Rejection::Empty));
}

#[test]
fn a_sparse_10_gib_file_is_refused_by_its_size_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.png");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(10 * 1024 * 1024 * 1024).unwrap();
    let started = Instant::now();
    let result = check(&path);
    // Reading 10 GiB would take far longer than this.
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    let err = result.unwrap_err();
    assert_eq!(
        err,
        Rejection::TooLarge {
            size: 10_737_418_240,
            max: 5_242_880
        }
    );
    assert_eq!(
        err.to_string(),
        "it is 10.0 GiB but at most 5.0 MiB is allowed; raise \"Max file size\" in Settings to allow it"
    );
}

#[cfg(unix)]
#[test]
fn hostile_file_names_validate_and_are_sanitised_in_keys() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // Right-to-left override: displayed, the name would read "photoexe.png".
        ("photo\u{202E}gnp.exe", "photognp.exe"),
        ("line\nbreak\ttab\u{7}bell.png", "linebreaktabbell.png"),
        ("\u{2066}isolate\u{2069}\u{200F}.gif", "isolate.gif"),
        ("\u{FEFF}bom\u{1B}[31mred.webp", "bom[31mred.webp"),
        ("..\u{0}", "image"),
    ];
    for (raw, sanitised) in cases {
        assert_eq!(sanitize_filename(raw), sanitised, "{raw:?}");
        if raw.contains('\0') {
            continue; // not a possible file name on disk
        }
        let path = write(dir.path(), raw, &image_bytes(ImageFormat::Png, 8, 8, 1));
        let image = check(&path).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
        assert_eq!((image.kind, image.width), (ImageKind::Png, 8), "{raw:?}");
    }
}

/// An over-limit paste gets one clear problem and is never encoded or saved.
#[test]
fn an_oversized_paste_is_refused_before_it_is_encoded() {
    let store = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.local.data_dir = Some(store.path().to_owned());
    config.upload.max_side_px = 8;
    let (wake_tx, woken) = std::sync::mpsc::channel();
    let wake_tx = std::sync::Mutex::new(wake_tx);
    let wake = Arc::new(move || {
        if let Ok(tx) = wake_tx.lock() {
            tx.send(()).ok();
        }
    });
    let mut worker = WorkerHandle::spawn(config, WorkerOptions::default(), wake).unwrap();
    let name = format!("paste-{}.png", std::process::id());
    worker.send(Command::AddPixels {
        name: name.clone(),
        width: 9,
        height: 4,
        rgba: vec![255; 9 * 4 * 4],
    });
    let mut seen = Vec::new();
    let problem = loop {
        match worker.try_recv() {
            Some(Event::Warning(problem)) => break problem,
            Some(event) => seen.push(event),
            None => woken
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no problem reported; seen: {seen:?}")),
        }
    };
    assert_eq!(
        problem,
        "The pasted image was not added: it is 9×4 pixels, over the limit of 8 px a side and 100 megapixels."
    );
    assert!(!seen.iter().any(|e| matches!(e, Event::Added { .. })), "{seen:?}");
    let pasted = picbucket::core::paths::default_data_dir().map(|d| d.join("pasted").join(&name));
    assert!(pasted.is_none_or(|p| !p.exists()), "the paste was saved anyway");
}
