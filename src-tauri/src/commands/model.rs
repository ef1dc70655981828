use std::path::PathBuf;

use hearth_core::models::KnownModel;
use tauri::State;

use super::CommandResult;
use crate::state::{AppState, ModelSlot, ModelView};

/// The model's state, once it has loaded or failed to.
#[tauri::command]
pub async fn model_state(state: State<'_, AppState>) -> CommandResult<ModelView> {
    Ok(match state.model().await {
        ModelSlot::Loading => ModelView::Loading,
        ModelSlot::Ready(engine) => ModelView::Ready {
            model: engine.info().clone(),
        },
        ModelSlot::Failed(message) => ModelView::Failed { message },
    })
}

/// Every model Hearth knows, with its facts and whether it fits.
#[tauri::command]
pub async fn list_models(state: State<'_, AppState>) -> CommandResult<Vec<KnownModel>> {
    let data = state.data();
    Ok(data.shelf().list(&data.model_search_dirs()))
}

/// Switches to the model at `path`; on failure the previous one stays in use.
#[tauri::command]
pub async fn use_model(state: State<'_, AppState>, path: PathBuf) -> CommandResult<ModelView> {
    let model = state.switch_model(&path).await?;
    Ok(ModelView::Ready { model })
}
