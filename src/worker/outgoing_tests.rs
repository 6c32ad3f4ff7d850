//! What an upload sends: the bytes made again at send time, or the file
//! itself, must be the bytes the check hashed.

use super::*;
use crate::core::ValidationRules;
use crate::core::strip::strip_metadata;
use crate::core::validate::validate;
use crate::test_support::{jpeg_with_gps, write_image};
use image::ImageFormat;
use sha2::{Digest, Sha256};
use std::io::Cursor;

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn checked(path: &Path) -> (ValidatedImage, Outgoing, Option<i64>) {
    let image = validate(path, &ValidationRules::default()).unwrap();
    let outgoing = prepare_outgoing(&image, true).unwrap();
    (image, outgoing, modified_ms(path))
}

#[test]
fn stripped_bytes_made_at_send_time_are_what_was_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gps.jpg");
    std::fs::write(&path, jpeg_with_gps(64, 48)).unwrap();
    let (image, outgoing, mtime) = checked(&path);
    assert!(outgoing.strips_on_send());
    let sent = bytes_to_send(&outgoing, image.size_bytes, mtime).unwrap().unwrap();
    let mut expected = Vec::new();
    strip_metadata(
        &mut Cursor::new(std::fs::read(&path).unwrap()),
        image.kind,
        &mut expected,
    )
    .unwrap();
    assert_eq!(sent.as_ref(), expected.as_slice());
    assert_eq!(hex(&sent), outgoing.sha256_hex);
    assert_eq!(sent.len() as u64, outgoing.size_bytes);
}

#[test]
fn a_file_changed_after_the_check_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gps.jpg");
    std::fs::write(&path, jpeg_with_gps(64, 48)).unwrap();
    let (image, outgoing, mtime) = checked(&path);
    let mut longer = std::fs::read(&path).unwrap();
    longer.extend_from_slice(b"more");
    std::fs::write(&path, longer).unwrap();
    let error = bytes_to_send(&outgoing, image.size_bytes, mtime).unwrap_err();
    assert!(error.to_string().contains("changed after it was checked"), "{error}");
}

#[test]
fn a_file_without_metadata_is_sent_as_it_is_and_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_image(dir.path(), "plain.png", ImageFormat::Png, 40, 30);
    let (image, outgoing, mtime) = checked(&path);
    assert!(!outgoing.strips_on_send());
    assert_eq!(bytes_to_send(&outgoing, image.size_bytes, mtime).unwrap(), None);
    assert_eq!(outgoing.sha256_hex, hex(&std::fs::read(&path).unwrap()));
}

#[test]
fn a_recipe_too_large_to_keep_falls_back_to_walking_the_file_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gps.jpg");
    std::fs::write(&path, jpeg_with_gps(64, 48)).unwrap();
    let (image, mut outgoing, mtime) = checked(&path);
    assert!(matches!(outgoing.remake, Some(Remake::Splice(_))));
    assert_eq!(outgoing.memory_to_send(image.size_bytes), outgoing.size_bytes);
    let from_splice = bytes_to_send(&outgoing, image.size_bytes, mtime).unwrap().unwrap();
    outgoing.remake = Some(Remake::Walk(image.kind));
    assert_eq!(
        outgoing.memory_to_send(image.size_bytes),
        image.size_bytes + outgoing.size_bytes
    );
    let from_walk = bytes_to_send(&outgoing, image.size_bytes, mtime).unwrap().unwrap();
    assert_eq!(from_walk, from_splice);
    assert_eq!(hex(&from_walk), outgoing.sha256_hex);
}

#[test]
fn a_file_cut_short_after_the_check_is_refused_even_with_its_old_size_and_time() {
    // The recipe reads past the end of a file that was truncated and then
    // given back its size stamp only in the caller's eyes: reading fails
    // cleanly as a changed file, not as a short body.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gps.jpg");
    let bytes = jpeg_with_gps(64, 48);
    std::fs::write(&path, &bytes).unwrap();
    let (_, outgoing, _) = checked(&path);
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let (short_size, short_mtime) = (std::fs::metadata(&path).unwrap().len(), modified_ms(&path));
    let error = bytes_to_send(&outgoing, short_size, short_mtime).unwrap_err();
    assert!(error.to_string().contains("changed after it was checked"), "{error}");
}
