//! The history database: one SQLite file (WAL mode), migrations compiled in. Opening never
//! rewrites a file it does not recognise: a file that is not SQLite, or a database from a newer
//! Hearth, is refused with a clear error and left as it was.

mod api_tokens;
mod archive;
mod cipher;
mod conversations;
mod documents;
mod file_id;
mod in_use;
mod messages;
mod personas;
mod search;
mod settings;
mod usage;

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Connection, SqliteConnection, SqlitePool};
use std::sync::Arc;

use cipher::connect_options;
use cipher::{rewrite, unlock, Key};
use file_id::FileId;
use in_use::InUse;

pub use api_tokens::ApiClient;
pub use archive::{
    ArchivedConversation, ArchivedDocument, ArchivedMessage, ArchivedSource, Restored,
};
pub use cipher::{KeptIn, KeyChange, Unlock, PASSPHRASE_MIN};
pub use conversations::{title_from, Conversation};
pub use documents::{ChunkText, DocumentInfo, Kind, NewDocument, Passage};
pub use messages::{Message, NewMessage};
pub use personas::{Persona, PersonaFields};
pub use search::{match_all, SearchHit, MATCH_END, MATCH_START};
pub use usage::{Asker, UsageRecord};

static MIGRATOR: Migrator = sqlx::migrate!("./src/store/migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} is not a history Hearth can open: it is not an SQLite file, or it is encrypted and the note of where its key is kept is missing. Hearth left it untouched: start a new history (the file is kept aside), or choose another data folder.")]
    NotADatabase(PathBuf),
    #[error("The system keyring could not be used ({0}). Choose a passphrase to protect your history instead.")]
    KeyringUnavailable(String),
    #[error("The key of your history is in the system keyring, which could not be used ({0}). Unlock the keyring (or start its service) and try again; the history is untouched.")]
    KeyringLocked(String),
    #[error("The key of the history {0} is not in the system keyring: the entry was deleted, or the file comes from another computer. Hearth left the file untouched; you can start a new history and keep the old file aside.")]
    KeyMissing(PathBuf),
    #[error("The history {0} cannot be read with its key: it was copied from another computer, or it is damaged. Hearth left the file untouched; you can start a new history and keep the old file aside.")]
    WrongKey(PathBuf),
    #[error("Your history is protected by a passphrase. Enter it to open the history.")]
    PassphraseNeeded,
    #[error("That passphrase does not open the history. Nothing was changed; try again.")]
    WrongPassphrase,
    #[error("A passphrase needs at least {PASSPHRASE_MIN} characters.")]
    ShortPassphrase,
    #[error("The note of where the history's key is kept could not be used: {0}")]
    BadNote(String),
    #[error("Encrypting the history {path} failed: {reason}. The history as it was is still in place; nothing was lost.")]
    Rewrite { path: PathBuf, reason: String },
    #[error("{0} was written by a newer version of Hearth. Update Hearth to open it; nothing in it was changed.")]
    NewerVersion(PathBuf),
    #[error("The history database {path} could not be opened: {reason}")]
    Open { path: PathBuf, reason: String },
    #[error("Another Hearth has been setting up or re-encrypting the history {0} for over {SETUP_PATIENCE_MINUTES} minutes. Let it finish or close it, then try again.")]
    SetupBusy(PathBuf),
    #[error("Hearth has this history open elsewhere (the app, or another command line). Close it, then change the key; nothing was changed.")]
    InUseElsewhere,
    #[error("Deleted, but another program reading the history keeps the deleted text in its write-ahead log for now; it is wiped when Hearth next closes the history.")]
    NotWiped,
    #[error("Conversation {0} does not exist.")]
    ConversationNotFound(i64),
    #[error("Message {0} is not in this conversation.")]
    MessageNotFound(i64),
    #[error("Document {0} does not exist.")]
    DocumentNotFound(i64),
    #[error("There is no persona {0}.")]
    PersonaNotFound(String),
    #[error("{0}")]
    BadPersona(String),
    #[error("A conversation title cannot be empty.")]
    EmptyTitle,
    #[error("A client's name must be 1 to 64 characters, without control characters (got {0:?}).")]
    BadClientName(String),
    #[error("The client {0} has a token already; revoke it first to make a new one.")]
    ClientExists(String),
    #[error("There is no client named {0}.")]
    ClientNotFound(String),
    #[error("The history database failed: {0}")]
    Query(#[from] sqlx::Error),
}

#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
    key: Arc<Key>,
    kept_in: KeptIn,
    in_use: InUse,
    /// The file opened (see `replaced`).
    file: Option<FileId>,
}

impl Store {
    /// Opens (creating if needed) the encrypted database at `path` and brings its schema up to
    /// date; a plain database from an earlier Hearth is encrypted first. Processes that do this
    /// at once (the app and the command line, or two command lines) take turns: a lock on a
    /// file beside the database is held for the whole set-up.
    pub async fn open(path: &Path, unlock: &Unlock) -> Result<Self, StoreError> {
        let _turn = setup_lock(path).await?;
        let in_use = InUse::hold(path).await?;
        rewrite::discard_unfinished(path)?;
        let (key, kept_in) = unlock::unlock_history(path, unlock).await?;
        Self::connect(path, Arc::new(key), kept_in, in_use).await
    }

    async fn connect(
        path: &Path,
        key: Arc<Key>,
        kept_in: KeptIn,
        in_use: InUse,
    ) -> Result<Self, StoreError> {
        let open_error = |e: sqlx::Error| classify(path, e);
        let options = connect_options(path, Some(&key))
            .map_err(open_error)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        // No idle timeout or lifetime, so sqlx starts no maintenance task: in sqlx 0.8 that
        // task can spin forever at exit after a race in its idle count (launchbadge/sqlx#3645,
        // seen here as `hearth export` hanging at 100% CPU), and a local file's connections
        // have nothing to expire.
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(open_error)?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| migrate_error(path, e))?;
        // SQLite makes its WAL and SHM with the file's permissions. Best effort: a file system
        // without Unix permissions (a USB stick's) still opens.
        let _ = crate::owner_only::restrict(path);
        Ok(Self {
            pool,
            path: path.to_path_buf(),
            key,
            kept_in,
            in_use,
            file: FileId::of(path),
        })
    }

    /// Whether the file at the history's path is no longer the one opened: replaced (a backup
    /// restored over it), moved away or deleted while open.
    pub fn replaced(&self) -> bool {
        file_id::replaced(&self.path, self.file)
    }

    /// Closes every connection. sqlx's close can return while a connection is on its way back
    /// to the pool, which then sits idle and open; closing again closes it. Only when none is
    /// left (waiting a few seconds at most) is the file free to be copied or swapped.
    pub async fn close(&self) {
        let replaced = self.replaced();
        if replaced {
            // Its connections still have the file that was replaced open: one of them writes
            // the WAL back into that file and empties the WAL at the path, which the file there
            // now would otherwise be read through. Only a connection already open will do: a
            // new one would open the file there now.
            if let Some(mut connection) = self.pool.try_acquire() {
                let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(&mut *connection)
                    .await;
            }
        }
        for _ in 0..500 {
            self.pool.close().await;
            if self.pool.size() == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // A file put at the path while open is another history: opening it with this key
        // would write to it.
        if !replaced {
            self.remove_wal().await;
        }
        // A closed store uses the history no more.
        self.in_use.let_go();
    }

    /// The last connection to close removes the WAL, but the pool closes its connections at
    /// once and each may see another still open, leaving the WAL behind; a file put at this
    /// path later (one moved back, a backup restored) would be read through it and fail to
    /// open. One connection that reads and closes alone removes it (a connection joins the WAL
    /// at its first read). Best effort: a WAL left is read back by the next open of this file.
    async fn remove_wal(&self) {
        let _ = unlock::reads(&self.path, &self.key).await;
    }

    /// After a delete: the FTS5 `indexes` merged, so the deleted words leave their segments,
    /// and the WAL checkpointed and truncated, so deleted text lingers neither there nor in
    /// free pages (`secure_delete` overwrites those).
    async fn wipe_deleted(&self, indexes: &[&str]) -> Result<(), StoreError> {
        for index in indexes {
            sqlx::query(&format!("INSERT INTO {index}({index}) VALUES ('optimize')"))
                .execute(&self.pool)
                .await?;
        }
        // A reader in the middle of a read keeps the WAL from being truncated: SQLite then
        // answers busy = 1 (after its own busy wait), and the checkpoint is tried again.
        for _ in 0..WIPE_TRIES {
            let (busy,): (i64,) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&self.pool)
                .await?;
            if busy == 0 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Err(StoreError::NotWiped)
    }

    /// Where this history's key is kept.
    pub fn kept_in(&self) -> KeptIn {
        self.kept_in
    }

    /// Moves the history at `path` aside (renamed with the time, its key's note with it) so
    /// that the next open starts a new one; returns where it went. Nothing is deleted. A plain
    /// history is encrypted first with a key kept as `unlock` says.
    pub async fn set_aside(path: &Path, unlock: &Unlock) -> Result<PathBuf, StoreError> {
        let _turn = setup_lock(path).await?;
        unlock::encrypt_plain(path, unlock).await?;
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let stamp = jiff::Zoned::now().strftime("%Y-%m-%d-%H%M%S").to_string();
        let aside = path.with_file_name(format!("{stem}-set-aside-{stamp}.sqlite3"));
        for suffix in [
            "",
            "-wal",
            "-shm",
            ".unlock.json",
            ".unlock.next.json",
            ".unlock.kept",
        ] {
            let with = |base: &Path| {
                let mut name = base.as_os_str().to_os_string();
                name.push(suffix);
                PathBuf::from(name)
            };
            match std::fs::rename(with(path), with(&aside)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(StoreError::Open {
                        path: path.to_path_buf(),
                        reason: format!("it could not be moved aside: {e}"),
                    })
                }
                _ => {}
            }
        }
        Ok(aside)
    }
}

fn migrate_error(path: &Path, error: MigrateError) -> StoreError {
    match error {
        MigrateError::VersionMissing(_) | MigrateError::VersionTooNew(..) => {
            StoreError::NewerVersion(path.to_path_buf())
        }
        MigrateError::Execute(e) => classify(path, e),
        other => StoreError::Open {
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    }
}

/// A plain database from a newer Hearth is refused before anything in it is changed.
async fn refuse_newer_plain(path: &Path) -> Result<(), StoreError> {
    let open_error = |e: sqlx::Error| classify(path, e);
    let options = connect_options(path, None)
        .map_err(open_error)?
        .read_only(true);
    let mut connection = SqliteConnection::connect_with(&options)
        .await
        .map_err(open_error)?;
    let newest: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
        .fetch_one(&mut connection)
        .await
        .unwrap_or(None);
    let _ = connection.close().await;
    let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    match newest {
        Some(newest) if newest > known => Err(StoreError::NewerVersion(path.to_path_buf())),
        _ => Ok(()),
    }
}

/// Checkpoints tried after a delete while a reader holds the WAL.
const WIPE_TRIES: usize = 10;

/// How long a start waits for another Hearth's set-up or key change: re-encrypting a large
/// history takes a while, but not this long.
const SETUP_PATIENCE_MINUTES: u64 = 5;
pub(super) const SETUP_PATIENCE: Duration = Duration::from_secs(SETUP_PATIENCE_MINUTES * 60);

/// Waits for the set-up lock of the database at `path` (`history.sqlite3.lock`), up to
/// `SETUP_PATIENCE`; it is let go when the returned file is dropped, or when the process ends
/// however it ends.
async fn setup_lock(path: &Path) -> Result<std::fs::File, StoreError> {
    setup_lock_within(path, SETUP_PATIENCE).await
}

async fn setup_lock_within(path: &Path, patience: Duration) -> Result<std::fs::File, StoreError> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let lock = path.with_file_name(name);
    let failed = |e: std::io::Error| StoreError::Open {
        path: path.to_path_buf(),
        reason: format!("its lock file {} could not be taken: {e}", lock.display()),
    };
    let file = crate::owner_only::open_or_create(&lock).map_err(failed)?;
    let deadline = tokio::time::Instant::now() + patience;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::SetupBusy(path.to_path_buf()))
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(failed(e)),
        }
    }
}

/// SQLite says "file is not a database" (code 26) for anything that is not SQLite.
fn classify(path: &Path, error: sqlx::Error) -> StoreError {
    let not_a_database = error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "26");
    if not_a_database {
        StoreError::NotADatabase(path.to_path_buf())
    } else {
        StoreError::Open {
            path: path.to_path_buf(),
            reason: error.to_string(),
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
