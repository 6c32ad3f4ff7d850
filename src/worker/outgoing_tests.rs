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
use std::time::Duration;

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn checked(path: &Path) -> (ValidatedImage, Outgoing, Option<i64>) {
    let image = validate(path, &ValidationRules::default()).unwrap();
    let outgoing = prepare_outgoing(&image, None, true, None).unwrap();
    (image, outgoing, modified_ms(path))
}

fn modified_ms(path: &Path) -> Option<i64> {
    modified_ms_of(&std::fs::metadata(path).ok()?)
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
    assert!(matches!(outgoing.made, Made::Remake(Remake::Splice(_))));
    assert_eq!(outgoing.memory_to_send(image.size_bytes), outgoing.size_bytes);
    let from_splice = bytes_to_send(&outgoing, image.size_bytes, mtime).unwrap().unwrap();
    outgoing.made = Made::Remake(Remake::Walk(image.kind));
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

fn budget() -> Arc<Semaphore> {
    Arc::new(Semaphore::new(HELD_BUDGET_KIB as usize))
}

fn room(budget: &Arc<Semaphore>, size_bytes: u64) -> Option<OwnedSemaphorePermit> {
    let never = CancellationToken::new();
    room_to_hold(budget, size_bytes, &never, &never)
}

#[test]
fn kept_bytes_are_the_stripped_bytes_hashed_and_need_the_file_no_more() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gps.jpg");
    let original = jpeg_with_gps(64, 48);
    std::fs::write(&path, &original).unwrap();
    let image = validate(&path, &ValidationRules::default()).unwrap();
    let budget = budget();
    let outgoing = prepare_outgoing(&image, None, true, room(&budget, image.size_bytes)).unwrap();
    let mut expected = Vec::new();
    strip_metadata(&mut Cursor::new(&original), image.kind, &mut expected).unwrap();
    let held = outgoing.held_bytes().expect("kept").clone();
    assert_eq!(held.as_ref(), expected.as_slice());
    assert_eq!(hex(&held), outgoing.sha256_hex);
    assert_eq!(outgoing.size_bytes, expected.len() as u64);
    assert!(!outgoing.strips_on_send(), "nothing is made at send time");
    assert_eq!(
        outgoing.memory_to_send(image.size_bytes),
        0,
        "its room is taken already"
    );
    // What was checked is what is sent, whatever happens to the file since.
    std::fs::remove_file(&path).unwrap();
    assert_eq!(bytes_to_send(&outgoing, image.size_bytes, None).unwrap(), Some(held));
}

#[test]
fn a_file_renamed_over_the_path_while_its_check_waits_for_room_is_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let path = jpeg_file(dir.path());
    let original = std::fs::read(&path).unwrap();
    let (_, outgoing, _) = check_for_sending(&path, &ValidationRules::default(), false, |size| {
        let other = dir.path().join("other.jpg");
        std::fs::write(&other, b"not the checked image").unwrap();
        std::fs::rename(&other, &path).unwrap();
        room(&budget(), size)
    })
    .unwrap();
    assert_eq!(outgoing.held_bytes().map(|b| b.to_vec()), Some(original));
}

#[test]
fn kept_bytes_of_a_file_sent_as_it_is_are_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = jpeg_file(dir.path());
    let image = validate(&path, &ValidationRules::default()).unwrap();
    let outgoing = prepare_outgoing(&image, None, false, room(&budget(), image.size_bytes)).unwrap();
    let file = std::fs::read(&path).unwrap();
    assert_eq!(outgoing.held_bytes().map(|b| b.to_vec()), Some(file.clone()));
    assert_eq!(outgoing.sha256_hex, hex(&file));
    assert!(outgoing.stripped.is_none());
}

fn jpeg_file(dir: &Path) -> PathBuf {
    let path = dir.join("gps.jpg");
    std::fs::write(&path, jpeg_with_gps(64, 48)).unwrap();
    path
}

#[test]
fn kept_bytes_give_their_room_back_when_the_last_copy_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let path = jpeg_file(dir.path());
    let image = validate(&path, &ValidationRules::default()).unwrap();
    let budget = budget();
    let all = HELD_BUDGET_KIB as usize;
    let outgoing = prepare_outgoing(&image, None, true, room(&budget, image.size_bytes)).unwrap();
    // A small file takes the least room a file takes.
    assert_eq!(budget.available_permits(), all - HELD_MIN_KIB as usize);
    let copy = outgoing.clone();
    drop(outgoing);
    assert_eq!(
        budget.available_permits(),
        all - HELD_MIN_KIB as usize,
        "a copy still holds it"
    );
    drop(copy);
    assert_eq!(budget.available_permits(), all);
}

#[test]
fn room_is_counted_in_kib_and_a_file_too_large_to_keep_gets_none() {
    let budget = budget();
    let all = HELD_BUDGET_KIB as usize;
    let largest = room(&budget, IN_MEMORY_MAX_BYTES).expect("the largest file kept");
    assert_eq!(largest.num_permits(), (IN_MEMORY_MAX_BYTES / 1024) as usize);
    let above_the_least = room(&budget, u64::from(HELD_MIN_KIB) * 1024 + 1).unwrap();
    assert_eq!(above_the_least.num_permits(), HELD_MIN_KIB as usize + 1);
    drop((largest, above_the_least));
    assert!(room(&budget, IN_MEMORY_MAX_BYTES + 1).is_none());
    assert_eq!(budget.available_permits(), all);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_waits_for_room_until_some_is_given_back_or_it_is_stopped() {
    let budget = Arc::new(Semaphore::new(HELD_MIN_KIB as usize));
    let taken = room(&budget, 10).expect("room at once");
    let waiting = |cancel: CancellationToken, quitting: CancellationToken| {
        let budget = budget.clone();
        tokio::task::spawn_blocking(move || room_to_hold(&budget, 10, &cancel, &quitting))
    };
    let never = CancellationToken::new();
    let mut first = waiting(never.clone(), never.clone());
    let wait = tokio::time::timeout(Duration::from_millis(100), &mut first).await;
    assert!(wait.is_err(), "no room yet");
    drop(taken);
    let given = tokio::time::timeout(Duration::from_secs(5), first)
        .await
        .unwrap()
        .unwrap();
    assert!(given.is_some(), "room given back is taken");

    let (cancel, quitting) = (CancellationToken::new(), CancellationToken::new());
    let cancelled = waiting(cancel.clone(), never.clone());
    let quit = waiting(never.clone(), quitting.clone());
    cancel.cancel();
    quitting.cancel();
    for stopped in [cancelled, quit] {
        let room = tokio::time::timeout(Duration::from_secs(5), stopped)
            .await
            .unwrap()
            .unwrap();
        assert!(room.is_none());
    }
}

#[test]
fn a_kept_file_of_too_many_pieces_is_walked_again_into_a_buffer_of_its_own() {
    use crate::core::strip::fixtures::{before_iend, chunk};
    // A text chunk (dropped) before each of 1,100 private chunks (kept):
    // more pieces than a recipe holds, so nothing is laid out in place.
    let pairs: Vec<Vec<u8>> = (0..1100u32)
        .flat_map(|n| [chunk(b"tEXt", b"Comment\0hello"), chunk(b"npAd", &n.to_be_bytes())])
        .collect();
    let png = before_iend(&crate::test_support::image_bytes(ImageFormat::Png, 20, 10, 1), &pairs);
    let mut recorder = crate::core::splice::SpliceRecorder::new(&png);
    strip_bytes(&png, ImageKind::Png, &mut recorder).unwrap();
    assert!(recorder.finish().is_none(), "past the recipe's limits");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.png");
    std::fs::write(&path, &png).unwrap();
    let image = validate(&path, &ValidationRules::default()).unwrap();
    let outgoing = prepare_outgoing(&image, None, true, room(&budget(), image.size_bytes)).unwrap();
    let mut expected = Vec::new();
    strip_metadata(&mut Cursor::new(&png), ImageKind::Png, &mut expected).unwrap();
    assert!(expected.len() < png.len());
    assert_eq!(outgoing.held_bytes().map(|b| b.to_vec()), Some(expected.clone()));
    assert_eq!(outgoing.sha256_hex, hex(&expected));
}

#[test]
fn a_file_that_changes_size_while_it_is_checked_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = jpeg_file(dir.path());
    let image = validate(&path, &ValidationRules::default()).unwrap();
    let mut longer = std::fs::read(&path).unwrap();
    longer.extend_from_slice(b"more");
    std::fs::write(&path, longer).unwrap();
    let error = prepare_outgoing(&image, None, true, room(&budget(), image.size_bytes)).unwrap_err();
    assert_eq!(
        error,
        Rejection::Unreadable("the file changed while it was checked".into())
    );
}

/// A PNG of exactly `size` bytes (a private chunk pads it), with a text
/// chunk (dropped by the strip) when `with_text`.
fn png_of_size(size: usize, with_text: bool) -> Vec<u8> {
    use crate::core::strip::fixtures::{before_iend, chunk};
    let base = crate::test_support::image_bytes(ImageFormat::Png, 20, 10, 1);
    let text = if with_text {
        chunk(b"tEXt", b"Comment\0hi")
    } else {
        Vec::new()
    };
    let padding = size - base.len() - text.len() - 12;
    let mut chunks = vec![chunk(b"npAd", &vec![7; padding])];
    if with_text {
        chunks.insert(0, text);
    }
    let png = before_iend(&base, &chunks);
    assert_eq!(png.len(), size);
    png
}

fn roomy_rules() -> ValidationRules {
    ValidationRules {
        max_size_bytes: 64 * 1024 * 1024,
        ..ValidationRules::default()
    }
}

#[test]
fn a_file_of_exactly_the_in_memory_limit_is_read_whole_and_one_grown_past_it_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("limit.png");
    let png = png_of_size(IN_MEMORY_MAX_BYTES as usize, false);
    std::fs::write(&path, &png).unwrap();
    let image = validate(&path, &roomy_rules()).unwrap();
    let walked = prepare_outgoing(&image, None, true, None).unwrap();
    assert_eq!(walked.path(), path, "nothing to strip: the file itself");
    assert_eq!(walked.sha256_hex, hex(&png));
    let kept = prepare_outgoing(&image, None, true, room(&budget(), image.size_bytes)).unwrap();
    assert!(kept.held_bytes().is_some_and(|b| b.as_ref() == png.as_slice()));
    let mut grown = png;
    grown.extend_from_slice(b"more");
    std::fs::write(&path, grown).unwrap();
    let error = prepare_outgoing(&image, None, true, room(&budget(), image.size_bytes)).unwrap_err();
    assert_eq!(
        error,
        Rejection::Unreadable("the file changed while it was checked".into())
    );
}

#[test]
fn a_large_file_with_metadata_is_sent_from_its_stripped_copy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.png");
    let png = png_of_size(IN_MEMORY_MAX_BYTES as usize + 4096, true);
    std::fs::write(&path, &png).unwrap();
    let image = validate(&path, &roomy_rules()).unwrap();
    let outgoing = prepare_outgoing(&image, None, true, room(&budget(), image.size_bytes)).unwrap();
    assert!(outgoing.held_bytes().is_none(), "too large to keep");
    assert_ne!(outgoing.path(), path);
    let sent = std::fs::read(outgoing.path()).unwrap();
    let mut expected = Vec::new();
    strip_metadata(&mut Cursor::new(&png), ImageKind::Png, &mut expected).unwrap();
    assert!(sent == expected);
    assert_eq!(outgoing.sha256_hex, hex(&expected));
}

#[test]
fn a_file_rewritten_to_its_old_size_after_the_check_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = jpeg_file(dir.path());
    let (image, outgoing, mtime) = checked(&path);
    let mut same_size = std::fs::read(&path).unwrap();
    let last = same_size.len() - 3;
    same_size[last] ^= 0xFF;
    std::fs::write(&path, &same_size).unwrap();
    let later = std::time::SystemTime::now() + Duration::from_secs(10);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let error = bytes_to_send(&outgoing, image.size_bytes, mtime).unwrap_err();
    assert!(error.to_string().contains("changed after it was checked"), "{error}");
}

#[test]
fn a_file_sent_unstripped_is_hashed_whole_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = jpeg_file(dir.path());
    let image = validate(&path, &ValidationRules::default()).unwrap();
    let outgoing = prepare_outgoing(&image, None, false, None).unwrap();
    assert_eq!(outgoing.sha256_hex, hex(&std::fs::read(&path).unwrap()));
    assert_eq!(outgoing.path(), path);
    assert!(outgoing.held_bytes().is_none() && outgoing.stripped.is_none());
}

#[test]
fn modification_times_are_unix_milliseconds() {
    let dir = tempfile::tempdir().unwrap();
    let path = jpeg_file(dir.path());
    let at = std::time::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(at)
        .unwrap();
    assert_eq!(modified_ms(&path), Some(1_700_000_000_123));
}
