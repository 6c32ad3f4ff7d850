//! The window's own file browser for "Add images…", used where the system
//! has no file dialog (no desktop portal and no zenity: minimal desktops,
//! tiling window managers). It lists the folders and images of one folder,
//! enters folders, and adds the images picked.
//!
//! It never touches the disk itself: it asks for a folder's listing
//! ([`BrowserOutcome::List`]), which the window reads on a background thread
//! ([`list_folder`]) and hands back through [`FileBrowser::listed`].

use crate::core::ImageKind;
use egui::{Context, Id, Key, Modal, Modifiers, RichText, ScrollArea, TextEdit, Ui};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One folder or image in a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub is_folder: bool,
}

/// A folder's contents as read off the UI thread.
#[derive(Debug)]
pub struct Listing {
    /// The folder listed (the start folder when none was asked for).
    pub folder: PathBuf,
    /// Folders first, then images, each by name; or why it could not be read.
    pub entries: Result<Vec<Entry>, String>,
}

/// What the browser wants from the window.
#[derive(Debug, PartialEq, Eq)]
pub enum BrowserOutcome {
    /// Read this folder and hand the listing to [`FileBrowser::listed`].
    List(PathBuf),
    /// Queue these files; the browser is done.
    Add(Vec<PathBuf>),
    Cancel,
}

#[derive(Debug)]
enum Contents {
    Loading,
    Listed(Vec<Entry>),
    Failed(String),
}

#[derive(Debug)]
pub struct FileBrowser {
    /// `None` until the start folder's listing arrives.
    folder: Option<PathBuf>,
    path_text: String,
    contents: Contents,
    /// Names of the picked images in `folder`.
    selected: BTreeSet<String>,
}

/// Text of a folder's row: its name and a slash, as shells show folders.
pub fn folder_label(name: &str) -> String {
    format!("{name}/")
}

impl FileBrowser {
    /// A browser waiting for the listing of `folder` (or of the start folder
    /// when `None`), which the caller requests.
    pub fn new(folder: Option<PathBuf>) -> Self {
        Self {
            path_text: folder.as_ref().map(|f| f.display().to_string()).unwrap_or_default(),
            folder,
            contents: Contents::Loading,
            selected: BTreeSet::new(),
        }
    }

    /// The folder shown (where the next "Add images…" starts).
    pub fn folder(&self) -> Option<&Path> {
        self.folder.as_deref()
    }

    /// Takes a listing; one for a folder left meanwhile is ignored.
    pub fn listed(&mut self, listing: Listing) {
        if self.folder.as_ref().is_some_and(|folder| *folder != listing.folder) {
            return;
        }
        self.path_text = listing.folder.display().to_string();
        self.folder = Some(listing.folder);
        self.contents = match listing.entries {
            Ok(entries) => Contents::Listed(entries),
            Err(problem) => Contents::Failed(problem),
        };
    }

    fn go_to(&mut self, folder: PathBuf) -> BrowserOutcome {
        self.path_text = folder.display().to_string();
        self.folder = Some(folder.clone());
        self.contents = Contents::Loading;
        self.selected.clear();
        BrowserOutcome::List(folder)
    }

    fn picked_paths(&self) -> Vec<PathBuf> {
        let Some(folder) = &self.folder else { return Vec::new() };
        self.selected.iter().map(|name| folder.join(name)).collect()
    }

    /// Draws the dialog; returns what the user asked for this frame.
    pub fn show(&mut self, ctx: &Context) -> Option<BrowserOutcome> {
        let max_height = (ctx.content_rect().height() - 220.0).max(120.0);
        let mut outcome = None;
        let response = Modal::new(Id::unique("picbucket-file-browser")).show(ctx, |ui| {
            ui.set_width(560.0_f32.min(ctx.content_rect().width() - 40.0));
            ui.heading("Add images");
            ui.add_space(4.0);
            outcome = self.path_row_ui(ui);
            ui.separator();
            ScrollArea::vertical()
                .max_height(max_height)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    if let Some(chosen) = self.entries_ui(ui) {
                        outcome = Some(chosen);
                    }
                });
            ui.separator();
            if let Some(chosen) = self.buttons_ui(ui) {
                outcome = Some(chosen);
            }
        });
        if outcome.is_none() && response.should_close() {
            outcome = Some(BrowserOutcome::Cancel);
        }
        let enter = outcome.is_none()
            && !ctx.text_edit_focused()
            && !self.selected.is_empty()
            && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter));
        if enter {
            outcome = Some(BrowserOutcome::Add(self.picked_paths()));
        }
        outcome
    }

    /// "Up" and the folder's path, which can be typed (Enter goes there).
    fn path_row_ui(&mut self, ui: &mut Ui) -> Option<BrowserOutcome> {
        let mut outcome = None;
        ui.horizontal(|ui| {
            let parent = self.folder.as_deref().and_then(Path::parent).map(Path::to_path_buf);
            let up = ui
                .add_enabled(parent.is_some(), egui::Button::new("Up"))
                .on_hover_text("The folder that holds this one");
            if up.clicked()
                && let Some(parent) = parent
            {
                outcome = Some(self.go_to(parent));
            }
            let label = ui.label("Folder");
            let field = ui
                .add(TextEdit::singleline(&mut self.path_text).desired_width(f32::INFINITY))
                .labelled_by(label.id);
            let typed = self.path_text.trim();
            if field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) && !typed.is_empty() {
                outcome = Some(self.go_to(PathBuf::from(typed)));
            }
        });
        outcome
    }

    fn entries_ui(&mut self, ui: &mut Ui) -> Option<BrowserOutcome> {
        let entries = match &self.contents {
            Contents::Loading => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Reading the folder…");
                });
                return None;
            }
            Contents::Failed(problem) => {
                ui.colored_label(ui.visuals().error_fg_color, problem);
                return None;
            }
            Contents::Listed(entries) => entries,
        };
        if entries.is_empty() {
            ui.label(RichText::new("No folders or images here").weak());
            return None;
        }
        let mut enter = None;
        let mut add_one = None;
        for entry in entries {
            if entry.is_folder {
                if ui.selectable_label(false, folder_label(&entry.name)).clicked() {
                    enter = Some(entry.name.clone());
                }
            } else {
                let picked = self.selected.contains(&entry.name);
                let row = ui.selectable_label(picked, &entry.name);
                if row.double_clicked() {
                    add_one = Some(entry.name.clone());
                } else if row.clicked() && !self.selected.remove(&entry.name) {
                    self.selected.insert(entry.name.clone());
                }
            }
        }
        let folder = self.folder.clone()?;
        if let Some(name) = add_one {
            return Some(BrowserOutcome::Add(vec![folder.join(name)]));
        }
        enter.map(|name| self.go_to(folder.join(name)))
    }

    fn buttons_ui(&mut self, ui: &mut Ui) -> Option<BrowserOutcome> {
        let mut outcome = None;
        ui.horizontal(|ui| {
            let count = self.selected.len();
            let add_text = match count {
                0 => "Add images".to_owned(),
                1 => "Add 1 image".to_owned(),
                n => format!("Add {n} images"),
            };
            if ui.add_enabled(count > 0, egui::Button::new(add_text)).clicked() {
                outcome = Some(BrowserOutcome::Add(self.picked_paths()));
            }
            if let Contents::Listed(entries) = &self.contents {
                let images: Vec<&Entry> = entries.iter().filter(|e| !e.is_folder).collect();
                if ui
                    .add_enabled(!images.is_empty(), egui::Button::new("Select all"))
                    .clicked()
                {
                    self.selected = images.iter().map(|e| e.name.clone()).collect();
                }
            }
            if ui.button("Cancel").clicked() {
                outcome = Some(BrowserOutcome::Cancel);
            }
            ui.label(RichText::new("Click images to pick several; double-click adds one.").weak());
        });
        outcome
    }
}

/// Reads `folder` (or the start folder: Pictures, else home) for the
/// browser: sub-folders and the images picbucket takes, hidden ones left out.
/// Blocking: for a background thread.
pub fn list_folder(folder: Option<PathBuf>) -> Listing {
    let folder = folder.unwrap_or_else(start_folder);
    let entries = read_entries(&folder).map_err(|e| {
        format!(
            "Cannot open {}: {e}. Type another folder above or go up.",
            folder.display()
        )
    });
    Listing { folder, entries }
}

fn start_folder() -> PathBuf {
    let user = directories::UserDirs::new();
    let pictures = user.as_ref().and_then(|u| u.picture_dir()).filter(|p| p.is_dir());
    match (pictures, user.as_ref()) {
        (Some(pictures), _) => pictures.to_path_buf(),
        (None, Some(user)) => user.home_dir().to_path_buf(),
        (None, None) => PathBuf::from("/"),
    }
}

fn read_entries(folder: &Path) -> std::io::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for item in std::fs::read_dir(folder)? {
        let Ok(item) = item else { continue };
        let name = item.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        // Follows symlinks: a link to a folder is a folder.
        let Ok(meta) = std::fs::metadata(item.path()) else {
            continue;
        };
        if meta.is_dir() {
            entries.push(Entry { name, is_folder: true });
        } else if meta.is_file() && is_image_name(&name) {
            entries.push(Entry { name, is_folder: false });
        }
    }
    entries.sort_by_cached_key(|e| (!e.is_folder, e.name.to_lowercase()));
    Ok(entries)
}

/// Whether the name's extension is one of the image kinds picbucket uploads.
fn is_image_name(name: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(image::ImageFormat::from_extension)
        .and_then(ImageKind::from_format)
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_holds_folders_then_images_and_leaves_out_other_files() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.JPG", "a.png", "notes.txt", ".hidden.png", "c.webp", "d.tiff"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        std::fs::create_dir(dir.path().join("Sub")).unwrap();
        std::fs::create_dir(dir.path().join(".cache")).unwrap();
        let listing = list_folder(Some(dir.path().to_path_buf()));
        assert_eq!(listing.folder, dir.path());
        let entries = listing.entries.unwrap();
        let names: Vec<(&str, bool)> = entries.iter().map(|e| (e.name.as_str(), e.is_folder)).collect();
        assert_eq!(
            names,
            [("Sub", true), ("a.png", false), ("b.JPG", false), ("c.webp", false)]
        );
    }

    #[test]
    fn a_missing_folder_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone");
        let error = list_folder(Some(missing.clone())).entries.unwrap_err();
        assert!(
            error.starts_with(&format!("Cannot open {}: ", missing.display())),
            "{error}"
        );
    }

    #[test]
    fn a_late_listing_of_a_folder_left_is_ignored() {
        let mut browser = FileBrowser::new(Some(PathBuf::from("/b")));
        browser.listed(Listing {
            folder: PathBuf::from("/a"),
            entries: Ok(vec![]),
        });
        assert!(matches!(browser.contents, Contents::Loading));
        browser.listed(Listing {
            folder: PathBuf::from("/b"),
            entries: Ok(vec![]),
        });
        assert!(matches!(browser.contents, Contents::Listed(_)));
    }
}
