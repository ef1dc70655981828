//! The commands the UI calls, one file per area. Each is a few lines over `hearth_core`; core
//! errors are already sentences and reach the UI as such.

pub mod chat;
pub mod documents;
pub mod history;
pub mod jobs;
pub mod model;
pub mod popup;
pub mod settings;

/// What a command returns: its value, or a sentence for the error banner.
pub type CommandResult<T> = Result<T, String>;

pub fn sentence(error: impl std::fmt::Display) -> String {
    error.to_string()
}
