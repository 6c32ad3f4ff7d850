//! The settings dialog: edits a draft, checks each field as it is typed, tests
//! the connection through the worker and asks the app to save.

use crate::core::Config;
use crate::core::LinkFormatSetting;
use crate::storage::ConnectionReport;
use crate::ui::settings_form::{
    FieldErrors, KEY_BUCKET, KEY_ENDPOINT, KEY_EXPIRY, KEY_HOTKEY, KEY_LINK_TEMPLATE, KEY_MAX_SIZE, KEY_PROXY,
    KEY_PUBLIC_BASE_URL, KEY_SECRET, KEY_TEMPLATE, SettingsDraft,
};
use crate::ui::settings_widgets::{check_mark_ui, field_ui, label_cell, ok_color, plain_field_ui, wrapped_ui};
use egui::{Align, Align2, Context, Id, Key, Layout, Modal, Modifiers, RichText, ScrollArea, TextEdit, Ui, vec2};

/// The label column of both grids, so their fields line up.
const LABEL_WIDTH: f32 = 130.0;

/// Space above the dialog, in points.
const TOP_MARGIN: f32 = 24.0;

/// What the dialog asks the app to do.
#[derive(Debug)]
pub enum SettingsOutcome {
    /// Close without saving.
    Cancel,
    Test(Box<Config>),
    Save(Box<Config>),
}

/// The result of "Test connection".
#[derive(Clone, Debug, PartialEq)]
pub enum TestState {
    Idle,
    Running,
    Passed(String),
    Failed(String),
}

pub struct SettingsView {
    draft: SettingsDraft,
    show_secret: bool,
    test: TestState,
    /// The draft the test result is about: a result stops being shown (and a
    /// running test's answer is ignored) once the draft changes.
    tested: Option<SettingsDraft>,
    /// Save was pressed after a failed test: ask before saving.
    confirm_save: bool,
    saving: bool,
    save_error: Option<String>,
    /// Why the shortcut in effect does not work (taken by another program…),
    /// shown while the draft keeps that shortcut.
    shortcut_problem: Option<(String, String)>,
}

impl SettingsView {
    pub fn new(config: &Config) -> Self {
        Self {
            draft: SettingsDraft::from_config(config),
            show_secret: false,
            test: TestState::Idle,
            tested: None,
            confirm_save: false,
            saving: false,
            save_error: None,
            shortcut_problem: None,
        }
    }

    /// The shortcut `applied` (the one in effect) does not work, for `problem`.
    pub fn set_shortcut_problem(&mut self, problem: Option<String>, applied: &str) {
        self.shortcut_problem = problem.map(|problem| (applied.trim().to_owned(), problem));
    }

    /// The answer to "Test connection". A region the server corrected goes
    /// into the draft, so that Save keeps it.
    pub fn connection_tested(&mut self, result: Result<ConnectionReport, String>) {
        if self.test != TestState::Running {
            return;
        }
        self.test = match result {
            Ok(report) => {
                let mut text = report.to_string();
                if report.region_corrected_from.is_some() {
                    self.draft.config.storage.region.clone_from(&report.region);
                    self.tested = Some(self.draft.clone());
                    text.push_str("; Save to keep it");
                }
                TestState::Passed(text)
            }
            Err(error) => TestState::Failed(error),
        };
    }

    pub fn test_started(&mut self) {
        self.test = TestState::Running;
        self.tested = Some(self.draft.clone());
        self.confirm_save = false;
    }

    pub fn save_started(&mut self) {
        self.saving = true;
        self.save_error = None;
    }

    pub fn save_failed(&mut self, error: String) {
        self.saving = false;
        self.save_error = Some(error);
    }

    /// Shows the dialog; returns what the user chose this frame, if anything.
    pub fn show(&mut self, ctx: &Context) -> Option<SettingsOutcome> {
        if self.tested.as_ref().is_some_and(|tested| *tested != self.draft) {
            self.test = TestState::Idle;
            self.tested = None;
            self.confirm_save = false;
        }
        let (config, errors) = self.draft.build();
        let max_height = (ctx.content_rect().height() - TOP_MARGIN - 200.0).max(160.0);
        // Anchored at the top, not centred: a message appearing below the
        // buttons must not move the fields under the pointer.
        let id = Id::unique("picbucket-settings");
        let area = Modal::default_area(id).anchor(Align2::CENTER_TOP, vec2(0.0, TOP_MARGIN));
        let response = Modal::new(id).area(area).show(ctx, |ui| {
            ui.set_width(540.0_f32.min(ctx.content_rect().width() - 40.0));
            ui.heading("Settings");
            ui.add_space(4.0);
            ScrollArea::vertical().max_height(max_height).show(ui, |ui| {
                self.form_ui(ui, &errors);
            });
            ui.separator();
            self.buttons_ui(ui, config, &errors)
        });
        let escape = response.is_top_modal
            && !response.any_popup_open
            && !self.saving
            && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape));
        if escape {
            return Some(SettingsOutcome::Cancel);
        }
        // Enter saves, as in any dialog; a text field hands the keyboard
        // back on Enter, so the key reaches us here.
        let enter = response.is_top_modal
            && !response.any_popup_open
            && response.inner.is_none()
            && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter));
        if enter {
            return self.save_pressed(config_for_enter(&self.draft));
        }
        response.inner
    }

    /// Save (the button or Enter): asks first when the last test failed.
    fn save_pressed(&mut self, config: Option<Config>) -> Option<SettingsOutcome> {
        let config = config?;
        if self.saving {
            return None;
        }
        if matches!(self.test, TestState::Failed(_)) && !self.confirm_save {
            self.confirm_save = true;
            return None;
        }
        self.confirm_save = false;
        Some(SettingsOutcome::Save(Box::new(config)))
    }

    fn form_ui(&mut self, ui: &mut Ui, errors: &FieldErrors) {
        let draft = &mut self.draft;
        let shortcut_problem = match &self.shortcut_problem {
            Some((applied, problem)) if *applied == draft.config.ui.global_hotkey.trim() => Some(problem),
            _ => None,
        };
        ui.strong("Storage");
        ui.horizontal(|ui| {
            ui.radio_value(&mut draft.use_local_store, true, "Built-in local store");
            ui.radio_value(&mut draft.use_local_store, false, "S3-compatible server");
        });
        if draft.use_local_store {
            ui.label(
                RichText::new("Files stay on this computer and links work only here: good for trying picbucket out.")
                    .weak(),
            );
        }
        let server = !draft.use_local_store;
        egui::Grid::new("settings-grid")
            .num_columns(2)
            .min_col_width(LABEL_WIDTH)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                let label = label_cell(ui, server, "Endpoint");
                let endpoint = &mut draft.endpoint;
                field_ui(ui, label.id, errors.get(KEY_ENDPOINT), |ui| {
                    ui.add_enabled(
                        server,
                        TextEdit::singleline(endpoint).hint_text("https://s3.example.com"),
                    )
                });
                let label = label_cell(ui, server, "Region");
                let region = &mut draft.config.storage.region;
                plain_field_ui(ui, label.id, |ui| ui.add_enabled(server, TextEdit::singleline(region)));
                let label = label_cell(ui, true, "Bucket");
                let bucket = &mut draft.config.storage.bucket;
                field_ui(ui, label.id, errors.get(KEY_BUCKET), |ui| {
                    ui.text_edit_singleline(bucket)
                });
                let label = label_cell(ui, server, "Access key");
                let access_key = &mut draft.config.storage.access_key;
                plain_field_ui(ui, label.id, |ui| {
                    ui.add_enabled(
                        server,
                        TextEdit::singleline(access_key).hint_text("empty: the AWS credential chain"),
                    )
                });
                let label = label_cell(ui, server, "Secret key");
                let (secret, show_secret) = (&mut draft.secret_key, &mut self.show_secret);
                field_ui(ui, label.id, errors.get(KEY_SECRET), |ui| {
                    ui.horizontal(|ui| {
                        let edit = ui.add_enabled(server, TextEdit::singleline(secret).password(!*show_secret));
                        ui.add_enabled(server, egui::Checkbox::new(show_secret, "Show"));
                        edit
                    })
                    .inner
                });
                ui.label("");
                ui.add_enabled(
                    server,
                    egui::Checkbox::new(
                        &mut draft.config.storage.path_style,
                        "Path-style URLs (MinIO, Garage and most self-hosted servers)",
                    ),
                );
                ui.end_row();
                let label = label_cell(ui, server, "Public base URL");
                let public_base = &mut draft.config.storage.public_base_url;
                field_ui(ui, label.id, errors.get(KEY_PUBLIC_BASE_URL), |ui| {
                    ui.add_enabled(
                        server,
                        TextEdit::singleline(public_base).hint_text("empty: pre-signed links that expire"),
                    )
                });
                let label = label_cell(ui, server, "Proxy");
                let proxy = &mut draft.proxy;
                field_ui(ui, label.id, errors.get(KEY_PROXY), |ui| {
                    ui.add_enabled(
                        server,
                        TextEdit::singleline(proxy)
                            .hint_text("empty: HTTPS_PROXY from the environment; none: no proxy"),
                    )
                });
            });
        ui.add_space(8.0);
        ui.strong("Uploads");
        egui::Grid::new("settings-upload-grid")
            .num_columns(2)
            .min_col_width(LABEL_WIDTH)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                let label = label_cell(ui, true, "Link expiry");
                let expiry = &mut draft.link_expiry;
                field_ui(ui, label.id, errors.get(KEY_EXPIRY), |ui| {
                    ui.add(TextEdit::singleline(expiry).hint_text("1h, 1d, 7d (at most 7 days)"))
                });
                let label = label_cell(ui, true, "Max file size (MiB)");
                let max_size = &mut draft.max_size_mb;
                field_ui(ui, label.id, errors.get(KEY_MAX_SIZE), |ui| {
                    ui.text_edit_singleline(max_size)
                });
                let label = label_cell(ui, true, "Key template");
                let template = &mut draft.config.upload.key_template;
                field_ui(ui, label.id, errors.get(KEY_TEMPLATE), |ui| {
                    ui.add(TextEdit::singleline(template).hint_text("{uuid}_{filename}"))
                });
                let label = label_cell(ui, true, "Copy links as");
                let link_format = &mut draft.config.ui.link_format;
                plain_field_ui(ui, label.id, |ui| {
                    egui::ComboBox::from_id_salt("link-format")
                        .selected_text(link_format.label())
                        .show_ui(ui, |ui| {
                            for choice in LinkFormatSetting::ALL {
                                ui.selectable_value(link_format, choice, choice.label());
                            }
                        })
                        .response
                });
                let custom = *link_format == LinkFormatSetting::Custom;
                let label = label_cell(ui, custom, "Link template");
                let link_template = &mut draft.config.ui.link_template;
                field_ui(ui, label.id, errors.get(KEY_LINK_TEMPLATE), |ui| {
                    ui.add_enabled(
                        custom,
                        TextEdit::singleline(link_template)
                            .hint_text("[img]{url}[/img] — {url} {filename} {key} {width} {height}"),
                    )
                });
                let label = label_cell(ui, true, "Global shortcut");
                let shortcut = &mut draft.config.ui.global_hotkey;
                field_ui(ui, label.id, errors.get(KEY_HOTKEY).or(shortcut_problem), |ui| {
                    ui.add(TextEdit::singleline(shortcut).hint_text("Ctrl+Shift+U — empty for none"))
                });
            });
        ui.add_space(8.0);
        ui.strong("Window");
        let window = &mut draft.config.ui;
        ui.checkbox(&mut window.auto_upload, "Upload files as soon as they are checked");
        ui.checkbox(
            &mut window.copy_link_after_upload,
            "Copy the link when a single upload finishes (as chosen in Copy links as)",
        );
        ui.checkbox(&mut window.recurse_folders, "Include subfolders of dropped folders");
        ui.checkbox(
            &mut window.notify_when_done,
            "Show a notification when uploads finish while the window is in the background",
        );
        ui.checkbox(
            &mut window.keep_in_tray,
            "Keep running in the tray when the window is closed",
        );
    }

    /// One row of buttons that never moves, and the messages under it.
    fn buttons_ui(&mut self, ui: &mut Ui, config: Config, errors: &FieldErrors) -> Option<SettingsOutcome> {
        let valid = errors.is_empty();
        let mut outcome = None;
        ui.horizontal(|ui| {
            let testing = self.test == TestState::Running;
            let test = ui.add_enabled(valid && !testing && !self.saving, egui::Button::new("Test connection"));
            if test.clicked() {
                outcome = Some(SettingsOutcome::Test(Box::new(config.clone())));
            }
            if testing {
                ui.spinner();
                ui.label("Testing…");
            }
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                if self.confirm_save {
                    if ui.button("Keep editing").clicked() {
                        self.confirm_save = false;
                    }
                } else if ui.add_enabled(!self.saving, egui::Button::new("Cancel")).clicked() {
                    outcome = Some(SettingsOutcome::Cancel);
                }
                let label = if self.confirm_save { "Save anyway" } else { "Save" };
                let save = ui.add_enabled(valid && !self.saving, egui::Button::new(label));
                if save.clicked() {
                    outcome = self.save_pressed(Some(config));
                }
                if self.saving {
                    ui.spinner();
                }
            });
        });
        let error_color = ui.visuals().error_fg_color;
        if self.confirm_save {
            wrapped_ui(
                ui,
                "The connection test failed. Save these settings anyway?".into(),
                error_color,
            );
        }
        match &self.test {
            TestState::Idle | TestState::Running => {}
            TestState::Passed(report) => {
                ui.horizontal(|ui| {
                    let color = ok_color(ui);
                    check_mark_ui(ui, color);
                    wrapped_ui(ui, report.clone(), color);
                });
            }
            TestState::Failed(error) => wrapped_ui(ui, error.clone(), error_color),
        }
        if !valid {
            wrapped_ui(ui, "Fix the fields marked in red to save.".into(), error_color);
        }
        if let Some(error) = &self.save_error {
            wrapped_ui(ui, error.clone(), error_color);
        }
        outcome
    }
}

/// The settings Enter would save: none while a field has a problem.
fn config_for_enter(draft: &SettingsDraft) -> Option<Config> {
    let (config, errors) = draft.build();
    errors.is_empty().then_some(config)
}
