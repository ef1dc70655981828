//! The model while the app runs: the main window hears of each change of its state (loading,
//! ready, failed, unloaded while idle), so the status line follows a switch or an unload
//! without asking, and an idle model is unloaded on the person's timer.

use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager};

use crate::state::{AppState, ModelView};
use crate::windows;

/// How often the idle time is looked at: unloading a few seconds late costs nothing.
const IDLE_CHECK_EVERY: Duration = Duration::from_secs(5);

pub fn start(app: &AppHandle) {
    let mut changes = app.state::<AppState>().watch_model();
    let window = app.clone();
    tauri::async_runtime::spawn(async move {
        while changes.changed().await.is_ok() {
            let view = ModelView::from(&*changes.borrow_and_update());
            // No window (closed to the tray): it asks for the state when it opens.
            let _ = window.emit_to(windows::MAIN, "model-state", view);
        }
    });
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(IDLE_CHECK_EVERY).await;
            app.state::<AppState>().unload_if_idle();
        }
    });
}
