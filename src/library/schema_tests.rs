use super::schema::{self, MIGRATIONS, SCHEMA_VERSION, user_version};
use super::testing::{add_done, job, temp_library};
use super::*;
use rusqlite::Connection;

fn index_names(path: &Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'uploads_%' ORDER BY name")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// One sentence: no line breaks, no debug text.
fn assert_one_sentence(message: &str) {
    assert!(!message.contains('\n') && !message.contains('{'), "{message}");
    assert!(
        !message.contains("SqliteFailure") && !message.contains("Error"),
        "{message}"
    );
}

#[test]
fn a_new_file_gets_the_latest_schema_in_wal_mode() {
    let (_dir, path, library) = temp_library();
    assert!(path.is_file());
    assert_eq!(SCHEMA_VERSION, MIGRATIONS.len() as i64);
    assert_eq!(user_version(&library.conn).unwrap(), SCHEMA_VERSION);
    let mode: String = library
        .conn
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let foreign_keys: i64 = library
        .conn
        .pragma_query_value(None, "foreign_keys", |row| row.get(0))
        .unwrap();
    assert_eq!(foreign_keys, 1);
    assert_eq!(
        index_names(&path),
        [
            "uploads_file_name",
            "uploads_object_key",
            "uploads_profile_state_id",
            "uploads_state_id"
        ]
    );
}

#[test]
fn a_version_1_database_is_upgraded_and_keeps_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.sqlite3");
    {
        let mut conn = Connection::open(&path).unwrap();
        assert_eq!(schema::migrate_to(&mut conn, 1).unwrap(), 0);
        assert_eq!(user_version(&conn).unwrap(), 1);
        jobs::insert_job(&conn, &job("old.png"), "old-owner", 1_000).unwrap();
    }
    assert!(index_names(&path).is_empty());

    let library = Library::open(&path).unwrap();
    assert_eq!(user_version(&library.conn).unwrap(), SCHEMA_VERSION);
    assert_eq!(index_names(&path).len(), 4);
    let old = library.get(1).unwrap().unwrap();
    assert_eq!(old.file_name, "old.png");
    assert_eq!(old.state, UploadState::Pending);
    assert_eq!(old.owner.as_deref(), Some("old-owner"));
}

#[test]
fn history_survives_close_and_reopen() {
    let (_dir, path, mut library) = temp_library();
    let id = add_done(&mut library, "kept.png", 5_000);
    library.set_thumbnail(id, "1.png").unwrap();
    drop(library);

    let library = Library::open(&path).unwrap();
    let history = library.history(&HistoryQuery::default()).unwrap();
    assert_eq!(history.len(), 1);
    let record = &history[0];
    assert_eq!((record.id, record.file_name.as_str()), (id, "kept.png"));
    assert_eq!(record.object_key, "2026/11/kept.png");
    assert_eq!(record.uploaded_at, Some(5_000));
    assert_eq!(record.thumbnail.as_deref(), Some("1.png"));
    assert_eq!(record.sha256.as_deref(), Some("ab".repeat(32).as_str()));
}

#[test]
fn a_newer_database_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.sqlite3");
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let error = Library::open(&path).unwrap_err();
    assert!(matches!(error, LibraryError::TooNew { found, .. } if found == SCHEMA_VERSION + 1));
    let message = error.to_string();
    assert_eq!(
        message,
        format!(
            "the library {} was written by a newer picbucket (schema version {}, this one knows up to {}); \
             update picbucket or move the file aside",
            path.display(),
            SCHEMA_VERSION + 1,
            SCHEMA_VERSION
        )
    );
    assert_one_sentence(&message);
    // Refusing did not touch it.
    let conn = Connection::open(&path).unwrap();
    assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION + 1);
}

#[test]
fn a_file_that_is_not_a_database_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.sqlite3");
    std::fs::write(&path, vec![b'x'; 4096]).unwrap();
    let message = Library::open(&path).unwrap_err().to_string();
    assert_eq!(
        message,
        format!(
            "the library {} is not a picbucket database or is damaged; move it aside and picbucket will start a new one",
            path.display()
        )
    );
}

#[test]
fn a_folder_that_cannot_be_created_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let message = Library::open(&blocker.join("library.sqlite3")).unwrap_err().to_string();
    assert!(
        message.starts_with(&format!(
            "cannot create the folder {} for the library: ",
            blocker.display()
        )),
        "{message}"
    );
    assert_one_sentence(&message);
}

#[test]
fn errors_about_records_name_the_file() {
    let (_dir, path, mut library) = temp_library();
    let missing = library.set_done(99, &testing::sent(1), 1).unwrap_err().to_string();
    assert_eq!(
        missing,
        format!(
            "record 99 is not in the library {}; another picbucket process may have removed it",
            path.display()
        )
    );
    let id = add_done(&mut library, "a.png", 1);
    let wrong = library.set_failed(id, "network down", 2).unwrap_err().to_string();
    assert_eq!(
        wrong,
        format!(
            "record {id} in the library {} is done, so it cannot become failed",
            path.display()
        )
    );
}

#[test]
fn processes_opening_a_new_file_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.sqlite3");
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| Library::open(&path).map(|_| ())))
            .collect();
        for handle in handles {
            handle.join().unwrap().unwrap();
        }
    });
    let conn = Connection::open(&path).unwrap();
    assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
}

#[test]
fn processes_opening_a_new_library_at_once_all_get_it() {
    // Two `picbucket upload` started together on a fresh data folder: one of
    // them was told "database is locked" while the other set the library up,
    // and uploaded without remembering anything.
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite3");
        let start = std::sync::Arc::new(std::sync::Barrier::new(4));
        let openers: Vec<_> = (0..4)
            .map(|n| {
                let (path, start) = (path.clone(), start.clone());
                std::thread::Builder::new()
                    .name(format!("opener-{n}"))
                    .spawn(move || {
                        start.wait();
                        Library::open(&path).map(|_| ()).map_err(|e| e.to_string())
                    })
                    .unwrap()
            })
            .collect();
        for opener in openers {
            assert_eq!(opener.join().unwrap(), Ok(()), "round {round}");
        }
    }
}
