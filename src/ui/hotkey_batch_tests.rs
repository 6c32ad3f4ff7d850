use super::*;
use crate::worker::SignedLink;
use std::collections::HashMap;

fn done() -> RowStatus {
    RowStatus::Done {
        key: "k".into(),
        link: SignedLink {
            url: "http://127.0.0.1/k".into(),
            expires_at: None,
            ends_with_credentials: false,
        },
    }
}

#[test]
fn links_are_copied_once_every_row_of_the_press_has_ended() {
    let mut uploads = HotkeyUploads::default();
    uploads.new_press();
    uploads.expect_files(&[PathBuf::from("/p/a.png"), PathBuf::from("/p/b.png")]);
    assert!(uploads.on_added(JobId(1), Path::new("/p/a.png"), "a.png"));
    assert!(!uploads.on_added(JobId(9), Path::new("/p/other.png"), "other.png"));
    let mut rows = HashMap::from([(JobId(1), done()), (JobId(9), done())]);
    // b.png has no row yet: nothing to copy.
    assert_eq!(uploads.take_finished(|id| rows.get(&id)), None);
    assert!(uploads.on_added(JobId(2), Path::new("/p/b.png"), "b.png"));
    rows.insert(JobId(2), RowStatus::Validating);
    assert_eq!(uploads.take_finished(|id| rows.get(&id)), None);
    rows.insert(JobId(2), RowStatus::Failed("refused".into()));
    assert_eq!(uploads.take_finished(|id| rows.get(&id)), Some(vec![JobId(1)]));
    // Taken once.
    assert_eq!(uploads.take_finished(|id| rows.get(&id)), None);
}

#[test]
fn a_saved_clipboard_image_is_found_under_its_numbered_name() {
    let mut uploads = HotkeyUploads::default();
    uploads.expect_image("clipboard-2026-11-26-150102.png".into());
    assert!(!uploads.on_added(
        JobId(1),
        Path::new("/x/clipboard-2026-11-26-150102-x.png"),
        "clipboard-2026-11-26-150102-x.png"
    ));
    assert!(uploads.on_added(
        JobId(2),
        Path::new("/x/clipboard-2026-11-26-150102-2.png"),
        "clipboard-2026-11-26-150102-2.png"
    ));
    assert_eq!(uploads.jobs(), [JobId(2)]);
    assert!(same_saved_name("a.png", "a.png"));
    assert!(!same_saved_name("a.png", "a-.png"));
    assert!(!same_saved_name("a.png", "ab.png"));
}

#[test]
fn a_new_press_forgets_what_never_arrived() {
    let mut uploads = HotkeyUploads::default();
    uploads.expect_image("lost.png".into());
    uploads.new_press();
    uploads.expect_image("shot.png".into());
    assert!(uploads.on_added(JobId(3), Path::new("/x/shot.png"), "shot.png"));
    let rows = HashMap::from([(JobId(3), done())]);
    assert_eq!(uploads.take_finished(|id| rows.get(&id)), Some(vec![JobId(3)]));
}
