//! Fuzzing of what reads hostile input, in every test run: mutated real files (the default
//! model's GGUF header, each document format, a history export) go through the same paths the
//! app uses, and each must end in a value or a sentence: no panic, no hang, no abort of Hearth.
//! Fixed seeds make a failure repeat; `HEARTH_FUZZ_CASES` sets the cases per target (1,000 by
//! default; docs/benchmarks.md has the longer run). A document reader that dies is not a
//! failure here (it costs a sentence by design) but is counted and reported.

mod common;

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{default_model, temp_store, RUNTIME};
use hearth_core::documents::{self, DocumentError, Limits};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};

fn cases() -> u32 {
    std::env::var("HEARTH_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000)
}

fn runner(seed: u64) -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        // A mutated file is its own shrink: the first failure is reported as it is.
        max_shrink_iters: 0,
        ..Config::default()
    })
}

/// One change to a file's bytes: overwrite, insert, delete or cut, at a place chosen as a
/// fraction of its length (so the same edits apply to files of any size).
#[derive(Debug, Clone)]
enum Edit {
    Set(f64, u8),
    Insert(f64, Vec<u8>),
    Delete(f64, usize),
    Cut(f64),
}

fn edits(max: usize) -> impl Strategy<Value = Vec<Edit>> {
    let place = 0.0..1.0f64;
    let edit = prop_oneof![
        4 => (place.clone(), any::<u8>()).prop_map(|(at, b)| Edit::Set(at, b)),
        2 => (place.clone(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, b)| Edit::Insert(at, b)),
        2 => (place.clone(), 1..64usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        1 => place.prop_map(Edit::Cut),
    ];
    prop::collection::vec(edit, 1..max)
}

fn apply(bytes: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for edit in edits {
        let at = |f: f64| ((out.len() as f64) * f) as usize;
        match edit {
            Edit::Set(f, b) => {
                let i = at(*f);
                if let Some(byte) = out.get_mut(i) {
                    *byte = *b;
                }
            }
            Edit::Insert(f, b) => {
                let i = at(*f).min(out.len());
                out.splice(i..i, b.iter().copied());
            }
            Edit::Delete(f, n) => {
                let i = at(*f).min(out.len());
                let end = (i + n).min(out.len());
                out.drain(i..end);
            }
            Edit::Cut(f) => out.truncate(at(*f)),
        }
    }
    out
}

/// A sentence a person can read: words, ending as a sentence ends.
fn is_sentence(text: &str) -> bool {
    let text = text.trim();
    text.len() > 10 && text.contains(' ') && text.ends_with(['.', '?', ')'])
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/documents")
        .join(name)
}

/// Every mutation of `name` read as the app reads a dropped file: text or a sentence.
fn fuzz_document(name: &str, seed: u64) {
    let original = std::fs::read(fixture(name)).expect("the fixture");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    let deaths = AtomicUsize::new(0);
    let limits = Limits {
        time: std::time::Duration::from_secs(10),
        ..Limits::default()
    };
    runner(seed)
        .run(&edits(12), |edits| {
            std::fs::write(&path, apply(&original, &edits)).expect("the mutated file");
            let read = RUNTIME.block_on(documents::read(&path, &limits, |_, _| {}));
            match read {
                Ok(_) => {}
                Err(DocumentError::ReaderFailed { .. }) => {
                    deaths.fetch_add(1, Ordering::Relaxed);
                }
                Err(error) => {
                    let said = error.to_string();
                    prop_assert!(is_sentence(&said), "not a sentence: {said:?}");
                }
            }
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{name}: {failure}"));
    eprintln!(
        "fuzz {name}: {} cases, {} readers died (each a sentence)",
        cases(),
        deaths.load(Ordering::Relaxed)
    );
}

#[test]
fn mutated_pdfs_are_read_or_refused_with_a_sentence() {
    fuzz_document("handbook.pdf", 0x5eed_0001);
}

#[test]
fn mutated_docx_files_are_read_or_refused_with_a_sentence() {
    fuzz_document("handbook.docx", 0x5eed_0002);
}

#[test]
fn mutated_odt_files_are_read_or_refused_with_a_sentence() {
    fuzz_document("handbook.odt", 0x5eed_0003);
}

#[test]
fn mutated_html_csv_and_markdown_are_read_or_refused_with_a_sentence() {
    fuzz_document("users-and-groups.html", 0x5eed_0004);
    fuzz_document("debian.csv", 0x5eed_0005);
    fuzz_document("README.md", 0x5eed_0006);
}

/// The default model's header (its metadata and tensor list, before the weights) mutated, in
/// a file as long as the model: `inspect` gives facts or a sentence.
#[test]
fn mutated_gguf_headers_are_inspected_or_refused_with_a_sentence() {
    const HEADER: usize = 3 << 20;
    let model = default_model();
    let length = std::fs::metadata(&model).expect("the model").len();
    let mut header = vec![0u8; HEADER];
    let mut source = std::fs::File::open(&model).expect("the model");
    std::io::Read::read_exact(&mut source, &mut header).expect("its header");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mutated.gguf");
    runner(0x5eed_0007)
        .run(&edits(12), |edits| {
            let mutated = apply(&header, &edits);
            let mut file = std::fs::File::create(&path).expect("the mutated file");
            file.write_all(&mutated).expect("its header");
            // The weights' place, sparse: the size checks see a whole file.
            file.seek(SeekFrom::Start(0)).expect("seek");
            file.set_len(length - HEADER as u64 + mutated.len() as u64)
                .expect("its length");
            drop(file);
            if let Err(error) = hearth_core::models::inspect(&path) {
                let said = error.to_string();
                prop_assert!(is_sentence(&said), "not a sentence: {said:?}");
            }
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("GGUF header: {failure}"));
}

/// An export as Hearth writes one: a conversation with a persona, two branches, a document
/// with passages, and an answer citing one.
fn export() -> String {
    let message = |parent: Option<usize>, role: &str, content: &str, sources| {
        serde_json::json!({
            "parent": parent, "role": role, "content": content, "createdAt": 1_700_000_000_000i64,
            "promptTokens": 12, "completionTokens": 3, "timeToFirstTokenMs": 40,
            "tokensPerSecond": 180.5, "stopped": false, "sources": sources,
        })
    };
    let cited = serde_json::json!([{ "document": "abc123", "chunk": 1 }]);
    serde_json::json!({
        "format": "hearth-history",
        "version": 1,
        "conversations": [{
            "uid": "5e1f0a52-fuzz", "title": "Library rules", "model": "SmolLM2",
            "createdAt": 1_700_000_000_000i64, "updatedAt": 1_700_000_000_500i64,
            "job": null,
            "persona": { "name": "Guide", "instructions": "Be brief.", "temperature": 0.4, "maxTokens": 200 },
            "instructions": "Answer in one line.", "shown": 3, "documents": ["abc123"],
            "messages": [
                message(None, "user", "How many books? **Ten** > [more](https://example.com)", serde_json::json!([])),
                message(Some(0), "assistant", "Ten.", cited.clone()),
                message(None, "user", "And the fee?", serde_json::json!([])),
                message(Some(2), "assistant", "One euro a day.", cited),
            ],
        }],
        "documents": [{
            "hash": "abc123", "name": "rules.pdf", "kind": "pdf", "size": 2048, "pages": 2,
            "text": "The fee is one euro a day.\nYou may borrow ten books.", "addedAt": 1_700_000_000_000i64,
            "chunks": [
                { "page": 1, "text": "The fee is one euro a day." },
                { "page": 2, "text": "You may borrow ten books." },
            ],
        }],
    })
    .to_string()
}

/// A real export mutated byte by byte: imported whole, or refused with a sentence.
#[test]
fn mutated_history_exports_are_imported_whole_or_refused_with_a_sentence() {
    let exported = export();
    let (_dir, store) = RUNTIME.block_on(temp_store());
    RUNTIME
        .block_on(hearth_core::archive::import(&store, &exported))
        .expect("the export as written imports");
    let imported = AtomicUsize::new(0);
    runner(0x5eed_0008)
        .run(&edits(8), |edits| {
            let text = String::from_utf8_lossy(&apply(exported.as_bytes(), &edits)).into_owned();
            match RUNTIME.block_on(hearth_core::archive::import(&store, &text)) {
                Ok(_) => {
                    imported.fetch_add(1, Ordering::Relaxed);
                }
                Err(error) => {
                    let said = error.to_string();
                    prop_assert!(is_sentence(&said), "not a sentence: {said:?}");
                }
            }
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("history import: {failure}"));
    eprintln!(
        "fuzz history import: {} cases, {} imported",
        cases(),
        imported.load(Ordering::Relaxed)
    );
}
