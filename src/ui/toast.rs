//! A short message at the bottom of the window ("Link copied") that fades out.
//! Repaints are scheduled only for the fade, never continuously.

use egui::text::LayoutJob;
use egui::{Align2, Area, Context, Frame, Id, Label, Order, TextStyle};
use std::time::Duration;

/// Fully visible for this long…
const HOLD_SECS: f64 = 1.5;
/// …then fades out over this long.
const FADE_SECS: f64 = 0.5;
/// Errors stay longer: they need reading.
const ERROR_HOLD_SECS: f64 = 5.0;
/// Longer messages wrap (at spaces) to this width, in points.
const MAX_WIDTH: f32 = 420.0;
/// Repaint interval while fading (about 30 frames a second, for half a second).
const FADE_FRAME: Duration = Duration::from_millis(33);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Error,
}

#[derive(Debug)]
struct Toast {
    text: String,
    kind: ToastKind,
    /// `InputState::time` when it appeared.
    shown_at: f64,
}

/// At most one toast at a time; a new one replaces the old.
#[derive(Debug, Default)]
pub struct Toasts {
    current: Option<Toast>,
}

impl Toasts {
    pub fn show(&mut self, ctx: &Context, text: impl Into<String>, kind: ToastKind) {
        let text = text.into();
        tracing::debug!(text, "toast");
        self.current = Some(Toast {
            text,
            kind,
            shown_at: ctx.input(|i| i.time),
        });
        ctx.request_repaint();
    }

    /// Draws the toast and asks for exactly the repaints its fade needs.
    pub fn show_toast(&mut self, ctx: &Context) {
        let Some(toast) = &self.current else { return };
        let hold = match toast.kind {
            // Long enough to read: about 20 characters a second.
            ToastKind::Info => (toast.text.chars().count() as f64 / 20.0).clamp(HOLD_SECS, ERROR_HOLD_SECS),
            ToastKind::Error => ERROR_HOLD_SECS,
        };
        let age = ctx.input(|i| i.time) - toast.shown_at;
        if age >= hold + FADE_SECS {
            self.current = None;
            return;
        }
        let opacity = if age < hold {
            ctx.request_repaint_after(Duration::from_secs_f64(hold - age));
            1.0
        } else {
            ctx.request_repaint_after(FADE_FRAME);
            (1.0 - (age - hold) / FADE_SECS) as f32
        };
        Area::new(Id::unique("picbucket-toast"))
            .anchor(Align2::CENTER_BOTTOM, [0.0, -56.0])
            .order(Order::Tooltip)
            .interactable(false)
            .show(ctx, |ui| {
                ui.set_opacity(opacity);
                let color = match toast.kind {
                    ToastKind::Info => ui.visuals().strong_text_color(),
                    ToastKind::Error => ui.visuals().error_fg_color,
                };
                Frame::popup(ui.style())
                    .fill(ui.visuals().extreme_bg_color)
                    .inner_margin(10)
                    .show(ui, |ui| {
                        // Laid out here at a fixed width: left to the area, a
                        // new toast's first frame would wrap inside words.
                        let font = TextStyle::Body.resolve(ui.style());
                        let job = LayoutJob::simple(toast.text.clone(), font, color, MAX_WIDTH);
                        let galley = ui.fonts_mut(|fonts| fonts.layout_job(job));
                        ui.add(Label::new(galley).selectable(false));
                    });
            });
    }
}
