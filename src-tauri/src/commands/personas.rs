use hearth_core::store::{Persona, PersonaFields};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn list_personas(state: State<'_, AppState>) -> CommandResult<Vec<Persona>> {
    state.store()?.personas().await.map_err(Into::into)
}

/// Adds a persona (`id` absent) or changes one; returns it as kept.
#[tauri::command]
pub async fn save_persona(
    state: State<'_, AppState>,
    id: Option<i64>,
    fields: PersonaFields,
) -> CommandResult<Persona> {
    let store = state.store()?;
    match id {
        Some(id) => store.update_persona(id, &fields).await,
        None => store.add_persona(&fields).await,
    }
    .map_err(Into::into)
}

#[tauri::command]
pub async fn delete_persona(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    state.store()?.delete_persona(id).await.map_err(Into::into)
}

/// The persona a conversation talks with from its next reply (`None`: none).
#[tauri::command]
pub async fn set_conversation_persona(
    state: State<'_, AppState>,
    conversation_id: i64,
    persona_id: Option<i64>,
) -> CommandResult<()> {
    state
        .store()?
        .set_persona(conversation_id, persona_id)
        .await
        .map_err(Into::into)
}

/// Instructions of the conversation's own, in place of its persona's (blank: none).
#[tauri::command]
pub async fn set_conversation_instructions(
    state: State<'_, AppState>,
    conversation_id: i64,
    instructions: String,
) -> CommandResult<()> {
    state
        .store()?
        .set_instructions(conversation_id, &instructions)
        .await
        .map_err(Into::into)
}
