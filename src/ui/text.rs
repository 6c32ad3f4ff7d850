//! Words the window shows for times, sizes and pasted things. Pure functions.

use crate::core::ImageKind;
use crate::core::validate::human_bytes;
use crate::library::UploadRecord;
use crate::ui::state::{BatchSummary, Row};
use crate::worker::SignedLink;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};
use time::{OffsetDateTime, UtcOffset};

const HOUR_SECS: u64 = 60 * 60;
const DAY_SECS: u64 = 24 * HOUR_SECS;

/// A link is renewed before it is copied when less than this is left of it
/// (or less than half its lifetime, for short-lived links).
const REFRESH_MARGIN: Duration = Duration::from_secs(HOUR_SECS);

/// The expiry of a link, saying so when temporary credentials end it early.
pub fn link_expiry_text(link: &SignedLink, now: SystemTime) -> String {
    let text = expiry_text(link.expires_at, now);
    if link.ends_with_credentials {
        format!("{text} (when the temporary credentials it was signed with end)")
    } else {
        text
    }
}

/// "expires in 6 days 23 h", "expires in 5 h 12 min", "expired".
pub fn expiry_text(expires_at: SystemTime, now: SystemTime) -> String {
    let Ok(left) = expires_at.duration_since(now) else {
        return "expired — copying signs a new link".into();
    };
    let secs = left.as_secs();
    let (days, hours, minutes) = (secs / DAY_SECS, secs % DAY_SECS / HOUR_SECS, secs % HOUR_SECS / 60);
    let span = if days > 0 {
        format!("{days} {} {hours} h", if days == 1 { "day" } else { "days" })
    } else if hours > 0 {
        format!("{hours} h {minutes} min")
    } else if minutes > 0 {
        format!("{minutes} min")
    } else {
        "less than a minute".into()
    };
    format!("expires in {span}")
}

/// "2026-05-01 14:03" in `offset` (the local time zone when it is known).
pub fn date_time_text(at: SystemTime, offset: UtcOffset) -> String {
    let at = OffsetDateTime::from(at).to_offset(offset);
    let zone = if offset.is_utc() { " UTC" } else { "" };
    format!(
        "{}-{:02}-{:02} {:02}:{:02}{zone}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// Whether to sign a fresh link before copying this one.
pub fn link_needs_refresh(link: &SignedLink, now: SystemTime, lifetime: Duration) -> bool {
    let margin = REFRESH_MARGIN.min(lifetime / 2);
    link.expires_at.duration_since(now).map_or(true, |left| left < margin)
}

/// "812 KiB · 1920×1080 px · JPEG", with whatever is known yet.
pub fn details_text(row: &Row) -> String {
    let mut parts = Vec::new();
    if let Some(size) = row.size_bytes {
        parts.push(human_bytes(size));
    }
    if let Some((width, height)) = row.dimensions {
        parts.push(format!("{width}×{height} px"));
    }
    if let Some(kind) = row.kind {
        parts.push(kind.to_string());
    }
    if row.location_removed {
        parts.push("location removed".to_owned());
    }
    parts.join(" · ")
}

/// "JPEG" for `image/jpeg`; the subtype in capitals for other types.
pub fn kind_label(content_type: &str) -> String {
    match ImageKind::ALL.into_iter().find(|kind| kind.mime_type() == content_type) {
        Some(kind) => kind.to_string(),
        None => content_type.rsplit('/').next().unwrap_or_default().to_uppercase(),
    }
}

/// When a record was uploaded (queued, if it never was), from unix ms.
pub fn record_time(record: &UploadRecord) -> SystemTime {
    let ms = record.uploaded_at.unwrap_or(record.created_at);
    SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

/// "812 KB · 1920×1080 px · 2026-05-01 14:03 · to work" for a History row.
pub fn record_details(record: &UploadRecord, offset: UtcOffset) -> String {
    format!(
        "{} · {}×{} px · {} · to {}",
        human_bytes(record.size_bytes),
        record.width,
        record.height,
        date_time_text(record_time(record), offset),
        record.profile
    )
}

/// "3 uploads didn't finish" (the resume banner).
pub fn unfinished_text(count: usize) -> String {
    match count {
        1 => "1 upload didn't finish".into(),
        n => format!("{n} uploads didn't finish"),
    }
}

/// The name a pasted screenshot is saved and uploaded under.
pub fn clipboard_image_name(at: OffsetDateTime) -> String {
    format!(
        "clipboard-{}-{:02}-{:02}-{:02}{:02}{:02}.png",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// File paths in pasted text: one per line, absolute paths or `file://` URIs.
/// Nothing is checked on disk here; the worker validates every path.
pub fn paths_from_pasted_text(text: &str) -> Vec<PathBuf> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            if let Some(rest) = line.strip_prefix("file://") {
                // file:///abs/path or file://localhost/abs/path
                let path = rest.strip_prefix("localhost").unwrap_or(rest);
                path.starts_with('/').then(|| PathBuf::from(percent_decode(path)))
            } else {
                let path = PathBuf::from(line);
                path.is_absolute().then_some(path)
            }
        })
        .collect()
}

/// Decodes `%XX` escapes; invalid escapes are kept as they are.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a dropped folder added and skipped, for the toast after its scan.
#[derive(Clone, Copy, Debug, Default)]
pub struct FolderScanText {
    pub added: usize,
    pub not_images: usize,
    pub subfolders_skipped: usize,
    pub hit_limit: bool,
    pub recursive: bool,
}

impl FolderScanText {
    /// "Added 12 images from Photos; skipped 3 files that are not images and
    /// 1 subfolder (turn on "Include subfolders" in Settings)".
    pub fn text(&self, folder: &str) -> String {
        let from = if self.recursive {
            format!("{folder} and its subfolders")
        } else {
            folder.to_owned()
        };
        let mut text = match self.added {
            0 => format!("No images found in {from}"),
            1 => format!("Added 1 image from {from}"),
            n => format!("Added {n} images from {from}"),
        };
        let mut skipped = Vec::new();
        match self.not_images {
            0 => {}
            1 => skipped.push("1 file that is not an image".to_owned()),
            n => skipped.push(format!("{n} files that are not images")),
        }
        match self.subfolders_skipped {
            0 => {}
            1 => skipped.push("1 subfolder".to_owned()),
            n => skipped.push(format!("{n} subfolders")),
        }
        if !skipped.is_empty() {
            text.push_str("; skipped ");
            text.push_str(&skipped.join(" and "));
            if self.subfolders_skipped > 0 && !self.recursive {
                text.push_str(" (turn on \"Include subfolders\" in Settings to add those)");
            }
        }
        if self.hit_limit {
            text.push_str(&format!(
                "; stopped after {} images: drop fewer at a time",
                crate::worker::MAX_FILES_PER_FOLDER
            ));
        }
        text
    }
}

/// The body of the notification for a finished batch: "3 images uploaded
/// — link copied", "2 images uploaded, 1 failed: a.png: …". `None` when the
/// user cancelled everything (nothing to tell).
pub fn batch_notification_text(summary: &BatchSummary, link_copied: bool) -> Option<String> {
    let mut parts = Vec::new();
    match summary.uploaded {
        0 => {}
        1 => parts.push("1 image uploaded".to_owned()),
        n => parts.push(format!("{n} images uploaded")),
    }
    if summary.failed > 0 {
        parts.push(format!("{} failed", summary.failed));
    }
    if summary.rejected > 0 {
        parts.push(format!("{} not uploaded", summary.rejected));
    }
    if parts.is_empty() {
        return None;
    }
    let mut text = parts.join(", ");
    if let Some(problem) = summary
        .first_problem
        .as_ref()
        .filter(|_| summary.failed + summary.rejected > 0)
    {
        text.push_str(": ");
        text.push_str(problem);
    } else if link_copied {
        text.push_str(" — link copied");
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_reads_in_days_hours_and_minutes() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let at = |secs| now + Duration::from_secs(secs);
        assert_eq!(expiry_text(at(7 * DAY_SECS - 30), now), "expires in 6 days 23 h");
        assert_eq!(expiry_text(at(DAY_SECS + 3 * HOUR_SECS), now), "expires in 1 day 3 h");
        assert_eq!(expiry_text(at(5 * HOUR_SECS + 12 * 60), now), "expires in 5 h 12 min");
        assert_eq!(expiry_text(at(90), now), "expires in 1 min");
        assert!(expiry_text(now - Duration::from_secs(5), now).starts_with("expired"));
    }

    #[test]
    fn a_link_that_ends_with_its_credentials_says_so() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut link = SignedLink {
            url: "http://x".into(),
            expires_at: now + Duration::from_secs(HOUR_SECS),
            ends_with_credentials: false,
        };
        assert_eq!(link_expiry_text(&link, now), "expires in 1 h 0 min");
        link.ends_with_credentials = true;
        assert_eq!(
            link_expiry_text(&link, now),
            "expires in 1 h 0 min (when the temporary credentials it was signed with end)"
        );
    }

    #[test]
    fn links_are_renewed_only_near_their_end() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let link = |secs| SignedLink {
            url: "http://x".into(),
            expires_at: now + Duration::from_secs(secs),
            ends_with_credentials: false,
        };
        let week = Duration::from_secs(7 * DAY_SECS);
        assert!(!link_needs_refresh(&link(DAY_SECS), now, week));
        assert!(link_needs_refresh(&link(30 * 60), now, week));
        // A 30-minute link is not renewed right after it was signed.
        assert!(!link_needs_refresh(&link(29 * 60), now, Duration::from_secs(30 * 60)));
        assert!(link_needs_refresh(&link(10 * 60), now, Duration::from_secs(30 * 60)));
    }

    #[test]
    fn pasted_paths_and_file_uris_become_paths_and_other_text_is_ignored() {
        let text = "file:///home/me/My%20Photos/cat.png\n/tmp/dog.jpg\r\nhello world\n\nfile://localhost/a%2Bb.gif";
        assert_eq!(
            paths_from_pasted_text(text),
            vec![
                PathBuf::from("/home/me/My Photos/cat.png"),
                PathBuf::from("/tmp/dog.jpg"),
                PathBuf::from("/a+b.gif"),
            ]
        );
        assert!(paths_from_pasted_text("https://example.com/x.png").is_empty());
    }

    #[test]
    fn pasted_screenshots_are_named_by_their_time() {
        let at = time::macros::datetime!(2026-03-04 05:06:07 UTC);
        assert_eq!(clipboard_image_name(at), "clipboard-2026-03-04-050607.png");
    }

    #[test]
    fn history_rows_read_their_kind_size_date_and_destination() {
        assert_eq!(kind_label("image/jpeg"), "JPEG");
        assert_eq!(kind_label("image/webp"), "WebP");
        assert_eq!(kind_label("image/avif"), "AVIF");
        let record = crate::ui::history_pages::tests::record(3);
        assert_eq!(
            record_details(&record, UtcOffset::UTC),
            "10 bytes · 1×1 px · 1970-01-01 00:00 UTC · to default"
        );
        assert_eq!(unfinished_text(1), "1 upload didn't finish");
        assert_eq!(unfinished_text(3), "3 uploads didn't finish");
    }

    #[test]
    fn dates_show_the_zone_when_it_is_utc() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(86_400 + 3_660);
        assert_eq!(date_time_text(at, UtcOffset::UTC), "1970-01-02 01:01 UTC");
    }

    #[test]
    fn a_folder_scan_says_what_it_skipped_and_how_to_include_it() {
        let scan = FolderScanText {
            added: 12,
            not_images: 3,
            subfolders_skipped: 1,
            hit_limit: false,
            recursive: false,
        };
        assert_eq!(
            scan.text("Photos"),
            "Added 12 images from Photos; skipped 3 files that are not images and 1 subfolder \
             (turn on \"Include subfolders\" in Settings to add those)"
        );
        let nothing = FolderScanText {
            not_images: 1,
            recursive: true,
            ..FolderScanText::default()
        };
        assert_eq!(
            nothing.text("Notes"),
            "No images found in Notes and its subfolders; skipped 1 file that is not an image"
        );
        let plain = FolderScanText {
            added: 1,
            ..FolderScanText::default()
        };
        assert_eq!(plain.text("A"), "Added 1 image from A");
        let full = FolderScanText {
            added: 10_000,
            hit_limit: true,
            ..FolderScanText::default()
        };
        assert!(
            full.text("Big")
                .ends_with("; stopped after 10000 images: drop fewer at a time")
        );
    }

    #[test]
    fn a_batch_notification_says_what_went_up_and_the_first_problem() {
        let summary = |uploaded, failed, rejected| BatchSummary {
            uploaded,
            failed,
            rejected,
            first_problem: (failed + rejected > 0).then(|| "a.png: Cannot reach the server".to_owned()),
            ..BatchSummary::default()
        };
        assert_eq!(
            batch_notification_text(&summary(1, 0, 0), true).as_deref(),
            Some("1 image uploaded — link copied")
        );
        assert_eq!(
            batch_notification_text(&summary(3, 0, 0), false).as_deref(),
            Some("3 images uploaded")
        );
        assert_eq!(
            batch_notification_text(&summary(2, 1, 1), false).as_deref(),
            Some("2 images uploaded, 1 failed, 1 not uploaded: a.png: Cannot reach the server")
        );
        assert_eq!(
            batch_notification_text(&summary(0, 1, 0), false).as_deref(),
            Some("1 failed: a.png: Cannot reach the server")
        );
        let cancelled = BatchSummary {
            cancelled: 2,
            ..BatchSummary::default()
        };
        assert_eq!(batch_notification_text(&cancelled, false), None);
    }
}
