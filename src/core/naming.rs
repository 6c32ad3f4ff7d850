//! Object keys: the `{uuid}_{filename}` template and filename sanitising.

use std::fmt;
use uuid::Uuid;

/// Longest sanitised filename, in bytes; S3 keys may be 1024 bytes in all.
pub const MAX_FILENAME_BYTES: usize = 120;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Uuid,
    Filename,
    Stem,
    Ext,
    Date,
    Sha256,
}

/// A parsed key template such as `{uuid}_{filename}` or `{date}/{sha256}.{ext}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyTemplate {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("the key template is empty; the default is {{uuid}}_{{filename}}")]
    Empty,
    #[error("`{{{0}}}` is not a template field; use {{uuid}}, {{filename}}, {{stem}}, {{ext}}, {{date}} or {{sha256}}")]
    UnknownField(String),
    #[error("a `{{` is not closed; fields look like {{uuid}}")]
    Unclosed,
    #[error("the template must contain {{uuid}} or {{sha256}} so two uploads never get the same key")]
    NotUnique,
    #[error("a key must not start with `/`")]
    LeadingSlash,
}

/// What a key is made from. `sha256_hex` is needed only when the template uses it.
#[derive(Clone, Debug)]
pub struct KeyInputs<'a> {
    pub uuid: Uuid,
    /// Already sanitised with [`sanitize_filename`].
    pub filename: &'a str,
    /// Extension of the detected type, e.g. `jpg`.
    pub ext: &'a str,
    /// UTC date of the upload.
    pub date: time::Date,
    pub sha256_hex: Option<&'a str>,
}

impl KeyTemplate {
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        if text.trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        if text.starts_with('/') {
            return Err(TemplateError::LeadingSlash);
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or(TemplateError::Unclosed)?;
            let field = &after[..close];
            parts.push(match field {
                "uuid" => Part::Uuid,
                "filename" => Part::Filename,
                "stem" => Part::Stem,
                "ext" => Part::Ext,
                "date" => Part::Date,
                "sha256" => Part::Sha256,
                other => return Err(TemplateError::UnknownField(other.to_owned())),
            });
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        if !parts.iter().any(|p| matches!(p, Part::Uuid | Part::Sha256)) {
            return Err(TemplateError::NotUnique);
        }
        Ok(Self { parts })
    }

    /// True when rendering needs the file's SHA-256 (one extra read of the file).
    pub fn needs_sha256(&self) -> bool {
        self.parts.contains(&Part::Sha256)
    }

    pub fn render(&self, inputs: &KeyInputs<'_>) -> String {
        let (stem, _) = split_extension(inputs.filename);
        let mut key = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => key.push_str(text),
                Part::Uuid => key.push_str(&inputs.uuid.to_string()),
                Part::Filename => key.push_str(inputs.filename),
                Part::Stem => key.push_str(stem),
                Part::Ext => key.push_str(inputs.ext),
                Part::Date => {
                    let d = inputs.date;
                    key.push_str(&format!("{:04}/{:02}/{:02}", d.year(), u8::from(d.month()), d.day()));
                }
                Part::Sha256 => key.push_str(&inputs.sha256_hex.unwrap_or("").chars().take(16).collect::<String>()),
            }
        }
        key
    }
}

impl Default for KeyTemplate {
    fn default() -> Self {
        Self {
            parts: vec![Part::Uuid, Part::Literal("_".into()), Part::Filename],
        }
    }
}

impl fmt::Display for KeyTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                Part::Literal(text) => f.write_str(text)?,
                Part::Uuid => f.write_str("{uuid}")?,
                Part::Filename => f.write_str("{filename}")?,
                Part::Stem => f.write_str("{stem}")?,
                Part::Ext => f.write_str("{ext}")?,
                Part::Date => f.write_str("{date}")?,
                Part::Sha256 => f.write_str("{sha256}")?,
            }
        }
        Ok(())
    }
}

/// `photo.final.jpg` → (`photo.final`, `jpg`); no dot → (name, "").
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot + 1..]),
        _ => (name, ""),
    }
}

/// Characters that reorder text on screen and can disguise a name
/// (`invoice\u{202E}gpj.exe`), plus other invisible format controls.
fn is_bidi_or_format_control(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}')
}

/// Makes a user's file name safe inside an object key: keeps readable Unicode,
/// drops any directory part, path separators, `..`, control and bidi characters,
/// and bounds the length (keeping the extension). Never returns an empty name.
pub fn sanitize_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last
        .chars()
        .filter(|&c| !c.is_control() && !is_bidi_or_format_control(c))
        .collect();
    let mut collapsed = String::with_capacity(cleaned.len());
    for c in cleaned.chars() {
        if c == '.' && collapsed.ends_with('.') {
            continue;
        }
        collapsed.push(c);
    }
    let trimmed = collapsed.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let name = if trimmed.is_empty() { "image" } else { trimmed };
    truncate_keeping_extension(name, MAX_FILENAME_BYTES)
}

fn truncate_keeping_extension(name: &str, max_bytes: usize) -> String {
    if name.len() <= max_bytes {
        return name.to_owned();
    }
    let (stem, ext) = split_extension(name);
    let ext = if ext.len() <= 16 { ext } else { "" };
    let room = max_bytes.saturating_sub(ext.len() + 1);
    let mut cut = room.min(stem.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    let stem = stem[..cut].trim_end();
    if ext.is_empty() {
        stem.to_owned()
    } else {
        format!("{stem}.{ext}")
    }
}

#[cfg(test)]
#[path = "naming_tests.rs"]
mod tests;
