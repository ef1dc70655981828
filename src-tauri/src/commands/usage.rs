use hearth_core::usage::prices::{self, Prices};
use hearth_core::usage::{self, export, Period, Report};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use super::save_as;
use crate::error::CommandResult;
use crate::state::AppState;

/// What the local model did over `period`, on the person's own days.
#[tauri::command]
pub async fn usage_report(state: State<'_, AppState>, period: Period) -> CommandResult<Report> {
    let now = jiff::Zoned::now();
    let first_day = period.first_day(now.date());
    usage::report(&state.store()?, first_day, &now)
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn usage_prices(state: State<'_, AppState>) -> CommandResult<Prices> {
    prices::load(&state.store()?).await.map_err(Into::into)
}

#[tauri::command]
pub async fn save_usage_prices(
    state: State<'_, AppState>,
    prices: Prices,
) -> CommandResult<Prices> {
    prices::save(&state.store()?, prices)
        .await
        .map_err(Into::into)
}

/// Writes every usage record as CSV where the person picks; false when they cancelled.
#[tauri::command]
pub async fn export_usage(app: AppHandle, state: State<'_, AppState>) -> CommandResult<bool> {
    let records = state.store()?.usage_records(None).await?;
    let text = export::csv(&records)?;
    let dialog = app
        .dialog()
        .file()
        .set_title("Export usage")
        .set_file_name("Hearth usage.csv")
        .add_filter("CSV", &["csv"]);
    save_as(dialog, text).await
}
