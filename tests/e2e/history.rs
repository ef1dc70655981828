//! Finding old conversations and the keyboard: a search opens a conversation at the matching
//! message, the shortcuts do what the help overlay says, and Esc stops a reply.

use fantoccini::key::Key;

use crate::harness::{until, within, App, ONE_APP_AT_A_TIME, PATIENCE};

impl App {
    /// Sends `keys` to the element `selector` finds.
    pub(super) async fn keys(&self, selector: &str, keys: &str) {
        let element = self.find(selector).await;
        within(&format!("typing into {selector}"), element.send_keys(keys))
            .await
            .expect("typing");
    }

    /// Presses Ctrl with `key` in the element `selector` finds (WebDriver keeps a modifier
    /// down until Null).
    async fn ctrl(&self, selector: &str, key: &str) {
        let chord = format!("{}{key}{}", char::from(Key::Control), char::from(Key::Null));
        self.keys(selector, &chord).await;
    }

    pub(super) async fn reply_done(&self) {
        self.wait_for_text("[data-testid=send]").await;
    }

    /// The `data-testid` of the focused element.
    async fn focused(&self) -> Option<String> {
        let value = self
            .script(
                "reading the focused element",
                "return document.activeElement?.dataset?.testid ?? null;",
                vec![],
            )
            .await
            .ok()?;
        serde_json::from_value(value).ok()?
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn search_opens_a_conversation_at_the_message_and_the_shortcuts_work() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;

    app.type_message("Say hello to Marguerite, the lighthouse keeper.")
        .await;
    app.reply_done().await;
    // Ctrl+N: a new, empty chat, and the second conversation.
    app.ctrl("[data-testid=composer]", "n").await;
    app.wait_for_none("an empty chat", "[data-testid=message]")
        .await;
    app.type_message("Write a very long story about a dragon who learns to bake bread.")
        .await;
    // Esc stops the reply; what streamed is kept.
    until("the reply to stream", PATIENCE, || async {
        let text = app.text("[aria-busy=true] .markdown").await?;
        (text.trim().chars().count() > 10).then_some(())
    })
    .await;
    app.keys(
        "[data-testid=composer]",
        &char::from(Key::Escape).to_string(),
    )
    .await;
    app.wait_for_text("[data-testid=stopped]").await;
    app.reply_done().await;

    // Ctrl+K puts the cursor in the search box; typing finds the first conversation's message
    // with the word marked, however little of it is typed.
    app.ctrl("[data-testid=composer]", "k").await;
    until("the search box to have the cursor", PATIENCE, || async {
        (app.focused().await.as_deref() == Some("search")).then_some(())
    })
    .await;
    app.keys("[data-testid=search]", "lighthouse margu").await;
    // The title matches as well as the message (and the reply, if it names both).
    let hit = "[data-testid=search-result][data-role=user]";
    let marked = until("the message among the search results", PATIENCE, || async {
        let marks = app.texts(&format!("{hit} mark")).await;
        (!marks.is_empty()).then_some(marks)
    })
    .await;
    assert_eq!(marked, ["Marguerite", "lighthouse"]);
    let title_marks = app
        .texts("[data-testid=search-result][data-role=title] mark")
        .await;
    assert_eq!(title_marks, ["Marguerite", "lighthouse"]);
    app.click(hit).await;
    let found = until("the message the search found", PATIENCE, || async {
        app.text(".message.found").await
    })
    .await;
    assert!(found.contains("Marguerite"), "{found}");
    let title = app.text("[data-testid=title]").await.unwrap_or_default();
    assert!(title.starts_with("Say hello to Marguerite"), "{title}");

    // Ctrl+/ shows the shortcuts; Esc closes them.
    app.ctrl("[data-testid=composer]", "/").await;
    let help = app.wait_for_text("[data-testid=shortcuts]").await;
    assert!(help.contains("Ctrl+K"), "{help}");
    app.keys(
        "[data-testid=composer]",
        &char::from(Key::Escape).to_string(),
    )
    .await;
    app.wait_for_none("the help to close", "[data-testid=shortcuts]")
        .await;
    app.save_screenshot("e2e-search.png").await;
    app.quit().await;
}
