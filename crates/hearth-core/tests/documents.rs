//! Documents in the core: extraction from genuine files (made by LibreOffice, qpdf and img2pdf,
//! or shipped by Debian; see documents/README.md), the bad files people drop, storage with its
//! FTS5 index on a real SQLite file, retrieval, and an answer from the real model.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::pinned::assert_pinned;
use common::{engine, temp_store, RUNTIME};
use hearth_core::chat::Branch;
use hearth_core::documents::{self, ask, passages_for, DocumentError, Extracted, Limits, Question};
use hearth_core::engine::Role;
use hearth_core::store::{Kind, Store};
use tokio_util::sync::CancellationToken;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/documents")
        .join(name)
}

fn read(path: &Path) -> Result<Extracted, DocumentError> {
    RUNTIME.block_on(documents::read(path, &Limits::default(), |_, _| {}))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write a test file");
    path
}

#[test]
fn reads_each_page_of_a_pdf_made_by_libreoffice() {
    let pdf = read(&fixture("handbook.pdf")).expect("the PDF reads");
    assert_eq!(pdf.kind, Kind::Pdf);
    assert_eq!(pdf.pages.len(), 3);
    assert!(
        pdf.pages[0].contains("nine in the morning"),
        "{:?}",
        pdf.pages[0]
    );
    assert!(pdf.pages[1].contains("laser cutter"), "{:?}", pdf.pages[1]);
    assert!(pdf.pages[2].contains("Willow Room"), "{:?}", pdf.pages[2]);
}

#[test]
fn reads_docx_and_odt_made_by_libreoffice() {
    let docx = read(&fixture("handbook.docx")).expect("the DOCX reads");
    assert_eq!(docx.kind, Kind::Docx);
    assert_eq!(
        docx.pages.len(),
        3,
        "split at the page breaks: {:?}",
        docx.pages
    );
    assert!(docx.pages[0].starts_with("Lakeside Community Library"));
    assert!(docx.pages[1].contains("two euros"));
    let odt = read(&fixture("handbook.odt")).expect("the ODT reads");
    assert_eq!(odt.kind, Kind::Odt);
    let text = odt.text();
    for words in [
        "twenty cents per day",
        "forty-five minutes",
        "Guide dogs are welcome",
    ] {
        assert!(text.contains(words), "{words} in {text}");
    }
    assert!(!text.contains('<'), "no markup: {text}");
}

#[test]
fn reads_html_csv_markdown_and_code_as_shipped() {
    let html = read(&fixture("users-and-groups.html")).expect("the HTML reads");
    assert_eq!(html.kind, Kind::Html);
    let text = html.text();
    assert!(text.contains("root"), "{text}");
    assert!(
        !text.contains("<p>") && !text.contains("</"),
        "visible text only"
    );
    let csv = read(&fixture("debian.csv")).expect("the CSV reads");
    assert_eq!(csv.kind, Kind::Csv);
    assert!(csv.text().contains("Bookworm"));
    let markdown = read(&fixture("README.md")).expect("markdown reads");
    assert_eq!(markdown.kind, Kind::Markdown);
    let code = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).expect("code");
    assert_eq!(code.kind, Kind::Code);
    assert!(code.text().contains("pub mod documents;"));
}

#[test]
fn detects_text_encodings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend("Grüße aus Köln".encode_utf16().flat_map(u16::to_le_bytes));
    let read_text =
        |name: &str, bytes: &[u8]| read(&write(dir.path(), name, bytes)).map(|e| e.text());
    assert_eq!(read_text("utf16.txt", &utf16).unwrap(), "Grüße aus Köln");
    assert_eq!(
        read_text("latin1.txt", b"Gr\xfc\xdfe aus K\xf6ln").unwrap(),
        "Grüße aus Köln"
    );
    assert_eq!(read_text("utf8.md", "Grüße".as_bytes()).unwrap(), "Grüße");
}

/// Whether an error is the one a bad file should give.
type Expected = fn(&DocumentError) -> bool;

#[test]
fn bad_files_get_a_clear_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = std::fs::read(fixture("handbook.pdf")).expect("fixture");
    let cases: Vec<(PathBuf, Expected)> = vec![
        (write(dir.path(), "empty.txt", b""), |e| {
            matches!(e, DocumentError::Empty(_))
        }),
        (write(dir.path(), "empty.pdf", b""), |e| {
            matches!(e, DocumentError::Empty(_))
        }),
        (write(dir.path(), "blank.txt", b" \n\n "), |e| {
            matches!(e, DocumentError::Empty(_))
        }),
        (
            write(dir.path(), "truncated.pdf", &pdf[..pdf.len() / 3]),
            |e| matches!(e, DocumentError::Damaged { .. }),
        ),
        (write(dir.path(), "fake.docx", b"not a zip at all"), |e| {
            matches!(e, DocumentError::Damaged { .. })
        }),
        (fixture("encrypted.pdf"), |e| {
            matches!(e, DocumentError::Encrypted(_))
        }),
        (fixture("scanned.pdf"), |e| {
            matches!(e, DocumentError::NoTextLayer(_))
        }),
        (
            write(
                dir.path(),
                "program.txt",
                b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00",
            ),
            |e| matches!(e, DocumentError::Binary(_)),
        ),
        (write(dir.path(), "picture.png", b"\x89PNG\r\n"), |e| {
            matches!(e, DocumentError::Unsupported { .. })
        }),
        (dir.path().join("gone.txt"), |e| {
            matches!(e, DocumentError::NotFound(_))
        }),
        (dir.path().to_path_buf(), |e| {
            matches!(e, DocumentError::Unreadable { .. })
        }),
        (bomb(dir.path()), |e| {
            matches!(e, DocumentError::ArchiveBomb(_))
        }),
        (huge(dir.path()), |e| {
            matches!(e, DocumentError::TooLarge { .. })
        }),
    ];
    for (path, expected) in cases {
        let error = read(&path).expect_err(&format!("{} is refused", path.display()));
        assert!(expected(&error), "{}: {error:?}", path.display());
        assert!(error.to_string().ends_with('.'), "a sentence: {error}");
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    std::os::unix::fs::symlink(&b, &a).expect("symlink");
    std::os::unix::fs::symlink(&a, &b).expect("symlink");
    let error = read(&a).expect_err("a loop cannot be read");
    assert!(
        matches!(error, DocumentError::Unreadable { .. }),
        "{error:?}"
    );
}

/// A DOCX whose document.xml unpacks to 300 MB of spaces (about 300 KB packed).
fn bomb(dir: &Path) -> PathBuf {
    let path = dir.join("bomb.docx");
    let file = std::fs::File::create(&path).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("word/document.xml", options).expect("entry");
    let block = vec![b' '; 1024 * 1024];
    for _ in 0..300 {
        zip.write_all(&block).expect("write");
    }
    zip.finish().expect("finish");
    path
}

/// A 1 GB file that takes no disk (sparse).
fn huge(dir: &Path) -> PathBuf {
    let path = dir.join("huge.txt");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(1024 * 1024 * 1024).expect("set length");
    path
}

/// The readers still alive whose arguments name `path`.
fn readers_of(path: &Path) -> usize {
    let name = path.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(|entry| std::fs::read(entry.ok()?.path().join("cmdline")).ok())
        .filter(|cmdline| {
            let cmdline = String::from_utf8_lossy(cmdline);
            cmdline.contains("--hearth-read-document") && cmdline.contains(&name)
        })
        .count()
}

#[cfg(unix)]
#[test]
fn a_hostile_pdf_costs_its_reader_not_hearth() {
    let dir = tempfile::tempdir().expect("temp dir");
    for path in [
        common::hostile::self_drawing(dir.path(), "self-drawing.pdf"),
        common::hostile::inflating(dir.path(), "inflating.pdf"),
    ] {
        let error = read(&path).expect_err("a hostile PDF is refused");
        assert!(
            matches!(error, DocumentError::ReaderFailed { .. }),
            "{}: {error:?}",
            path.display()
        );
        assert_eq!(
            error.to_string(),
            format!(
                "{} could not be read: it needs deeper nesting or more memory than Hearth gives \
                 one document; is it damaged? It was left out; Hearth carries on.",
                documents::display_name(&path)
            )
        );
        assert_eq!(
            readers_of(&path),
            0,
            "{}: its reader is gone",
            path.display()
        );
    }
    // 500 forms deep is deep, but a real structure: it reads, down to the last form's text.
    let deep = read(&common::hostile::deep_chain(dir.path(), "deep.pdf")).expect("it reads");
    assert_eq!(deep.pages.len(), 1);
    assert!(deep.pages[0].contains("Hostile"), "{:?}", deep.pages);
    assert!(deep.pages[0].contains("bottom"), "{:?}", deep.pages);
}

#[test]
fn a_reader_past_its_time_is_stopped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("slow-handbook.pdf");
    std::fs::copy(fixture("handbook.pdf"), &path).expect("a copy of its own");
    let limits = Limits {
        time: std::time::Duration::from_millis(1),
        ..Limits::default()
    };
    let error = RUNTIME
        .block_on(documents::read(&path, &limits, |_, _| {}))
        .expect_err("no reader answers within a millisecond");
    assert!(
        matches!(error, DocumentError::TimedOut { seconds: 0, .. }),
        "{error:?}"
    );
    assert_eq!(readers_of(&path), 0, "the reader was killed");
}

#[test]
fn a_folder_adds_its_documents() {
    let files = documents::expand(&[fixture("")], &Limits::default()).expect("a folder");
    let names: Vec<String> = files.iter().map(|f| documents::display_name(f)).collect();
    assert!(names.contains(&"handbook.pdf".to_string()), "{names:?}");
    assert!(!names.iter().any(|n| n == "source"), "{names:?}");
    let empty = tempfile::tempdir().expect("temp dir");
    let error = documents::expand(&[empty.path().to_path_buf()], &Limits::default());
    assert!(matches!(error, Err(DocumentError::EmptyFolder(_))));
}

async fn add(store: &Store, path: &Path) -> documents::Added {
    documents::add(store, path, &Limits::default(), |_, _| {})
        .await
        .expect("the document is added")
}

#[test]
fn documents_are_stored_once_indexed_and_deleted_whole() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let added = add(&store, &fixture("handbook.pdf")).await;
        assert!(!added.already_there);
        assert_eq!(added.document.pages, Some(3));
        assert_eq!(added.document.kind, Kind::Pdf);
        let again = add(&store, &fixture("handbook.pdf")).await;
        assert!(again.already_there);
        assert_eq!(again.document.id, added.document.id);
        add(&store, &fixture("handbook.odt")).await;
        assert_eq!(store.list_documents().await.unwrap().len(), 2);

        let id = added.document.id;
        let found = passages_for(&store, &[id], "laser cutter safety course")
            .await
            .unwrap();
        assert_eq!(found[0].page, Some(2), "{found:?}");
        store.delete_document(id).await.unwrap();
        assert_eq!(store.list_documents().await.unwrap().len(), 1);
        let query = documents::search_query("laser cutter").unwrap();
        assert!(store
            .search_chunks(&[id], &query, 3)
            .await
            .unwrap()
            .is_empty());
        assert!(store.delete_document(id).await.is_err(), "gone already");
    });
}

#[test]
fn retrieval_finds_the_passage_that_answers() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let mut ids = Vec::new();
        for name in [
            "handbook.docx",
            "users-and-groups.html",
            "debian.csv",
            "README.md",
        ] {
            ids.push(add(&store, &fixture(name)).await.document.id);
        }
        let questions = [
            ("How long can I borrow a film?", "films for one week"),
            (
                "What does it cost to replace a lost membership card?",
                "two euros",
            ),
            ("When does the library open?", "nine in the morning"),
            (
                "How much is the fee for returning a book late?",
                "twenty cents",
            ),
            ("Which room can clubs book?", "seats thirty people"),
            (
                "Are guide dogs allowed in the building?",
                "Guide dogs are welcome",
            ),
            ("When is the story hour for toddlers?", "every Wednesday"),
            ("What happens to root access over NFS?", "root-squashing"),
            ("When was Debian bookworm released?", "bookworm"),
        ];
        for (question, answer) in questions {
            let found = passages_for(&store, &ids, question).await.unwrap();
            assert!(
                found.iter().any(|p| p.text.contains(answer)),
                "{question}: {answer} not in {found:#?}"
            );
        }
    });
}

#[test]
fn a_question_is_answered_from_the_document_with_its_sources() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let (_dir, store) = temp_store().await;
        let id = add(&store, &fixture("handbook.pdf")).await.document.id;
        let question = Question {
            conversation_id: None,
            documents: &[id],
            text: "How much is the late fee for a book?",
            branch: Branch::Next,
            persona: None,
        };
        let answer = ask(&store, engine, question, &CancellationToken::new(), |_| {})
            .await
            .expect("an answer");
        assert_pinned("documents-late-fee-answer", &answer.message.content);
        assert!(answer
            .sources
            .iter()
            .any(|s| s.text.contains("twenty cents")));
        let conversation = answer.message.conversation_id;
        let messages = store.messages(conversation).await.unwrap();
        assert_eq!(messages[0].role, Role::User);
        assert_eq!(messages[0].content, "How much is the late fee for a book?");
        assert_eq!(
            store
                .conversation_documents(conversation)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(!store
            .conversation_sources(conversation)
            .await
            .unwrap()
            .is_empty());

        // The chat goes on about the attached document.
        let follow_up = Question {
            conversation_id: Some(conversation),
            documents: &[],
            text: "And how many items can I borrow?",
            branch: Branch::Next,
            persona: None,
        };
        let next = ask(&store, engine, follow_up, &CancellationToken::new(), |_| {})
            .await
            .expect("a second answer");
        assert_eq!(next.message.conversation_id, conversation);
        assert!(next.sources.iter().any(|s| s.text.contains("twelve items")));
    });
}

#[test]
fn a_document_is_summarized_into_a_conversation_it_is_attached_to() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let (dir, store) = temp_store().await;
        let notes = write(
            dir.path(),
            "notes.md",
            b"# Garden club\n\nThe garden club meets on Saturdays at ten. Members bring seeds \
              to swap and the club lends tools for free.\n",
        );
        let id = add(&store, &notes).await.document.id;
        let job = hearth_core::jobs::Job::Summarize {
            style: hearth_core::jobs::SummaryStyle::Sentence,
            language: None,
        };
        let summary =
            documents::run_job(&store, engine, id, job, &CancellationToken::new(), |_| {})
                .await
                .expect("a summary");
        assert_pinned("documents-notes-summary", &summary.content);
        let conversation = store.conversation(summary.conversation_id).await.unwrap();
        assert_eq!(conversation.title, "Summary: notes.md");
        let messages = store.messages(conversation.id).await.unwrap();
        assert_eq!(
            messages[0].content, "Summary of notes.md",
            "the text stays in the document"
        );
        let attached = store.conversation_documents(conversation.id).await.unwrap();
        assert_eq!(attached[0].id, id);
    });
}
