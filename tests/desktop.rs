//! `picbucket install-desktop`: the desktop entry and icon land in
//! $XDG_DATA_HOME (a temp folder here), say what "Open with" needs, and
//! `--uninstall` takes them away again.

use std::path::Path;
use std::process::{Command, Output};

fn picbucket(data_home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_picbucket"))
        .args(args)
        .env("XDG_DATA_HOME", data_home)
        .env("HOME", data_home)
        .output()
        .expect("run picbucket")
}

#[test]
fn install_desktop_writes_an_entry_for_the_four_image_types_and_the_icon() {
    let home = tempfile::tempdir().unwrap();
    let out = picbucket(home.path(), &["install-desktop"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let entry_path = home.path().join("applications/picbucket.desktop");
    let icon_path = home.path().join("icons/hicolor/256x256/apps/picbucket.png");
    let entry = std::fs::read_to_string(&entry_path).expect("desktop entry written");
    let exe = Path::new(env!("CARGO_BIN_EXE_picbucket")).canonicalize().unwrap();
    let lines: Vec<&str> = entry.lines().collect();
    assert_eq!(lines[0], "[Desktop Entry]");
    for expected in [
        "Type=Application".to_owned(),
        "Name=picbucket".to_owned(),
        format!("Exec={} %F", exe.display()),
        "Icon=picbucket".to_owned(),
        "MimeType=image/jpeg;image/png;image/gif;image/webp;".to_owned(),
        "StartupWMClass=picbucket".to_owned(),
    ] {
        assert!(lines.contains(&expected.as_str()), "{expected} missing from:\n{entry}");
    }
    assert_eq!(
        std::fs::read(&icon_path).unwrap(),
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/icon.png")).unwrap()
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&entry_path.display().to_string()), "{stdout}");

    // desktop-file-validate, when the machine has it (desktop-file-utils).
    if let Ok(checked) = Command::new("desktop-file-validate").arg(&entry_path).output() {
        let report = format!(
            "{}{}",
            String::from_utf8_lossy(&checked.stdout),
            String::from_utf8_lossy(&checked.stderr)
        );
        assert!(checked.status.success() && report.trim().is_empty(), "{report}");
    }

    let out = picbucket(home.path(), &["install-desktop", "--uninstall"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!entry_path.exists() && !icon_path.exists());
    // Nothing left to remove is not an error.
    let out = picbucket(home.path(), &["install-desktop", "--uninstall"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
