//! Pasted screenshots become files, so they upload like any other. Such a
//! file is the worker's own: it is removed once its upload is done, or once
//! its row is gone with no retry or resume left that could need it.

use crate::core::naming::sanitize_filename;
use crate::core::paths::default_data_dir;
use crate::worker::LibraryLocation;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// The folder pasted screenshots are saved in: `pasted/` beside the library
/// that may have to resume their uploads (the data directory, or a test's
/// temp dir when the library is a given file).
pub fn pasted_folder(library: &LibraryLocation) -> Option<PathBuf> {
    match library {
        LibraryLocation::File(db) => db.parent().map(|dir| dir.join("pasted")),
        LibraryLocation::Off | LibraryLocation::DataDir => default_data_dir().map(|dir| dir.join("pasted")),
    }
}

/// Whether `path` is a screenshot the worker saved from a paste: a file of
/// its own, to remove once nothing needs it (a file the user added never is).
pub fn is_pasted(path: &Path, folder: Option<&Path>) -> bool {
    folder.is_some_and(|folder| path.parent() == Some(folder))
}

/// Removes a pasted screenshot's file; one already gone is fine.
pub async fn remove_pasted(path: PathBuf) {
    match tokio::fs::remove_file(&path).await {
        Ok(()) => tracing::debug!(path = %path.display(), "pasted image removed"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => tracing::warn!(path = %path.display(), %error, "pasted image could not be removed"),
    }
}

/// Most numbered names tried before giving up (`shot-2.png` … `shot-1000.png`).
const MAX_NAME_TRIES: u32 = 1000;

/// Saves pasted pixels as a PNG in `folder` (the data directory's `pasted/`).
/// Every paste gets a file of its own: two pastes in the same second (same
/// name) become `name.png` and `name-2.png`, never one overwriting the other
/// while it uploads.
pub fn save_pixels_as_png(
    folder: Option<PathBuf>,
    name: &str,
    width: u32,
    height: u32,
    rgba: Vec<u8>,
) -> Result<PathBuf, String> {
    let folder = folder.ok_or("there is no data directory to save the pasted image in")?;
    let image =
        image::RgbaImage::from_raw(width, height, rgba).ok_or("the pasted image's size does not match its pixels")?;
    std::fs::create_dir_all(&folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    let (path, file) = create_new_file(&folder, &sanitize_filename(name))?;
    image
        .write_to(&mut BufWriter::new(file), image::ImageFormat::Png)
        .map_err(|e| format!("cannot save the pasted image to {}: {e}", path.display()))?;
    Ok(path)
}

/// Creates `name` in `folder`, or `stem-2.ext`, `stem-3.ext` … when taken;
/// `create_new` makes the choice atomic, so two pastes racing still differ.
fn create_new_file(folder: &Path, name: &str) -> Result<(PathBuf, std::fs::File), String> {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    for n in 1..=MAX_NAME_TRIES {
        let candidate = match (n, ext) {
            (1, _) => name.to_owned(),
            (_, "") => format!("{stem}-{n}"),
            (_, ext) => format!("{stem}-{n}.{ext}"),
        };
        let path = folder.join(candidate);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("cannot save the pasted image to {}: {e}", path.display())),
        }
    }
    Err(format!(
        "cannot save the pasted image: {} already holds {MAX_NAME_TRIES} files named like {name}",
        folder.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_pastes_with_the_same_name_get_two_files() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Some(dir.path().to_path_buf());
        let red = vec![255, 0, 0, 255];
        let blue = vec![0, 0, 255, 255];
        let first = save_pixels_as_png(folder.clone(), "clipboard-1.png", 1, 1, red).unwrap();
        let second = save_pixels_as_png(folder, "clipboard-1.png", 1, 1, blue).unwrap();
        assert_eq!(first.file_name().unwrap(), "clipboard-1.png");
        assert_eq!(second.file_name().unwrap(), "clipboard-1-2.png");
        let pixel = |path: &Path| image::open(path).unwrap().to_rgba8().get_pixel(0, 0).0;
        assert_eq!(pixel(&first), [255, 0, 0, 255]);
        assert_eq!(pixel(&second), [0, 0, 255, 255]);
    }

    #[test]
    fn pixels_that_do_not_match_the_size_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let error = save_pixels_as_png(Some(dir.path().to_path_buf()), "x.png", 2, 2, vec![0; 4]).unwrap_err();
        assert!(error.contains("does not match"), "{error}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
