//! Glyphs rasterized before the first rows need them.
//!
//! egui draws each glyph into its font atlas the first time a layout uses it:
//! hinted (a TrueType bytecode program runs per glyph) and at one of four
//! sub-pixel offsets, so one character can cost four rasterizations per text
//! style. A drop of hundreds of files fills the list within a frame or two,
//! and those frames then laid out file names, sizes and states in several
//! styles at once: 11–18 ms of the app's own time per frame under a running
//! upload, where a frame should take under 8. Rasterizing the characters the
//! window shows in the first frame, before any row exists, moves that work to
//! a frame where nothing is moving yet.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, Context, FontId};

/// What the window's rows, toolbar and notices are written with: printable
/// ASCII and the few other characters its texts use.
pub const WINDOW_CHARACTERS: &str = concat!(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`",
    "abcdefghijklmnopqrstuvwxyz{|}~",
    "…×·—–°"
);

/// egui's sub-pixel bins: glyph positions are rounded to quarter pixels.
const SUBPIXEL_BINS: u8 = 4;

/// Rasterizes [`WINDOW_CHARACTERS`] in every text style of the context's
/// style, at each sub-pixel offset.
pub fn warm_glyphs(ctx: &Context) {
    let mut fonts: Vec<FontId> = Vec::new();
    for font in ctx.global_style().text_styles.values().cloned() {
        if !fonts.contains(&font) {
            fonts.push(font);
        }
    }
    let bin_width_points = 1.0 / (f32::from(SUBPIXEL_BINS) * ctx.pixels_per_point());
    ctx.fonts_mut(|view| {
        for font in &fonts {
            for bin in 0..SUBPIXEL_BINS {
                let mut job = LayoutJob::default();
                // Shifting the whole line by a quarter pixel moves every
                // glyph of it into the next bin.
                job.append(
                    WINDOW_CHARACTERS,
                    f32::from(bin) * bin_width_points,
                    TextFormat::simple(font.clone(), Color32::WHITE),
                );
                view.layout_job(job);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{RawInput, RichText, TextureId, ViewportId};

    /// Texts like a queue row's, in the styles the rows use.
    fn rows_ui(ui: &mut egui::Ui) {
        for n in [7, 42, 1999] {
            ui.strong(format!("img-{n:05}.png"));
            ui.label(RichText::new("41.0 KB · PNG · 150×110 px").weak());
            ui.label(format!("Uploading… {}%", n % 100));
            ui.small("expires in 6 days 23 h — 25 °C – Markdown");
            ui.monospace(format!("https://127.0.0.1:9000/bench/{n}_img.png?X-Amz-Expires=604800"));
            ui.label(RichText::new("PNG").size(13.0));
            ui.heading("Drop images here");
        }
    }

    /// Whether a frame drawing the rows added glyphs to the font atlas, on
    /// a screen of `pixels_per_point`.
    fn rows_add_glyphs(warm_first: bool, pixels_per_point: f32) -> bool {
        let ctx = Context::default();
        let input = || {
            let mut input = RawInput::default();
            input
                .viewports
                .entry(ViewportId::ROOT)
                .or_default()
                .native_pixels_per_point = Some(pixels_per_point);
            input
        };
        let mut first = ctx.run_ui(input(), |ui| {
            if warm_first {
                warm_glyphs(ui.ctx());
            }
        });
        first.textures_delta.clear();
        let mut output = ctx.run_ui(input(), rows_ui);
        let font_atlas_grew = output
            .textures_delta
            .set
            .iter()
            .any(|(id, _)| *id == TextureId::default());
        output.textures_delta.clear();
        font_atlas_grew
    }

    #[test]
    fn rows_laid_out_after_the_warm_up_rasterize_no_new_glyph() {
        for pixels_per_point in [1.0, 2.0] {
            assert!(
                rows_add_glyphs(false, pixels_per_point),
                "without the warm-up the rows' first frame rasterizes glyphs (else this test checks nothing)"
            );
            assert!(
                !rows_add_glyphs(true, pixels_per_point),
                "at {pixels_per_point} pixels per point, a glyph the rows use was not rasterized ahead"
            );
        }
    }
}
