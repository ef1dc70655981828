use hearth_core::settings::{self, Settings};
use serde::Serialize;
use tauri::{AppHandle, State};

use crate::error::CommandResult;
use crate::state::AppState;
use crate::{hotkey, popup};

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
        shortcut_problem: state.hotkey().err().map(|e| e.to_string()),
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
    let wanted = hotkey::parse(&settings.shortcut)?;
    settings.shortcut = wanted.label.clone();
    let checked = settings.checked()?;
    let current = state.hotkey().ok();
    let registered = popup::register_shortcut(&app, &wanted, current.as_ref());
    let unchanged = current.is_some_and(|c| c.shortcut == wanted.shortcut)
        || state.settings().shortcut == checked.shortcut;
    if let Err(error) = &registered {
        if !unchanged {
            return Err(error.clone().into());
        }
    }
    let saved = settings::save(&store, checked).await?;
    state.set_settings(saved);
    state.set_hotkey(registered.map(|()| wanted));
    Ok(view(&state))
}
