//! Getting documents in: files and folders expanded into the files to read, each read and
//! kept once (by content hash), with progress as it goes and a sentence for each failure.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::child::extract_in_child;
use super::{display_name, format, read_bytes, split, DocumentError, Limits};
use crate::store::{DocumentInfo, NewDocument, Store};

/// A file that was added, and whether the same content was already there.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Added {
    pub document: DocumentInfo,
    pub already_there: bool,
}

/// What became of one file of many.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Outcome {
    Added(Added),
    Failed { name: String, message: String },
}

/// Where adding many files is: file `index` (from 1) of `total`, and in it page `page` of
/// `pages` for formats with pages.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Reading {
    pub name: String,
    pub index: usize,
    pub total: usize,
    pub page: Option<usize>,
    pub pages: Option<usize>,
}

/// Adds every file of `paths` (folders give their supported files). A file that fails does
/// not stop the others; a folder that cannot be used stops before anything is read.
pub async fn add_many(
    store: &Store,
    paths: &[PathBuf],
    limits: &Limits,
    on_reading: impl Fn(Reading) + Send + Sync + Clone + 'static,
) -> Result<Vec<Outcome>, DocumentError> {
    let files = expand(paths, limits)?;
    let total = files.len();
    let mut outcomes = Vec::with_capacity(total);
    for (i, file) in files.iter().enumerate() {
        let name = display_name(file);
        let reading = move |page, pages| Reading {
            name: name.clone(),
            index: i + 1,
            total,
            page,
            pages,
        };
        on_reading(reading(None, None));
        let report = on_reading.clone();
        let on_page = move |done, pages| report(reading(Some(done), Some(pages)));
        outcomes.push(match add(store, file, limits, on_page).await {
            Ok(added) => Outcome::Added(added),
            Err(error) => Outcome::Failed {
                name: display_name(file),
                message: error.to_string(),
            },
        });
    }
    Ok(outcomes)
}

/// Reads `path` and keeps it with its chunks; the same content twice is stored once.
pub async fn add(
    store: &Store,
    path: &Path,
    limits: &Limits,
    on_page: impl Fn(usize, usize) + Send + 'static,
) -> Result<Added, DocumentError> {
    let bytes = read_bytes(path, limits).await?;
    let hash = format!("{:x}", Sha256::digest(&bytes));
    // A file added before is found by its hash, without reading its text again.
    if let Some(document) = store.document_by_hash(&hash).await? {
        return Ok(Added {
            document,
            already_there: true,
        });
    }
    let size = bytes.len() as i64;
    let extracted = extract_in_child(path, bytes, limits, on_page).await?;
    let chunks = split(&extracted).await;
    let document = store
        .add_document(
            NewDocument {
                name: &display_name(path),
                hash: &hash,
                size,
                kind: extracted.kind,
                pages: extracted.paged.then_some(extracted.pages.len() as i64),
                text: &extracted.text(),
            },
            &chunks,
        )
        .await?;
    Ok(Added {
        document,
        already_there: false,
    })
}

/// The files to add for `paths`: files as given, and the supported files directly inside a
/// folder (at most `limits.max_folder_files`).
pub fn expand(paths: &[PathBuf], limits: &Limits) -> Result<Vec<PathBuf>, DocumentError> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let name = display_name(path);
        let entries = std::fs::read_dir(path).map_err(|e| DocumentError::Unreadable {
            name: name.clone(),
            reason: e.to_string(),
        })?;
        let mut inside: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && format::supported_extension(p))
            .collect();
        if inside.is_empty() {
            return Err(DocumentError::EmptyFolder(name));
        }
        if inside.len() > limits.max_folder_files {
            return Err(DocumentError::FolderTooBig {
                name,
                files: inside.len(),
                limit: limits.max_folder_files,
            });
        }
        inside.sort();
        files.extend(inside);
    }
    Ok(files)
}
