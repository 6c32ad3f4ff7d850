//! Where files are dropped: a big target while the queue is empty, a slim
//! strip above it otherwise. It lights up while files hover over the window.
//! (Drops are accepted anywhere in the window; this shows where and how.)

use egui::{Frame, RichText, Stroke, Ui, Vec2};

#[derive(Clone, Copy, Debug)]
pub struct DropZone {
    /// The queue is empty: take the whole area.
    pub big: bool,
    /// How many files hover over the window now.
    pub hovering: usize,
    /// Dropped folders include their subfolders.
    pub recursive: bool,
}

pub fn drop_zone_ui(ui: &mut Ui, zone: DropZone) {
    let visuals = ui.visuals();
    let (fill, stroke) = if zone.hovering > 0 {
        (visuals.selection.bg_fill.gamma_multiply(0.3), visuals.selection.stroke)
    } else {
        (visuals.faint_bg_color, Stroke::new(1.5, visuals.weak_text_color()))
    };
    let folders = if zone.recursive {
        "Folders: images in subfolders are included."
    } else {
        "Folders: only the images directly inside; subfolders are skipped (see Settings)."
    };
    let headline = if zone.hovering > 0 {
        format!("Release to add {} item(s)", zone.hovering)
    } else {
        "Drop images or folders here".to_owned()
    };
    let height = if zone.big { ui.available_height() - 8.0 } else { 52.0 };
    Frame::new()
        .fill(fill)
        .stroke(stroke)
        .corner_radius(8)
        .inner_margin(10)
        .show(ui, |ui| {
            ui.set_min_size(Vec2::new(ui.available_width(), height.max(40.0) - 20.0));
            if zone.big {
                ui.vertical_centered(|ui| {
                    ui.add_space((height / 2.0 - 60.0).max(0.0));
                    ui.label(RichText::new(headline).heading());
                    ui.add_space(6.0);
                    ui.label("or use Add images… (Ctrl+O), or paste a screenshot or file paths (Ctrl+V)");
                    ui.label(RichText::new(folders).weak());
                });
            } else {
                ui.vertical_centered(|ui| {
                    ui.label(RichText::new(headline).strong());
                    ui.label(RichText::new(folders).weak().small());
                });
            }
        });
}
