//! The pieces the settings dialog is built from: a field with room kept for
//! its problem, wrapped messages, and a drawn tick.

use egui::text::LayoutJob;
use egui::{Id, Response, RichText, Sense, TextStyle, Ui, Vec2, vec2};

/// Widest a field (and the problem under it) gets, in points.
pub const FIELD_WIDTH: f32 = 360.0;

/// Lines kept free under a field for its problem (a longer one is cut with
/// "…", the whole sentence in its tooltip): one, so that room kept under
/// every field does not spread the dialog out.
const PROBLEM_ROWS: usize = 1;

/// A label in the left column, at the top of its row (level with the field,
/// not centred between the field and the room under it).
pub fn label_cell(ui: &mut Ui, enabled: bool, text: &str) -> Response {
    ui.vertical(|ui| ui.add_enabled_ui(enabled, |ui| ui.label(text)).inner)
        .inner
}

/// One grid cell: the field (tied to the label left of it for screen readers
/// and tests) and, under it, room for its problem that is there whether or
/// not there is one, so the dialog never moves under the pointer.
pub fn field_ui(ui: &mut Ui, label_id: Id, error: Option<&String>, add_field: impl FnOnce(&mut Ui) -> Response) {
    ui.vertical(|ui| {
        ui.set_max_width(FIELD_WIDTH);
        add_field(ui).labelled_by(label_id);
        let color = ui.visuals().error_fg_color;
        let font = TextStyle::Body.resolve(ui.style());
        let reserved = ui.fonts_mut(|fonts| fonts.row_height(&font)) * PROBLEM_ROWS as f32;
        let text = error.cloned().unwrap_or_default();
        let mut job = LayoutJob::simple(text, font, color, FIELD_WIDTH);
        job.wrap.max_rows = PROBLEM_ROWS;
        let galley = ui.fonts_mut(|fonts| fonts.layout_job(job));
        let (rect, _) = ui.allocate_exact_size(vec2(FIELD_WIDTH, reserved), Sense::hover());
        ui.put(rect, egui::Label::new(galley).selectable(false));
    });
    ui.end_row();
}

/// A field without a problem of its own (no room reserved).
pub fn plain_field_ui(ui: &mut Ui, label_id: Id, add_field: impl FnOnce(&mut Ui) -> Response) {
    ui.vertical(|ui| {
        ui.set_max_width(FIELD_WIDTH);
        add_field(ui).labelled_by(label_id);
    });
    ui.end_row();
}

/// A tick drawn with lines: egui's built-in fonts have no ✔.
pub fn check_mark_ui(ui: &mut Ui, color: egui::Color32) {
    let size = ui.fonts_mut(|fonts| fonts.row_height(&TextStyle::Body.resolve(ui.style())));
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(size), Sense::hover());
    let at = |x: f32, y: f32| rect.min + vec2(x * rect.width(), y * rect.height());
    let points = vec![at(0.15, 0.55), at(0.4, 0.8), at(0.85, 0.25)];
    ui.painter()
        .add(egui::Shape::line(points, egui::Stroke::new(2.0, color)));
}

pub fn wrapped_ui(ui: &mut Ui, text: String, color: egui::Color32) {
    ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
}

pub fn ok_color(ui: &Ui) -> egui::Color32 {
    if ui.visuals().dark_mode {
        egui::Color32::from_rgb(110, 200, 120)
    } else {
        egui::Color32::from_rgb(20, 130, 40)
    }
}
