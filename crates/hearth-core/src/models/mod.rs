//! Which model files Hearth knows about and where it finds them on disk.

pub mod catalog;
pub mod download;
pub mod fit;
pub mod gguf;
pub mod library;
pub mod naming;
pub mod shelf;
pub mod speed;

use std::path::PathBuf;

pub use catalog::{
    catalog, catalog_entry, catalog_entry_for, mirror, recommended, CatalogEntry, Here, Recommended,
};
pub use gguf::{inspect, GgufError, GgufInfo};
pub use library::KnownModel;
pub use naming::name_of;

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
