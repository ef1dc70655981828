//! Plain text in an unknown encoding: a byte-order mark decides (UTF-8, UTF-16), else UTF-8 if
//! the bytes are valid UTF-8, else Latin-1 (as Windows-1252, its common superset). Binary data
//! is refused rather than shown as mojibake.

use encoding_rs::{Encoding, WINDOWS_1252};

use super::DocumentError;

pub fn decode(name: &str, bytes: &[u8]) -> Result<String, DocumentError> {
    let text = match Encoding::for_bom(bytes) {
        Some((encoding, bom)) => encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned(),
        None => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) if looks_binary(bytes) => return Err(DocumentError::Binary(name.to_string())),
            Err(_) => WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        },
    };
    if text.chars().any(|c| c == '\0') || control_share(&text) > 0.05 {
        return Err(DocumentError::Binary(name.to_string()));
    }
    Ok(text)
}

/// NUL bytes never occur in 8-bit text.
fn looks_binary(bytes: &[u8]) -> bool {
    bytes.contains(&0)
}

/// The share of control characters other than whitespace: text has next to none.
fn control_share(text: &str) -> f64 {
    let (mut controls, mut all) = (0usize, 0usize);
    for c in text.chars().take(100_000) {
        all += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            controls += 1;
        }
    }
    controls as f64 / all.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utf8_utf16_and_latin1() {
        assert_eq!(decode("a", "café".as_bytes()).unwrap(), "café");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("café".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode("a", &utf16).unwrap(), "café");
        assert_eq!(decode("a", b"caf\xe9").unwrap(), "café");
        assert_eq!(decode("a", &[0xEF, 0xBB, 0xBF, b'h', b'i']).unwrap(), "hi");
    }

    #[test]
    fn refuses_binary() {
        assert!(matches!(
            decode("a", b"\x7fELF\x02\x01\x01\x00\x00"),
            Err(DocumentError::Binary(_))
        ));
    }
}
