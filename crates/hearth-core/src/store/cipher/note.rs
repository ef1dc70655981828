//! Where the history's key is kept, written beside the database as
//! `history.sqlite3.unlock.json`: the keyring entry's name, or the passphrase's salt and
//! settings, with the key's fingerprint. Never the key. While the key changes, the next note
//! waits as `history.sqlite3.unlock.next.json` until the re-encrypted file is in place.
//! Notes whose file was not there when Hearth started are kept aside in
//! `history.sqlite3.unlock.kept/`, never forgotten: the file may come back (moved for a moment,
//! restored from a backup), and then one of them opens it.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::passphrase::Derivation;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kept_in", rename_all = "lowercase")]
pub enum UnlockNote {
    Keyring {
        entry: String,
        check: String,
    },
    Passphrase {
        #[serde(flatten)]
        derivation: Derivation,
        check: String,
    },
}

#[derive(Serialize, Deserialize)]
struct NoteFile {
    version: u32,
    #[serde(flatten)]
    note: UnlockNote,
}

impl UnlockNote {
    pub fn check(&self) -> &str {
        match self {
            UnlockNote::Keyring { check, .. } | UnlockNote::Passphrase { check, .. } => check,
        }
    }
}

fn beside(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    database.with_file_name(name)
}

pub fn current(database: &Path) -> PathBuf {
    beside(database, ".unlock.json")
}

pub fn next(database: &Path) -> PathBuf {
    beside(database, ".unlock.next.json")
}

pub fn kept_folder(database: &Path) -> PathBuf {
    beside(database, ".unlock.kept")
}

/// Keeps `note` aside for the file at `database`, under a new name in the kept folder.
pub fn keep(database: &Path, note: &UnlockNote) -> Result<(), String> {
    let folder = kept_folder(database);
    crate::owner_only::create_dir(&folder)
        .map_err(|e| format!("{} could not be made: {e}", folder.display()))?;
    let mut id = [0u8; 4];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut id);
    let stamp = jiff::Timestamp::now().as_millisecond();
    write(
        &folder.join(format!("{stamp:015}-{}.json", hex::encode(id))),
        note,
    )
}

/// The notes kept aside for the file at `database`, newest first, each with its file. One that
/// cannot be read is passed over: it can open nothing.
pub fn kept(database: &Path) -> Vec<(PathBuf, UnlockNote)> {
    let Ok(entries) = std::fs::read_dir(kept_folder(database)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort_unstable_by(|a, b| b.cmp(a));
    files
        .into_iter()
        .filter_map(|path| read(&path).ok().flatten().map(|note| (path, note)))
        .collect()
}

/// The note at `path`, or `None` when there is no file.
pub fn read(path: &Path) -> Result<Option<UnlockNote>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{} could not be read: {e}", path.display())),
    };
    let file: NoteFile =
        serde_json::from_str(&text).map_err(|e| format!("{} is damaged: {e}", path.display()))?;
    if file.version != 1 {
        return Err(format!(
            "{} was written by a newer version of Hearth",
            path.display()
        ));
    }
    Ok(Some(file.note))
}

/// Writes the note whole or not at all: into a temporary file, synced, then renamed.
pub fn write(path: &Path, note: &UnlockNote) -> Result<(), String> {
    let failed = |e: std::io::Error| format!("{} could not be written: {e}", path.display());
    let text = serde_json::to_string_pretty(&NoteFile {
        version: 1,
        note: note.clone(),
    })
    .map_err(|e| failed(std::io::Error::other(e)))?;
    let temporary = beside(path, ".tmp");
    let mut file = crate::owner_only::create(&temporary).map_err(failed)?;
    file.write_all(text.as_bytes()).map_err(failed)?;
    file.sync_all().map_err(failed)?;
    rename(&temporary, path).map_err(failed)
}

/// Renames `from` over `to` and makes the rename durable (the folder synced where the
/// platform allows it).
pub fn rename(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::rename(from, to)?;
    sync_folder(to)
}

#[cfg(unix)]
pub fn sync_folder(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(folder) => std::fs::File::open(folder)?.sync_all(),
        None => Ok(()),
    }
}

/// Windows has no handle to sync a folder through; its renames are journaled by NTFS.
#[cfg(not(unix))]
pub fn sync_folder(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
