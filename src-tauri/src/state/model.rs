//! The model as the shell holds it: loading in the background, ready, failed, or unloaded
//! while idle; switching to another without a restart.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth_core::engine::{self, Engine, ModelInfo};
use hearth_core::paths::DataDir;
use serde::Serialize;
use tokio::sync::watch;

use super::{lock, AppState};
use crate::error::Error;

#[derive(Clone)]
pub enum ModelSlot {
    Loading,
    Ready(Arc<Engine>),
    Failed(String),
    /// Unloaded after the idle time the person chose; the next request loads it again.
    Unloaded(ModelInfo),
}

/// The model's state as the UI sees it.
#[derive(Clone, Serialize, ts_rs::TS)]
#[ts(rename = "ModelState")]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum ModelView {
    Loading,
    Ready { model: ModelInfo },
    Failed { message: String },
    Unloaded { model: ModelInfo },
}

impl From<&ModelSlot> for ModelView {
    fn from(slot: &ModelSlot) -> Self {
        match slot {
            ModelSlot::Loading => ModelView::Loading,
            ModelSlot::Ready(engine) => ModelView::Ready {
                model: engine.info().clone(),
            },
            ModelSlot::Failed(message) => ModelView::Failed {
                message: message.clone(),
            },
            ModelSlot::Unloaded(model) => ModelView::Unloaded {
                model: model.clone(),
            },
        }
    }
}

impl AppState {
    /// Waits for the model to finish loading.
    pub async fn model(&self) -> ModelSlot {
        let mut rx = self.model.subscribe();
        let slot = match rx
            .wait_for(|slot| !matches!(slot, ModelSlot::Loading))
            .await
        {
            Ok(slot) => slot.clone(),
            Err(_) => ModelSlot::Failed("The model loader stopped unexpectedly.".to_string()),
        };
        slot
    }

    /// The file of the model in use: loaded, or unloaded while idle.
    pub async fn model_in_use(&self) -> Option<PathBuf> {
        match self.model().await {
            ModelSlot::Ready(engine) => Some(engine.info().path.clone()),
            ModelSlot::Unloaded(model) => Some(model.path),
            ModelSlot::Loading | ModelSlot::Failed(_) => None,
        }
    }

    /// The data folder: models, the shelf of imported and chosen ones.
    pub fn data(&self) -> &DataDir {
        &self.data
    }

    /// Switches to the model at `path` without a restart: the file is checked first, running
    /// replies are stopped, the old model is unloaded (its memory returned) before the new one
    /// loads, and the choice is remembered. When the new one fails to load, the old one is
    /// loaded again and the reason returned.
    pub async fn switch_model(&self, path: &Path) -> Result<ModelInfo, Error> {
        let _turn = self.switching.lock().await;
        hearth_core::models::inspect(path)?;
        let previous = self.model_in_use().await;
        self.stop_all();
        // The old engine's memory goes once the replies that hold it have stopped.
        self.model.send_replace(ModelSlot::Loading);
        match load(path).await {
            Ok(engine) => {
                let info = engine.info().clone();
                self.model.send_replace(ModelSlot::Ready(engine));
                let dirs = self.data.model_search_dirs();
                self.data
                    .shelf()
                    .choose(&dirs, &info.path.to_string_lossy())?;
                Ok(info)
            }
            Err(reason) => {
                let restored = match previous {
                    Some(old) => load(&old).await.into(),
                    None => ModelSlot::Failed(reason.clone()),
                };
                self.model.send_replace(restored);
                Err(Error::ModelFailed(reason))
            }
        }
    }

    /// The loaded model; one unloaded while idle is loaded again first.
    pub async fn engine(&self) -> Result<Arc<Engine>, Error> {
        *lock(&self.last_used) = Instant::now();
        match self.model().await {
            ModelSlot::Ready(engine) => Ok(engine),
            ModelSlot::Failed(message) => Err(Error::ModelFailed(message)),
            ModelSlot::Loading => Err(Error::ModelLoading),
            ModelSlot::Unloaded(_) => self.reload().await,
        }
    }

    /// Loads the model unloaded while idle (once, however many requests wait for it).
    async fn reload(&self) -> Result<Arc<Engine>, Error> {
        let _turn = self.switching.lock().await;
        let path = match self.model().await {
            ModelSlot::Unloaded(model) => model.path,
            ModelSlot::Ready(engine) => return Ok(engine),
            ModelSlot::Failed(message) => return Err(Error::ModelFailed(message)),
            ModelSlot::Loading => return Err(Error::ModelLoading),
        };
        self.model.send_replace(ModelSlot::Loading);
        let loaded = load(&path).await;
        self.model.send_replace(loaded.clone().into());
        loaded.map_err(Error::ModelFailed)
    }

    /// Unloads the model when no request has used it for the person's idle time (none while a
    /// reply, job or switch runs: each holds the engine or the switch).
    pub fn unload_if_idle(&self) {
        let after = self.settings().unload_after_seconds;
        let Ok(_turn) = self.switching.try_lock() else {
            return;
        };
        let ModelSlot::Ready(engine) = self.model.borrow().clone() else {
            return;
        };
        let mut last_used = lock(&self.last_used);
        // The slot and `engine` hold it; any other holder is a request still running.
        if Arc::strong_count(&engine) > 2 {
            *last_used = Instant::now();
            return;
        }
        if after > 0 && last_used.elapsed() >= Duration::from_secs(after) {
            self.model
                .send_replace(ModelSlot::Unloaded(engine.info().clone()));
        }
    }

    /// Follows the model's state as it loads, switches and unloads.
    pub fn watch_model(&self) -> watch::Receiver<ModelSlot> {
        self.model.subscribe()
    }
}

/// The model at `path`, loaded, or why it could not be.
pub(super) async fn load(path: &Path) -> Result<Arc<Engine>, String> {
    engine::load(path)
        .await
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

impl From<Result<Arc<Engine>, String>> for ModelSlot {
    fn from(loaded: Result<Arc<Engine>, String>) -> Self {
        match loaded {
            Ok(engine) => ModelSlot::Ready(engine),
            Err(reason) => ModelSlot::Failed(reason),
        }
    }
}
