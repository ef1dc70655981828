//! The key in the OS keyring (Secret Service, Keychain, Credential Manager) through the
//! `keyring` crate. Its calls block (and zbus/dbus must not nest in tokio's workers), so each
//! runs on the blocking pool.

use super::key::Key;

const SERVICE: &str = "Hearth";

#[derive(Debug)]
pub enum KeyringError {
    /// No keyring service, a locked keyring left locked, or a store that would forget.
    Unavailable(String),
    /// The service works but holds no such entry.
    Missing,
}

fn entry(name: &str) -> Result<keyring::Entry, KeyringError> {
    let entry = keyring::Entry::new(SERVICE, name).map_err(unavailable)?;
    // Built for a platform the crate has no store for, it falls back to a mock that forgets
    // everything at exit: that would lose the history's key, so it counts as no keyring.
    if entry
        .get_credential()
        .downcast_ref::<keyring::mock::MockCredential>()
        .is_some()
    {
        return Err(KeyringError::Unavailable(
            "this system has no keyring Hearth can use".to_string(),
        ));
    }
    Ok(entry)
}

fn unavailable(error: keyring::Error) -> KeyringError {
    match error {
        keyring::Error::NoEntry => KeyringError::Missing,
        other => KeyringError::Unavailable(other.to_string()),
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, KeyringError> + Send + 'static,
) -> Result<T, KeyringError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| KeyringError::Unavailable(e.to_string()))?
}

pub async fn store(name: &str, key: &Key) -> Result<(), KeyringError> {
    let (name, secret) = (name.to_string(), key.to_hex());
    blocking(move || {
        entry(&name)?
            .set_password(secret.as_str())
            .map_err(unavailable)
    })
    .await
}

pub async fn load(name: &str) -> Result<Key, KeyringError> {
    let name = name.to_string();
    blocking(move || {
        let text = zeroize::Zeroizing::new(entry(&name)?.get_password().map_err(unavailable)?);
        Key::from_hex(&text).ok_or(KeyringError::Missing)
    })
    .await
}

/// Forgets an entry; one already gone is not an error.
pub async fn forget(name: &str) -> Result<(), KeyringError> {
    let name = name.to_string();
    blocking(move || match entry(&name)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(other) => Err(unavailable(other)),
    })
    .await
}
