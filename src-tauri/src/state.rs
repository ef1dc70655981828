//! What the shell keeps while it runs: the history store (or why it could not open), the
//! model as it loads in the background, the switch that stops running generations, the
//! settings, and the popup's shortcut as registered (or why it is not).

use std::sync::{Arc, Mutex};

use hearth_core::engine::{self, Engine, ModelInfo};
use hearth_core::paths::DataDir;
use hearth_core::settings::Settings;
use hearth_core::store::Store;
use serde::Serialize;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::hotkey::Hotkey;

#[derive(Clone)]
pub enum ModelSlot {
    Loading,
    Ready(Arc<Engine>),
    Failed(String),
}

/// The model's state as the UI sees it.
#[derive(Serialize, ts_rs::TS)]
#[ts(rename = "ModelState")]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum ModelView {
    Loading,
    Ready { model: ModelInfo },
    Failed { message: String },
}

pub struct AppState {
    store: Result<Store, String>,
    model: watch::Receiver<ModelSlot>,
    /// Cancelling it stops every running or queued generation; it is then replaced.
    stop: Mutex<CancellationToken>,
    settings: Mutex<Settings>,
    hotkey: Mutex<Result<Hotkey, String>>,
}

impl AppState {
    /// Opens the store and starts loading the model in the background, so the window shows at
    /// once and history is readable even when no model can be loaded.
    pub fn start(data: DataDir) -> Self {
        let store = tauri::async_runtime::block_on(Store::open(&data.database()))
            .map_err(|e| e.to_string());
        // Without a readable history, the defaults serve (and cannot be saved).
        let settings = match &store {
            Ok(store) => tauri::async_runtime::block_on(store.settings()).unwrap_or_default(),
            Err(_) => Settings::default(),
        };
        let (tx, rx) = watch::channel(ModelSlot::Loading);
        tauri::async_runtime::spawn(async move {
            let slot = match data.model(None) {
                Err(e) => ModelSlot::Failed(e.to_string()),
                Ok(path) => match engine::load(&path).await {
                    Ok(engine) => ModelSlot::Ready(Arc::new(engine)),
                    Err(e) => ModelSlot::Failed(e.to_string()),
                },
            };
            // Nobody listening means the app is closing; nothing to report then.
            let _ = tx.send(slot);
        });
        Self {
            store,
            model: rx,
            stop: Mutex::new(CancellationToken::new()),
            settings: Mutex::new(settings),
            hotkey: Mutex::new(Err("The shortcut is not registered yet.".to_string())),
        }
    }

    pub fn store(&self) -> Result<&Store, String> {
        self.store.as_ref().map_err(Clone::clone)
    }

    /// Waits for the model to finish loading.
    pub async fn model(&self) -> ModelSlot {
        let mut rx = self.model.clone();
        let slot = match rx
            .wait_for(|slot| !matches!(slot, ModelSlot::Loading))
            .await
        {
            Ok(slot) => slot.clone(),
            Err(_) => ModelSlot::Failed("The model loader stopped unexpectedly.".to_string()),
        };
        slot
    }

    pub async fn engine(&self) -> Result<Arc<Engine>, String> {
        match self.model().await {
            ModelSlot::Ready(engine) => Ok(engine),
            ModelSlot::Failed(message) => Err(message),
            ModelSlot::Loading => Err("The model is still loading.".to_string()),
        }
    }

    /// What a generation needs: the store, the loaded model, and a token that Stop cancels.
    pub async fn for_generation(&self) -> Result<(&Store, Arc<Engine>, CancellationToken), String> {
        Ok((self.store()?, self.engine().await?, self.stop_token()))
    }

    /// A token that the next `stop_all` cancels.
    fn stop_token(&self) -> CancellationToken {
        lock(&self.stop).child_token()
    }

    pub fn stop_all(&self) {
        let mut guard = lock(&self.stop);
        guard.cancel();
        *guard = CancellationToken::new();
    }
}

impl AppState {
    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    pub fn set_settings(&self, settings: Settings) {
        *lock(&self.settings) = settings;
    }

    /// The registered shortcut, or why there is none.
    pub fn hotkey(&self) -> Result<Hotkey, String> {
        lock(&self.hotkey).clone()
    }

    pub fn set_hotkey(&self, hotkey: Result<Hotkey, crate::hotkey::HotkeyError>) {
        *lock(&self.hotkey) = hotkey.map_err(|e| e.to_string());
    }
}

/// A poisoned lock only means a panic elsewhere; the value inside is still whole.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
