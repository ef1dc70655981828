//! Copies the history into a new encrypted file and puts it in place of the old one: how a
//! plain database from an earlier Hearth is encrypted, and how the key changes. The copy is
//! checked (every table's row count, the integrity check, the schema version) before it
//! replaces anything, and the swap is one rename, so a crash at any step leaves the old
//! database or the new one whole. Once that rename is done the new file is the history: what
//! fails after it (syncing the folder, removing the old WAL) is not a failure of the rewrite,
//! since going back would leave a file encrypted with a key the caller then forgets.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::{Connection, SqliteConnection};

use super::connect_options;
use super::key::Key;
use super::note;
use crate::store::StoreError;

/// The copy being made, beside the database. One found at start is unfinished: the old file
/// is still in place, so it is removed.
pub fn unfinished(database: &Path) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push(".rewrite");
    database.with_file_name(name)
}

pub fn discard_unfinished(database: &Path) -> Result<(), StoreError> {
    remove(&unfinished(database)).map_err(|reason| failed(database, reason))
}

fn remove(path: &Path) -> Result<(), String> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{} could not be removed: {e}", path.display()))
        }
        _ => Ok(()),
    }
}

fn failed(database: &Path, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Rewrite {
        path: database.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Where a test can stop the process: with `HEARTH_PAUSE_AT=<step>` it says so on stderr and
/// waits there to be killed, as a crash or a power cut would stop it.
pub(in crate::store) fn step(name: &str) {
    if std::env::var("HEARTH_PAUSE_AT").is_ok_and(|at| at == name) {
        eprintln!("hearth: paused at {name}");
        loop {
            std::thread::sleep(Duration::from_secs(60));
        }
    }
}

/// The new file is in place. `durable`: the folder was synced after the swap, so a power cut
/// cannot bring the old file back; when it is false, both keys must stay until an open finds
/// which one reads the file.
#[must_use]
pub struct Swapped {
    pub durable: bool,
}

/// Re-writes the database at `database` (plain when `from` is `None`) encrypted with `to`. An
/// error means the old file is still in place.
pub async fn rewrite(database: &Path, from: Option<&Key>, to: &Key) -> Result<Swapped, StoreError> {
    let copy = unfinished(database);
    remove(&copy).map_err(|reason| failed(database, reason))?;
    enough_room(database)?;
    let written = write_copy(database, &copy, from, to).await;
    if written.is_err() {
        // A disk that filled halfway, or any other failure: no half copy is left to fill it.
        let _ = remove(&copy);
    }
    written?;
    std::fs::rename(&copy, database).map_err(|e| {
        let _ = remove(&copy);
        failed(
            database,
            format!("the new copy could not be put in place: {e}"),
        )
    })?;
    let durable = note::sync_folder(database).is_ok();
    step("swapped");
    // SQLite removed both when the source left WAL mode; these are only leftovers, empty after
    // the checkpoint, so failing to remove one harms nothing.
    for suffix in ["-wal", "-shm"] {
        let mut name = database.as_os_str().to_os_string();
        name.push(suffix);
        let _ = remove(Path::new(&name));
    }
    Ok(Swapped { durable })
}

/// Room left on the disk beyond the copy, for SQLite's own journal and whatever else writes.
const SPARE_SPACE: u64 = 4 << 20;

/// The copy is as large as the history and its WAL: refused before it starts when the disk
/// cannot hold it.
fn enough_room(database: &Path) -> Result<(), StoreError> {
    let size = |suffix: &str| {
        let mut name = database.as_os_str().to_os_string();
        name.push(suffix);
        std::fs::metadata(Path::new(&name)).map_or(0, |m| m.len())
    };
    let needed = size("") + size("-wal") + SPARE_SPACE;
    let folder = database.parent().unwrap_or(Path::new("."));
    match crate::free_space::free_space(folder) {
        Some(free) if free < needed => Err(failed(
            database,
            format!(
                "the disk has {} free and the re-encrypted copy needs {}; free some space and \
                 try again",
                crate::models::fit::size(free),
                crate::models::fit::size(needed)
            ),
        )),
        _ => Ok(()),
    }
}

/// The re-encrypted copy at `copy`, checked and synced.
async fn write_copy(
    database: &Path,
    copy: &Path,
    from: Option<&Key>,
    to: &Key,
) -> Result<(), StoreError> {
    let fail = |reason: String| failed(database, reason);
    let query = |e: sqlx::Error| failed(database, e);

    // Created if missing, so that ATTACH may create the copy (it takes the main file's flags).
    let options = connect_options(database, from)
        .map_err(query)?
        .create_if_missing(true);
    let mut source = SqliteConnection::connect_with(&options)
        .await
        .map_err(query)?;
    // Everything in the WAL goes into the file, and the file leaves WAL mode: no WAL written
    // with the old key (or none) is left beside the new file.
    run(&mut source, "PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .map_err(query)?;
    run(&mut source, "PRAGMA journal_mode = DELETE")
        .await
        .map_err(query)?;
    step("checkpointed");

    let counts = row_counts(&mut source).await.map_err(query)?;
    let version = user_version(&mut source).await.map_err(query)?;
    sqlx::query("ATTACH DATABASE ? AS fresh KEY ?")
        .persistent(false)
        .bind(copy.to_string_lossy().into_owned())
        .bind(to.sql_text().as_str())
        .execute(&mut source)
        .await
        .map_err(query)?;
    run(&mut source, "SELECT sqlcipher_export('fresh')")
        .await
        .map_err(query)?;
    run(
        &mut source,
        &format!("PRAGMA fresh.user_version = {version}"),
    )
    .await
    .map_err(query)?;
    run(&mut source, "DETACH DATABASE fresh")
        .await
        .map_err(query)?;
    source.close().await.map_err(query)?;
    step("exported");

    let mut check =
        SqliteConnection::connect_with(&connect_options(copy, Some(to)).map_err(query)?)
            .await
            .map_err(query)?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut check)
        .await
        .map_err(query)?;
    if integrity != "ok" {
        return Err(fail(format!(
            "the new copy failed its integrity check ({integrity})"
        )));
    }
    if row_counts(&mut check).await.map_err(query)? != counts {
        return Err(fail("the new copy does not hold every row".to_string()));
    }
    if user_version(&mut check).await.map_err(query)? != version {
        return Err(fail("the new copy lost the schema version".to_string()));
    }
    check.close().await.map_err(query)?;
    std::fs::File::open(copy)
        .and_then(|file| file.sync_all())
        .map_err(|e| fail(format!("the new copy could not be synced: {e}")))?;
    step("verified");
    Ok(())
}

/// One statement with no parameters, not kept prepared (each runs once).
async fn run(db: &mut SqliteConnection, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::query(sql)
        .persistent(false)
        .execute(db)
        .await
        .map(drop)
}

/// Every table's name and row count, in name order (the FTS5 indexes and their shadow tables
/// included).
async fn row_counts(db: &mut SqliteConnection) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&mut *db)
            .await?;
    let mut counts = Vec::with_capacity(names.len());
    for name in names {
        let sql = format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\""));
        let count: i64 = sqlx::query_scalar(&sql).fetch_one(&mut *db).await?;
        counts.push((name, count));
    }
    Ok(counts)
}

async fn user_version(db: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(db)
        .await
}
