//! Changing the history's key: encrypted again with a new key, through the same checked copy
//! and swap as the first encryption (`rewrite.rs`), while no other Hearth uses it.

use std::sync::Arc;

use super::{unlock, KeptIn, Unlock};
use crate::store::{Store, StoreError};

/// What a key change leaves: the store to go on with (opened with the new key, or with the old
/// one when the change failed), and how the change itself went.
pub struct KeyChange {
    pub store: Result<Store, StoreError>,
    pub changed: Result<KeptIn, StoreError>,
}

impl Store {
    /// Encrypts the history again with a new key kept where `to` says (a new passphrase, or
    /// the keyring), through the same checked copy and swap as the first encryption. This
    /// store is closed first: use the one returned.
    pub async fn change_key(self, to: &Unlock) -> KeyChange {
        self.close().await;
        // This process's own hold goes for the change, which needs the history alone: any
        // other Hearth's hold refuses it.
        self.in_use.let_go();
        let rekeyed = unlock::rekey(&self.path, &self.key, to).await;
        if let Err(error) = self.in_use.hold_again() {
            return KeyChange {
                store: Err(error),
                changed: rekeyed.map(|(_, kept_in)| kept_in),
            };
        }
        let (key, kept_in, changed) = match rekeyed {
            Ok((key, kept_in)) => (Arc::new(key), kept_in, Ok(kept_in)),
            Err(error) => (self.key.clone(), self.kept_in, Err(error)),
        };
        KeyChange {
            store: Self::connect(&self.path, key, kept_in, self.in_use.clone()).await,
            changed,
        }
    }
}
