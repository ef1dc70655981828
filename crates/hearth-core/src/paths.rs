//! Where Hearth keeps its data and looks for models. One data folder holds the history
//! database, downloaded models and the engine's cache; `--data-dir` or `HEARTH_DATA_DIR`
//! moves it (tests, portable use).

use std::path::{Path, PathBuf};

use crate::models::shelf::ShelfFile;
use crate::models::{self, LocateError};

pub const DATA_DIR_ENV: &str = "HEARTH_DATA_DIR";
pub const MODEL_ENV: &str = "HEARTH_MODEL";

#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    #[error(
        "This system has no folder for application data; pass --data-dir or set {DATA_DIR_ENV}."
    )]
    NoPlatformDir,
    #[error("The data folder {path} could not be created: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// `explicit`, else `$HEARTH_DATA_DIR`, else the platform's data folder (on Linux
    /// `~/.local/share/hearth`). Creates it and its models folder.
    pub fn resolve(explicit: Option<PathBuf>) -> Result<Self, PathsError> {
        let root = explicit
            .or_else(|| std::env::var_os(DATA_DIR_ENV).map(PathBuf::from))
            .or_else(|| dirs::data_dir().map(|d| d.join("hearth")))
            .ok_or(PathsError::NoPlatformDir)?;
        let dir = Self { root };
        for path in [dir.root.clone(), dir.models_dir()] {
            crate::owner_only::create_dir(&path).map_err(|source| PathsError::Create {
                path: path.clone(),
                source,
            })?;
        }
        Ok(dir)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn database(&self) -> PathBuf {
        self.root.join("history.sqlite3")
    }

    pub fn models_dir(&self) -> PathBuf {
        self.root.join("models")
    }

    /// Folders searched for a model: the data folder's, then `models/` of the source checkout
    /// this binary was built from, where the set-up puts the default model.
    pub fn model_search_dirs(&self) -> Vec<PathBuf> {
        let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
        let checkout = std::fs::canonicalize(&checkout).unwrap_or(checkout);
        vec![self.models_dir(), checkout]
    }

    /// Where downloads are written until they are complete and checked: outside `models/`,
    /// so a partial file is never taken for a model.
    pub fn downloads_dir(&self) -> PathBuf {
        self.root.join("downloads")
    }

    /// Where a download of the model file `file` from `url` ends (in the models folder) and
    /// where it grows until it is checked (in the downloads folder). The partial file is named
    /// for the address too: two links to files of the same name never resume into each other.
    pub fn download_of(&self, file: &str, url: &str) -> (PathBuf, PathBuf) {
        use sha2::Digest;
        let source = hex::encode(&sha2::Sha256::digest(url.as_bytes())[..6]);
        (
            self.models_dir().join(file),
            self.downloads_dir()
                .join(format!("{file}.{source}.partial")),
        )
    }

    /// The models a person imported and the one they chose.
    pub fn shelf(&self) -> ShelfFile {
        ShelfFile::new(self.root.join("models.json"), self.models_dir())
    }

    /// The model to load: `explicit`, else `$HEARTH_MODEL`, else the one chosen with
    /// `hearth models use` (or in the app), else the first one found.
    pub fn model(&self, explicit: Option<PathBuf>) -> Result<PathBuf, LocateError> {
        match explicit
            .or_else(|| std::env::var_os(MODEL_ENV).map(PathBuf::from))
            .or_else(|| self.shelf().chosen())
        {
            Some(path) => Ok(path),
            None => models::locate(&self.model_search_dirs()),
        }
    }

    /// Points the engine's Hugging Face cache into the data folder, so loading a local model
    /// writes nothing elsewhere. Call before any thread starts (it sets an environment
    /// variable).
    pub fn prepare_engine_environment(&self) {
        std::env::set_var("HF_HOME", self.root.join("engine-cache"));
    }
}
