//! Every model Hearth knows: the `.gguf` files in the folders it searches, each with what its
//! header says, what the catalog adds, and whether it fits in memory now.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::fit::{self, Fit};
use super::{catalog_entry_for, inspect, name_of, GgufInfo};

/// Where a model file came from, which decides what removing it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum Origin {
    /// In Hearth's own models folder: copied or downloaded by Hearth, deleted on removal.
    Hearth,
    /// Used where it is; removal only forgets it.
    Imported,
    /// In another folder Hearth searches (the checkout's `models/`); never deleted by Hearth.
    Folder,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct KnownModel {
    /// What the file is called (`naming::name_of`); the file name when it failed a check.
    pub name: String,
    pub path: PathBuf,
    pub origin: Origin,
    pub license: Option<String>,
    /// The file's facts, when it passed every check.
    pub info: Option<GgufInfo>,
    pub fit: Option<Fit>,
    /// Why the file cannot be used, when it failed a check.
    pub problem: Option<String>,
}

/// The models in `dirs` and `imported`, by name; a file found twice is listed once. Files in
/// `own_dir` are Hearth's own.
pub fn list(dirs: &[PathBuf], imported: &[PathBuf], own_dir: &Path) -> Vec<KnownModel> {
    let available = fit::available_memory();
    let mut paths: Vec<(PathBuf, Origin)> = dirs
        .iter()
        .flat_map(|dir| ggufs_in(dir))
        .map(|p| {
            let origin = if is_in(&p, own_dir) {
                Origin::Hearth
            } else {
                Origin::Folder
            };
            (p, origin)
        })
        .chain(imported.iter().map(|p| {
            let p = std::fs::canonicalize(p).unwrap_or(p.clone());
            (p, Origin::Imported)
        }))
        .collect();
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    paths.dedup_by(|a, b| a.0 == b.0);
    let mut models: Vec<KnownModel> = paths
        .iter()
        .map(|(p, origin)| describe(p, *origin, available))
        .collect();
    models.sort_by_key(|m| m.name.to_lowercase());
    models
}

/// Whether `path` is a file directly in `dir`.
pub(crate) fn is_in(path: &Path, dir: &Path) -> bool {
    let dir = std::fs::canonicalize(dir).unwrap_or(dir.to_path_buf());
    path.parent() == Some(dir.as_path())
}

/// One model file, checked.
pub fn describe(path: &Path, origin: Origin, available_memory: u64) -> KnownModel {
    let entry = catalog_entry_for(path);
    let file_name = path
        .file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    match inspect(path) {
        Ok(info) => KnownModel {
            name: name_of(path, &info),
            path: path.to_path_buf(),
            origin,
            license: entry.map(|e| e.license),
            fit: Some(fit::estimate(&info, available_memory)),
            info: Some(info),
            problem: None,
        },
        Err(e) => KnownModel {
            name: entry.as_ref().map_or(file_name, |e| e.name.clone()),
            path: path.to_path_buf(),
            origin,
            license: entry.map(|e| e.license),
            info: None,
            fit: None,
            problem: Some(e.to_string()),
        },
    }
}

/// The `.gguf` files directly in `dir` (none if it cannot be read).
pub(crate) fn ggufs_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "gguf"))
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
        .collect()
}
