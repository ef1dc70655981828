//! The bounds on what one document may cost: its size, pages, text and reading time.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{display_name, DocumentError};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_pages: usize,
    pub max_chars: usize,
    /// How much a DOCX or ODT may unpack to, in all.
    pub max_unpacked_bytes: u64,
    pub time: Duration,
    pub max_folder_files: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 50 * 1024 * 1024,
            max_pages: 2000,
            max_chars: 5_000_000,
            max_unpacked_bytes: 200 * 1024 * 1024,
            time: Duration::from_secs(120),
            max_folder_files: 200,
        }
    }
}

impl Limits {
    /// The defaults with another size cap, in MB.
    pub fn with_max_mb(max_mb: u64) -> Self {
        Self {
            max_bytes: max_mb * 1024 * 1024,
            ..Self::default()
        }
    }

    pub fn max_mb(&self) -> u64 {
        self.max_bytes / (1024 * 1024)
    }
}

/// The file's bytes, refusing folders and files over the size cap (also one that grows while
/// it is read).
pub fn read_capped(path: &Path, limits: &Limits) -> Result<Vec<u8>, DocumentError> {
    let name = display_name(path);
    let unreadable = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => DocumentError::NotFound(name.clone()),
        _ => DocumentError::Unreadable {
            name: name.clone(),
            reason: e.to_string(),
        },
    };
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if metadata.is_dir() {
        return Err(DocumentError::Unreadable {
            name,
            reason: "it is a folder.".to_string(),
        });
    }
    let too_large = |size: u64| DocumentError::TooLarge {
        name: name.clone(),
        size_mb: size as f64 / (1024.0 * 1024.0),
        limit_mb: limits.max_mb(),
    };
    if metadata.len() > limits.max_bytes {
        return Err(too_large(metadata.len()));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    File::open(path)
        .and_then(|f| f.take(limits.max_bytes + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}
