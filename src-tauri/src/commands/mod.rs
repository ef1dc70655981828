//! The commands the UI calls, one file per area. Each is a few lines over `hearth_core`; core
//! errors are already sentences and reach the UI as such.

pub mod chat;
pub mod documents;
pub mod history;
pub mod jobs;
pub mod model;
pub mod personas;
pub mod popup;
pub mod privacy;
pub mod settings;
pub mod usage;

use std::time::Duration;

use hearth_core::reply::{ReplyEvent, TokenBatcher};
use serde::Serialize;
use tauri::ipc::Channel;

/// How often a streaming reply is redrawn at most.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// Sends events to the window in batches of tokens (see `TokenBatcher`).
pub fn to_window<F: FnMut(ReplyEvent)>(emit: F) -> TokenBatcher<F> {
    TokenBatcher::new(REDRAW_EVERY, emit)
}

/// Streams events on `channel`. A closed window cannot receive them; what they report is
/// still stored.
pub fn to_channel(channel: &Channel<ReplyEvent>) -> TokenBatcher<impl FnMut(ReplyEvent) + '_> {
    to_window(move |event| {
        let _ = channel.send(event);
    })
}

/// What a command returns: its value, or an error the UI shows in its banner.
pub type CommandResult<T> = Result<T, CommandError>;

/// Every command's error, as the UI receives it. The core's errors are already sentences a
/// person understands, so the sentence is all there is to pass on.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct CommandError {
    pub message: String,
}

/// The state's own refusals ("the model is still loading") are sentences already.
impl From<String> for CommandError {
    fn from(message: String) -> Self {
        CommandError { message }
    }
}

pub fn sentence(error: impl std::fmt::Display) -> CommandError {
    CommandError {
        message: error.to_string(),
    }
}

/// Writes `text` to the file the person picks in `dialog`; false when they cancelled.
pub async fn save_as<R: tauri::Runtime>(
    dialog: tauri_plugin_dialog::FileDialogBuilder<R>,
    text: String,
) -> CommandResult<bool> {
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(sentence)?;
    let Some(path) = picked.and_then(|file| file.into_path().ok()) else {
        return Ok(false);
    };
    let written = path.clone();
    tauri::async_runtime::spawn_blocking(move || {
        hearth_core::owner_only::write(&written, text.as_bytes())
    })
    .await
    .map_err(sentence)?
    .map_err(|e| format!("{} could not be saved: {e}", path.display()))?;
    Ok(true)
}
