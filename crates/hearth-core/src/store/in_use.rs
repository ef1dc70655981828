//! Who has the history open. Every open `Store` holds a shared lock on
//! `history.sqlite3.in-use` for as long as it lives (the app for hours, the command line for a
//! command); a key change needs it alone, so it never re-encrypts a file another Hearth is
//! using, which would then fail ("file is not a database") and could lose a write. It is a file
//! lock, so a process that dies lets go with it.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::{StoreError, SETUP_PATIENCE};

fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push(".in-use");
    database.with_file_name(name)
}

fn lock_file(database: &Path) -> Result<File, StoreError> {
    let path = lock_path(database);
    crate::owner_only::open_or_create(&path).map_err(|e| StoreError::Open {
        path: database.to_path_buf(),
        reason: format!("{} could not be opened: {e}", path.display()),
    })
}

/// This process's hold on the history, shared by the clones of its `Store`.
#[derive(Clone)]
pub(super) struct InUse(Arc<File>);

impl InUse {
    /// Holds the history at `database` in use, waiting (up to `SETUP_PATIENCE`) while another
    /// Hearth changes its key.
    pub(super) async fn hold(database: &Path) -> Result<Self, StoreError> {
        let file = lock_file(database)?;
        let deadline = tokio::time::Instant::now() + SETUP_PATIENCE;
        loop {
            match file.try_lock_shared() {
                Ok(()) => return Ok(Self(Arc::new(file))),
                Err(TryLockError::WouldBlock) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(StoreError::SetupBusy(database.to_path_buf()))
                }
                Err(TryLockError::Error(e)) => {
                    return Err(StoreError::Open {
                        path: database.to_path_buf(),
                        reason: format!("it could not be marked as in use: {e}"),
                    })
                }
            }
        }
    }

    /// Lets go for a moment (a key change of this process's own), then `hold_again`.
    pub(super) fn let_go(&self) {
        let _ = self.0.unlock();
    }

    pub(super) fn hold_again(&self) -> Result<(), StoreError> {
        self.0.lock_shared().map_err(|e| StoreError::Open {
            path: PathBuf::new(),
            reason: format!("it could not be marked as in use again: {e}"),
        })
    }
}

/// The history at `database` for this process alone, while the returned file lives; refused
/// at once when another Hearth has it open.
pub(super) fn alone(database: &Path) -> Result<File, StoreError> {
    let file = lock_file(database)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(StoreError::InUseElsewhere),
        Err(TryLockError::Error(e)) => Err(StoreError::Open {
            path: database.to_path_buf(),
            reason: format!("it could not be taken for the key change: {e}"),
        }),
    }
}
