//! The history database: one SQLite file (WAL mode), migrations compiled in. Opening never
//! rewrites a file it does not recognise: a file that is not SQLite, or a database from a newer
//! Hearth, is refused with a clear error and left as it was.

mod archive;
mod conversations;
mod documents;
mod messages;
mod personas;
mod search;
mod settings;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::SqlitePool;

pub use archive::{
    ArchivedConversation, ArchivedDocument, ArchivedMessage, ArchivedSource, Restored,
};
pub use conversations::{title_from, Conversation};
pub use documents::{ChunkText, DocumentInfo, Kind, NewDocument, Passage};
pub use messages::{Message, NewMessage};
pub use personas::{Persona, PersonaFields};
pub use search::{match_all, SearchHit, MATCH_END, MATCH_START};

static MIGRATOR: Migrator = sqlx::migrate!("./src/store/migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} is not a Hearth history database (it is not an SQLite file). Hearth left it untouched: move it away, or choose another data folder.")]
    NotADatabase(PathBuf),
    #[error("{0} was written by a newer version of Hearth. Update Hearth to open it; nothing in it was changed.")]
    NewerVersion(PathBuf),
    #[error("The history database {path} could not be opened: {reason}")]
    Open { path: PathBuf, reason: String },
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
    #[error("The history database failed: {0}")]
    Query(#[from] sqlx::Error),
}

#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// Processes that do this at once (the app and the command line, or two command lines)
    /// take turns: a lock on a file beside the database is held for the whole set-up.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let _turn = setup_lock(path).await?;
        let open_error = |e: sqlx::Error| classify(path, e);
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(open_error)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(open_error)?;
        MIGRATOR.run(&pool).await.map_err(|e| match e {
            MigrateError::VersionMissing(_) | MigrateError::VersionTooNew(..) => {
                StoreError::NewerVersion(path.to_path_buf())
            }
            MigrateError::Execute(e) => classify(path, e),
            other => StoreError::Open {
                path: path.to_path_buf(),
                reason: other.to_string(),
            },
        })?;
        Ok(Self { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Waits for the set-up lock of the database at `path` (`history.sqlite3.lock`); it is let go
/// when the returned file is dropped, or when the process ends however it ends.
async fn setup_lock(path: &Path) -> Result<std::fs::File, StoreError> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let lock = path.with_file_name(name);
    let failed = |e: std::io::Error| StoreError::Open {
        path: path.to_path_buf(),
        reason: format!("its lock file {} could not be taken: {e}", lock.display()),
    };
    let taken = tokio::task::spawn_blocking({
        let lock = lock.clone();
        move || {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lock)?;
            file.lock()?;
            Ok(file)
        }
    })
    .await
    .map_err(|e| failed(std::io::Error::other(e)))?;
    taken.map_err(failed)
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
