//! The History view drawn: a search box and destination filter over a list
//! that lays out only the rows in view (fixed height, `show_rows`), each with
//! its thumbnail, details, state and buttons; and the delete confirmation.

use crate::core::LinkFormat;
use crate::library::{UploadRecord, UploadState};
use crate::ui::actions::{Action, HistoryAction, LinkUse};
use crate::ui::history_pages::HistoryFilter;
use crate::ui::history_view::{DeleteConfirm, HistoryView};
use crate::ui::queue_view::Clock;
use crate::ui::text::{date_time_text, kind_label, link_expiry_text, record_details};
use crate::worker::{Command, SignedLink};
use egui::{
    Align, Align2, Button, ComboBox, Context, FontId, Id, Label, Layout, Modal, RichText, ScrollArea, Sense, TextEdit,
    TextureHandle, Ui, UiBuilder, Vec2, load::SizedTexture,
};

/// Height of every row (the list relies on it to lay out only visible rows).
pub const ROW_HEIGHT: f32 = 76.0;
const THUMB_SIDE: f32 = 56.0;
/// Width all row buttons need side by side; narrower rows fold some into "More".
const ALL_BUTTONS_WIDTH: f32 = 790.0;
const ALL_DESTINATIONS: &str = "All destinations";

/// The filter bar and the list.
pub fn history_ui(ui: &mut Ui, view: &mut HistoryView, profiles: &[&str], clock: Clock, actions: &mut Vec<Action>) {
    let total = view.pages.loaded().then(|| view.total());
    filter_bar_ui(ui, &mut view.draft, profiles, total);
    ui.add_space(6.0);
    if !view.pages.loaded() {
        ui.label(RichText::new("Loading the history…").weak());
        return;
    }
    let total = usize::try_from(view.total()).unwrap_or(usize::MAX);
    if total == 0 {
        let text = if *view.pages.filter() == HistoryFilter::default() {
            "Nothing uploaded yet. Every upload is listed here, newest first."
        } else {
            "No uploads match."
        };
        ui.label(RichText::new(text).weak());
        return;
    }
    let mut scroll = ScrollArea::vertical().id_salt("history").auto_shrink([false, false]);
    if std::mem::take(&mut view.scroll_to_top) {
        scroll = scroll.vertical_scroll_offset(0.0);
    }
    view.thumbs.begin_frame();
    scroll.show_rows(ui, ROW_HEIGHT, total, |ui, rows| {
        view.pages.set_visible(rows.clone());
        for index in rows {
            let Some(record) = view.record(index).cloned() else {
                placeholder_ui(ui);
                continue;
            };
            let thumb = view.thumbs.get(record.id).cloned();
            if thumb.is_none() && record.thumbnail.is_some() && view.thumbs.should_ask(record.id) {
                view.send(Command::LoadRecordThumbnail(record.id));
            }
            row_ui(ui, &record, thumb.as_ref(), view.link(record.id), clock, actions);
        }
    });
}

fn filter_bar_ui(ui: &mut Ui, draft: &mut HistoryFilter, profiles: &[&str], total: Option<u64>) {
    ui.horizontal(|ui| {
        let label = ui.label("Search");
        ui.add(
            TextEdit::singleline(&mut draft.search)
                .hint_text("part of a file name")
                .desired_width(200.0),
        )
        .labelled_by(label.id);
        let label = ui.label("Destination");
        let selected = draft.profile.as_deref().unwrap_or(ALL_DESTINATIONS);
        ComboBox::from_id_salt("history-destination")
            .selected_text(selected)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut draft.profile, None, ALL_DESTINATIONS);
                for &name in profiles {
                    ui.selectable_value(&mut draft.profile, Some(name.to_owned()), name);
                }
            })
            .response
            .labelled_by(label.id);
        ui.checkbox(&mut draft.include_deleted, "Show deleted")
            .on_hover_text("Also list uploads whose file was deleted from its bucket");
        if let Some(total) = total {
            let text = if total == 1 {
                "1 upload".into()
            } else {
                format!("{total} uploads")
            };
            ui.label(RichText::new(text).weak());
        }
    });
}

/// A row whose page has not arrived yet.
fn placeholder_ui(ui: &mut Ui) {
    let (rect, _) = ui.allocate_exact_size(Vec2::new(ui.available_width(), ROW_HEIGHT), Sense::hover());
    ui.painter().rect_filled(rect, 4.0, ui.visuals().faint_bg_color);
    ui.painter().text(
        rect.left_center() + Vec2::new(THUMB_SIDE + 20.0, 0.0),
        Align2::LEFT_CENTER,
        "Loading…",
        FontId::proportional(13.0),
        ui.visuals().weak_text_color(),
    );
}

fn row_ui(
    ui: &mut Ui,
    record: &UploadRecord,
    thumb: Option<&TextureHandle>,
    link: Option<&SignedLink>,
    clock: Clock,
    actions: &mut Vec<Action>,
) {
    let (rect, _) = ui.allocate_exact_size(Vec2::new(ui.available_width(), ROW_HEIGHT), Sense::hover());
    ui.painter().rect_filled(rect, 4.0, ui.visuals().faint_bg_color);
    let inner = rect.shrink(6.0);
    let builder = UiBuilder::new()
        .max_rect(inner)
        .layout(Layout::left_to_right(Align::Center))
        .id_salt(("history-row", record.id));
    let mut row = ui.new_child(builder);
    row.set_clip_rect(inner.intersect(ui.clip_rect()));
    thumbnail_ui(&mut row, thumb, &record.content_type);
    row.vertical(|ui| {
        ui.add(Label::new(RichText::new(&record.file_name).strong()).truncate());
        ui.horizontal(|ui| {
            let details = record_details(record, clock.offset);
            ui.label(RichText::new(details).small().weak())
                .on_hover_text(format!("Bucket {} on {}", record.bucket, record.endpoint));
            state_ui(ui, record, link, clock);
        });
        ui.horizontal(|ui| buttons_ui(ui, record, actions));
    });
}

fn thumbnail_ui(ui: &mut Ui, thumb: Option<&TextureHandle>, content_type: &str) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(THUMB_SIDE), Sense::hover());
    ui.painter().rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    match thumb {
        Some(texture) => {
            let size = texture.size_vec2();
            let scale = (THUMB_SIDE / size.x.max(size.y)).min(1.0);
            let fitted = egui::Rect::from_center_size(rect.center(), size * scale);
            egui::Image::new(SizedTexture::from_handle(texture))
                .corner_radius(4)
                .paint_at(ui, fitted);
        }
        None => {
            ui.painter().text(
                rect.center(),
                Align2::CENTER_CENTER,
                kind_label(content_type),
                FontId::proportional(12.0),
                ui.visuals().weak_text_color(),
            );
        }
    }
}

fn state_ui(ui: &mut Ui, record: &UploadRecord, link: Option<&SignedLink>, clock: Clock) {
    if record.state == UploadState::Deleted {
        ui.label(
            RichText::new("Deleted from bucket")
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    } else if let Some(link) = link {
        ui.label(RichText::new(link_expiry_text(link, clock.now)).small().weak())
            .on_hover_text(match link.expires_at {
                Some(at) => format!(
                    "The last link copied is valid until {}",
                    date_time_text(at, clock.offset)
                ),
                None => "A public link: it works as long as the object is stored".into(),
            });
    }
}

fn buttons_ui(ui: &mut Ui, record: &UploadRecord, actions: &mut Vec<Action>) {
    let stored = record.state != UploadState::Deleted;
    if ui.available_width() >= ALL_BUTTONS_WIDTH {
        link_buttons_ui(ui, record, &LinkFormat::ALL, stored, actions);
        manage_buttons_ui(ui, record, stored, actions);
    } else {
        let (shown, folded) = LinkFormat::ALL.split_at(2);
        link_buttons_ui(ui, record, shown, stored, actions);
        ui.menu_button("More", |ui| {
            link_buttons_ui(ui, record, folded, stored, actions);
            manage_buttons_ui(ui, record, stored, actions);
        });
    }
}

/// "Copy URL", "Copy Markdown", …, and "Open in browser" after the URL button.
fn link_buttons_ui(
    ui: &mut Ui,
    record: &UploadRecord,
    formats: &[LinkFormat],
    stored: bool,
    actions: &mut Vec<Action>,
) {
    let link_action = |link_use| {
        Action::History(HistoryAction::Link {
            record: record.id,
            name: record.file_name.clone(),
            link_use,
        })
    };
    for &format in formats {
        let button = ui.add_enabled(stored, Button::new(format!("Copy {}", format.label())).small());
        if button.on_hover_text("Sign a fresh link and copy it").clicked() {
            actions.push(link_action(LinkUse::Copy(format)));
        }
    }
    if formats.first() == Some(&LinkFormat::Url) {
        let open = ui.add_enabled(stored, Button::new("Open in browser").small());
        if open.clicked() {
            actions.push(link_action(LinkUse::Open));
        }
    }
}

/// "Delete from bucket" and "Remove from history".
fn manage_buttons_ui(ui: &mut Ui, record: &UploadRecord, stored: bool, actions: &mut Vec<Action>) {
    let delete = ui.add_enabled(stored, Button::new("Delete from bucket").small());
    if delete
        .on_hover_text("Delete the file from its bucket; its links stop working")
        .clicked()
    {
        actions.push(Action::History(HistoryAction::AskDelete {
            record: record.id,
            name: record.file_name.clone(),
            bucket: record.bucket.clone(),
        }));
    }
    let remove = ui.add(Button::new("Remove from history").small());
    if remove
        .on_hover_text("Forget this entry; the file stays in its bucket")
        .clicked()
    {
        actions.push(Action::History(HistoryAction::Remove(record.id)));
    }
}

/// "Delete photo.jpg from bucket photos? Its link stops working."
pub fn delete_confirm_ui(ctx: &Context, confirm: &DeleteConfirm, actions: &mut Vec<Action>) {
    let response = Modal::new(Id::unique("picbucket-delete-remote")).show(ctx, |ui| {
        ui.set_max_width(380.0);
        ui.add(
            Label::new(format!(
                "Delete {} from bucket {}? Its link stops working.",
                confirm.name, confirm.bucket
            ))
            .wrap(),
        );
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Delete").clicked() {
                actions.push(Action::History(HistoryAction::ConfirmDelete(confirm.record)));
            }
            if ui.button("Cancel").clicked() {
                actions.push(Action::History(HistoryAction::CancelDelete));
            }
        });
    });
    if response.should_close() {
        actions.push(Action::History(HistoryAction::CancelDelete));
    }
}
