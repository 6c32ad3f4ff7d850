//! Thumbnail textures of History rows: asked for only while a row is in view,
//! and bounded — past the limit, those shown longest ago are dropped (never
//! one shown in the current frame).

use crate::core::thumbnail::Thumbnail;
use crate::library::RecordId;
use crate::ui::thumbs::thumbnail_texture;
use egui::{Context, TextureHandle};
use std::collections::{HashMap, HashSet};

/// Most History textures kept at once (a 256 px RGBA thumbnail is at most 256 KiB).
pub const MAX_HISTORY_TEXTURES: usize = 300;

struct Shown {
    texture: TextureHandle,
    /// The frame (counter) it was last drawn in.
    last_shown: u64,
}

#[derive(Default)]
pub struct HistoryThumbs {
    textures: HashMap<RecordId, Shown>,
    /// Asked for and not answered yet (the worker answers only when it has one).
    asked: HashSet<RecordId>,
    frame: u64,
}

impl HistoryThumbs {
    /// Starts a frame: textures drawn from now on count as shown in it.
    pub fn begin_frame(&mut self) {
        self.frame += 1;
    }

    /// The texture for a row being drawn (marked as shown).
    pub fn get(&mut self, record: RecordId) -> Option<&TextureHandle> {
        let frame = self.frame;
        self.textures.get_mut(&record).map(|shown| {
            shown.last_shown = frame;
            &shown.texture
        })
    }

    /// Whether to ask the worker for this row's thumbnail (not held, not asked yet).
    /// Marks it asked.
    pub fn should_ask(&mut self, record: RecordId) -> bool {
        !self.textures.contains_key(&record) && self.asked.insert(record)
    }

    /// Makes the texture of `record`, then drops the least recently shown
    /// textures beyond `max` (sparing those drawn in this frame).
    pub fn insert(&mut self, ctx: &Context, record: RecordId, thumbnail: &Thumbnail, max: usize) {
        self.asked.remove(&record);
        let Some(texture) = thumbnail_texture(ctx, format!("history-{record}"), thumbnail) else {
            return;
        };
        // Just arrived for a row in view: it counts as shown.
        let last_shown = self.frame;
        self.textures.insert(record, Shown { texture, last_shown });
        self.evict(max);
    }

    fn evict(&mut self, max: usize) {
        if self.textures.len() <= max {
            return;
        }
        let mut old: Vec<(u64, RecordId)> = self
            .textures
            .iter()
            .filter(|(_, shown)| shown.last_shown < self.frame)
            .map(|(&record, shown)| (shown.last_shown, record))
            .collect();
        old.sort_unstable();
        let excess = self.textures.len() - max;
        for (_, record) in old.into_iter().take(excess) {
            self.textures.remove(&record);
        }
    }

    /// Forgets what was asked, so rows ask again (e.g. after the history changed).
    pub fn forget_asked(&mut self) {
        self.asked.clear();
    }

    pub fn len(&self) -> usize {
        self.textures.len()
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
    fn textures_shown_in_this_frame_survive_and_the_least_recently_shown_go_first() {
        let ctx = Context::default();
        let mut thumbs = HistoryThumbs::default();
        for record in 1..=3 {
            thumbs.begin_frame();
            thumbs.insert(&ctx, record, &thumb(), 10);
        }
        thumbs.begin_frame();
        assert!(thumbs.get(1).is_some(), "record 1 is drawn in this frame");
        thumbs.insert(&ctx, 4, &thumb(), 2);
        assert_eq!(thumbs.len(), 2);
        assert!(thumbs.get(1).is_some() && thumbs.get(4).is_some());
        assert!(thumbs.get(2).is_none() && thumbs.get(3).is_none());

        // Everything shown in this frame: the limit is exceeded rather than blanking a row.
        thumbs.insert(&ctx, 5, &thumb(), 1);
        assert_eq!(thumbs.len(), 3);
    }

    #[test]
    fn a_row_is_asked_for_once_until_answered_or_forgotten() {
        let ctx = Context::default();
        let mut thumbs = HistoryThumbs::default();
        assert!(thumbs.should_ask(7));
        assert!(!thumbs.should_ask(7));
        thumbs.insert(&ctx, 7, &thumb(), 10);
        assert!(!thumbs.should_ask(7), "held");
        assert!(thumbs.should_ask(8));
        thumbs.forget_asked();
        assert!(thumbs.should_ask(8));
    }
}
