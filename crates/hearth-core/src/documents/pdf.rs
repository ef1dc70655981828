//! PDF: the text layer, page by page (lopdf parses, pdf-extract lays the text out). A PDF
//! that needs a password, or whose pages carry only images, gets its own message.

use lopdf::Document;
use pdf_extract::PlainTextOutput;

use super::{DocumentError, Limits};

pub fn pages(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    on_page: &dyn Fn(usize, usize),
) -> Result<Vec<String>, DocumentError> {
    let damaged = |reason: String| DocumentError::Damaged {
        name: name.to_string(),
        kind: "PDF".to_string(),
        reason,
    };
    let document = match Document::load_mem(bytes) {
        Ok(document) => document,
        Err(lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_)) => {
            return Err(DocumentError::Encrypted(name.to_string()))
        }
        Err(e) => return Err(damaged(e.to_string())),
    };
    // Still encrypted after load: the empty user password did not open it.
    if document.is_encrypted() {
        return Err(DocumentError::Encrypted(name.to_string()));
    }
    let numbers: Vec<u32> = document.get_pages().into_keys().collect();
    if numbers.len() > limits.max_pages {
        return Err(DocumentError::TooManyPages {
            name: name.to_string(),
            pages: numbers.len(),
            limit: limits.max_pages,
        });
    }
    let mut pages = Vec::with_capacity(numbers.len());
    for (done, number) in numbers.iter().enumerate() {
        let mut text = String::new();
        // pdf-extract panics on some malformed fonts; such a page counts as damaged.
        let page = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut output = PlainTextOutput::new(&mut text);
            pdf_extract::output_doc_page(&document, &mut output, *number)
        }));
        match page {
            Ok(Ok(())) => pages.push(text),
            Ok(Err(e)) => return Err(damaged(format!("page {number}: {e}"))),
            Err(_) => return Err(damaged(format!("page {number} could not be read"))),
        }
        on_page(done + 1, numbers.len());
    }
    Ok(pages)
}
