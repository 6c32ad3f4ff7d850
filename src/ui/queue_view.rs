//! The queue: one row per file with its thumbnail, details, state and
//! buttons, and the overall progress under it.

use crate::core::LinkFormat;
use crate::core::validate::human_bytes;
use crate::ui::actions::Action;
use crate::ui::state::{QueueState, Row, RowStatus};
use crate::ui::text::{date_time_text, details_text, link_expiry_text};
use crate::ui::thumbs::Thumbs;
use crate::worker::SignedLink;
use egui::{
    Align, Frame, Label, Layout, ProgressBar, RichText, ScrollArea, Sense, TextureHandle, Ui, UiBuilder, Vec2,
    WidgetInfo, load::SizedTexture,
};
use std::time::SystemTime;
use time::UtcOffset;

/// Side of the square a thumbnail is fitted into, in points.
const THUMB_SIDE: f32 = 56.0;

/// The formats a done row offers to copy.
const COPY_FORMATS: [LinkFormat; 3] = [LinkFormat::Url, LinkFormat::Markdown, LinkFormat::Html];

/// The wall clock for this frame (read once, not per row).
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub now: SystemTime,
    pub offset: UtcOffset,
}

/// All rows in a scroll area.
pub fn queue_ui(ui: &mut Ui, queue: &QueueState, thumbs: &Thumbs, clock: Clock, actions: &mut Vec<Action>) {
    ScrollArea::vertical()
        .id_salt("queue")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            // A click anywhere on a row selects it, names included.
            ui.style_mut().interaction.selectable_labels = false;
            for row in queue.rows() {
                row_ui(ui, row, thumbs.get(row.id), clock, actions);
                ui.add_space(4.0);
            }
        });
}

/// "3 of 5 uploaded, 1 rejected" and a bar for the whole queue.
pub fn summary_ui(ui: &mut Ui, queue: &QueueState) {
    ui.horizontal(|ui| {
        ui.label(queue.summary());
        ui.add(
            ProgressBar::new(queue.overall_fraction())
                .desired_width(ui.available_width())
                .show_percentage(),
        );
    });
}

fn row_ui(ui: &mut Ui, row: &Row, thumb: Option<&TextureHandle>, clock: Clock, actions: &mut Vec<Action>) {
    let visuals = ui.visuals();
    let (fill, stroke) = if row.selected {
        (visuals.selection.bg_fill.gamma_multiply(0.35), visuals.selection.stroke)
    } else {
        (visuals.faint_bg_color, visuals.widgets.noninteractive.bg_stroke)
    };
    let builder = UiBuilder::new().id_salt(("row", row.id.0)).sense(Sense::click());
    let response = ui
        .scope_builder(builder, |ui| {
            Frame::group(ui.style())
                .fill(fill)
                .stroke(stroke)
                .inner_margin(8)
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.horizontal(|ui| {
                        thumbnail_ui(ui, thumb);
                        ui.with_layout(Layout::right_to_left(Align::Min), |ui| {
                            row_buttons_ui(ui, row, actions);
                            ui.with_layout(Layout::top_down(Align::Min), |ui| {
                                ui.horizontal(|ui| {
                                    ui.strong(&row.name);
                                    ui.label(RichText::new(details_text(row)).weak());
                                });
                                status_ui(ui, row, clock, actions);
                            });
                        });
                    });
                });
        })
        .response;
    response.widget_info(|| WidgetInfo::selected(egui::Role::ListBoxOption, true, row.selected, &row.name));
    if response.clicked() {
        let extend = ui.input(|i| i.modifiers.command || i.modifiers.shift);
        actions.push(Action::Select { id: row.id, extend });
    }
}

fn thumbnail_ui(ui: &mut Ui, thumb: Option<&TextureHandle>) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(THUMB_SIDE), Sense::hover());
    ui.painter().rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    if let Some(texture) = thumb {
        let size = texture.size_vec2();
        let scale = (THUMB_SIDE / size.x.max(size.y)).min(1.0);
        let fitted = egui::Rect::from_center_size(rect.center(), size * scale);
        egui::Image::new(SizedTexture::from_handle(texture))
            .corner_radius(4)
            .paint_at(ui, fitted);
    }
}

fn row_buttons_ui(ui: &mut Ui, row: &Row, actions: &mut Vec<Action>) {
    if row.status.can_cancel() {
        let button = ui.add_enabled(!row.cancel_requested, egui::Button::new("Cancel"));
        if button.on_hover_text("Stop this file; it is not uploaded").clicked() {
            actions.push(Action::Cancel(row.id));
        }
    }
    if row.status.can_retry()
        && ui
            .button("Retry")
            .on_hover_text("Check and upload this file again")
            .clicked()
    {
        actions.push(Action::Retry(row.id));
    }
}

fn status_ui(ui: &mut Ui, row: &Row, clock: Clock, actions: &mut Vec<Action>) {
    let error_color = ui.visuals().error_fg_color;
    if row.cancel_requested {
        ui.label("Cancelling…");
        return;
    }
    match &row.status {
        RowStatus::Validating => {
            ui.label(RichText::new("Checking…").weak());
        }
        RowStatus::Waiting => {
            ui.label(RichText::new("Waiting to upload").weak());
        }
        RowStatus::Ready => {
            ui.label("Ready — press Upload to send it");
        }
        RowStatus::Uploading {
            sent_bytes,
            total_bytes,
        } => {
            let fraction = if *total_bytes == 0 {
                0.0
            } else {
                (*sent_bytes as f64 / *total_bytes as f64) as f32
            };
            let text = format!(
                "Uploading {} of {}",
                human_bytes(*sent_bytes),
                human_bytes(*total_bytes)
            );
            ui.add(ProgressBar::new(fraction).desired_width(280.0).text(text));
        }
        RowStatus::Done { link, .. } => done_ui(ui, row, link, clock, actions),
        RowStatus::Failed(reason) => {
            ui.add(Label::new(RichText::new(format!("Failed: {reason}")).color(error_color)).wrap());
        }
        RowStatus::Rejected(reason) => {
            ui.add(Label::new(RichText::new(format!("Not uploaded: {reason}")).color(error_color)).wrap());
        }
        RowStatus::Cancelled => {
            ui.label("Cancelled");
        }
    }
}

fn done_ui(ui: &mut Ui, row: &Row, link: &SignedLink, clock: Clock, actions: &mut Vec<Action>) {
    ui.add(Label::new(RichText::new(&link.url).monospace()).truncate())
        .on_hover_text(&link.url);
    ui.horizontal(|ui| {
        let expiry = link_expiry_text(link, clock.now);
        ui.label(RichText::new(expiry).weak())
            .on_hover_text(match link.expires_at {
                Some(at) => format!("Valid until {}", date_time_text(at, clock.offset)),
                None => "A public link: it works as long as the object is stored".into(),
            });
        for format in COPY_FORMATS {
            let button = ui.button(format!("Copy {}", format.label()));
            if button.on_hover_text(copy_hint(format)).clicked() {
                actions.push(Action::Copy { id: row.id, format });
            }
        }
    });
}

fn copy_hint(format: LinkFormat) -> &'static str {
    match format {
        LinkFormat::Url => "Copy the link itself",
        LinkFormat::Markdown => "Copy as a Markdown image: ![name](link)",
        LinkFormat::Html => "Copy as an HTML <img> tag",
        LinkFormat::BbCode => "Copy as a BBCode [img] tag",
    }
}
