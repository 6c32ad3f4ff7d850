//! The compare-first walk: no copy for a file the strip leaves as it is, a
//! copy equal to an ordinary strip for any other, and damage still reported.

use super::{SameAsFile, strip_large, strip_large_into};
use crate::core::ImageKind;
use crate::core::strip::strip_metadata;
use crate::test_support::{image_bytes, jpeg_with_gps};
use image::ImageFormat;
use sha2::{Digest, Sha256};
use std::io::Cursor;
use std::io::{BufReader, Write};

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn stripped(bytes: &[u8], kind: ImageKind) -> Vec<u8> {
    let mut out = Vec::new();
    strip_metadata(&mut Cursor::new(bytes), kind, &mut out).unwrap();
    out
}

#[test]
fn a_file_with_nothing_to_strip_is_sent_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.png");
    let bytes = image_bytes(ImageFormat::Png, 300, 200, 3);
    std::fs::write(&path, &bytes).unwrap();
    let (report, copy) = strip_large(&path, ImageKind::Png).unwrap();
    assert!(copy.is_none());
    assert_eq!(report.bytes_written, bytes.len() as u64);
    assert_eq!(report.sha256_hex, hex(&bytes));
}

#[test]
fn a_file_with_metadata_gets_a_stripped_copy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gps.jpg");
    let bytes = jpeg_with_gps(300, 200);
    std::fs::write(&path, &bytes).unwrap();
    let (report, copy) = strip_large(&path, ImageKind::Jpeg).unwrap();
    let copy = std::fs::read(copy.expect("a copy")).unwrap();
    assert_eq!(copy, stripped(&bytes, ImageKind::Jpeg));
    assert_eq!(report.sha256_hex, hex(&copy));
    assert!(report.had_gps);
}

#[test]
fn bytes_after_the_image_end_make_a_copy_without_them() {
    // Every byte the walk writes matches the file; only the end differs.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trailer.png");
    let mut bytes = image_bytes(ImageFormat::Png, 60, 40, 5);
    let image_len = bytes.len();
    bytes.extend_from_slice(b"appended by a camera");
    std::fs::write(&path, &bytes).unwrap();
    let (report, copy) = strip_large(&path, ImageKind::Png).unwrap();
    let copy = std::fs::read(copy.expect("a copy")).unwrap();
    assert_eq!(copy, &bytes[..image_len]);
    assert_eq!(report.bytes_written, image_len as u64);
}

#[test]
fn a_damaged_file_is_still_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.png");
    let bytes = image_bytes(ImageFormat::Png, 60, 40, 5);
    std::fs::write(&path, &bytes[..bytes.len() - 20]).unwrap();
    let error = strip_large(&path, ImageKind::Png).unwrap_err();
    assert!(error.to_string().contains("truncated"), "{error}");
}

#[test]
fn a_damaged_file_is_reported_without_making_a_copy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.png");
    let bytes = image_bytes(ImageFormat::Png, 60, 40, 5);
    std::fs::write(&path, &bytes[..bytes.len() - 20]).unwrap();
    // A copy begun here would fail to be made: the error would then be
    // about the directory instead of the damage.
    let nowhere = dir.path().join("no such directory");
    let error = strip_large_into(&path, ImageKind::Png, &nowhere).unwrap_err();
    assert!(error.to_string().contains("truncated"), "{error}");
}

#[test]
fn the_comparing_writer_stops_at_a_byte_that_differs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("file");
    std::fs::write(&path, b"abcdef").unwrap();
    let mut same = SameAsFile {
        file: BufReader::new(std::fs::File::open(&path).unwrap()),
        scratch: Vec::new(),
        differs: false,
    };
    same.write_all(b"abc").unwrap();
    assert!(!same.differs);
    // As long as the rest of the file, but not the same bytes.
    assert!(same.write_all(b"deX").is_err());
    assert!(same.differs);
}
