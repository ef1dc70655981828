//! What the shell keeps while it runs: the history store (or why it is locked), the model as
//! it loads in the background, the switch that stops running generations, the settings, and
//! the popup's shortcut as registered (or why it is not).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hearth_core::engine::{self, Engine, ModelInfo};
use hearth_core::paths::DataDir;
use hearth_core::settings::Settings;
use hearth_core::store::{KeptIn, Store, StoreError, Unlock};
use serde::Serialize;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::hotkey::Hotkey;

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

/// The history as the UI sees it: open (and where its key is kept), or locked, why, and
/// what the person can do about it.
#[derive(Clone, Serialize, ts_rs::TS)]
#[ts(rename = "HistoryState")]
#[serde(
    tag = "state",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum HistoryView {
    Open { kept_in: KeptIn },
    Locked { needs: Needs, message: String },
}

/// What opens a locked history.
#[derive(Clone, Copy, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum Needs {
    /// The passphrase that protects it.
    Passphrase,
    /// A new passphrase, as the keyring cannot be used.
    NewPassphrase,
    /// The keyring, which holds the key but could not be used: unlocked, then tried again.
    Keyring,
    /// Something that passes (a full disk, a file another program holds, permissions): the
    /// history is fine, so the person fixes that and tries again; nothing is set aside.
    TryAgain,
    /// Nothing can open it (its key is gone, or it is not a history, or a newer Hearth wrote
    /// it): a new history, the old file kept aside.
    NewHistory,
}

impl Needs {
    fn of(error: &StoreError) -> Self {
        match error {
            StoreError::PassphraseNeeded | StoreError::WrongPassphrase => Needs::Passphrase,
            StoreError::KeyringUnavailable(_) | StoreError::ShortPassphrase => Needs::NewPassphrase,
            StoreError::KeyringLocked(_) => Needs::Keyring,
            StoreError::KeyMissing(_)
            | StoreError::WrongKey(_)
            | StoreError::NotADatabase(_)
            | StoreError::NewerVersion(_)
            | StoreError::BadNote(_) => Needs::NewHistory,
            _ => Needs::TryAgain,
        }
    }
}

enum History {
    Open(Store),
    /// What opens it, and why it is locked as a sentence.
    Locked(Needs, String),
}

fn locked(error: &StoreError) -> History {
    History::Locked(Needs::of(error), error.to_string())
}

pub struct AppState {
    data: DataDir,
    database: PathBuf,
    history: Mutex<History>,
    model: watch::Sender<ModelSlot>,
    /// Held while a model is being switched, so two switches take turns.
    switching: tokio::sync::Mutex<()>,
    /// Cancelling it stops every running or queued generation; it is then replaced.
    stop: Stopper,
    /// When a request last asked for the model, or was seen still running.
    last_used: Mutex<Instant>,
    /// Cancelling it stops the running model download; it is then replaced.
    download: Stopper,
    settings: Mutex<Settings>,
    hotkey: Mutex<Result<Hotkey, String>>,
}

impl AppState {
    /// Opens the store (its key from the keyring) and starts loading the model in the
    /// background, so the window shows at once and history is readable even when no model can
    /// be loaded. A history that needs a passphrase stays locked until the window gives one.
    pub fn start(data: DataDir) -> Self {
        let database = data.database();
        let opened = tauri::async_runtime::block_on(open(&database, &Unlock::Keyring));
        let (history, settings) = match opened {
            Ok((store, settings)) => (History::Open(store), settings),
            // Without a readable history, the defaults serve (and cannot be saved).
            Err(error) => (locked(&error), Settings::default()),
        };
        let (tx, _) = watch::channel(ModelSlot::Loading);
        let first = data.model(None);
        let loaded = tx.clone();
        tauri::async_runtime::spawn(async move {
            let slot = match first {
                Err(e) => ModelSlot::Failed(e.to_string()),
                Ok(path) => load(&path).await.into(),
            };
            loaded.send_replace(slot);
        });
        Self {
            data,
            database,
            history: Mutex::new(history),
            model: tx,
            switching: tokio::sync::Mutex::new(()),
            stop: Stopper::default(),
            last_used: Mutex::new(Instant::now()),
            download: Stopper::default(),
            settings: Mutex::new(settings),
            hotkey: Mutex::new(Err("The shortcut is not registered yet.".to_string())),
        }
    }

    pub fn store(&self) -> Result<Store, String> {
        match &*lock(&self.history) {
            History::Open(store) => Ok(store.clone()),
            History::Locked(_, message) => Err(message.clone()),
        }
    }

    pub fn history(&self) -> HistoryView {
        match &*lock(&self.history) {
            History::Open(store) => HistoryView::Open {
                kept_in: store.kept_in(),
            },
            History::Locked(needs, message) => HistoryView::Locked {
                needs: *needs,
                message: message.clone(),
            },
        }
    }

    /// Opens a locked history with `unlock`; on success its settings take effect. An open
    /// history stays as it is.
    pub async fn unlock(&self, unlock: &Unlock) -> HistoryView {
        if matches!(*lock(&self.history), History::Open(_)) {
            return self.history();
        }
        self.settle(open(&self.database, unlock).await)
    }

    /// Moves the history that cannot be opened aside (nothing is deleted) and starts a new one.
    pub async fn start_new_history(&self, unlock: &Unlock) -> Result<HistoryView, String> {
        if matches!(*lock(&self.history), History::Open(_)) {
            return Err("The history is open; nothing was set aside.".to_string());
        }
        Store::set_aside(&self.database, unlock)
            .await
            .map_err(|e| e.to_string())?;
        Ok(self.settle(open(&self.database, unlock).await))
    }

    /// Re-encrypts the history with a key kept where `to` says. When that fails, the history
    /// stays open with its old key and the reason is returned.
    pub async fn change_key(&self, to: &Unlock) -> Result<HistoryView, String> {
        let store = self.store()?;
        let change = store.change_key(to).await;
        *lock(&self.history) = match change.store {
            Ok(store) => History::Open(store),
            Err(error) => locked(&error),
        };
        change.changed.map_err(|e| e.to_string())?;
        Ok(self.history())
    }

    fn settle(&self, opened: Result<(Store, Settings), StoreError>) -> HistoryView {
        *lock(&self.history) = match opened {
            Ok((store, settings)) => {
                self.set_settings(settings);
                History::Open(store)
            }
            Err(error) => locked(&error),
        };
        self.history()
    }

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
    pub async fn switch_model(&self, path: &std::path::Path) -> Result<ModelInfo, String> {
        let _turn = self.switching.lock().await;
        hearth_core::models::inspect(path).map_err(|e| e.to_string())?;
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
                    .choose(&dirs, &info.path.to_string_lossy())
                    .map_err(|e| e.to_string())?;
                Ok(info)
            }
            Err(reason) => {
                let restored = match previous {
                    Some(old) => load(&old).await.into(),
                    None => ModelSlot::Failed(reason.clone()),
                };
                self.model.send_replace(restored);
                Err(reason)
            }
        }
    }

    /// The loaded model; one unloaded while idle is loaded again first.
    pub async fn engine(&self) -> Result<Arc<Engine>, String> {
        *lock(&self.last_used) = Instant::now();
        match self.model().await {
            ModelSlot::Ready(engine) => Ok(engine),
            ModelSlot::Failed(message) => Err(message),
            ModelSlot::Loading => Err("The model is still loading.".to_string()),
            ModelSlot::Unloaded(_) => self.reload().await,
        }
    }

    /// Loads the model unloaded while idle (once, however many requests wait for it).
    async fn reload(&self) -> Result<Arc<Engine>, String> {
        let _turn = self.switching.lock().await;
        let path = match self.model().await {
            ModelSlot::Unloaded(model) => model.path,
            ModelSlot::Ready(engine) => return Ok(engine),
            ModelSlot::Failed(message) => return Err(message),
            ModelSlot::Loading => return Err("The model is still loading.".to_string()),
        };
        self.model.send_replace(ModelSlot::Loading);
        let loaded = load(&path).await;
        self.model.send_replace(loaded.clone().into());
        loaded
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

    /// What a generation needs: the store, the loaded model, and a token that Stop cancels.
    pub async fn for_generation(&self) -> Result<(Store, Arc<Engine>, CancellationToken), String> {
        Ok((self.store()?, self.engine().await?, self.stop.token()))
    }

    /// A token that the next `stop_download` cancels.
    pub fn download_token(&self) -> CancellationToken {
        self.download.token()
    }

    pub fn stop_download(&self) {
        self.download.stop();
    }

    pub fn stop_all(&self) {
        self.stop.stop();
    }
}

/// Hands out tokens that one `stop` cancels together; later tokens are fresh.
#[derive(Default)]
struct Stopper(Mutex<CancellationToken>);

impl Stopper {
    fn token(&self) -> CancellationToken {
        lock(&self.0).child_token()
    }

    fn stop(&self) {
        let mut guard = lock(&self.0);
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

/// The model at `path`, loaded, or why it could not be.
async fn load(path: &std::path::Path) -> Result<Arc<Engine>, String> {
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

/// The history at `database` with its settings.
async fn open(
    database: &std::path::Path,
    unlock: &Unlock,
) -> Result<(Store, Settings), StoreError> {
    let store = Store::open(database, unlock).await?;
    let settings = store.settings().await.unwrap_or_default();
    Ok((store, settings))
}

/// A poisoned lock only means a panic elsewhere; the value inside is still whole.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
