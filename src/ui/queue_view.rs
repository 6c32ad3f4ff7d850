//! The queue: one row per file with its thumbnail, details, state and
//! buttons, and the overall progress under it.

use crate::core::LinkFormat;
use crate::core::validate::human_bytes;
use crate::ui::actions::Action;
use crate::ui::state::{QueueState, Row, RowStatus};
use crate::ui::text::{date_time_text, details_text, link_expiry_text};
use crate::ui::thumbs::Thumbs;
use crate::worker::JobId;
use crate::worker::SignedLink;
use egui::text::LayoutJob;
use egui::{
    Align, Label, Layout, ProgressBar, Rect, RichText, ScrollArea, Sense, StrokeKind, TextStyle, TextureHandle, Ui,
    UiBuilder, Vec2, WidgetInfo, load::SizedTexture, pos2, vec2,
};
use std::ops::Range;
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

/// Height of one row, so that the list can lay out only the rows in view
/// (thousands of rows cost no more per frame than a dozen).
const ROW_HEIGHT: f32 = 80.0;

/// Inner margin of a row.
const ROW_MARGIN: f32 = 8.0;

/// What the queue list needs besides the queue itself.
pub struct QueueListInput<'a> {
    pub thumbs: &'a Thumbs,
    pub clock: Clock,
    /// Bring this row into view (a row just added).
    pub scroll_to: Option<JobId>,
}

/// The rows in view, in a scroll area as tall as all rows. Returns the rows
/// laid out (those on screen), whose thumbnails must stay, and the positions
/// the view has room for from its first row (rows added there show next).
pub fn queue_ui(
    ui: &mut Ui,
    queue: &QueueState,
    input: QueueListInput<'_>,
    actions: &mut Vec<Action>,
) -> (Vec<JobId>, Range<usize>) {
    let rows = queue.rows();
    let spacing = ui.spacing().item_spacing.y;
    let scroll_to = input.scroll_to.and_then(|id| rows.iter().position(|row| row.id == id));
    ScrollArea::vertical()
        .id_salt("queue")
        .auto_shrink([false, false])
        .show_rows(ui, ROW_HEIGHT, rows.len(), |ui, range| {
            let on_screen = rows[range.clone()].iter().map(|row| row.id).collect();
            let room = (ui.clip_rect().height() / (ROW_HEIGHT + spacing)).ceil() as usize + 1;
            let in_view = range.start..range.start + room.max(range.len());
            // A click anywhere on a row selects it, names included.
            ui.style_mut().interaction.selectable_labels = false;
            if let Some(index) = scroll_to {
                let content_top = ui.max_rect().top() - range.start as f32 * (ROW_HEIGHT + spacing);
                let top = content_top + index as f32 * (ROW_HEIGHT + spacing);
                let target = Rect::from_min_size(pos2(ui.max_rect().left(), top), vec2(1.0, ROW_HEIGHT));
                ui.scroll_to_rect(target, None);
            }
            for row in &rows[range] {
                row_ui(ui, row, input.thumbs.get(row.id), input.clock, actions);
            }
            (on_screen, in_view)
        })
        .inner
}

/// "3 of 5 uploaded, 1 rejected" and a bar for what really went up.
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
    let rect = Rect::from_min_size(ui.cursor().min, vec2(ui.available_width(), ROW_HEIGHT));
    let builder = UiBuilder::new()
        .id_salt(("row", row.id.0))
        .max_rect(rect)
        .sense(Sense::click());
    let response = ui
        .scope_builder(builder, |ui| {
            ui.set_min_size(rect.size());
            ui.shrink_clip_rect(rect);
            ui.painter().rect(rect, 4.0, fill, stroke, StrokeKind::Inside);
            let content = UiBuilder::new()
                .max_rect(rect.shrink(ROW_MARGIN))
                .layout(Layout::left_to_right(Align::Center));
            ui.scope_builder(content, |ui| {
                thumbnail_ui(ui, row, thumb);
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
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
        })
        .response;
    response.widget_info(|| WidgetInfo::selected(egui::Role::ListBoxOption, true, row.selected, &row.name));
    if response.clicked() {
        let extend = ui.input(|i| i.modifiers.command || i.modifiers.shift);
        actions.push(Action::Select { id: row.id, extend });
    }
}

/// The thumbnail, or the file's type in its place until there is one (or
/// when there never will be: a rejected file).
fn thumbnail_ui(ui: &mut Ui, row: &Row, thumb: Option<&TextureHandle>) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(THUMB_SIDE), Sense::hover());
    ui.painter().rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    if let Some(texture) = thumb {
        let size = texture.size_vec2();
        let scale = (THUMB_SIDE / size.x.max(size.y)).min(1.0);
        let fitted = egui::Rect::from_center_size(rect.center(), size * scale);
        egui::Image::new(SizedTexture::from_handle(texture))
            .corner_radius(4)
            .paint_at(ui, fitted);
    } else {
        let badge = RichText::new(type_badge(row)).size(13.0).weak();
        ui.put(rect, Label::new(badge).selectable(false).truncate());
    }
}

/// "JPEG" once the bytes said so; until then (or for a file that is not an
/// image) what its name claims, e.g. "TXT"; "FILE" without an extension.
fn type_badge(row: &Row) -> String {
    if let Some(kind) = row.kind {
        return kind.to_string();
    }
    std::path::Path::new(&row.name)
        .extension()
        .map(|ext| ext.to_string_lossy().to_uppercase())
        .filter(|ext| !ext.is_empty() && ext.chars().count() <= 5)
        .unwrap_or_else(|| "FILE".to_owned())
}

fn row_buttons_ui(ui: &mut Ui, row: &Row, actions: &mut Vec<Action>) {
    let remove = ui
        .add(egui::Button::new("×").frame(false))
        .on_hover_text(if row.status.is_active() {
            "Cancel this file and remove it from the list"
        } else {
            "Remove from the list (an uploaded file stays in the bucket and in History)"
        });
    if remove.clicked() {
        actions.push(Action::Remove(row.id));
    }
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
        RowStatus::Failed(reason) => problem_ui(ui, format!("Failed: {reason}"), error_color),
        RowStatus::Rejected { reason, .. } => problem_ui(ui, format!("Not uploaded: {reason}"), error_color),
        RowStatus::Cancelled => {
            ui.label("Cancelled");
        }
    }
}

fn done_ui(ui: &mut Ui, row: &Row, link: &SignedLink, clock: Clock, actions: &mut Vec<Action>) {
    // The link's own tooltip only: a truncated label would add a second one.
    ui.add(
        Label::new(RichText::new(&link.url).monospace())
            .truncate()
            .show_tooltip_when_elided(false),
    )
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

/// A problem in at most two lines (rows have a fixed height), wrapped at
/// words; the label's tooltip holds the whole sentence when it is cut.
fn problem_ui(ui: &mut Ui, text: String, color: egui::Color32) {
    let font = TextStyle::Body.resolve(ui.style());
    let mut job = LayoutJob::simple(text, font, color, ui.available_width());
    job.wrap.max_rows = 2;
    let galley = ui.fonts_mut(|fonts| fonts.layout_job(job));
    ui.add(Label::new(galley).selectable(false));
}

fn copy_hint(format: LinkFormat) -> &'static str {
    match format {
        LinkFormat::Url => "Copy the link itself",
        LinkFormat::Markdown => "Copy as a Markdown image: ![name](link)",
        LinkFormat::Html => "Copy as an HTML <img> tag",
        LinkFormat::BbCode => "Copy as a BBCode [img] tag",
    }
}
