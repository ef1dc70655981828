use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hearth_core::models::download::{self, Download, Progress};
use hearth_core::models::shelf::Removed;
use hearth_core::models::{self, fit, Here, KnownModel, Recommended};
use hearth_core::{free_space, usage};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{CommandResult, Error};
use crate::granted::Granted;
use crate::state::{AppState, ModelView};

/// A few updates a second is all a progress bar shows.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// The model's state, once it has loaded or failed to.
#[tauri::command]
pub async fn model_state(state: State<'_, AppState>) -> CommandResult<ModelView> {
    Ok(ModelView::from(&state.model().await))
}

/// Every model Hearth knows, with its facts and whether it fits.
#[tauri::command]
pub async fn list_models(state: State<'_, AppState>) -> CommandResult<Vec<KnownModel>> {
    let data = state.data();
    Ok(data.shelf().list(&data.model_search_dirs()))
}

/// Switches to the model at `path`, one of those listed; on failure the previous one stays
/// in use.
#[tauri::command]
pub async fn use_model(state: State<'_, AppState>, path: PathBuf) -> CommandResult<ModelView> {
    let data = state.data();
    // A file that is gone goes on to the switch, which says so; one that is there must be in
    // the list, so the webview cannot have any file on the disk read as a model.
    let known = || {
        data.shelf()
            .list(&data.model_search_dirs())
            .iter()
            .any(|known| known.path == path)
    };
    if path.exists() && !known() {
        return Err(Error::UnknownModel(path));
    }
    let model = state.switch_model(&path).await?;
    Ok(ModelView::Ready { model })
}

/// Adds the `.gguf` files at `paths` (dropped on the window), each checked first: used where
/// they are, or copied into Hearth's models folder. One outcome per file, in order.
#[tauri::command]
pub async fn import_models(
    state: State<'_, AppState>,
    granted: State<'_, Granted>,
    paths: Vec<PathBuf>,
    copy: bool,
) -> CommandResult<Vec<Imported>> {
    granted.check(&paths)?;
    import(state, paths, copy).await
}

async fn import(
    state: State<'_, AppState>,
    paths: Vec<PathBuf>,
    copy: bool,
) -> CommandResult<Vec<Imported>> {
    let shelf = state.data().shelf();
    // A copy of a few gigabytes takes a while: off the async threads.
    tauri::async_runtime::spawn_blocking(move || {
        paths
            .iter()
            .map(|path| match shelf.import(path, copy) {
                Ok(model) => Imported::Added {
                    model: Box::new(model),
                },
                Err(e) => Imported::Refused {
                    path: path.clone(),
                    message: e.to_string(),
                },
            })
            .collect()
    })
    .await
    .map_err(Into::into)
}

/// Asks for `.gguf` files with the system's open dialog, then imports them (none when
/// cancelled).
#[tauri::command]
pub async fn pick_models(
    app: AppHandle,
    state: State<'_, AppState>,
    copy: bool,
) -> CommandResult<Vec<Imported>> {
    let dialog = app
        .dialog()
        .file()
        .set_title("Import models")
        .add_filter("GGUF models", &["gguf"]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_files()).await?;
    let paths = picked
        .unwrap_or_default()
        .into_iter()
        .filter_map(|file| file.into_path().ok())
        .collect();
    import(state, paths, copy).await
}

/// Forgets an imported model, or deletes one Hearth copied or downloaded when `delete` confirms
/// it. The model in use is kept: switch to another first.
#[tauri::command]
pub async fn remove_model(
    state: State<'_, AppState>,
    path: PathBuf,
    delete: bool,
) -> CommandResult<Removed> {
    if state.model_in_use().await.as_ref() == Some(&path) {
        return Err(Error::ModelInUse);
    }
    let data = state.data();
    data.shelf()
        .remove(&data.model_search_dirs(), &path.to_string_lossy(), delete)
        .map_err(Into::into)
}

/// What importing one file did.
#[derive(Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Imported {
    Added { model: Box<KnownModel> },
    Refused { path: PathBuf, message: String },
}

/// A downloaded model, listed, and whether its sha256 was known and matched.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DownloadedModel {
    model: Box<KnownModel>,
    verified: bool,
}

/// Downloads the model file at `url` into Hearth's models folder, going on from what an
/// earlier try kept; checked against `sha256` when given, else the catalog's for a file of
/// that name, else the server's hash where it sends one; and always as a GGUF file.
#[tauri::command]
pub async fn download_model(
    state: State<'_, AppState>,
    url: String,
    sha256: Option<String>,
    on_progress: Channel<Progress>,
) -> CommandResult<DownloadedModel> {
    let file = download::file_name(&url)?;
    let data = state.data();
    let (target, partial) = data.download_of(&file, &url);
    let listed = models::catalog_entry_for(Path::new(&file));
    let sha256 = sha256
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .or_else(|| listed.as_ref().map(|entry| entry.sha256.clone()));
    let job = Download {
        url: &url,
        target: &target,
        partial: &partial,
        sha256: sha256.as_deref(),
        size: listed.map(|entry| entry.size),
    };
    let mut sent = Instant::now();
    let downloaded = job
        .run(&state.download_token(), |progress| {
            if sent.elapsed() >= PROGRESS_EVERY || progress.total == Some(progress.received) {
                sent = Instant::now();
                let _ = on_progress.send(progress);
            }
        })
        .await?;
    let path = downloaded.path;
    let model = data
        .shelf()
        .list(&data.model_search_dirs())
        .into_iter()
        .find(|m| m.path == path)
        .ok_or(Error::NotListed(path))?;
    Ok(DownloadedModel {
        model: Box::new(model),
        verified: downloaded.verified,
    })
}

/// The recommended models for this machine, and the file of the built-in one (a person who
/// has only that one is shown these first).
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Recommendations {
    built_in: Option<String>,
    models: Vec<Recommended>,
    /// Memory free now, and disk free where downloads go (when the system says).
    memory_free: u64,
    disk_free: Option<u64>,
}

#[tauri::command]
pub async fn recommended_models(state: State<'_, AppState>) -> CommandResult<Recommendations> {
    let data = state.data();
    let dirs = data.model_search_dirs();
    let memory_free = fit::available_memory();
    let disk_free = free_space::free_space(&data.models_dir());
    // A locked history has no speeds to give: every speed is predicted then.
    let measured = match state.store() {
        Ok(store) => usage::reply_speeds(&store).await?,
        Err(_) => HashMap::new(),
    };
    let here = Here {
        memory_free,
        disk_free,
        mirror: &models::mirror(&state.settings().model_mirror),
        measured: &measured,
    };
    Ok(Recommendations {
        built_in: models::catalog()
            .into_iter()
            .find(|e| e.default)
            .map(|e| e.file),
        models: models::recommended(&dirs, &here),
        memory_free,
        disk_free,
    })
}

/// Stops the running download; what arrived is kept for later unless `discard` (the partial
/// file of the download from `url` is then deleted).
#[tauri::command]
pub fn stop_download(state: State<'_, AppState>, url: String, discard: bool) -> CommandResult<()> {
    state.stop_download();
    if discard {
        let file = download::file_name(&url)?;
        let (_, partial) = state.data().download_of(&file, &url);
        // Nothing kept is nothing to delete.
        let _ = std::fs::remove_file(partial);
    }
    Ok(())
}
