//! Documents: reading a file's text offline (one module per format), splitting it into chunks
//! with their page numbers, keeping both in the store, and answering questions from them.
//! Extraction runs in a child process (`child.rs`), where a hostile file can cost nothing but
//! its own reading.

mod ask;
mod child;
mod chunks;
mod format;
mod html;
mod intake;
mod limits;
mod office;
mod pdf;
mod text;
mod work;

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use ask::{ask, label, passages_for, search_query, Answer, AskError, Question};
pub use child::{serve_if_asked, use_program};
pub use chunks::split;
pub use format::extensions;
pub use intake::{add, add_many, expand, Added, Outcome, Reading};
pub use limits::Limits;
pub use work::run_job;

use crate::store::{Kind, StoreError};

/// A file's text, page by page (formats without pages give one page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extracted {
    pub kind: Kind,
    pub pages: Vec<String>,
    /// Whether the format has real pages (PDF), rather than one page for the whole text.
    pub paged: bool,
}

impl Extracted {
    pub fn text(&self) -> String {
        self.pages.join("\n\n")
    }
}

/// Why a file could not be read. Each says which file and what to do. The reader in the
/// child process sends them to the parent as they are.
#[derive(Debug, thiserror::Error, Serialize, Deserialize)]
pub enum DocumentError {
    #[error("{0} does not exist (was it moved or deleted?).")]
    NotFound(String),
    #[error("The folder {0} holds no document Hearth can read.")]
    EmptyFolder(String),
    #[error("The folder {name} holds {files} documents; add at most {limit} at a time.")]
    FolderTooBig {
        name: String,
        files: usize,
        limit: usize,
    },
    #[error("{name} cannot be read: {reason}")]
    Unreadable { name: String, reason: String },
    #[error("{name} is {size_mb:.0} MB; Hearth reads documents up to {limit_mb} MB.")]
    TooLarge {
        name: String,
        size_mb: f64,
        limit_mb: u64,
    },
    #[error("{0} is empty.")]
    Empty(String),
    #[error("{0} has no text Hearth can read (it looks like a binary file).")]
    Binary(String),
    #[error("{name}: .{extension} files are not supported. Hearth reads text, markdown, HTML, PDF, DOCX, ODT, CSV and source code.")]
    Unsupported { name: String, extension: String },
    #[error("{0} has no text layer (a scanned PDF?); OCR is not supported.")]
    NoTextLayer(String),
    #[error(
        "{0} is password-protected; open it in its own app and save a copy without the password."
    )]
    Encrypted(String),
    #[error("{name} is damaged or not a real {kind} file ({reason}).")]
    Damaged {
        name: String,
        kind: String,
        reason: String,
    },
    #[error("{name} has {pages} pages; Hearth reads up to {limit} pages per document.")]
    TooManyPages {
        name: String,
        pages: usize,
        limit: usize,
    },
    #[error(
        "{name} holds more than {limit} characters of text; Hearth keeps up to that per document."
    )]
    TooMuchText { name: String, limit: usize },
    #[error("{0} unpacks to far more data than its size (an archive bomb?); it was not read.")]
    ArchiveBomb(String),
    #[error("Reading {name} took longer than {seconds} s and was stopped.")]
    TimedOut { name: String, seconds: u64 },
    #[error("{name} could not be read: {reason} It was left out; Hearth carries on.")]
    ReaderFailed { name: String, reason: String },
    #[error(transparent)]
    #[serde(skip)]
    Store(#[from] StoreError),
}

/// Reads `path`'s text within `limits`, off the async threads; `on_page(done, total)` reports
/// progress through long files.
pub async fn read(
    path: &Path,
    limits: &Limits,
    on_page: impl Fn(usize, usize) + Send + 'static,
) -> Result<Extracted, DocumentError> {
    let bytes = read_bytes(path, limits).await?;
    child::extract_in_child(path, bytes, limits, on_page).await
}

/// The file's bytes, within the size limit.
async fn read_bytes(path: &Path, limits: &Limits) -> Result<Vec<u8>, DocumentError> {
    let (owned, limits_owned) = (path.to_path_buf(), limits.clone());
    off_thread(path, limits, move || {
        limits::read_capped(&owned, &limits_owned)
    })
    .await
}

/// Runs blocking work on `path` under `limits.time`.
async fn off_thread<T: Send + 'static>(
    path: &Path,
    limits: &Limits,
    work: impl FnOnce() -> Result<T, DocumentError> + Send + 'static,
) -> Result<T, DocumentError> {
    let name = display_name(path);
    match tokio::time::timeout(limits.time, tokio::task::spawn_blocking(work)).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(DocumentError::Unreadable {
            name,
            reason: "reading the file failed".to_string(),
        }),
        Err(_) => Err(DocumentError::TimedOut {
            name,
            seconds: limits.time.as_secs(),
        }),
    }
}

/// The text of `bytes`, read as the file `path` names.
pub fn extract(
    path: &Path,
    bytes: &[u8],
    limits: &Limits,
    on_page: &dyn Fn(usize, usize),
) -> Result<Extracted, DocumentError> {
    let name = display_name(path);
    if bytes.is_empty() {
        return Err(DocumentError::Empty(name));
    }
    let kind = format::detect(path, bytes)?;
    let (pages, paged) = match kind {
        Kind::Pdf => (pdf::pages(&name, bytes, limits, on_page)?, true),
        Kind::Docx | Kind::Odt => (office::pages(&name, kind, bytes, limits)?, false),
        Kind::Html => (vec![html::text(&name, bytes)?], false),
        Kind::Text | Kind::Markdown | Kind::Csv | Kind::Code => {
            (vec![text::decode(&name, bytes)?], false)
        }
    };
    let chars: usize = pages.iter().map(|p| p.chars().count()).sum();
    if chars > limits.max_chars {
        return Err(DocumentError::TooMuchText {
            name,
            limit: limits.max_chars,
        });
    }
    if pages.iter().all(|p| p.trim().is_empty()) {
        return Err(match kind {
            Kind::Pdf => DocumentError::NoTextLayer(name),
            _ => DocumentError::Empty(name),
        });
    }
    Ok(Extracted { kind, pages, paged })
}

/// A file's name as people see it.
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
