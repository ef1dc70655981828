//! The history's file while the app runs: replaced, moved or deleted under the open history (a
//! backup restored over it, another program's key change), the history is locked and the main
//! window told, so it asks to unlock the file that is there now.

use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;
use crate::windows;

/// How often the file is looked at; a request in between locks the history itself.
const LOOK_EVERY: Duration = Duration::from_secs(2);

pub fn start(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(LOOK_EVERY).await;
            let state = app.state::<AppState>();
            state.lock_if_replaced();
            if state.take_replaced_untold() {
                let _ = app.emit_to(windows::MAIN, "history-state", state.history());
            }
        }
    });
}
