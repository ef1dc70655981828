//! What the shell keeps while it runs, one concern per file: the history store or why it is
//! locked (`history`), the model as it loads, switches and unloads (`model`), the switches that
//! stop generations and downloads (`stopping`), and the settings with the popup's shortcut as
//! registered (`preferences`).

mod history;
mod model;
mod preferences;
mod stopping;

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use hearth_core::paths::DataDir;
use hearth_core::settings::Settings;
use hearth_core::store::Unlock;
use tokio::sync::watch;

use crate::hotkey::{Hotkey, HotkeyError};
pub use history::HistoryView;
#[cfg(test)]
pub use history::Needs;
use history::{locked, open, History};
use model::load;
pub use model::{ModelSlot, ModelView};
use stopping::Stopper;

pub struct AppState {
    data: DataDir,
    database: PathBuf,
    history: Mutex<History>,
    /// The closing of a history whose file was replaced under it: its last connections write
    /// their WAL back to the file they had open, so the file there now opens only after.
    closing: Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
    /// Set when that happened, until the window is told (a request may notice it first).
    replaced_untold: std::sync::atomic::AtomicBool,
    /// Set while the app re-encrypts the history itself, swapping its file.
    changing_key: std::sync::atomic::AtomicBool,
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
    hotkey: Mutex<Result<Hotkey, HotkeyError>>,
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
            closing: Mutex::new(None),
            replaced_untold: Default::default(),
            changing_key: Default::default(),
            model: tx,
            switching: tokio::sync::Mutex::new(()),
            stop: Stopper::default(),
            last_used: Mutex::new(Instant::now()),
            download: Stopper::default(),
            settings: Mutex::new(settings),
            hotkey: Mutex::new(Err(HotkeyError::NotYet)),
        }
    }
}

/// A poisoned lock only means a panic elsewhere; the value inside is still whole.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
