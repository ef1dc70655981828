//! The models a person added and the one they chose, kept in `models.json` in the data folder.
//! It is a plain file, not part of the encrypted history, because the app loads the model
//! before the history is unlocked; it holds paths, no conversation text.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::library::{self, KnownModel, Origin};
use super::{fit, inspect, GgufError};

#[derive(Debug, thiserror::Error)]
pub enum ShelfError {
    #[error(transparent)]
    Model(#[from] GgufError),
    #[error("Hearth knows no model called \"{0}\". `hearth models list` shows the ones it knows; a path to a .gguf file works too.")]
    Unknown(String),
    #[error("\"{name}\" could mean any of: {}. Use the path.", .matches.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    Ambiguous { name: String, matches: Vec<PathBuf> },
    #[error("{0} is already in Hearth's models folder.")]
    AlreadyThere(PathBuf),
    #[error("Could not copy the model into {path}: {source}. Nothing was added.")]
    Copy {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} was not copied or downloaded by Hearth, so Hearth does not delete it. It is no longer listed if it was imported; delete the file yourself if you want it gone.")]
    NotOurs(PathBuf),
    #[error("Deleting {} ({}) cannot be undone; confirm to delete it.", .0.display(), fit::size(std::fs::metadata(.0).map_or(0, |m| m.len())))]
    ConfirmDelete(PathBuf),
    #[error("Could not delete {path}: {source}.")]
    Delete {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("Could not save the list of models in {path}: {source}.")]
    Save {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What `models.json` holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Shelf {
    /// The model the app and the command line load, unless told otherwise.
    pub chosen: Option<PathBuf>,
    /// Files used where they are, outside the models folders.
    pub imported: Vec<PathBuf>,
}

/// Where the shelf lives and the folder Hearth copies and downloads models into.
#[derive(Debug, Clone)]
pub struct ShelfFile {
    path: PathBuf,
    models_dir: PathBuf,
}

/// What `remove` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", content = "path", rename_all = "camelCase")]
pub enum Removed {
    /// An imported file, no longer listed; the file is where it was.
    Forgotten(PathBuf),
    /// A file Hearth copied or downloaded, deleted.
    Deleted(PathBuf),
}

impl ShelfFile {
    pub fn new(path: PathBuf, models_dir: PathBuf) -> Self {
        Self { path, models_dir }
    }

    /// The shelf as saved; a missing or unreadable file is an empty shelf, so a damaged
    /// `models.json` never stops Hearth from starting.
    pub fn load(&self) -> Shelf {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn save(&self, shelf: &Shelf) -> Result<(), ShelfError> {
        let error = |source| ShelfError::Save {
            path: self.path.clone(),
            source,
        };
        let json = serde_json::to_vec_pretty(shelf).map_err(|e| error(e.into()))?;
        // Written beside, then renamed: a crash never leaves half a file.
        let partial = self.path.with_extension("json.partial");
        crate::owner_only::write(&partial, &json).map_err(error)?;
        std::fs::rename(&partial, &self.path).map_err(error)
    }

    /// The chosen model, if it is still there.
    pub fn chosen(&self) -> Option<PathBuf> {
        self.load().chosen.filter(|p| p.is_file())
    }

    /// Every model: the files in `dirs` and the imported ones.
    pub fn list(&self, dirs: &[PathBuf]) -> Vec<KnownModel> {
        library::list(dirs, &self.load().imported, &self.models_dir)
    }

    /// Adds `file` after checking it: used where it is, or with `copy` copied into the models
    /// folder (through a partial file, so an interrupted copy never looks like a model).
    pub fn import(&self, file: &Path, copy: bool) -> Result<KnownModel, ShelfError> {
        inspect(file)?;
        let file = std::fs::canonicalize(file).map_err(|_| GgufError::Missing(file.into()))?;
        if library::is_in(&file, &self.models_dir) {
            return Err(ShelfError::AlreadyThere(file));
        }
        let path = if copy {
            let name = file.file_name().unwrap_or_default();
            let target = self.models_dir.join(name);
            let partial = self
                .models_dir
                .join(format!("{}.partial", name.to_string_lossy()));
            let copied =
                std::fs::copy(&file, &partial).and_then(|_| std::fs::rename(&partial, &target));
            if let Err(source) = copied {
                let _ = std::fs::remove_file(&partial);
                return Err(ShelfError::Copy {
                    path: target,
                    source,
                });
            }
            target
        } else {
            let mut shelf = self.load();
            if !shelf.imported.contains(&file) {
                shelf.imported.push(file.clone());
                self.save(&shelf)?;
            }
            file
        };
        let origin = if copy {
            Origin::Hearth
        } else {
            Origin::Imported
        };
        Ok(library::describe(&path, origin, fit::available_memory()))
    }

    /// Makes the model named `name` (its name, file name or path) the one Hearth loads.
    pub fn choose(&self, dirs: &[PathBuf], name: &str) -> Result<PathBuf, ShelfError> {
        let path = self.find(dirs, name)?;
        inspect(&path)?;
        let mut shelf = self.load();
        shelf.chosen = Some(path.clone());
        self.save(&shelf)?;
        Ok(path)
    }

    /// Forgets an imported model, or deletes a model file Hearth copied or downloaded (the
    /// files in its own models folder) if `delete` confirms it. Any other file is left alone.
    pub fn remove(
        &self,
        dirs: &[PathBuf],
        name: &str,
        delete: bool,
    ) -> Result<Removed, ShelfError> {
        let path = self.find(dirs, name)?;
        let mut shelf = self.load();
        if shelf.chosen.as_ref() == Some(&path) {
            shelf.chosen = None;
        }
        let removed = if let Some(at) = shelf.imported.iter().position(|p| *p == path) {
            shelf.imported.remove(at);
            Removed::Forgotten(path)
        } else if library::is_in(&path, &self.models_dir) {
            if !delete {
                return Err(ShelfError::ConfirmDelete(path));
            }
            std::fs::remove_file(&path).map_err(|source| ShelfError::Delete {
                path: path.clone(),
                source,
            })?;
            Removed::Deleted(path)
        } else {
            return Err(ShelfError::NotOurs(path));
        };
        self.save(&shelf)?;
        Ok(removed)
    }

    /// The one known model that `name` names: a path, a file name, or a listed name
    /// (case aside).
    fn find(&self, dirs: &[PathBuf], name: &str) -> Result<PathBuf, ShelfError> {
        let as_path = Path::new(name);
        if as_path.is_file() {
            return std::fs::canonicalize(as_path)
                .map_err(|_| GgufError::Missing(as_path.into()).into());
        }
        let wanted = name.to_lowercase();
        let matches: Vec<PathBuf> = self
            .list(dirs)
            .into_iter()
            .filter(|m| {
                m.name.to_lowercase() == wanted
                    || m.path
                        .file_name()
                        .is_some_and(|f| f.to_string_lossy().to_lowercase() == wanted)
            })
            .map(|m| m.path)
            .collect();
        match matches.as_slice() {
            [] => Err(ShelfError::Unknown(name.to_string())),
            [one] => Ok(one.clone()),
            _ => Err(ShelfError::Ambiguous {
                name: name.to_string(),
                matches,
            }),
        }
    }
}
