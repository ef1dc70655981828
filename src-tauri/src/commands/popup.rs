use tauri::{AppHandle, Emitter};

use crate::error::CommandResult;
use crate::popup::{self, Action};
use crate::windows;

/// Runs another action (translate, another style) on the text the popup already has.
#[tauri::command]
pub fn popup_run(app: AppHandle, action: Action) {
    popup::start(&app, None, action);
}

#[tauri::command]
pub fn popup_close(app: AppHandle) {
    popup::close(&app);
}

/// Keeps the popup's text and result in history and shows it in the main window.
#[tauri::command]
pub async fn popup_open_in_hearth(app: AppHandle) -> CommandResult<()> {
    let kept = popup::keep(&app).await?;
    popup::close(&app);
    windows::show_main(&app);
    if let Some(id) = kept {
        // The main window may still be loading; it then lists the conversation anyway.
        let _ = app.emit_to(windows::MAIN, "open-conversation", id);
    }
    Ok(())
}
