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
