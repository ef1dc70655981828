use hearth_core::settings::Settings;
use serde::Serialize;
use tauri::{AppHandle, State};

use super::{sentence, CommandResult};
use crate::hotkey;
use crate::state::AppState;

#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    settings: Settings,
    /// Why the popup's shortcut does not work, when it does not.
    shortcut_problem: Option<String>,
}

fn view(state: &AppState) -> SettingsView {
    SettingsView {
        settings: state.settings(),
        shortcut_problem: state.hotkey().err(),
    }
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> SettingsView {
    view(&state)
}

/// Saves `settings`. A new shortcut must register first: if it cannot, nothing is saved and
/// the old shortcut keeps working.
#[tauri::command]
pub async fn save_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    mut settings: Settings,
) -> CommandResult<SettingsView> {
    let store = state.store()?;
    let wanted = hotkey::parse(&settings.shortcut).map_err(sentence)?;
    settings.shortcut = wanted.label.clone();
    let checked = settings.checked().map_err(sentence)?;
    let current = state.hotkey().ok();
    let registered = hotkey::register(&app, &wanted, current.as_ref());
    let unchanged = current.is_some_and(|c| c.shortcut == wanted.shortcut)
        || state.settings().shortcut == checked.shortcut;
    if let Err(error) = &registered {
        if !unchanged {
            return Err(sentence(error));
        }
    }
    let saved = store.save_settings(checked).await.map_err(sentence)?;
    state.set_settings(saved);
    state.set_hotkey(registered.map(|()| wanted));
    Ok(view(&state))
}
