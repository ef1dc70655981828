//! The history's lock: whether it is open, unlocking it with a passphrase, starting a new one
//! beside a history nothing can open, and moving its key between the keyring and a passphrase.

use hearth_core::store::Unlock;
use tauri::{AppHandle, State};

use crate::error::CommandResult;
use crate::popup;
use crate::state::{AppState, HistoryView};

/// A passphrase when given, else the keyring.
fn unlock_with(passphrase: Option<String>) -> Unlock {
    passphrase.map_or(Unlock::Keyring, Unlock::passphrase)
}

/// Once the history opens, its settings (the shortcut among them) take effect.
fn opened(app: &AppHandle, view: HistoryView) -> HistoryView {
    if matches!(view, HistoryView::Open { .. }) {
        popup::register_shortcut_from_settings(app);
    }
    view
}

#[tauri::command]
pub fn history_state(state: State<'_, AppState>) -> HistoryView {
    state.history()
}

/// Opens the locked history with `passphrase` (a new history, or a plain one to encrypt, is
/// then protected by it), or tries the keyring again when there is none.
#[tauri::command]
pub async fn unlock_history(
    app: AppHandle,
    state: State<'_, AppState>,
    passphrase: Option<String>,
) -> CommandResult<HistoryView> {
    let view = state.unlock(&unlock_with(passphrase)).await;
    Ok(opened(&app, view))
}

/// Keeps the history that cannot be opened aside and starts a new one, its key in the
/// keyring, or from `passphrase` when given.
#[tauri::command]
pub async fn start_new_history(
    app: AppHandle,
    state: State<'_, AppState>,
    passphrase: Option<String>,
) -> CommandResult<HistoryView> {
    let view = state.start_new_history(&unlock_with(passphrase)).await?;
    Ok(opened(&app, view))
}

/// Re-encrypts the history with a key from `passphrase`, or kept in the keyring when absent.
#[tauri::command]
pub async fn change_history_key(
    state: State<'_, AppState>,
    passphrase: Option<String>,
) -> CommandResult<HistoryView> {
    state.change_key(&unlock_with(passphrase)).await
}
