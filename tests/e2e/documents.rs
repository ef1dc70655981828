//! Documents in the app: files dragged from another app onto the window (a small GTK drag
//! source moved by xdotool, as a person drags from a file manager), read, summarized, asked
//! about with sources, and deleted. Files built to kill their reader cost a sentence each.

use std::path::Path;
use std::time::Duration;

use crate::harness::{assert_pinned, main_window, until, App, ONE_APP_AT_A_TIME, PATIENCE};

#[path = "../../crates/hearth-core/tests/common/hostile.rs"]
mod hostile;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/crates/hearth-core/tests/documents"
);

/// Drags `files` from a GTK window beside Hearth's onto the middle of Hearth's window.
pub(super) fn drag_onto_window(files: &[&Path]) {
    use std::io::BufRead;
    let (x, y, width, height) = main_window();
    let (source_x, source_y) = (x + width + 20, y + 20);
    let mut source = std::process::Command::new("/usr/bin/python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/e2e/drag_source.py"
        ))
        .args([source_x.to_string(), source_y.to_string()])
        .args(files)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 with GTK (scripts/setup.sh --test installs it)");
    let mut ready = String::new();
    let stdout = source.stdout.take().expect("the drag source's output");
    std::io::BufReader::new(stdout)
        .read_line(&mut ready)
        .expect("the drag source starts");
    assert_eq!(ready.trim(), "ready");

    // Small steps with pauses, as a hand moves: GTK starts a drag only past a threshold, and
    // the window under the pointer must see it enter.
    let target = (x + width / 2, y + height / 2);
    let start = (source_x + 80, source_y + 40);
    let xdotool = |args: &[String]| {
        let ok = std::process::Command::new("xdotool")
            .args(args)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "xdotool {args:?}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let moveto =
        |(px, py): (i32, i32)| xdotool(&["mousemove".into(), px.to_string(), py.to_string()]);
    moveto(start);
    xdotool(&["mousedown".into(), "1".into()]);
    for step in 1..=6 {
        let along = |a: i32, b: i32| a + (b - a) * step / 6;
        moveto((along(start.0, target.0), along(start.1, target.1)));
    }
    moveto((target.0 + 5, target.1 + 5));
    xdotool(&["mouseup".into(), "1".into()]);
    let _ = source.wait();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_document_is_read_summarized_asked_about_and_deleted() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;

    let fixtures = Path::new(FIXTURES);
    drag_onto_window(&[
        &fixtures.join("handbook.pdf"),
        &fixtures.join("scanned.pdf"),
    ]);
    let name = app.wait_for_text("[data-testid=document-name]").await;
    assert_eq!(name, "handbook.pdf");
    let problem = app.wait_for_text("[data-testid=add-problem]").await;
    assert!(
        problem.contains("scanned.pdf has no text layer"),
        "{problem}"
    );
    assert!(problem.contains("OCR is not supported"), "{problem}");

    app.click("[data-testid=read-document]").await;
    let text = app.wait_for_text("[data-testid=document-text]").await;
    assert!(text.contains("laser cutter"), "{text}");
    app.click("[data-testid=close-reader]").await;

    app.click("[data-testid=summarize-document]").await;
    let summary = until("the summary", PATIENCE, || async {
        let replies = app
            .texts(".message.assistant:not([aria-busy=true]) .markdown")
            .await;
        replies.first().filter(|r| !r.trim().is_empty()).cloned()
    })
    .await;
    assert_pinned("e2e-handbook-summary", &summary);
    assert_eq!(
        app.wait_for_text("[data-testid=title]").await,
        "Summary: handbook.pdf"
    );
    assert_eq!(
        app.wait_for_text("[data-testid=attached]").await.trim(),
        "About: handbook.pdf"
    );

    // The conversation goes on about the document: the answer shows where it came from.
    app.wait_for_text("[data-testid=send]").await;
    app.type_message("How much is the late fee for a book?")
        .await;
    let source = app.wait_for_text("[data-testid=source]").await;
    assert!(source.starts_with("[1] handbook.pdf, page "), "{source}");
    app.click("[data-testid=source]").await;
    let passage = app.wait_for_text("[data-testid=passage]").await;
    assert!(text.contains(passage.split_whitespace().next().unwrap_or("")));
    app.save_screenshot("e2e-documents.png").await;

    app.wait_for_text("[data-testid=send]").await;
    app.click("[data-testid=open-documents]").await;
    app.click("[data-testid=delete-document]").await;
    app.click("[data-testid=cancel-delete]").await;
    assert_eq!(app.texts("[data-testid=document]").await.len(), 1, "kept");
    app.click("[data-testid=delete-document]").await;
    app.click("[data-testid=confirm-delete]").await;
    app.wait_for_none("an empty list", "[data-testid=document]")
        .await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_pdfs_dropped_on_the_window_cost_a_sentence_each() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let files = tempfile::tempdir().expect("temp dir");
    let self_drawing = hostile::self_drawing(files.path(), "self-drawing.pdf");
    let inflating = hostile::inflating(files.path(), "inflating.pdf");
    let deep = hostile::deep_chain(files.path(), "deep.pdf");
    let handbook = files.path().join("handbook.pdf");
    std::fs::copy(Path::new(FIXTURES).join("handbook.pdf"), &handbook).expect("the handbook");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;

    drag_onto_window(&[&self_drawing, &inflating, &deep, &handbook]);
    let reason = "it needs deeper nesting or more memory than Hearth gives one document; is it \
                  damaged? It was left out; Hearth carries on.";
    let problems = until("both problems", PATIENCE, || async {
        Some(app.texts("[data-testid=add-problem]").await).filter(|p| p.len() == 2)
    })
    .await;
    assert_eq!(
        problems,
        [
            format!("self-drawing.pdf could not be read: {reason}"),
            format!("inflating.pdf could not be read: {reason}"),
        ]
    );
    // The app lives on and kept the others: 500 forms deep is deep, but a real structure.
    let mut kept = app.texts("[data-testid=document-name]").await;
    kept.sort();
    assert_eq!(kept, ["deep.pdf", "handbook.pdf"]);
    app.quit().await;
}
