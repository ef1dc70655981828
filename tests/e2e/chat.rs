//! The chat window: a reply streams, stops and is kept across a restart; conversations are
//! renamed and deleted; a bad model file and a history that is not SQLite get clear messages;
//! a pasted text is summarized and the summary copied.

use fantoccini::key::Key;

use crate::harness::{clipboard, letters, offer, until, words, App, ONE_APP_AT_A_TIME, PATIENCE};

#[tokio::test(flavor = "multi_thread")]
async fn chat_streams_stops_and_survives_a_restart() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;
    let model = app
        .text("[data-testid=model-name]")
        .await
        .unwrap_or_default();
    assert!(
        model.contains("SmolLM2"),
        "status line names the model: {model:?}"
    );

    // A first message: the reply streams in and is stored.
    app.type_message("Hello! What is the capital of France?")
        .await;
    until("the reply to finish", PATIENCE, || async {
        let replies = app.texts(".message.assistant:not([aria-busy=true])").await;
        replies.first().filter(|r| !r.trim().is_empty()).cloned()
    })
    .await;
    let conversations = app.texts("[data-testid=conversation] .title").await;
    assert_eq!(
        conversations,
        vec!["Hello! What is the capital of France?".to_string()]
    );
    let metrics = app.text("[data-testid=metrics]").await.unwrap_or_default();
    assert!(
        metrics.contains("tokens/s"),
        "status shows speed: {metrics:?}"
    );

    // A long reply: watch it stream, then stop it.
    app.type_message("Write a very long story about a dragon who learns to bake bread.")
        .await;
    let partial = until("streamed text", PATIENCE, || async {
        let text = words(&app.text("[aria-busy=true] .markdown").await?);
        (text.chars().count() > 10).then_some(text)
    })
    .await;
    app.click("[data-testid=stop]").await;
    app.wait_for_text("[data-testid=stopped]").await;
    let stopped_reply = words(
        &app.texts(".message.assistant .markdown")
            .await
            .pop()
            .unwrap_or_default(),
    );
    assert!(
        stopped_reply.starts_with(&partial),
        "the stopped reply keeps what had streamed: {partial:?} / {stopped_reply:?}"
    );
    app.save_screenshot("e2e-chat.png").await;
    app.quit().await;

    // After a restart the conversation is listed and opens with all four messages.
    let app = App::start(data.path(), &[]).await;
    app.click("[data-testid=conversation] .title").await;
    let roles = until("the stored messages", PATIENCE, || async {
        let roles = app
            .script(
                "reading the messages' roles",
                "return [...document.querySelectorAll('[data-testid=message]')]
                    .map(m => m.dataset.role);",
                vec![],
            )
            .await
            .ok()?;
        let roles: Vec<String> = serde_json::from_value(roles).ok()?;
        (roles.len() == 4).then_some(roles)
    })
    .await;
    assert_eq!(roles, ["user", "assistant", "user", "assistant"]);
    assert!(app.text("[data-testid=stopped]").await.is_some());
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_that_is_not_a_model_gets_a_clear_message() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let fake = data.path().join("fake.gguf");
    std::fs::write(&fake, "not a model").expect("write");
    let app = App::start(data.path(), &[("HEARTH_MODEL", &fake)]).await;
    let message = app.wait_for_text("[data-testid=model-missing]").await;
    assert!(message.contains("is not a GGUF model file"), "{message}");
    assert!(message.contains("fetch-default.sh"), "{message}");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_history_file_that_is_not_sqlite_is_reported_and_kept_aside_for_a_new_one() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let db = data.path().join("history.sqlite3");
    let junk = "my notes, not a database\n".repeat(100);
    std::fs::write(&db, &junk).expect("write");
    let app = App::start(data.path(), &[]).await;
    let problem = app.wait_for_text("[data-testid=history-problem]").await;
    assert!(problem.contains("not an SQLite file"), "{problem}");
    assert_eq!(std::fs::read_to_string(&db).expect("read"), junk);

    app.click("[data-testid=start-new-history]").await;
    app.click("[data-testid=start-new-confirm]").await;
    app.wait_for_model().await;
    app.quit().await;
    let aside: Vec<String> = std::fs::read_dir(data.path())
        .expect("list")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .filter(|text| *text == junk)
        .collect();
    assert_eq!(aside.len(), 1, "the old file is kept aside, whole");
    assert_ne!(
        std::fs::read(&db).expect("the new history"),
        junk.as_bytes()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn conversations_can_be_renamed_and_deleted() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;
    app.type_message("Say one word.").await;
    app.wait_for_text("[data-testid=conversation] .title").await;

    app.click("[data-testid=rename]").await;
    // The field opens with the old title selected, so typing replaces it.
    app.type_and_enter("[data-testid=rename-input]", "Renamed chat")
        .await;
    until("the new title", PATIENCE, || async {
        let title = app.text("[data-testid=conversation] .title").await?;
        (title == "Renamed chat").then_some(())
    })
    .await;

    // Wait for the reply before deleting, so nothing is still being written.
    app.wait_for_text("[data-testid=send]").await;
    app.click("[data-testid=delete]").await;
    app.click("[data-testid=confirm-delete]").await;
    app.wait_for_none("an empty sidebar", "[data-testid=conversation]")
        .await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pasted_text_is_summarized_and_the_summary_copied() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let text = include_str!("../../crates/hearth-core/tests/texts/meeting.txt");
    offer("clipboard", "UTF8_STRING", text.as_bytes());
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;

    app.click("[data-testid=job-summarize]").await;
    // Ctrl+V, the way a person pastes; the null key releases Ctrl.
    app.keys(
        "[data-testid=composer]",
        &format!("{}v{}", char::from(Key::Control), char::from(Key::Null)),
    )
    .await;
    let pasted = until("the pasted text", PATIENCE, || async {
        let value = app
            .script(
                "reading the composer",
                "return document.querySelector('[data-testid=composer]').value;",
                vec![],
            )
            .await
            .ok()?;
        let value = value.as_str()?.to_string();
        (!value.is_empty()).then_some(value)
    })
    .await;
    assert_eq!(words(&pasted), words(text));
    app.click("[data-testid=send]").await;

    let summary = until("the summary", PATIENCE, || async {
        let replies = app
            .texts(".message.assistant:not([aria-busy=true]) .markdown")
            .await;
        replies.first().filter(|r| !r.trim().is_empty()).cloned()
    })
    .await;
    let title = app.wait_for_text("[data-testid=title]").await;
    assert!(
        title.starts_with("Summary: The city council met"),
        "{title}"
    );

    app.click("[data-testid=copy]").await;
    let copied = until("the summary on the clipboard", PATIENCE, || async {
        let copied = clipboard();
        (letters(&copied) != letters(text) && !copied.trim().is_empty()).then_some(copied)
    })
    .await;
    assert_eq!(letters(&copied), letters(&summary));
    app.save_screenshot("e2e-summarize.png").await;
    app.quit().await;
}
