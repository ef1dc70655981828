//! Every model Hearth knows: the `.gguf` files in the folders it searches, each with what its
//! header says, what the catalog adds, and whether it fits in memory now.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::fit::{self, Fit};
use super::{catalog_entry_for, inspect, GgufInfo};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownModel {
    /// The catalog's name, else the file's own (`general.name`), else the file name.
    pub name: String,
    pub path: PathBuf,
    pub license: Option<String>,
    /// The file's facts, when it passed every check.
    pub info: Option<GgufInfo>,
    pub fit: Option<Fit>,
    /// Why the file cannot be used, when it failed a check.
    pub problem: Option<String>,
}

/// The models in `dirs`, by name; a file in two of them (the same path) is listed once.
pub fn list(dirs: &[PathBuf]) -> Vec<KnownModel> {
    let available = fit::available_memory();
    let mut paths: Vec<PathBuf> = dirs.iter().flat_map(|dir| ggufs_in(dir)).collect();
    paths.sort();
    paths.dedup();
    let mut models: Vec<KnownModel> = paths.iter().map(|p| describe(p, available)).collect();
    models.sort_by_key(|m| m.name.to_lowercase());
    models
}

/// One model file, checked.
pub fn describe(path: &Path, available_memory: u64) -> KnownModel {
    let entry = catalog_entry_for(path);
    let file_name = path
        .file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    match inspect(path) {
        Ok(info) => KnownModel {
            name: entry
                .as_ref()
                .map(|e| e.name.clone())
                .or_else(|| info.name.clone())
                .unwrap_or(file_name),
            path: path.to_path_buf(),
            license: entry.map(|e| e.license),
            fit: Some(fit::estimate(&info, available_memory)),
            info: Some(info),
            problem: None,
        },
        Err(e) => KnownModel {
            name: entry.as_ref().map_or(file_name, |e| e.name.clone()),
            path: path.to_path_buf(),
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
