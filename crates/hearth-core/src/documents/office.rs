//! DOCX and ODT: zip files holding the text as XML (word/document.xml, content.xml). The zip
//! is checked before anything is unpacked, and reading stops at the cap, so an archive bomb
//! costs nothing. DOCX pages are split at explicit page breaks; ODT has no page marks in its
//! text, so it reads as one page.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;
use zip::ZipArchive;

use super::{DocumentError, Kind, Limits};

pub fn pages(
    name: &str,
    kind: Kind,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<String>, DocumentError> {
    let damaged = |reason: String| DocumentError::Damaged {
        name: name.to_string(),
        kind: kind.label().to_string(),
        reason,
    };
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(e.to_string()))?;
    let declared: u64 = (0..archive.len())
        .filter_map(|i| archive.by_index_raw(i).ok().map(|f| f.size()))
        .sum();
    if declared > limits.max_unpacked_bytes {
        return Err(DocumentError::ArchiveBomb(name.to_string()));
    }
    let part = match kind {
        Kind::Docx => "word/document.xml",
        _ => "content.xml",
    };
    let file = archive
        .by_name(part)
        .map_err(|_| damaged(format!("it has no {part}")))?;
    // The declared size can lie: stop reading at the cap whatever it says.
    let mut xml = Vec::new();
    file.take(limits.max_unpacked_bytes + 1)
        .read_to_end(&mut xml)
        .map_err(|e| damaged(e.to_string()))?;
    if xml.len() as u64 > limits.max_unpacked_bytes {
        return Err(DocumentError::ArchiveBomb(name.to_string()));
    }
    let marks = match kind {
        Kind::Docx => &DOCX,
        _ => &ODT,
    };
    paragraphs(&xml, marks).map_err(damaged)
}

/// The elements that carry text and structure in one format.
struct Marks {
    text: &'static [u8],
    paragraphs: &'static [&'static [u8]],
    tab: &'static [u8],
    line_break: &'static [u8],
    space: Option<&'static [u8]>,
}

const DOCX: Marks = Marks {
    text: b"w:t",
    paragraphs: &[b"w:p"],
    tab: b"w:tab",
    line_break: b"w:br",
    space: None,
};

const ODT: Marks = Marks {
    text: b"",
    paragraphs: &[b"text:p", b"text:h"],
    tab: b"text:tab",
    line_break: b"text:line-break",
    space: Some(b"text:s"),
};

/// Paragraphs separated by blank lines; pages split where a DOCX has a page break.
fn paragraphs(xml: &[u8], marks: &Marks) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_reader(xml);
    let mut pages = vec![String::new()];
    let mut depth_in_paragraph = 0usize;
    let mut in_text = false;
    let mut buffer = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|e| e.to_string())?;
        let page = pages.last_mut().ok_or("no page")?;
        match event {
            Event::Start(e) => {
                let tag = e.name().as_ref().to_vec();
                if marks.paragraphs.contains(&tag.as_slice()) {
                    depth_in_paragraph += 1;
                } else if tag == marks.text {
                    in_text = true;
                }
            }
            Event::Empty(e) => {
                let tag = e.name().as_ref().to_vec();
                if tag == marks.tab {
                    page.push('\t');
                } else if Some(tag.as_slice()) == marks.space {
                    page.push(' ');
                } else if tag == marks.line_break {
                    let page_break = e
                        .attributes()
                        .flatten()
                        .any(|a| a.key.as_ref() == b"w:type" && a.value.as_ref() == b"page");
                    if page_break {
                        pages.push(String::new());
                    } else {
                        page.push('\n');
                    }
                }
            }
            Event::Text(t) if in_text || (marks.text.is_empty() && depth_in_paragraph > 0) => {
                page.push_str(&t.decode().map_err(|e| e.to_string())?);
            }
            Event::GeneralRef(r)
                if in_text || (marks.text.is_empty() && depth_in_paragraph > 0) =>
            {
                if let Some(c) = r.resolve_char_ref().map_err(|e| e.to_string())? {
                    page.push(c);
                } else {
                    let entity = r.decode().map_err(|e| e.to_string())?;
                    let resolved = quick_xml::escape::resolve_predefined_entity(&entity);
                    page.push_str(resolved.unwrap_or_default());
                }
            }
            Event::End(e) => {
                let tag = e.name().as_ref().to_vec();
                if tag == marks.text {
                    in_text = false;
                } else if marks.paragraphs.contains(&tag.as_slice()) {
                    depth_in_paragraph = depth_in_paragraph.saturating_sub(1);
                    if depth_in_paragraph == 0 {
                        page.push_str("\n\n");
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    Ok(pages
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect())
}
