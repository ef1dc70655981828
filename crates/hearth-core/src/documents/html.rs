//! HTML: the visible text only (no scripts, styles or markup), with headings and lists kept as
//! plain-text structure.

use super::{text, DocumentError};

/// Wide enough that paragraphs are never wrapped into lines.
const WIDTH: usize = 100_000;

pub fn text(name: &str, bytes: &[u8]) -> Result<String, DocumentError> {
    let source = text::decode(name, bytes)?;
    html2text::config::plain_no_decorate()
        .string_from_read(source.as_bytes(), WIDTH)
        .map_err(|e| DocumentError::Damaged {
            name: name.to_string(),
            kind: "HTML".to_string(),
            reason: e.to_string(),
        })
}
