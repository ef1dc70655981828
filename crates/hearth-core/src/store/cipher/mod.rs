//! Encryption at rest: the history is a SQLCipher database. Its key is made on first start and
//! kept in the OS keyring, or derived from a passphrase when there is no keyring to use; a
//! note beside the database (`note.rs`) says which, and never holds the key. A plain database
//! from an earlier Hearth is encrypted in place the first time it is opened (`rewrite.rs`).

mod change;
mod key;
mod keyring;
pub(super) mod note;
pub(super) mod openssl;
mod options;
mod passphrase;
pub(super) mod rewrite;
pub(super) mod unlock;

use std::path::Path;

use serde::Serialize;
use zeroize::Zeroizing;

pub use change::KeyChange;
pub(crate) use key::Key;
use keyring::KeyringError;
use note::UnlockNote;
pub(crate) use options::connect_options;
use passphrase::Derivation;

use super::StoreError;

/// The shortest passphrase accepted for a new key.
pub const PASSPHRASE_MIN: usize = 8;

/// How to unlock the history.
#[derive(Clone)]
pub enum Unlock {
    /// From the OS keyring; a new history's key is made and kept there. A history that is
    /// protected by a passphrase answers `StoreError::PassphraseNeeded`.
    Keyring,
    /// With this passphrase; a new history's key is derived from it.
    Passphrase(Zeroizing<String>),
}

impl Unlock {
    pub fn passphrase(text: String) -> Self {
        Unlock::Passphrase(Zeroizing::new(text))
    }
}

/// Where the key of an open history is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum KeptIn {
    Keyring,
    Passphrase,
}

impl UnlockNote {
    pub fn kept_in(&self) -> KeptIn {
        match self {
            UnlockNote::Keyring { .. } => KeptIn::Keyring,
            UnlockNote::Passphrase { .. } => KeptIn::Passphrase,
        }
    }
}

/// `storing`: a new key was to be kept (a passphrase can serve instead); else an existing
/// key was to be read (only the keyring has it).
fn keyring_error(database: &Path, error: KeyringError, storing: bool) -> StoreError {
    match error {
        KeyringError::Unavailable(reason) if storing => StoreError::KeyringUnavailable(reason),
        KeyringError::Unavailable(reason) => StoreError::KeyringLocked(reason),
        KeyringError::Missing => StoreError::KeyMissing(database.to_path_buf()),
    }
}

async fn derive(derivation: Derivation, passphrase: Zeroizing<String>) -> Result<Key, StoreError> {
    tokio::task::spawn_blocking(move || derivation.key(&passphrase))
        .await
        .map_err(|e| StoreError::BadNote(e.to_string()))?
        .map_err(StoreError::BadNote)
}

/// The key `note` describes, checked against its fingerprint.
pub(super) async fn key_of(
    database: &Path,
    note: &UnlockNote,
    unlock: &Unlock,
) -> Result<Key, StoreError> {
    let key = match note {
        UnlockNote::Keyring { entry, .. } => keyring::load(entry)
            .await
            .map_err(|e| keyring_error(database, e, false))?,
        UnlockNote::Passphrase { derivation, .. } => match unlock {
            Unlock::Passphrase(passphrase) => {
                derive(derivation.clone(), passphrase.clone()).await?
            }
            Unlock::Keyring => return Err(StoreError::PassphraseNeeded),
        },
    };
    if key.check() != note.check() {
        return Err(match note {
            UnlockNote::Keyring { .. } => StoreError::KeyMissing(database.to_path_buf()),
            UnlockNote::Passphrase { .. } => StoreError::WrongPassphrase,
        });
    }
    Ok(key)
}

/// A new key, kept where `unlock` says, and the note that finds it again.
pub(super) async fn new_key(
    database: &Path,
    unlock: &Unlock,
) -> Result<(Key, UnlockNote), StoreError> {
    match unlock {
        Unlock::Keyring => {
            let key = Key::random();
            let mut id = [0u8; 8];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut id);
            let entry = format!("history-{}", hex::encode(id));
            keyring::store(&entry, &key)
                .await
                .map_err(|e| keyring_error(database, e, true))?;
            let check = key.check();
            Ok((key, UnlockNote::Keyring { entry, check }))
        }
        Unlock::Passphrase(passphrase) => {
            if passphrase.chars().count() < PASSPHRASE_MIN {
                return Err(StoreError::ShortPassphrase);
            }
            let derivation = Derivation::new();
            let key = derive(derivation.clone(), passphrase.clone()).await?;
            let check = key.check();
            Ok((key, UnlockNote::Passphrase { derivation, check }))
        }
    }
}

/// Forgets the keyring entry of a note no longer used. An entry left behind holds a key to
/// nothing, so failing to forget it is not worth failing over.
pub(super) async fn forget(note: &UnlockNote) {
    if let UnlockNote::Keyring { entry, .. } = note {
        let _ = keyring::forget(entry).await;
    }
}

pub(super) fn read_note(path: &Path) -> Result<Option<UnlockNote>, StoreError> {
    note::read(path).map_err(StoreError::BadNote)
}

pub(super) fn write_note(path: &Path, note: &UnlockNote) -> Result<(), StoreError> {
    note::write(path, note).map_err(StoreError::BadNote)
}
