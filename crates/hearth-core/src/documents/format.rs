//! Which format a file is: by its first bytes where the format has a signature, else by its
//! extension.

use std::path::Path;

use super::{display_name, DocumentError};
use crate::store::Kind;

const CODE: &[&str] = &[
    "rs", "py", "js", "mjs", "ts", "tsx", "jsx", "svelte", "vue", "c", "h", "cc", "cpp", "hpp",
    "cs", "java", "kt", "go", "rb", "php", "swift", "scala", "sh", "bash", "zsh", "ps1", "sql",
    "css", "scss", "json", "toml", "yaml", "yml", "xml", "ini", "cfg", "conf", "lua", "pl", "r",
    "dart", "zig", "hs", "ml", "ex", "exs", "clj", "el", "vim", "gradle", "cmake", "mk",
];

/// Each kind and the file extensions it is read from.
const FORMATS: &[(Kind, &[&str])] = &[
    (Kind::Text, &["txt", "text", "log", "rst"]),
    (Kind::Markdown, &["md", "markdown"]),
    (Kind::Html, &["html", "htm", "xhtml"]),
    (Kind::Pdf, &["pdf"]),
    (Kind::Docx, &["docx"]),
    (Kind::Odt, &["odt"]),
    (Kind::Csv, &["csv", "tsv"]),
    (Kind::Code, CODE),
];

/// The extensions Hearth reads, for an open dialog's filter.
pub fn extensions() -> Vec<&'static str> {
    FORMATS
        .iter()
        .flat_map(|(_, e)| e.iter().copied())
        .collect()
}

fn by_extension(extension: &str) -> Option<Kind> {
    // A file without an extension (README, LICENSE) is read as text.
    if extension.is_empty() {
        return Some(Kind::Text);
    }
    FORMATS
        .iter()
        .find(|(_, extensions)| extensions.contains(&extension))
        .map(|(kind, _)| *kind)
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

pub fn supported_extension(path: &Path) -> bool {
    by_extension(&extension(path)).is_some()
}

pub fn detect(path: &Path, bytes: &[u8]) -> Result<Kind, DocumentError> {
    let extension = extension(path);
    let named = by_extension(&extension);
    if bytes.starts_with(b"%PDF-") {
        return Ok(Kind::Pdf);
    }
    // DOCX and ODT are zip files: the extension tells which.
    if let Some(kind @ (Kind::Docx | Kind::Odt)) = named {
        if bytes.starts_with(b"PK\x03\x04") {
            return Ok(kind);
        }
    }
    match named {
        Some(Kind::Pdf) | Some(Kind::Docx) | Some(Kind::Odt) => Err(DocumentError::Damaged {
            name: display_name(path),
            kind: named.map(Kind::label).unwrap_or("document").to_string(),
            reason: "it does not start like one".to_string(),
        }),
        Some(kind) => Ok(kind),
        None => Err(DocumentError::Unsupported {
            name: display_name(path),
            extension,
        }),
    }
}
