//! Personas: one is written in the Personas view, chosen for a new chat, and its sampling and
//! instructions are what the reply is written with; a conversation gets instructions of its own.

use fantoccini::Locator;

use crate::harness::{until, within, App, ONE_APP_AT_A_TIME, PATIENCE};

impl App {
    /// Replaces the text of the field `selector` finds.
    pub(super) async fn fill(&self, selector: &str, text: &str) {
        let field = self.find(selector).await;
        self.scroll_to(&field).await;
        within("clearing a field", field.clear())
            .await
            .expect("clear");
        within("typing", field.send_keys(text))
            .await
            .expect("typing");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_persona_is_created_and_a_chat_talks_with_it() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;

    app.click("[data-testid=open-personas]").await;
    let shipped = until("the shipped personas", PATIENCE, || async {
        let names = app.texts("[data-testid=persona-title]").await;
        (!names.is_empty()).then_some(names)
    })
    .await;
    assert_eq!(
        shipped,
        ["Assistant", "Concise", "Proofreader", "Translator"]
    );
    app.click("[data-testid=persona-new]").await;
    app.fill("[data-testid=persona-name]", "Pirate").await;
    app.fill("[data-testid=persona-instructions]", "Talk like a pirate.")
        .await;
    app.fill("[data-testid=persona-temperature]", "0").await;
    app.fill("[data-testid=persona-max-tokens]", "5").await;
    app.click("[data-testid=persona-save]").await;
    until("the new persona in the list", PATIENCE, || async {
        let names = app.texts("[data-testid=persona-title]").await;
        names.iter().any(|n| n == "Pirate").then_some(())
    })
    .await;

    // A new chat with the persona: its reply is at most the persona's 5 tokens.
    app.click("[data-testid=open-personas]").await;
    let picker = until("the persona picker", PATIENCE, || async {
        app.client()
            .find(Locator::Css("[data-testid=persona-picker]"))
            .await
            .ok()
    })
    .await;
    within("choosing Pirate", picker.select_by_label("Pirate"))
        .await
        .expect("choose Pirate");
    app.type_message("Tell me about the sea.").await;
    app.reply_done().await;
    let metrics = app.wait_for_text("[data-testid=metrics]").await;
    assert!(metrics.contains("· 5 tokens"), "{metrics}");
    let chosen = app
        .text("[data-testid=persona-picker] option:checked")
        .await
        .unwrap_or_default();
    assert_eq!(chosen, "Pirate");

    // Instructions of the conversation's own.
    app.click("[data-testid=instructions-toggle]").await;
    app.fill("[data-testid=instructions]", "Answer in French.")
        .await;
    app.click("[data-testid=instructions-save]").await;
    let toggle = until("the conversation's own instructions", PATIENCE, || async {
        let text = app.text("[data-testid=instructions-toggle]").await?;
        text.contains("own").then_some(text)
    })
    .await;
    assert_eq!(toggle.trim(), "Instructions (own)");
    app.save_screenshot("e2e-personas.png").await;
    app.quit().await;
}
