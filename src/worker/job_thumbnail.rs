//! A dropped file's preview: made on the blocking pool, a few at a time,
//! then sent to the window and, the first time, kept in the library.

use crate::core::ValidationRules;
use crate::core::thumbnail::{THUMBNAIL_SIDE_PX, make_thumbnail};
use crate::worker::command::JobId;
use crate::worker::event::Event;
use crate::worker::internal::JobUpdate;
use crate::worker::job::JobContext;
use crate::worker::priority::Lowered;
use std::path::PathBuf;

/// Whether a thumbnail made now goes into the library too (the first one
/// does; one made again for the window is already there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keep {
    InLibrary,
    ForWindowOnly,
}

pub(crate) async fn thumbnail(ctx: JobContext, id: JobId, path: PathBuf, rules: ValidationRules, keep: Keep) {
    // At most two full decodes at once bounds memory however many files are queued.
    let Ok(_slot) = ctx.thumbnail_slots.acquire().await else {
        return;
    };
    let lowered = ctx.lowered.clone();
    let made = tokio::task::spawn_blocking(move || {
        // The window is waiting to show it: the window's core may help.
        let _every_core = lowered.as_deref().copied().map(Lowered::every_core_for_now);
        make_thumbnail(&path, &rules, THUMBNAIL_SIDE_PX)
    })
    .await;
    match made {
        Ok(Ok(thumbnail)) => {
            if ctx.records.is_some() && keep == Keep::InLibrary {
                ctx.report(id, JobUpdate::Thumbnail(thumbnail.clone()));
            }
            ctx.sink.send(Event::Thumbnail { id, thumbnail });
        }
        Ok(Err(reason)) => ctx.sink.send(Event::ThumbnailFailed { id, reason }),
        Err(e) => ctx.sink.send(Event::ThumbnailFailed {
            id,
            reason: e.to_string(),
        }),
    }
}
