use super::{MAX_LITERAL_BYTES, Part, Splice, SpliceRecorder};
use crate::core::ImageKind;
use crate::core::strip::fixtures::{encode, exif_tiff, noise, picture};
use crate::core::strip::strip_bytes;
use image::ImageFormat;
use std::io::{Cursor, Write};

/// Strips `original` in memory through a recorder; returns the stripped
/// bytes (from a second, ordinary strip) and the recipe.
pub(super) fn recorded_strip(original: &[u8], kind: ImageKind) -> Option<(Vec<u8>, Splice)> {
    let mut recorder = SpliceRecorder::new(original);
    strip_bytes(original, kind, &mut recorder).ok()?;
    let mut stripped = Vec::new();
    strip_bytes(original, kind, &mut stripped).ok()?;
    Some((stripped, recorder.finish().expect("within the limits")))
}

fn made_again(splice: &Splice, file: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    splice.read(&mut Cursor::new(file), &mut out).unwrap();
    out
}

/// `jpeg` with an EXIF segment holding `tiff` right after its SOI.
fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let body = [b"Exif\0\0".as_slice(), tiff].concat();
    let len = u16::try_from(body.len() + 2).unwrap().to_be_bytes();
    [&jpeg[..2], &[0xFF, 0xE1], &len, &body, &jpeg[2..]].concat()
}

/// One image of each kind with metadata to strip, and a rotated photo
/// (its EXIF replaced by a minimal one, written as literal bytes).
pub(super) fn samples() -> Vec<(ImageKind, Vec<u8>)> {
    let img = picture(40, 24);
    vec![
        (ImageKind::Jpeg, crate::test_support::jpeg_with_gps(40, 24)),
        (ImageKind::Png, encode(ImageFormat::Png, &img, Some(exif_tiff(6, true)))),
        (
            ImageKind::Webp,
            encode(ImageFormat::WebP, &img, Some(exif_tiff(3, false))),
        ),
        (
            ImageKind::Gif,
            crate::test_support::image_bytes(ImageFormat::Gif, 24, 16, 4),
        ),
        (
            ImageKind::Jpeg,
            with_exif(&encode(ImageFormat::Jpeg, &img, None), &exif_tiff(6, false)),
        ),
    ]
}

#[test]
fn a_stripped_image_is_made_again_from_its_file_byte_for_byte() {
    for (kind, original) in samples() {
        let (stripped, splice) = recorded_strip(&original, kind).unwrap();
        assert_eq!(splice.size_bytes(), stripped.len() as u64, "{kind}");
        assert!(made_again(&splice, &original) == stripped, "{kind}");
    }
}

#[test]
fn a_photo_without_its_exif_is_a_few_ranges_of_its_file() {
    let original = crate::test_support::jpeg_with_gps(400, 300);
    let (stripped, splice) = recorded_strip(&original, ImageKind::Jpeg).unwrap();
    assert!(stripped.len() < original.len());
    // SOI, then (EXIF dropped) the headers and the scan data; only the
    // headers written after the gap are literal bytes.
    let from_file: u64 = (splice.parts.iter())
        .map(|part| match part {
            Part::File { len, .. } => *len,
            Part::Literal { .. } => 0,
        })
        .sum();
    assert!(splice.parts.len() <= 6, "{:?}", splice.parts);
    assert!(
        from_file as f64 > 0.8 * stripped.len() as f64,
        "{from_file} of {}",
        stripped.len()
    );
    assert!(splice.literals.len() < 1024, "{}", splice.literals.len());
    assert!(!splice.is_whole_file(original.len() as u64));
}

#[test]
fn an_image_with_nothing_to_strip_is_its_whole_file() {
    let original = crate::test_support::image_bytes(ImageFormat::Png, 30, 20, 1);
    let (stripped, splice) = recorded_strip(&original, ImageKind::Png).unwrap();
    assert_eq!(stripped, original);
    assert!(splice.is_whole_file(original.len() as u64));
    assert!(!splice.is_whole_file(original.len() as u64 + 1));
}

/// 200 damaged variants of each sample (12 bytes overwritten): kind, seed, bytes.
pub(super) fn damaged_samples() -> impl Iterator<Item = (ImageKind, u64, Vec<u8>)> {
    samples().into_iter().flat_map(|(kind, valid)| {
        (0..200u64).map(move |seed| {
            let mut bytes = valid.clone();
            for pair in noise(12, seed ^ 0x5EED).chunks(2) {
                let at = (usize::from(pair[0]) * 131 + seed as usize * 17) % bytes.len();
                bytes[at] = pair[1];
            }
            (kind, seed, bytes)
        })
    })
}

#[test]
fn damaged_images_that_strip_are_made_again_exactly() {
    let mut checked = 0;
    for (kind, seed, bytes) in damaged_samples() {
        if let Some((stripped, splice)) = recorded_strip(&bytes, kind) {
            assert!(made_again(&splice, &bytes) == stripped, "{kind} seed {seed}");
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn writes_from_the_original_merge_and_others_become_literals() {
    let original = b"0123456789abcdef".to_vec();
    let mut recorder = SpliceRecorder::new(&original);
    recorder.write_all(&original[0..4]).unwrap(); // in place
    recorder.write_all(b"45").unwrap(); // elsewhere, but what follows at the cursor
    recorder.write_all(b"XY").unwrap(); // not in the file
    recorder.write_all(b"Z").unwrap();
    recorder.write_all(&original[10..12]).unwrap(); // in place, after a gap
    recorder.write_all(&original[12..16]).unwrap();
    let splice = recorder.finish().unwrap();
    assert_eq!(
        splice.parts,
        [
            Part::File { offset: 0, len: 6 },
            Part::Literal { start: 0, len: 3 },
            Part::File { offset: 10, len: 6 },
        ]
    );
    assert_eq!(splice.size_bytes(), 15);
    assert_eq!(made_again(&splice, &original), b"012345XYZabcdef");
}

#[test]
fn a_recipe_past_its_limits_is_given_up() {
    let original = vec![7u8; 64];
    let literals = |len: usize| {
        let mut recorder = SpliceRecorder::new(&original);
        recorder.write_all(&vec![1u8; len]).unwrap();
        recorder.finish()
    };
    assert!(literals(MAX_LITERAL_BYTES).is_some());
    assert!(literals(MAX_LITERAL_BYTES + 1).is_none());
    // Room for a 64 KiB ICC profile kept after a dropped EXIF segment.
    assert!(literals(64 * 1024).is_some());

    // Many gaps: each in-place write after one starts a new part.
    let parts = |count: usize| {
        let mut recorder = SpliceRecorder::new(&original);
        for n in 0..count {
            let at = (n % 2) * 8; // 0, 8, 0, 8…: never contiguous
            recorder.write_all(&original[at..at + 1]).unwrap();
        }
        recorder.finish()
    };
    assert_eq!(parts(super::MAX_PARTS).map(|s| s.parts.len()), Some(super::MAX_PARTS));
    assert!(parts(super::MAX_PARTS + 1).is_none());
}

#[test]
fn a_file_shorter_than_the_recipe_is_an_error() {
    let original = b"0123456789".to_vec();
    let mut recorder = SpliceRecorder::new(&original);
    recorder.write_all(&original[2..10]).unwrap();
    let splice = recorder.finish().unwrap();
    let error = splice
        .read(&mut Cursor::new(&original[..6]), &mut Vec::new())
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::UnexpectedEof);
}

#[test]
fn ranges_of_the_file_with_a_gap_stay_two_parts() {
    let original = b"0123456789".to_vec();
    let mut recorder = SpliceRecorder::new(&original);
    recorder.write_all(&original[0..2]).unwrap();
    recorder.write_all(&original[5..7]).unwrap();
    let splice = recorder.finish().unwrap();
    assert_eq!(
        splice.parts,
        [Part::File { offset: 0, len: 2 }, Part::File { offset: 5, len: 2 }]
    );
    assert_eq!(made_again(&splice, &original), b"0156");
}

#[test]
fn bytes_that_run_past_the_end_of_the_original_are_not_taken_for_it() {
    // `original` is the front of a larger buffer; a slice that starts
    // inside it and runs past its end is not a range of the file.
    let buffer = b"0123456789ABCDEFGHIJ".to_vec();
    let original = &buffer[..10];
    let mut recorder = SpliceRecorder::new(original);
    recorder.write_all(&buffer[5..15]).unwrap();
    let splice = recorder.finish().unwrap();
    assert_eq!(splice.parts, [Part::Literal { start: 0, len: 10 }]);
    assert_eq!(made_again(&splice, original), b"56789ABCDE");
}
