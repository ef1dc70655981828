//! The commands the UI calls, one file per area. Each is a few lines over `hearth_core`; core
//! errors are already sentences and reach the UI as such.

pub mod chat;
pub mod documents;
pub mod history;
pub mod jobs;
pub mod model;
pub mod popup;
pub mod settings;

use std::time::Duration;

use hearth_core::reply::{ReplyEvent, TokenBatcher};
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

/// What a command returns: its value, or a sentence for the error banner.
pub type CommandResult<T> = Result<T, String>;

pub fn sentence(error: impl std::fmt::Display) -> String {
    error.to_string()
}
