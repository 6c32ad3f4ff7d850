//! The window's panels, drawn on the frame's clear colour instead of each
//! filling its own background.
//!
//! egui's default panel frames fill their whole area, so together they paint
//! every pixel of the window once more per frame. Drawn in software (Mesa's
//! llvmpipe, what a machine without a GPU renders with) that fill was about a
//! third of each frame's rasterizing: with 2,000 rows uploading, the
//! rasterizer threads used 5.3–5.5 CPU-s instead of 8.3–9.4. Clearing the
//! frame costs next to nothing, and `PicbucketApp::clear_color` clears with the
//! same `panel_fill`, so the window looks the same.

use egui::{AsIdSalt, CentralPanel, Color32, Frame, Panel, Ui, Visuals};

/// The colour each frame starts from: what the panels would have filled.
pub fn clear_color(visuals: &Visuals) -> [f32; 4] {
    visuals.panel_fill.to_normalized_gamma_f32()
}

pub fn top(ui: &Ui, id: impl AsIdSalt) -> Panel {
    Panel::top(id).frame(Frame::side_top_panel(ui.style()).fill(Color32::TRANSPARENT))
}

pub fn bottom(ui: &Ui, id: impl AsIdSalt) -> Panel {
    Panel::bottom(id).frame(Frame::side_top_panel(ui.style()).fill(Color32::TRANSPARENT))
}

pub fn central(ui: &Ui) -> CentralPanel {
    CentralPanel::default().frame(Frame::central_panel(ui.style()).fill(Color32::TRANSPARENT))
}
