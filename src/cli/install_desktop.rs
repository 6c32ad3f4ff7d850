//! `picbucket install-desktop [--uninstall]`: a desktop entry and the icon in
//! the user's XDG data folder (`$XDG_DATA_HOME`, by default ~/.local/share),
//! so menus list picbucket and file managers offer "Open with picbucket" for
//! JPEG, PNG, GIF and WebP files.

use anyhow::Context;
use std::path::{Path, PathBuf};

const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");
const DESKTOP_FILE: &str = "picbucket.desktop";
/// assets/icon.png is 256×256.
const ICON_DIR: &str = "icons/hicolor/256x256/apps";
const ICON_FILE: &str = "picbucket.png";

#[derive(Debug, clap::Args)]
pub struct InstallDesktopArgs {
    /// Remove the desktop entry and the icon instead.
    #[arg(long)]
    pub uninstall: bool,
}

/// Where the two files go under a data folder.
struct Targets {
    desktop: PathBuf,
    icon: PathBuf,
}

impl Targets {
    fn under(data_home: &Path) -> Self {
        Self {
            desktop: data_home.join("applications").join(DESKTOP_FILE),
            icon: data_home.join(ICON_DIR).join(ICON_FILE),
        }
    }
}

pub fn run(args: &InstallDesktopArgs) -> anyhow::Result<i32> {
    let data_home = directories::BaseDirs::new()
        .map(|dirs| dirs.data_dir().to_path_buf())
        .context("no home folder found; set XDG_DATA_HOME to the folder for desktop entries")?;
    let targets = Targets::under(&data_home);
    if args.uninstall {
        for path in [&targets.desktop, &targets.icon] {
            match std::fs::remove_file(path) {
                Ok(()) => println!("removed {}", path.display()),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(error).with_context(|| format!("cannot remove {}", path.display())),
            }
        }
    } else {
        let exe = std::env::current_exe().context("cannot tell where the picbucket program is")?;
        let exe = exe.canonicalize().unwrap_or(exe);
        let entry = desktop_entry(&exe)?;
        write_file(&targets.icon, ICON_PNG)?;
        write_file(&targets.desktop, entry.as_bytes())?;
        println!("installed {}", targets.desktop.display());
        println!("installed {}", targets.icon.display());
    }
    refresh_mime_cache(&data_home.join("applications"));
    Ok(0)
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create the folder {}", parent.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Menus read the entry at once; the "Open with" list of some file managers
/// waits for this cache. Best effort: without the tool they rescan later.
fn refresh_mime_cache(applications: &Path) {
    if !applications.is_dir() {
        return;
    }
    let ran = std::process::Command::new("update-desktop-database")
        .arg(applications)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    if let Err(error) = ran {
        tracing::info!(%error, "update-desktop-database not run");
    }
}

/// The desktop entry that starts `exe` with the files chosen (`%F`).
fn desktop_entry(exe: &Path) -> anyhow::Result<String> {
    let exe = exe.to_str().with_context(|| {
        format!(
            "the program path {} is not UTF-8, which desktop entries need",
            exe.display()
        )
    })?;
    Ok(format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Version=1.4\n\
         Name=picbucket\n\
         GenericName=Image Uploader\n\
         Comment=Upload images to S3-compatible storage and copy share links\n\
         Exec={} %F\n\
         Icon=picbucket\n\
         Terminal=false\n\
         Categories=Network;FileTransfer;\n\
         MimeType=image/jpeg;image/png;image/gif;image/webp;\n\
         Keywords=upload;S3;share;link;screenshot;\n\
         StartupWMClass=picbucket\n",
        exec_argument(exe)
    ))
}

/// `path` as the first word of an `Exec` key: quoted when the Desktop Entry
/// spec reserves one of its characters, `%` doubled, then the string escape
/// of backslashes applied on top (so a literal `\` ends up as `\\\\`).
fn exec_argument(path: &str) -> String {
    const RESERVED: &[char] = &[
        ' ', '\t', '\n', '"', '\'', '\\', '>', '<', '~', '|', '&', ';', '$', '*', '?', '#', '(', ')', '`',
    ];
    let quoted = if path.contains(RESERVED) {
        let mut out = String::from("\"");
        for c in path.chars() {
            if matches!(c, '"' | '`' | '$' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
    } else {
        path.to_owned()
    };
    quoted.replace('%', "%%").replace('\\', "\\\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_stay_as_they_are_and_others_are_quoted_and_escaped() {
        assert_eq!(exec_argument("/usr/bin/picbucket"), "/usr/bin/picbucket");
        assert_eq!(exec_argument("/opt/my apps/picbucket"), "\"/opt/my apps/picbucket\"");
        assert_eq!(exec_argument("/opt/100%/picbucket"), "/opt/100%%/picbucket");
        assert_eq!(exec_argument("/opt/a$b/p"), "\"/opt/a\\\\$b/p\"");
        assert_eq!(exec_argument("/opt/a\\b/p"), "\"/opt/a\\\\\\\\b/p\"");
    }

    #[test]
    fn the_entry_opens_the_four_image_types_with_the_program() {
        let entry = desktop_entry(Path::new("/home/me/bin/picbucket")).unwrap();
        assert!(entry.starts_with("[Desktop Entry]\n"), "{entry}");
        assert!(entry.contains("\nExec=/home/me/bin/picbucket %F\n"), "{entry}");
        assert!(
            entry.contains("\nMimeType=image/jpeg;image/png;image/gif;image/webp;\n"),
            "{entry}"
        );
        assert!(entry.contains("\nIcon=picbucket\n") && entry.contains("\nType=Application\n"));
    }
}
