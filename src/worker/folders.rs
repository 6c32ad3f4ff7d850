//! Turning dropped folders into the image files inside them.

use crate::core::ImageKind;
use std::io::Read;
use std::path::{Path, PathBuf};
use tokio_util::sync::CancellationToken;

/// A folder tree is not walked past this many files, so dropping `/` cannot
/// hang the worker or fill memory.
pub const MAX_FILES_PER_FOLDER: usize = 10_000;
const MAX_DEPTH: usize = 32;

/// What a folder scan found, and what it left out (so the window can say so).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FolderScan {
    /// Image files by their first bytes, sorted by path.
    pub images: Vec<PathBuf>,
    /// Files whose bytes are not JPEG, PNG, GIF or WebP.
    pub not_images: usize,
    /// Subfolders not entered (subfolders are off, or too deep).
    pub subfolders_skipped: usize,
    /// The scan stopped at [`MAX_FILES_PER_FOLDER`] images.
    pub hit_limit: bool,
}

/// The image files under `dir` (by their first bytes, not their names),
/// sorted by path, and counts of what was skipped. Hidden files and folders
/// are left out without counting: hiding them was the user's choice.
/// Gives up (finding nothing) once `stop` is cancelled: walking a large tree
/// can take seconds, and the worker's runtime waits up to 2 s for blocking
/// work when it stops, so a scan would hold up closing the window.
pub fn images_in_folder(dir: &Path, recursive: bool, stop: &CancellationToken) -> FolderScan {
    let mut scan = FolderScan::default();
    let mut pending = vec![(dir.to_path_buf(), 0usize)];
    while let Some((folder, depth)) = pending.pop() {
        if stop.is_cancelled() {
            return FolderScan::default();
        }
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(std::fs::DirEntry::path);
        for entry in entries {
            if stop.is_cancelled() {
                return FolderScan::default();
            }
            if scan.images.len() >= MAX_FILES_PER_FOLDER {
                scan.hit_limit = true;
                scan.images.sort();
                return scan;
            }
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            // file_type does not follow symlinks, so a link loop cannot trap us.
            let Ok(kind) = entry.file_type() else { continue };
            let path = entry.path();
            if kind.is_dir() {
                if recursive && depth < MAX_DEPTH {
                    pending.push((path, depth + 1));
                } else {
                    scan.subfolders_skipped += 1;
                }
            } else if kind.is_file() {
                if starts_like_an_image(&path) {
                    scan.images.push(path);
                } else {
                    scan.not_images += 1;
                }
            }
        }
    }
    scan.images.sort();
    scan
}

fn starts_like_an_image(path: &Path) -> bool {
    let mut head = [0u8; 32];
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(n) = file.read(&mut head) else { return false };
    image::guess_format(&head[..n])
        .ok()
        .and_then(ImageKind::from_format)
        .is_some()
}

/// Scans `dir` on the blocking pool and hands the images found to the loop,
/// so a large folder never holds up other commands.
pub fn scan_in_background(
    dir: PathBuf,
    recursive: bool,
    sink: crate::worker::sink::EventSink,
    internal: crate::worker::internal::InternalSender,
    quitting: CancellationToken,
) {
    tokio::spawn(async move {
        let scanned = {
            let (dir, stop) = (dir.clone(), quitting.clone());
            tokio::task::spawn_blocking(move || images_in_folder(&dir, recursive, &stop))
        };
        let scan = tokio::select! {
            scan = scanned => scan.unwrap_or_default(),
            () = quitting.cancelled() => return,
        };
        sink.send(crate::worker::event::Event::FolderScanned {
            path: dir,
            added: scan.images.len(),
            not_images: scan.not_images,
            subfolders_skipped: scan.subfolders_skipped,
            hit_limit: scan.hit_limit,
            recursive,
        });
        internal
            .send(crate::worker::internal::Internal::FolderFiles(scan.images))
            .ok();
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::write_image;
    use image::ImageFormat;

    #[test]
    fn a_folder_yields_its_images_by_content_and_skips_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        write_image(dir.path(), "b.png", ImageFormat::Png, 4, 4);
        write_image(dir.path(), "a-no-extension", ImageFormat::Jpeg, 4, 4);
        std::fs::write(dir.path().join("notes.jpg"), "text").unwrap();
        write_image(dir.path(), ".hidden.png", ImageFormat::Png, 4, 4);
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        write_image(&sub, "c.gif", ImageFormat::Gif, 4, 4);

        let names = |paths: Vec<PathBuf>| -> Vec<String> {
            paths
                .iter()
                .map(|p| p.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned())
                .collect()
        };
        let go_on = CancellationToken::new();
        let flat = images_in_folder(dir.path(), false, &go_on);
        assert_eq!(names(flat.images), ["a-no-extension", "b.png"]);
        assert_eq!(
            (flat.not_images, flat.subfolders_skipped, flat.hit_limit),
            (1, 1, false)
        );
        let deep = images_in_folder(dir.path(), true, &go_on);
        assert_eq!(names(deep.images), ["a-no-extension", "b.png", "sub/c.gif"]);
        assert_eq!((deep.not_images, deep.subfolders_skipped), (1, 0));
    }

    #[test]
    fn a_scan_stops_when_the_worker_quits() {
        let dir = tempfile::tempdir().unwrap();
        write_image(dir.path(), "b.png", ImageFormat::Png, 4, 4);
        let quitting = CancellationToken::new();
        quitting.cancel();
        assert_eq!(images_in_folder(dir.path(), true, &quitting), FolderScan::default());
    }
}
