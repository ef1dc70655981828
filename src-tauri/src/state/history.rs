//! The history as the shell holds it: open, or locked with why and what opens it; unlocking,
//! starting a new one beside a history nothing opens, and changing its key.

use std::path::Path;
use std::sync::atomic::Ordering;

use hearth_core::settings::Settings;
use hearth_core::store::{KeptIn, Store, StoreError, Unlock};
use serde::Serialize;

use super::{lock, AppState};
use crate::error::Error;

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

/// Why an open history was locked when its file was replaced under it.
const REPLACED: &str = "The history file was replaced, moved or deleted while Hearth had it open (a backup restored over it, or another program). Nothing more was written to the file Hearth had open. Try again to open the file that is there now.";

pub(super) enum History {
    Open(Store),
    /// What opens it, and why it is locked as a sentence.
    Locked(Needs, String),
}

pub(super) fn locked(error: &StoreError) -> History {
    History::Locked(Needs::of(error), error.to_string())
}

impl AppState {
    /// The open history. One whose file was replaced while open is locked first (see
    /// `lock_if_replaced`), so nothing is written to the file that was replaced.
    pub fn store(&self) -> Result<Store, Error> {
        self.lock_if_replaced();
        match &*lock(&self.history) {
            History::Open(store) => Ok(store.clone()),
            History::Locked(_, message) => Err(Error::HistoryLocked(message.clone())),
        }
    }

    /// Locks an open history whose file was replaced, moved or deleted while open (a backup
    /// restored over it, another program's key change): the person unlocks the file that is
    /// there now, whatever its key. Whether it did.
    pub fn lock_if_replaced(&self) -> bool {
        // A key change swaps the file itself, and ends with the store on the new file.
        if self.changing_key.load(Ordering::SeqCst) {
            return false;
        }
        let mut history = lock(&self.history);
        if !matches!(&*history, History::Open(store) if store.replaced()) {
            return false;
        }
        let was = std::mem::replace(
            &mut *history,
            History::Locked(Needs::TryAgain, REPLACED.to_string()),
        );
        if let History::Open(store) = was {
            let closing = tauri::async_runtime::spawn(async move { store.close().await });
            *lock(&self.closing) = Some(closing);
        }
        self.replaced_untold.store(true, Ordering::SeqCst);
        true
    }

    /// Whether a history was locked for a replaced file since the window was last told.
    pub fn take_replaced_untold(&self) -> bool {
        self.replaced_untold.swap(false, Ordering::SeqCst)
    }

    /// Waits for a replaced history's connections to close (see `lock_if_replaced`).
    async fn closed(&self) {
        let closing = lock(&self.closing).take();
        if let Some(closing) = closing {
            let _ = closing.await;
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
        self.closed().await;
        self.settle(open(&self.database, unlock).await)
    }

    /// Moves the history that cannot be opened aside (nothing is deleted) and starts a new one.
    pub async fn start_new_history(&self, unlock: &Unlock) -> Result<HistoryView, Error> {
        if matches!(*lock(&self.history), History::Open(_)) {
            return Err(Error::HistoryOpen);
        }
        self.closed().await;
        Store::set_aside(&self.database, unlock).await?;
        Ok(self.settle(open(&self.database, unlock).await))
    }

    /// Re-encrypts the history with a key kept where `to` says. When that fails, the history
    /// stays open with its old key and the reason is returned.
    pub async fn change_key(&self, to: &Unlock) -> Result<HistoryView, Error> {
        let store = self.store()?;
        self.changing_key.store(true, Ordering::SeqCst);
        let change = store.change_key(to).await;
        *lock(&self.history) = match change.store {
            Ok(store) => History::Open(store),
            Err(error) => locked(&error),
        };
        // Only now: until the store on the new file is in place, the old one is.
        self.changing_key.store(false, Ordering::SeqCst);
        change.changed?;
        Ok(self.history())
    }

    pub(super) fn settle(&self, opened: Result<(Store, Settings), StoreError>) -> HistoryView {
        *lock(&self.history) = match opened {
            Ok((store, settings)) => {
                self.set_settings(settings);
                History::Open(store)
            }
            Err(error) => locked(&error),
        };
        self.history()
    }
}

/// The history at `database` with its settings.
pub(super) async fn open(
    database: &Path,
    unlock: &Unlock,
) -> Result<(Store, Settings), StoreError> {
    let store = Store::open(database, unlock).await?;
    let settings = hearth_core::settings::load(&store)
        .await
        .unwrap_or_default();
    Ok((store, settings))
}
