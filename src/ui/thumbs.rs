//! Thumbnail textures, one per row, made once when the worker's thumbnail
//! arrives. Bounded: past the limit, the rows that finished longest ago lose
//! theirs first (dropping a `TextureHandle` frees its texture).

use crate::core::thumbnail::Thumbnail;
use crate::worker::JobId;
use egui::{ColorImage, Context, TextureHandle, TextureOptions};
use std::collections::HashMap;

/// Most textures kept at once (a 256 px RGBA thumbnail is at most 256 KiB).
pub const MAX_TEXTURES: usize = 300;

/// Uploads an RGBA thumbnail as a texture, once. `None` (and a warning) for a
/// buffer whose byte count does not match its size, which egui would panic on.
pub fn thumbnail_texture(ctx: &Context, name: String, thumbnail: &Thumbnail) -> Option<TextureHandle> {
    let (width, height) = (thumbnail.width as usize, thumbnail.height as usize);
    if width == 0 || height == 0 || thumbnail.rgba.len() != width * height * 4 {
        tracing::warn!(name, ?thumbnail, "thumbnail has the wrong number of bytes; not shown");
        return None;
    }
    let image = ColorImage::from_rgba_unmultiplied([width, height], &thumbnail.rgba);
    Some(ctx.load_texture(name, image, TextureOptions::LINEAR))
}

#[derive(Default)]
pub struct Thumbs {
    textures: HashMap<JobId, TextureHandle>,
}

impl Thumbs {
    /// Uploads `thumbnail` as the texture of row `id`.
    pub fn insert(&mut self, ctx: &Context, id: JobId, thumbnail: &Thumbnail) {
        if let Some(texture) = thumbnail_texture(ctx, format!("thumbnail-{}", id.0), thumbnail) {
            self.textures.insert(id, texture);
        }
    }

    pub fn get(&self, id: JobId) -> Option<&TextureHandle> {
        self.textures.get(&id)
    }

    pub fn len(&self) -> usize {
        self.textures.len()
    }

    pub fn remove(&mut self, ids: &[JobId]) {
        for id in ids {
            self.textures.remove(id);
        }
    }

    /// Drops textures until at most `max` remain: first those of
    /// `finished_oldest_first`, then (if all rows are still busy) the oldest rows.
    pub fn evict(&mut self, max: usize, finished_oldest_first: &[JobId]) {
        for id in finished_oldest_first {
            if self.textures.len() <= max {
                return;
            }
            self.textures.remove(id);
        }
        if self.textures.len() > max {
            let mut ids: Vec<JobId> = self.textures.keys().copied().collect();
            ids.sort();
            let excess = ids.len() - max;
            self.remove(&ids[..excess]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thumb() -> Thumbnail {
        Thumbnail {
            width: 2,
            height: 1,
            rgba: vec![255; 8],
        }
    }

    #[test]
    fn finished_rows_lose_their_textures_first_and_the_count_stays_bounded() {
        let ctx = Context::default();
        let mut thumbs = Thumbs::default();
        for n in 1..=5 {
            thumbs.insert(&ctx, JobId(n), &thumb());
        }
        thumbs.evict(3, &[JobId(4), JobId(2)]);
        assert_eq!(thumbs.len(), 3);
        assert!(thumbs.get(JobId(4)).is_none() && thumbs.get(JobId(2)).is_none());
        thumbs.evict(1, &[]);
        assert_eq!(thumbs.len(), 1);
        assert!(thumbs.get(JobId(5)).is_some(), "the newest row keeps its texture");
    }

    #[test]
    fn a_thumbnail_with_the_wrong_byte_count_is_skipped() {
        let ctx = Context::default();
        let mut thumbs = Thumbs::default();
        let bad = Thumbnail {
            width: 4,
            height: 4,
            rgba: vec![0; 3],
        };
        thumbs.insert(&ctx, JobId(1), &bad);
        assert_eq!(thumbs.len(), 0);
    }
}
