//! The commands the UI calls, one file per area. Each is a few lines over `hearth_core`; errors
//! reach the UI as sentences (see `crate::error`).

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

use crate::error::{CommandResult, Error};

/// Writes `text` to the file the person picks in `dialog`; false when they cancelled.
pub async fn save_as<R: tauri::Runtime>(
    dialog: tauri_plugin_dialog::FileDialogBuilder<R>,
    text: String,
) -> CommandResult<bool> {
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file()).await?;
    let Some(path) = picked.and_then(|file| file.into_path().ok()) else {
        return Ok(false);
    };
    let written = path.clone();
    tauri::async_runtime::spawn_blocking(move || {
        hearth_core::owner_only::write(&written, text.as_bytes())
    })
    .await?
    .map_err(|source| Error::Save { path, source })?;
    Ok(true)
}
