//! `cargo bench -p hearth-core --bench documents`: reading and indexing a 100-page PDF (made by
//! LibreOffice; see scripts/make-test-documents.sh), and finding the passages for a question
//! among 1,000 documents. Prints markdown tables.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use hearth_core::documents::{self, Limits};
use hearth_core::store::{NewDocument, Store, Unlock};

const RUNS: usize = 3;
const DOCUMENTS: usize = 1000;
const QUESTIONS: &[&str] = &[
    "What does the license say about patents?",
    "Can I sell copies of the program?",
    "Who is liable when the software fails?",
    "How do I apply these terms to my own work?",
    "What counts as a derivative work?",
];

fn main() {
    documents::use_program(env!("CARGO_BIN_EXE_hearth-document-reader").into());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        pdf(dir.path()).await;
        retrieval(dir.path()).await;
    });
    common::print_memory();
}

async fn pdf(dir: &Path) {
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/documents/licenses-100.pdf");
    println!("| run | pages | characters | chunks | text extraction | hashing, chunking, indexing | added in all |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for run in 1..=RUNS {
        let store = Store::open(&dir.join(format!("pdf-{run}.sqlite")), &Unlock::Keyring)
            .await
            .expect("store");
        let started = Instant::now();
        let extracted = documents::read(&pdf, &Limits::default(), |_, _| {})
            .await
            .expect("the PDF reads");
        let read = started.elapsed();
        // What a drop costs: `add` reads the file again, then hashes, chunks and indexes it.
        let started = Instant::now();
        let added = documents::add(&store, &pdf, &Limits::default(), |_, _| {})
            .await
            .expect("the PDF is added");
        let total = started.elapsed();
        let chunks = documents::split(&extracted).await.len();
        println!(
            "| {run} | {} | {} | {chunks} | {} | {} | {} |",
            extracted.pages.len(),
            added.document.chars,
            ms(read),
            ms(total.saturating_sub(read)),
            ms(total),
        );
        store.close().await;
    }
}

/// 1,000 documents of about 600 words each, cut from Debian's licence texts at different
/// places, so that words repeat across documents as they do in a real collection.
async fn retrieval(dir: &Path) {
    let store = Store::open(&dir.join("many.sqlite"), &Unlock::Keyring)
        .await
        .expect("store");
    let words = corpus();
    let mut ids = Vec::with_capacity(DOCUMENTS);
    let started = Instant::now();
    for i in 0..DOCUMENTS {
        let start = (i * 7919) % (words.len() - 600);
        let text = words[start..start + 600].join(" ");
        let extracted = documents::Extracted {
            kind: hearth_core::store::Kind::Text,
            pages: vec![text.clone()],
            paged: false,
        };
        let chunks = documents::split(&extracted).await;
        let name = format!("document-{i}.txt");
        let hash = format!("{i:064}");
        let document = NewDocument {
            name: &name,
            hash: &hash,
            size: text.len() as i64,
            kind: hearth_core::store::Kind::Text,
            pages: None,
            text: &text,
        };
        ids.push(
            store
                .add_document(document, &chunks)
                .await
                .expect("added")
                .id,
        );
    }
    println!(
        "\n{DOCUMENTS} documents added and indexed in {} (chunking and SQLite only).\n",
        ms(started.elapsed())
    );
    println!("| question | passages | search time (median of 5) |");
    println!("| --- | --- | --- |");
    for question in QUESTIONS {
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..5 {
            let started = Instant::now();
            found = documents::passages_for(&store, &ids, question)
                .await
                .expect("search")
                .len();
            times.push(started.elapsed());
        }
        times.sort();
        println!("| {question} | {found} | {} |", ms(times[2]));
    }
    store.close().await;
}

fn corpus() -> Vec<String> {
    let licenses = Path::new("/usr/share/common-licenses");
    [
        "GPL-3",
        "GPL-2",
        "Apache-2.0",
        "LGPL-2.1",
        "MPL-2.0",
        "GFDL-1.3",
        "Artistic",
    ]
    .iter()
    .filter_map(|name| std::fs::read_to_string(licenses.join(name)).ok())
    .flat_map(|text| {
        text.split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    })
    .collect()
}

fn ms(duration: Duration) -> String {
    format!("{} ms", duration.as_millis())
}
