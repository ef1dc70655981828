//! How every connection to the history is opened: the SQLCipher key first, then the pragmas.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::ConnectOptions;

use super::{openssl, Key};

/// The options every connection to the history uses; `key` is `None` only to read a plain
/// database before it is encrypted. SQLCipher wants the key before anything else, and sqlx
/// sends it first. Statements are not logged, so the key never reaches a log.
pub(crate) fn connect_options(
    path: &Path,
    key: Option<&Key>,
) -> Result<SqliteConnectOptions, sqlx::Error> {
    openssl::skip_clean_up_at_exit();
    let mut options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .disable_statement_logging();
    if let Some(key) = key {
        options = options.pragma("key", format!("\"{}\"", key.sql_text().as_str()));
    }
    // Deleted text is overwritten, not left in free pages; temporary tables stay in memory.
    // SQLCipher decrypts a page each time it enters the cache: with SQLite's default 2 MiB
    // cache every search decrypted the FTS5 index again (passages among 1,000 documents took
    // 70 to 330 ms; with 32 MiB, 6 to 11 ms). The cache grows only as pages are read.
    Ok(options
        .pragma("secure_delete", "ON")
        .pragma("temp_store", "MEMORY")
        .pragma("cache_size", "-32768"))
}
