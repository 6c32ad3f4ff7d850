//! A cache of small PNG previews beside the database (`thumbnails/` in the
//! library's folder), so history can show pictures without reading the
//! originals. The files can be rebuilt; the library stores only their names.

use super::{Library, RecordId};
use crate::core::thumbnail::Thumbnail;
use image::{ImageFormat, ImageReader, Limits, RgbaImage};
use std::io::{BufReader, Cursor, Write};
use std::path::{Path, PathBuf};

/// The cache folder's name, beside the database file.
pub const THUMBNAIL_DIR: &str = "thumbnails";

/// Cached files are at most this many pixels on a side; a bigger one is not ours.
const MAX_SIDE_PX: u32 = 1024;

/// A thumbnail that could not be written or read, as one sentence.
#[derive(Debug, thiserror::Error)]
pub enum ThumbnailError {
    #[error("cannot write the thumbnail {}: {source}; check that the folder is writable", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot read the thumbnail {}: {message}; it will be made again from the original", path.display())]
    Read { path: PathBuf, message: String },
    #[error("the thumbnail for record {id} has {bytes} bytes of pixels where {width}×{height} needs {expected}")]
    BadSize {
        id: RecordId,
        width: u32,
        height: u32,
        bytes: usize,
        expected: u64,
    },
    #[error("`{name}` is not a thumbnail file name from the library")]
    BadName { name: String },
}

impl Library {
    /// `thumbnails/` beside the database file.
    pub fn thumbnail_dir(&self) -> PathBuf {
        thumbnail_dir_for(&self.path)
    }
}

pub(crate) fn thumbnail_dir_for(database: &Path) -> PathBuf {
    database
        .parent()
        .map_or_else(|| PathBuf::from(THUMBNAIL_DIR), |dir| dir.join(THUMBNAIL_DIR))
}

/// Writes `thumbnail` as `<id>.png` in `dir` (created if needed), replacing
/// an older one atomically. Returns the file name to store with
/// [`Library::set_thumbnail`].
pub fn save_thumbnail(dir: &Path, id: RecordId, thumbnail: &Thumbnail) -> Result<String, ThumbnailError> {
    let name = format!("{id}.png");
    let path = dir.join(&name);
    let expected = u64::from(thumbnail.width) * u64::from(thumbnail.height) * 4;
    let bad_size = || ThumbnailError::BadSize {
        id,
        width: thumbnail.width,
        height: thumbnail.height,
        bytes: thumbnail.rgba.len(),
        expected,
    };
    if thumbnail.rgba.len() as u64 != expected {
        return Err(bad_size());
    }
    let image = RgbaImage::from_raw(thumbnail.width, thumbnail.height, thumbnail.rgba.clone()).ok_or_else(bad_size)?;
    let mut png = Cursor::new(Vec::new());
    image
        .write_to(&mut png, ImageFormat::Png)
        .map_err(|error| ThumbnailError::Write {
            path: path.clone(),
            source: std::io::Error::other(error),
        })?;
    let write_error = |source| ThumbnailError::Write {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(write_error)?;
    // Write beside, then rename: a reader never sees half a file.
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(write_error)?;
    file.write_all(png.get_ref()).map_err(write_error)?;
    file.persist(&path).map_err(|error| write_error(error.error))?;
    Ok(name)
}

/// Reads the thumbnail `name` from `dir`.
pub fn load_thumbnail(dir: &Path, name: &str) -> Result<Thumbnail, ThumbnailError> {
    // Names come from the database: never let one point outside the folder.
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(ThumbnailError::BadName { name: name.to_owned() });
    }
    let path = dir.join(name);
    let read_error = |message: String| ThumbnailError::Read {
        path: path.clone(),
        message,
    };
    let file = std::fs::File::open(&path).map_err(|error| read_error(error.to_string()))?;
    let mut reader = ImageReader::with_format(BufReader::new(file), ImageFormat::Png);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    reader.limits(limits);
    let rgba = reader
        .decode()
        .map_err(|error| read_error(error.to_string()))?
        .to_rgba8();
    Ok(Thumbnail {
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
}

/// Deletes a cached file; a missing one is fine (caches can be cleared).
pub(crate) fn delete_thumbnail(dir: &Path, name: &str) {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return;
    }
    match std::fs::remove_file(dir.join(name)) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => tracing::warn!(%error, name, "cannot delete a cached thumbnail"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::testing::{add_done, temp_library};

    fn checkered(width: u32, height: u32) -> Thumbnail {
        let rgba = (0..width * height)
            .flat_map(|i| {
                [
                    (i * 7) as u8,
                    (i * 13) as u8,
                    (i / 3) as u8,
                    if i % 5 == 0 { 128 } else { 255 },
                ]
            })
            .collect();
        Thumbnail { width, height, rgba }
    }

    #[test]
    fn a_saved_thumbnail_loads_back_pixel_for_pixel() {
        let (_dir, _path, mut library) = temp_library();
        let id = add_done(&mut library, "cat.png", 1);
        let thumbnail = checkered(37, 20);
        let dir = library.thumbnail_dir();
        let name = save_thumbnail(&dir, id, &thumbnail).unwrap();
        assert_eq!(name, format!("{id}.png"));
        assert!(dir.join(&name).is_file());
        library.set_thumbnail(id, &name).unwrap();

        let stored = library.get(id).unwrap().unwrap().thumbnail.unwrap();
        assert_eq!(load_thumbnail(&dir, &stored).unwrap(), thumbnail);

        // Saving again replaces it.
        let smaller = checkered(5, 5);
        save_thumbnail(&dir, id, &smaller).unwrap();
        assert_eq!(load_thumbnail(&dir, &name).unwrap(), smaller);
        let leftovers = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn removing_a_record_deletes_its_thumbnail_file() {
        let (_dir, _path, mut library) = temp_library();
        let id = add_done(&mut library, "cat.png", 1);
        let dir = library.thumbnail_dir();
        let name = save_thumbnail(&dir, id, &checkered(4, 4)).unwrap();
        library.set_thumbnail(id, &name).unwrap();
        library.remove(id).unwrap();
        assert!(!dir.join(&name).exists());
    }

    #[test]
    fn bad_pixels_names_and_files_are_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let mut short = checkered(4, 4);
        short.rgba.pop();
        let error = save_thumbnail(dir.path(), 3, &short).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the thumbnail for record 3 has 63 bytes of pixels where 4×4 needs 64"
        );
        assert!(matches!(
            load_thumbnail(dir.path(), "../secret.png"),
            Err(ThumbnailError::BadName { .. })
        ));
        std::fs::write(dir.path().join("9.png"), "not a png").unwrap();
        let message = load_thumbnail(dir.path(), "9.png").unwrap_err().to_string();
        assert!(
            message.starts_with(&format!(
                "cannot read the thumbnail {}: ",
                dir.path().join("9.png").display()
            )),
            "{message}"
        );
        let missing = load_thumbnail(dir.path(), "10.png").unwrap_err();
        assert!(matches!(missing, ThumbnailError::Read { .. }));
    }
}
