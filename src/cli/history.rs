//! `picbucket history`: what was uploaded, newest first, read from the library.
//! Never creates the library: with none yet, it says so and exits 0.

use crate::core::validate::human_bytes;
use crate::library::{self, HistoryQuery, Library, UploadRecord};
use anyhow::Context;
use std::io::Write;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Print one JSON object per line: id, key, file, size, content_type, profile, bucket, endpoint,
    /// region, width, height, sha256, uploaded_at (RFC 3339) and state.
    #[arg(long)]
    pub json: bool,

    /// Show at most N uploads.
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: u32,

    /// Only files whose name contains TEXT (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,

    /// Only uploads to the destination (profile) NAME.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

pub fn run(args: &HistoryArgs) -> anyhow::Result<i32> {
    // Read before anything could start a thread: afterwards the local offset may be unavailable.
    let offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let path = library::default_path().context("no data directory found; set PICBUCKET_DATA_DIR to a folder")?;
    let query = HistoryQuery {
        search: args.search.clone(),
        profile: args.profile.clone(),
        limit: args.limit,
        ..HistoryQuery::default()
    };
    let records = if path.exists() {
        Library::open(&path)?.history(&query)?
    } else {
        Vec::new()
    };
    if records.is_empty() {
        if args.search.is_some() || args.profile.is_some() {
            eprintln!(
                "No uploads match in {}; try without --search or --profile.",
                path.display()
            );
        } else {
            eprintln!(
                "No uploads recorded yet in {}; `picbucket upload FILE` adds some.",
                path.display()
            );
        }
        return Ok(0);
    }
    let id_width = records.iter().map(|r| r.id.to_string().len()).max().unwrap_or(1);
    let mut out = std::io::stdout().lock();
    for record in &records {
        let line = if args.json {
            json_line(record)
        } else {
            text_line(record, id_width, offset)
        };
        if let Err(error) = writeln!(out, "{line}") {
            // `picbucket history | head` closes the pipe early: not a failure.
            if error.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(0);
            }
            return Err(error).context("cannot write the history to standard output");
        }
    }
    Ok(0)
}

/// `ID  DATE  SIZE  FILE  → KEY (profile)`, with control characters shown as `?`
/// so each record stays on one line.
fn text_line(record: &UploadRecord, id_width: usize, offset: UtcOffset) -> String {
    let date = record
        .uploaded_at
        .and_then(|ms| datetime(ms, offset))
        .and_then(|at| {
            at.format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
                .ok()
        })
        .unwrap_or_else(|| "-".repeat(16));
    format!(
        "{:>id_width$}  {date}  {:>8}  {}  → {} ({})",
        record.id,
        human_bytes(record.size_bytes),
        printable(&record.file_name),
        printable(&record.object_key),
        printable(&record.profile),
    )
}

fn json_line(record: &UploadRecord) -> String {
    let uploaded_at = record
        .uploaded_at
        .and_then(|ms| datetime(ms, UtcOffset::UTC))
        .and_then(|at| at.format(&Rfc3339).ok());
    serde_json::json!({
        "id": record.id,
        "key": record.object_key,
        "file": record.file_name,
        "size": record.size_bytes,
        "content_type": record.content_type,
        "profile": record.profile,
        "bucket": record.bucket,
        "endpoint": record.endpoint,
        "region": record.region,
        "width": record.width,
        "height": record.height,
        "sha256": record.sha256,
        "uploaded_at": uploaded_at,
        "state": record.state.as_str(),
    })
    .to_string()
}

fn datetime(unix_ms: i64, offset: UtcOffset) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .ok()
        .map(|at| at.to_offset(offset))
}

fn printable(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}
