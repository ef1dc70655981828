//! Which key opens the history, and changing it. A key is forgotten only when the file it
//! opened was replaced by Hearth and the replacement is durably in place: a note whose file is
//! missing is kept aside (the file may come back), and a key change that fails after its new
//! file is in place rolls forward, leaving both notes for the next open to settle.

use std::path::Path;

use sqlx::{Connection, SqliteConnection};

use super::connect_options;
use super::note::{self, UnlockNote};
use super::{rewrite, KeptIn, Key, Unlock};
use crate::store::{classify, refuse_newer_plain, setup_lock, StoreError};

#[derive(PartialEq, Eq)]
enum FileKind {
    Missing,
    Plain,
    /// Encrypted, or not SQLite at all: without its key the two look the same.
    Other,
}

fn file_kind(path: &Path) -> Result<FileKind, StoreError> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut file| {
        let mut filled = 0;
        while filled < header.len() {
            match file.read(&mut header[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        Ok(filled)
    });
    match read {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileKind::Missing),
        Err(e) => Err(StoreError::Open {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }),
        // SQLite makes a new database in an empty file.
        Ok(0) => Ok(FileKind::Missing),
        Ok(_) if &header == b"SQLite format 3\0" => Ok(FileKind::Plain),
        Ok(_) => Ok(FileKind::Other),
    }
}

fn bad_note(reason: impl ToString) -> StoreError {
    StoreError::BadNote(reason.to_string())
}

/// The key of the history at `path`: made (and kept) for a new history, found through its
/// notes otherwise. A plain history is encrypted with it, unless a newer Hearth wrote it.
pub(in crate::store) async fn unlock_history(
    path: &Path,
    unlock: &Unlock,
) -> Result<(Key, KeptIn), StoreError> {
    let current_path = note::current(path);
    let current = super::read_note(&current_path)?;
    let kind = file_kind(path)?;
    if kind == FileKind::Plain {
        refuse_newer_plain(path).await?;
    }
    let (key, note) = match (kind, current) {
        (FileKind::Other, current) => return unlock_encrypted(path, current, unlock).await,
        (FileKind::Plain, Some(note)) => (super::key_of(path, &note, unlock).await?, note),
        (FileKind::Missing | FileKind::Plain, _) => {
            let (key, note) = super::new_key(path, unlock).await?;
            if let Err(error) = keep_missing_files_notes(path) {
                super::forget(&note).await;
                return Err(error);
            }
            super::write_note(&current_path, &note)?;
            rewrite::step("keyed");
            (key, note)
        }
    };
    if file_kind(path)? == FileKind::Plain {
        // The note is in place before the rewrite starts, so whether the swap is durable or
        // not, the next open finds the plain file or the encrypted one with this key.
        let _swapped = rewrite::rewrite(path, None, &key).await?;
    }
    discard_next(path, &note).await;
    Ok((key, note.kept_in()))
}

/// A plain history about to be set aside (a newer Hearth wrote it, so this one cannot use it)
/// is encrypted first, in place, with a new key kept as `unlock` says and its note beside it:
/// no history is left readable on disk. When that fails, nothing is set aside.
pub(in crate::store) async fn encrypt_plain(
    path: &Path,
    unlock: &Unlock,
) -> Result<(), StoreError> {
    if file_kind(path)? != FileKind::Plain {
        return Ok(());
    }
    keep_missing_files_notes(path)?;
    let (key, note) = super::new_key(path, unlock).await?;
    let current_path = note::current(path);
    let encrypted = match super::write_note(&current_path, &note) {
        Ok(()) => rewrite::rewrite(path, None, &key).await.map(drop),
        Err(error) => Err(error),
    };
    if encrypted.is_err() {
        super::forget(&note).await;
        let _ = std::fs::remove_file(&current_path);
    }
    encrypted
}

/// The notes of a history whose file is not there are kept aside, not forgotten.
fn keep_missing_files_notes(path: &Path) -> Result<(), StoreError> {
    for note_path in [note::current(path), note::next(path)] {
        if let Some(old) = super::read_note(&note_path)? {
            note::keep(path, &old).map_err(bad_note)?;
            std::fs::remove_file(&note_path).map_err(bad_note)?;
        }
    }
    Ok(())
}

/// What one note does with the file.
enum Attempt {
    Opens(Key),
    Fails(StoreError),
}

async fn attempt(path: &Path, note: &UnlockNote, unlock: &Unlock) -> Result<Attempt, StoreError> {
    Ok(match super::key_of(path, note, unlock).await {
        Err(error) => Attempt::Fails(error),
        Ok(key) if reads(path, &key).await? => Attempt::Opens(key),
        Ok(_) => Attempt::Fails(StoreError::WrongKey(path.to_path_buf())),
    })
}

/// An encrypted history: its note's key; else the key of a change that put the new file in
/// place but did not finish; else a note kept aside while the file was missing.
async fn unlock_encrypted(
    path: &Path,
    current: Option<UnlockNote>,
    unlock: &Unlock,
) -> Result<(Key, KeptIn), StoreError> {
    let mut failures = Vec::new();
    if let Some(note) = &current {
        match attempt(path, note, unlock).await? {
            Attempt::Opens(key) => {
                discard_next(path, note).await;
                return Ok((key, note.kept_in()));
            }
            Attempt::Fails(error) => failures.push(error),
        }
    }
    let next_path = note::next(path);
    if let Some(next) = super::read_note(&next_path)? {
        match attempt(path, &next, unlock).await? {
            Attempt::Opens(key) => {
                // The old key goes only once the new note is durably in place.
                if note::rename(&next_path, &note::current(path)).is_ok() {
                    if let Some(old) = &current {
                        super::forget(old).await;
                    }
                }
                return Ok((key, next.kept_in()));
            }
            Attempt::Fails(error) => failures.push(error),
        }
    }
    for (file, kept) in note::kept(path) {
        match attempt(path, &kept, unlock).await? {
            Attempt::Opens(key) => {
                // The note it replaces belonged to a file that is gone from here: kept too.
                if let Some(current) = &current {
                    note::keep(path, current).map_err(bad_note)?;
                }
                super::write_note(&note::current(path), &kept)?;
                let _ = std::fs::remove_file(&file);
                return Ok((key, kept.kept_in()));
            }
            Attempt::Fails(error) => failures.push(error),
        }
    }
    Err(most_helpful(path, failures))
}

/// Of the reasons no note opened the file, the one a person can act on: a passphrase to give,
/// a keyring to unlock, a passphrase to retype; else the current note's.
fn most_helpful(path: &Path, failures: Vec<StoreError>) -> StoreError {
    let rank = |error: &StoreError| match error {
        StoreError::PassphraseNeeded => 0,
        StoreError::KeyringLocked(_) => 1,
        StoreError::WrongPassphrase => 2,
        _ => 3,
    };
    let mut failures = failures;
    failures.sort_by_key(rank);
    failures
        .into_iter()
        .next()
        .unwrap_or_else(|| StoreError::NotADatabase(path.to_path_buf()))
}

/// A note for a key change that never put its file in place: its keyring entry is forgotten
/// (unless it is the one in use) and the note removed. Left for the next open if that fails.
async fn discard_next(path: &Path, current: &UnlockNote) {
    let next_path = note::next(path);
    if let Ok(Some(next)) = super::read_note(&next_path) {
        if &next != current {
            super::forget(&next).await;
        }
        let _ = std::fs::remove_file(next_path);
    }
}

/// Whether `key` reads the file: SQLCipher says "file is not a database" only at the first
/// read, so one is made.
pub(in crate::store) async fn reads(path: &Path, key: &Key) -> Result<bool, StoreError> {
    let attempt = async {
        let options = connect_options(path, Some(key))?;
        let mut connection = SqliteConnection::connect_with(&options).await?;
        sqlx::query("SELECT count(*) FROM sqlite_master")
            .execute(&mut connection)
            .await?;
        connection.close().await
    };
    match attempt.await {
        Ok(()) => Ok(true),
        Err(e) => match classify(path, e) {
            StoreError::NotADatabase(_) => Ok(false),
            other => Err(other),
        },
    }
}

/// The history's key changes: the next note is written, the file copied with the new key and
/// swapped in, then the note follows. An error means the old key still opens the file. Once the
/// new file is in place nothing goes back: what did not finish (a folder sync, the note's
/// rename) the next open finishes from the two notes, and the old key is forgotten only when
/// every step is durable.
pub(in crate::store) async fn rekey(
    path: &Path,
    key: &Key,
    to: &Unlock,
) -> Result<(Key, KeptIn), StoreError> {
    let _turn = setup_lock(path).await?;
    let _alone = crate::store::in_use::alone(path)?;
    let current_path = note::current(path);
    let current = super::read_note(&current_path)?;
    let (new_key, new_note) = super::new_key(path, to).await?;
    let next_path = note::next(path);
    let swapped = match super::write_note(&next_path, &new_note) {
        Ok(()) => rewrite::rewrite(path, Some(key), &new_key).await,
        Err(error) => Err(error),
    };
    let swapped = match swapped {
        Ok(swapped) => swapped,
        Err(error) => {
            super::forget(&new_note).await;
            let _ = std::fs::remove_file(&next_path);
            return Err(error);
        }
    };
    if swapped.durable && note::rename(&next_path, &current_path).is_ok() {
        if let Some(old) = current {
            super::forget(&old).await;
        }
    }
    Ok((new_key, new_note.kept_in()))
}
