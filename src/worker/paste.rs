//! Pasted screenshots become files, so they upload like any other.

use crate::core::naming::sanitize_filename;
use std::path::PathBuf;

/// Saves pasted pixels as a PNG in `folder` (the data directory's `pasted/`).
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
    let path = folder.join(sanitize_filename(name));
    image
        .save_with_format(&path, image::ImageFormat::Png)
        .map_err(|e| format!("cannot save the pasted image to {}: {e}", path.display()))?;
    Ok(path)
}
