//! Feeds arbitrary bytes to the walk `validate` uses for truncation and to the
//! stripper, and checks what holds for every input: no panic, the report
//! matches the output, stripping is idempotent, the output's primary image
//! ends where it does, and a primary image that decoded before decodes to
//! the same pixels after (for JPEG: when no segment was removed between its scans).
#![no_main]

#[path = "../src/core/mod.rs"]
mod core;

use crate::core::ImageKind;
use crate::core::strip::{primary_image_end, strip_metadata};
use image::{ImageFormat, ImageReader, Limits};
use libfuzzer_sys::fuzz_target;
use sha2::Digest;
use std::io::Cursor;

fn decode(bytes: &[u8], format: ImageFormat) -> Option<Vec<u8>> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(1024);
    limits.max_image_height = Some(1024);
    limits.max_alloc = Some(16 * 1024 * 1024);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    reader.decode().ok().map(|img| img.to_rgba8().into_raw())
}

fuzz_target!(|data: &[u8]| {
    // The kind comes from the bytes, as in validation; the first byte also
    // forces a kind now and then so every walker sees every input.
    let kind = match image::guess_format(data).ok().and_then(ImageKind::from_format) {
        Some(kind) => kind,
        None => ImageKind::ALL[usize::from(data.first().copied().unwrap_or(0) % 4)],
    };
    let end = primary_image_end(&mut Cursor::new(data), kind);
    let mut out = Vec::new();
    let Ok(report) = strip_metadata(&mut Cursor::new(data), kind, &mut out) else {
        return;
    };
    assert!(end.is_ok(), "stripped but the walk failed: {end:?}");
    assert_eq!(report.bytes_written, out.len() as u64);
    let digest: String = sha2::Sha256::digest(&out).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(report.sha256_hex, digest);

    let mut again = Vec::new();
    let second = strip_metadata(&mut Cursor::new(&out), kind, &mut again).expect("stripped output strips again");
    assert_eq!(again, out, "stripping is not idempotent");
    assert!(!second.had_gps);
    assert_eq!(second.kept_orientation, report.kept_orientation);
    assert_eq!(
        primary_image_end(&mut Cursor::new(&out), kind).unwrap(),
        out.len() as u64
    );

    if kind == ImageKind::Jpeg && !jpeg_scans_untouched(data, &out) {
        // A segment removed between scans of a damaged JPEG (a scan cut short
        // by a marker) changes how decoders pad the missing data: the pixels
        // of a broken scan are decoder noise, not something to compare.
        return;
    }
    // Compare with the primary image alone: zune-jpeg reads on past the EOI
    // of a damaged JPEG (into an appended image) to fill its missing blocks.
    let primary = &data[..usize::try_from(end.unwrap_or(0)).unwrap_or(data.len()).min(data.len())];
    if let Some(before) = decode(primary, kind.to_format()) {
        let after = decode(&out, kind.to_format()).expect("decoded before the strip but not after");
        assert!(before == after, "pixels changed");
    }
});

/// True when everything from the first SOS marker to the primary EOI is the
/// same before and after, i.e. all removed segments came before the scans.
fn jpeg_scans_untouched(input: &[u8], output: &[u8]) -> bool {
    let Ok(end) = primary_image_end(&mut Cursor::new(input), ImageKind::Jpeg) else {
        return false;
    };
    let from_sos = |b: &[u8]| b.windows(2).position(|w| w == [0xFF, 0xDA]).map(|at| b[at..].to_vec());
    let input = &input[..usize::try_from(end).unwrap_or(input.len()).min(input.len())];
    from_sos(input).is_some() && from_sos(input) == from_sos(output)
}
