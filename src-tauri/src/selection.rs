//! What the popup works on: the selection, else the clipboard.

use tauri::AppHandle;
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::platform;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The shortcut: the selection first, the clipboard when nothing is selected.
    Selection,
    /// The tray's "Summarize clipboard".
    Clipboard,
}

/// Why there is no text to work on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error("Nothing is selected and the clipboard holds no text. Select or copy some text, then press the shortcut again.")]
    NothingSelected,
    #[error("The clipboard holds no text. Copy some text, then try again.")]
    EmptyClipboard,
    #[error("The selection could not be read.")]
    Failed,
}

/// Reads the text off the UI thread: the app that owns the selection may be Hearth itself,
/// whose UI thread must stay free to hand it over.
pub async fn read(app: &AppHandle, source: Source) -> Result<String, Unreadable> {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || read_now(&app, source))
        .await
        .map_err(|_| Unreadable::Failed)?
}

fn read_now(app: &AppHandle, source: Source) -> Result<String, Unreadable> {
    if source == Source::Selection {
        if let Some(text) = platform::selected_text().filter(|t| !t.trim().is_empty()) {
            return Ok(text);
        }
    }
    match app.clipboard().read_text() {
        Ok(text) if !text.trim().is_empty() => Ok(text),
        _ => Err(match source {
            Source::Selection => Unreadable::NothingSelected,
            Source::Clipboard => Unreadable::EmptyClipboard,
        }),
    }
}
