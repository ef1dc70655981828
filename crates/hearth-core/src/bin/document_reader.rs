//! The document reader on its own, for the core's tests and benchmarks: their binaries are not
//! Hearth's, which serves as its own reader (`documents/child.rs`).

fn main() {
    hearth_core::documents::serve_if_asked();
    eprintln!("hearth-document-reader: started by Hearth to read one document, not by hand");
    std::process::exit(2);
}
