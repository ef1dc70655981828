//! Export and import in the window: every conversation exported to a JSON file through the
//! save dialog, and imported through the open dialog into a fresh data folder.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{until, App, ONE_APP_AT_A_TIME, PATIENCE};

fn dialog_window(title: &str) -> Option<String> {
    let out = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", &format!("^{title}$")])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let id = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()?
        .to_string();
    (!id.is_empty()).then_some(id)
}

fn xdotool(args: &[&str]) {
    let ok = Command::new("xdotool")
        .args(args)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "xdotool {args:?}");
}

/// Types `path` into the file dialog titled `title` once it is up, and presses Enter, as a
/// person would (GTK's dialogs take a typed path in their name or location field). A busy
/// machine may map the dialog before it takes keys: then the dialog is still up, and the path
/// is typed again.
async fn answer_dialog(title: &str, path: &Path) {
    let typed = path.to_str().expect("a UTF-8 path");
    for _ in 0..3 {
        let window = until(&format!("the dialog \"{title}\""), PATIENCE, || async {
            dialog_window(title)
        })
        .await;
        tokio::time::sleep(Duration::from_millis(1000)).await;
        xdotool(&["windowfocus", "--sync", &window]);
        xdotool(&["key", "--clearmodifiers", "ctrl+a"]);
        xdotool(&["type", "--delay", "20", typed]);
        tokio::time::sleep(Duration::from_millis(500)).await;
        xdotool(&["key", "Return"]);
        let closed = Instant::now();
        while closed.elapsed() < Duration::from_secs(10) {
            if dialog_window(title).is_none() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    panic!("the dialog \"{title}\" did not take the path {typed} in three tries");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_conversation_is_exported_and_imported_into_a_fresh_hearth() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let file = data.path().join("exported.json");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;
    app.type_message("Name a river in France.").await;
    app.reply_done().await;
    app.click("[data-testid=export-json]").await;
    answer_dialog("Export conversations", &file).await;
    let notice = until("the export's notice", PATIENCE, || async {
        app.text("[data-testid=history-notice]").await
    })
    .await;
    assert_eq!(
        notice,
        "Exported. The file is not encrypted: keep it somewhere private."
    );
    let text = std::fs::read_to_string(&file).expect("the exported file");
    assert!(text.contains("\"format\": \"hearth-history\""), "{text}");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&file).expect("the file").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600, "only its owner reads the export");
    app.quit().await;

    let fresh = tempfile::tempdir().expect("temp dir");
    let app = App::start(fresh.path(), &[]).await;
    app.wait_for_model().await;
    app.click("[data-testid=import]").await;
    answer_dialog("Import conversations", &file).await;
    let notice = until("the import's notice", PATIENCE, || async {
        app.text("[data-testid=history-notice]").await
    })
    .await;
    assert_eq!(notice, "Imported 1 conversation.");
    let titles = until(
        "the imported conversation in the list",
        PATIENCE,
        || async {
            let titles = app.texts("[data-testid=conversations] .title").await;
            (!titles.is_empty()).then_some(titles)
        },
    )
    .await;
    assert_eq!(titles, ["Name a river in France."]);
    app.click("[data-testid=conversations] .title").await;
    let messages = until("the imported messages", PATIENCE, || async {
        let texts = app.texts("[data-testid=message]").await;
        (texts.len() == 2).then_some(texts)
    })
    .await;
    assert!(
        messages[0].contains("Name a river in France."),
        "{messages:?}"
    );
    app.save_screenshot("e2e-import.png").await;
    app.quit().await;
}
