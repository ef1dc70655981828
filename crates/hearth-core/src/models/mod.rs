//! Which model files Hearth knows about and where it finds them on disk.

pub mod download;
pub mod fit;
pub mod gguf;
pub mod library;
pub mod shelf;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use gguf::{inspect, GgufError, GgufInfo};
pub use library::KnownModel;

/// The catalog shipped in `models/catalog.json`, compiled in so the app needs no checkout.
const CATALOG_JSON: &str = include_str!("../../../../models/catalog.json");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub id: String,
    pub name: String,
    pub file: String,
    pub size: u64,
    pub sha256: String,
    pub license: String,
    pub source: String,
    pub architecture: String,
    pub context_length: u64,
    /// Where to download it, pinned to a repository revision; none for a model that comes
    /// another way (the default model, from PyPI).
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub default: bool,
}

#[derive(Deserialize)]
struct Catalog {
    models: Vec<CatalogEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum LocateError {
    #[error("No model found. Looked in: {}. Run `./models/fetch-default.sh` in the Hearth folder to get the default model (SmolLM2-135M-Instruct, 98 MB), or put a .gguf file in one of those folders.", display_dirs(.searched))]
    NoneFound { searched: Vec<PathBuf> },
}

fn display_dirs(dirs: &[PathBuf]) -> String {
    dirs.iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn catalog() -> Vec<CatalogEntry> {
    // The catalog is part of the source tree; a test checks it parses.
    serde_json::from_str::<Catalog>(CATALOG_JSON)
        .map(|c| c.models)
        .unwrap_or_default()
}

/// The catalog entry called `name`: its id, name or file name, case aside.
pub fn catalog_entry(name: &str) -> Option<CatalogEntry> {
    let wanted = name.to_lowercase();
    catalog().into_iter().find(|e| {
        [&e.id, &e.name, &e.file]
            .iter()
            .any(|n| n.to_lowercase() == wanted)
    })
}

/// The catalog entry describing `path`, matched by file name.
pub fn catalog_entry_for(path: &Path) -> Option<CatalogEntry> {
    let name = path.file_name()?.to_str()?;
    catalog().into_iter().find(|e| e.file == name)
}

/// The model to load from the first of `dirs` that has one: in each folder, the catalog's
/// default model if it is there, else its first `.gguf` file by name that passes inspection
/// (a damaged download never hides a good model).
pub fn locate(dirs: &[PathBuf]) -> Result<PathBuf, LocateError> {
    let defaults: Vec<String> = catalog()
        .into_iter()
        .filter(|e| e.default)
        .map(|e| e.file)
        .collect();
    for dir in dirs {
        if let Some(default) = defaults.iter().map(|f| dir.join(f)).find(|p| p.is_file()) {
            return Ok(default);
        }
        let mut ggufs = library::ggufs_in(dir);
        ggufs.sort();
        if let Some(first) = ggufs.into_iter().find(|p| inspect(p).is_ok()) {
            return Ok(first);
        }
    }
    Err(LocateError::NoneFound {
        searched: dirs.to_vec(),
    })
}
