//! Hostile PDFs, written byte by byte: a form that draws itself, a chain of forms 500 deep, and
//! a 4 MB page that inflates to 4 GiB. Shared by the core's tests and the command line's.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A PDF whose page draws the form objects in `forms` (object 6 on), with a correct
/// cross-reference table; `content` is the page's own stream and its dictionary entries.
fn pdf(content: (&str, &[u8]), forms: &[Vec<u8>]) -> Vec<u8> {
    let page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
                /Resources << /Font << /F1 4 0 R >> /XObject << /X1 6 0 R >> >> \
                /Contents 5 0 R >>";
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        page.as_bytes().to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        stream(content.0, content.1),
    ];
    objects.extend_from_slice(forms);
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dictionary: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dictionary} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend(data);
    out.extend(b"\nendstream");
    out
}

fn form(resources: &str, content: &[u8]) -> Vec<u8> {
    stream(
        &format!("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << {resources} >>"),
        content,
    )
}

const PAGE_TEXT: &[u8] = b"BT /F1 12 Tf 72 720 Td (Hostile) Tj ET /X1 Do";

/// A page whose form (object 6) draws itself.
pub fn self_drawing(dir: &Path, name: &str) -> PathBuf {
    let forms = [form("/XObject << /X1 6 0 R >>", b"/X1 Do")];
    write(dir, name, &pdf(("", PAGE_TEXT), &forms))
}

/// A page whose form draws a form that draws a form... 500 deep; the last one writes "bottom".
pub fn deep_chain(dir: &Path, name: &str) -> PathBuf {
    let depth = 500;
    let mut forms: Vec<Vec<u8>> = (0..depth - 1)
        .map(|k| form(&format!("/XObject << /X1 {} 0 R >>", 7 + k), b"/X1 Do"))
        .collect();
    forms.push(form(
        "/Font << /F1 4 0 R >>",
        b"BT /F1 12 Tf 72 700 Td (bottom) Tj ET",
    ));
    write(dir, name, &pdf(("", PAGE_TEXT), &forms))
}

/// A page whose content stream is about 4 MB of deflate that inflates to 4 GiB of zeros.
pub fn inflating(dir: &Path, name: &str) -> PathBuf {
    use flate2::{Compress, Compression, FlushCompress};
    // One MiB of zeros, compressed and fully flushed: it stands alone, byte-aligned, so copies
    // of it one after another are one valid deflate stream.
    let mut compress = Compress::new(Compression::best(), false);
    let mut block = Vec::with_capacity(4096);
    compress
        .compress_vec(&[0u8; 1 << 20], &mut block, FlushCompress::Full)
        .expect("deflate");
    assert_eq!(compress.total_in(), 1 << 20, "the MiB went in whole");
    let copies: u64 = 4096;
    let mut zlib = vec![0x78, 0xda];
    for _ in 0..copies {
        zlib.extend(&block);
    }
    // The last block (final, empty, stored), then the Adler-32 of 4 GiB of zeros.
    zlib.extend([0x03, 0x00]);
    let b = ((copies << 20) % 65521) as u32;
    zlib.extend(((b << 16) | 1).to_be_bytes());
    write(dir, name, &pdf(("/Filter /FlateDecode", &zlib), &[]))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .and_then(|mut file| file.write_all(bytes))
        .expect("write a hostile PDF");
    path
}
