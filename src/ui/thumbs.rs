//! Thumbnail textures, one per row, made once when the worker's thumbnail
//! arrives. Bounded: past the limit, the rows that finished longest ago lose
//! theirs first (dropping a `TextureHandle` frees its texture).

use crate::core::thumbnail::Thumbnail;
use crate::worker::JobId;
use egui::{ColorImage, Context, TextureHandle, TextureOptions};
use std::collections::{HashMap, HashSet};

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
    /// Rows whose texture was dropped: the worker makes it again when the row
    /// comes back into view.
    evicted: HashSet<JobId>,
}

impl Thumbs {
    /// Uploads `thumbnail` as the texture of row `id` when the row is on
    /// screen (or already has one). Otherwise the pixels are dropped and the
    /// row asks for them again when it comes into view (a small file the
    /// library keeps for History): during a 2,000-file drop most thumbnails
    /// arrive for rows out of view, and uploading up to 300 textures the
    /// window did not show made its early frames 8–18 ms longer to paint.
    pub fn insert(&mut self, ctx: &Context, id: JobId, thumbnail: &Thumbnail, on_screen: bool) {
        if !on_screen && !self.textures.contains_key(&id) {
            self.evicted.insert(id);
            return;
        }
        self.evicted.remove(&id);
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
            self.evicted.remove(id);
        }
    }

    /// Of `on_screen`, the rows whose texture was evicted: each is returned
    /// once, to ask the worker for its thumbnail again.
    pub fn take_reloads(&mut self, on_screen: &[JobId]) -> Vec<JobId> {
        on_screen.iter().copied().filter(|id| self.evicted.remove(id)).collect()
    }

    /// Drops textures until at most `max` remain (or only those `on_screen`
    /// are left): first those of `finished_oldest_first`, then (if all rows
    /// are still busy) the oldest rows. A row on screen keeps its texture.
    pub fn evict(&mut self, max: usize, finished_oldest_first: &[JobId], on_screen: &[JobId]) {
        let keep = |id: &JobId| on_screen.contains(id);
        for id in finished_oldest_first.iter().filter(|id| !keep(id)) {
            if self.textures.len() <= max {
                return;
            }
            if self.textures.remove(id).is_some() {
                self.evicted.insert(*id);
            }
        }
        if self.textures.len() > max {
            let mut ids: Vec<JobId> = self.textures.keys().copied().filter(|id| !keep(id)).collect();
            ids.sort();
            let excess = (self.textures.len() - max).min(ids.len());
            for id in &ids[..excess] {
                self.textures.remove(id);
                self.evicted.insert(*id);
            }
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
            thumbs.insert(&ctx, JobId(n), &thumb(), true);
        }
        thumbs.evict(3, &[JobId(4), JobId(2)], &[]);
        assert_eq!(thumbs.len(), 3);
        assert!(thumbs.get(JobId(4)).is_none() && thumbs.get(JobId(2)).is_none());
        thumbs.evict(1, &[], &[]);
        assert_eq!(thumbs.len(), 1);
        assert!(thumbs.get(JobId(5)).is_some(), "the newest row keeps its texture");
    }

    #[test]
    fn rows_on_screen_keep_their_textures_even_over_the_limit() {
        let ctx = Context::default();
        let mut thumbs = Thumbs::default();
        for n in 1..=6 {
            thumbs.insert(&ctx, JobId(n), &thumb(), true);
        }
        let on_screen = [JobId(1), JobId(2), JobId(3)];
        thumbs.evict(2, &[JobId(1), JobId(2), JobId(4)], &on_screen);
        for id in on_screen {
            assert!(thumbs.get(id).is_some(), "{id:?} is on screen");
        }
        assert_eq!(thumbs.len(), 3, "everything off screen went");
        // Scrolled back into view, an evicted row asks for its thumbnail once.
        assert_eq!(thumbs.take_reloads(&[JobId(4), JobId(1)]), [JobId(4)]);
        assert!(thumbs.take_reloads(&[JobId(4)]).is_empty(), "asked once");
        thumbs.insert(&ctx, JobId(4), &thumb(), true);
        assert!(thumbs.get(JobId(4)).is_some());
    }

    #[test]
    fn a_row_out_of_view_gets_no_texture_until_it_comes_into_view() {
        let ctx = Context::default();
        let mut thumbs = Thumbs::default();
        let (out_of_view, in_view) = (JobId(10_000), JobId(10_001));
        thumbs.insert(&ctx, out_of_view, &thumb(), false);
        thumbs.insert(&ctx, in_view, &thumb(), true);
        assert!(thumbs.get(out_of_view).is_none(), "no texture made only to be evicted");
        assert!(thumbs.get(in_view).is_some(), "a row on screen always gets its texture");
        assert_eq!(
            thumbs.take_reloads(&[out_of_view]),
            [out_of_view],
            "asked for once in view"
        );
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
        thumbs.insert(&ctx, JobId(1), &bad, true);
        assert_eq!(thumbs.len(), 0);
    }
}
