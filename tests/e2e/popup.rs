//! The global shortcut and its popup: the selection summarized next to the pointer, what it
//! cannot summarize explained, a shortcut another app holds named, and the popup's timings.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{
    clipboard, letters, offer, popup_visible, press, select, until, wait_for_popup, App, APP, MAIN,
    ONE_APP_AT_A_TIME, PATIENCE, POPUP,
};

#[tokio::test(flavor = "multi_thread")]
async fn the_shortcut_summarizes_the_selection_in_a_popup() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let meeting = include_str!("../../crates/hearth-core/tests/texts/meeting.txt");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;
    assert!(!popup_visible(), "the popup starts hidden");

    select(meeting);
    press("ctrl+shift+space");
    wait_for_popup(true, "the shortcut").await;
    app.switch_to(POPUP).await;
    let summary = app.popup_result().await.expect("a summary");
    assert_eq!(
        app.text("[data-testid=popup-title]").await.as_deref(),
        Some("Summary")
    );

    app.click("[data-testid=popup-copy]").await;
    let copied = until("the summary on the clipboard", PATIENCE, || async {
        let copied = clipboard();
        (letters(&copied) == letters(&summary)).then_some(copied)
    })
    .await;
    assert!(!copied.trim().is_empty());
    app.save_screenshot("e2e-popup.png").await;

    app.close_popup().await;

    // A second press while a summary runs starts over on the new selection.
    select(meeting);
    press("ctrl+shift+space");
    wait_for_popup(true, "the shortcut again").await;
    until("the first summary to stream", PATIENCE, || async {
        let text = app.text("[data-testid=popup-text]").await?;
        (!text.trim().is_empty()).then_some(())
    })
    .await;
    select("Sarah's bakery on Elm Street will close for two weeks in August for repairs. Bread orders can be picked up at the market stall on Saturdays instead.");
    press("ctrl+shift+space");
    let restarted = app
        .popup_result()
        .await
        .expect("a summary of the new selection");
    assert_ne!(letters(&restarted), letters(&summary));

    // Where no shortcut can be grabbed, a desktop key runs the command line instead.
    app.close_popup().await;
    let forwarded = std::process::Command::new(APP)
        .arg("--summarize-selection")
        .env("HEARTH_DATA_DIR", data.path())
        .status()
        .expect("the app runs");
    assert!(forwarded.success(), "the second start hands over and exits");
    wait_for_popup(true, "the forwarded command").await;
    app.popup_result()
        .await
        .expect("a summary by the forwarded command");

    // Open in Hearth keeps it in history and shows it in the main window.
    app.click("[data-testid=popup-open]").await;
    wait_for_popup(false, "Open in Hearth").await;
    app.switch_to(MAIN).await;
    let title = until("the kept summary to open", PATIENCE, || async {
        let title = app.text("[data-testid=title]").await?;
        title.starts_with("Summary: ").then_some(title)
    })
    .await;
    assert!(title.contains("bakery"), "{title}");
    assert_eq!(app.texts("[data-testid=message]").await.len(), 2);
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_popup_explains_what_it_cannot_summarize() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;

    // Nothing selected, an image on the clipboard.
    select("");
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src-tauri/icons/32x32.png"
    ))
    .expect("an icon");
    offer("clipboard", "image/png", &png);
    press("ctrl+shift+space");
    wait_for_popup(true, "the shortcut on an empty selection").await;
    app.switch_to(POPUP).await;
    let error = app.popup_result().await.expect_err("nothing to summarize");
    assert!(error.contains("Nothing is selected"), "{error}");

    // A 5 MB selection is refused at once.
    select(&"All work and no play makes Jack a dull boy. ".repeat(120_000));
    press("ctrl+shift+space");
    let error = until("the refusal", PATIENCE, || async {
        let error = app.text("[data-testid=popup-error]").await?;
        error.contains("KB").then_some(error)
    })
    .await;
    assert!(error.contains("at most 100 KB"), "{error}");
    press("Escape");
    wait_for_popup(false, "Esc on the refusal").await;

    // An invalid shortcut is refused with a reason, and the old one keeps working.
    app.switch_to(MAIN).await;
    app.click("[data-testid=open-settings]").await;
    app.fill("[data-testid=setting-shortcut]", "Ctrl+Banana")
        .await;
    app.click("[data-testid=settings-save]").await;
    let refusal = app.wait_for_text("[data-testid=settings-error]").await;
    assert!(
        refusal.contains("\"Ctrl+Banana\" is not a shortcut"),
        "{refusal}"
    );
    select("The library opens an hour later on Mondays from next week.");
    press("ctrl+shift+space");
    wait_for_popup(true, "the shortcut kept after a refusal").await;
    // Closed with its × button this time.
    app.switch_to(POPUP).await;
    app.click("[aria-label='Close (Esc)']").await;
    wait_for_popup(false, "the close button").await;
    app.switch_to("[data-testid=settings]").await;

    // A valid one takes over, and is kept.
    app.fill("[data-testid=setting-shortcut]", "ctrl+alt+h")
        .await;
    app.click("[data-testid=settings-save]").await;
    app.wait_for_text("[data-testid=settings-notice]").await;
    let shortcut = app
        .script(
            "reading the shortcut field",
            "return document.querySelector('[data-testid=setting-shortcut]').value;",
            vec![],
        )
        .await
        .expect("the field's value");
    assert_eq!(shortcut, json!("Ctrl+Alt+H"));
    press("ctrl+alt+h");
    wait_for_popup(true, "the new shortcut").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shortcut_taken_by_another_app_is_named() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    // Another program holding Ctrl+Shift+Space: here, a Hearth with its own data folder.
    let other_data = tempfile::tempdir().expect("temp dir");
    let mut other = std::process::Command::new(APP)
        .env("HEARTH_DATA_DIR", other_data.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the app runs");
    until("the other app's window", PATIENCE, || async {
        std::process::Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", "^Hearth$"])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
            .then_some(())
    })
    .await;
    // Its shortcut is registered once its window is up; give the X server a moment.
    tokio::time::sleep(Duration::from_secs(1)).await;

    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    let banner = app.wait_for_text("[data-testid=error]").await;
    let _ = other.kill();
    let _ = other.wait();
    assert!(
        banner.contains("Ctrl+Shift+Space could not be registered: another app already uses it"),
        "{banner}"
    );
    app.quit().await;
}

/// Not a test: the timings for the README (scripts/bench-popup.sh runs it). Key press to popup
/// on screen, and key press to the first word of the summary, for the 300-word text.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark; run by scripts/bench-popup.sh"]
async fn popup_timings() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let data = tempfile::tempdir().expect("temp dir");
    let meeting = include_str!("../../crates/hearth-core/tests/texts/meeting.txt");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;
    app.switch_to(POPUP).await;
    println!("| run | key to popup shown | key to first summary word |");
    println!("| --- | --- | --- |");
    for run in 1..=runs {
        select(meeting);
        let pressed = Instant::now();
        press("ctrl+shift+space");
        let shown = async {
            while !popup_visible() {}
            pressed.elapsed()
        };
        let first_word = async {
            loop {
                let text = app
                    .text("[data-testid=popup-text]")
                    .await
                    .unwrap_or_default();
                if !text.trim().is_empty() {
                    return pressed.elapsed();
                }
            }
        };
        let (shown, first_word) = tokio::join!(shown, first_word);
        println!(
            "| {run} | {} ms | {} ms |",
            shown.as_millis(),
            first_word.as_millis()
        );
        app.popup_result().await.expect("a summary");
        app.close_popup().await;
    }
    app.quit().await;
}
