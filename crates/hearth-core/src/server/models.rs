//! `GET /v1/models`: the model Hearth serves.

use axum::extract::State;
use axum::Json;

use super::wire::{ModelEntry, ModelList};
use super::Shared;

pub async fn list(State(shared): State<Shared>) -> Json<ModelList> {
    Json(ModelList {
        object: "list",
        data: vec![ModelEntry {
            id: shared.engine.info().name.clone(),
            object: "model",
            created: shared.loaded_at,
            owned_by: "hearth",
        }],
    })
}
