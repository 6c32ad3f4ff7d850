//! Every character the window writes must be in egui's built-in fonts:
//! a missing one shows as an empty box (the ✔ of "Test connection" did).

use std::collections::BTreeSet;
use std::path::Path;

/// Non-ASCII characters inside string literals of the window's code
/// (comments and doc comments left out).
fn characters_in_window_strings() -> BTreeSet<(char, String)> {
    let mut found = BTreeSet::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".rs") || name.ends_with("_tests.rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        // Unit tests at the end of a file write no window text.
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        for line in code.lines() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            for (n, literal) in line.split('"').enumerate() {
                if n % 2 == 1 {
                    for c in literal.chars().filter(|c| !c.is_ascii()) {
                        found.insert((c, name.clone()));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_character_the_window_writes_has_a_glyph() {
    let ctx = egui::Context::default();
    let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
    output.textures_delta.clear();
    let characters = characters_in_window_strings();
    assert!(
        characters.iter().any(|(c, _)| *c == '…'),
        "the scan found no string literals: {characters:?}"
    );
    let missing: Vec<String> = characters
        .iter()
        .filter(|(c, _)| !ctx.fonts_mut(|fonts| fonts.has_glyph(&egui::FontId::proportional(14.0), *c)))
        .map(|(c, file)| format!("{c} (U+{:04X}) in {file}", u32::from(*c)))
        .collect();
    assert!(missing.is_empty(), "no glyph in egui's fonts for: {missing:?}");
}
