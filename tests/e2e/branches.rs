//! Editing and regenerating: a regenerated reply and an edited question become new versions
//! beside the old ones, and the arrows move between them.

use fantoccini::key::Key;
use fantoccini::Locator;

use crate::harness::{until, within, App, ONE_APP_AT_A_TIME, PATIENCE};

const QUESTION: &str = "[data-testid=message][data-role=user]";
const REPLY: &str = "[data-testid=message][data-role=assistant]";

impl App {
    /// The shown branch: each message's role initial, text, and version ("2/3") if it has
    /// more than one.
    async fn branch(&self) -> Vec<(String, String)> {
        let value = self
            .script(
                "reading the shown branch",
                "return [...document.querySelectorAll('[data-testid=message]')].map(m => [
                    m.querySelector('.plain, .markdown')?.textContent ?? '',
                    m.querySelector('[data-testid=version]')?.textContent ?? '',
                ]);",
                vec![],
            )
            .await
            .ok();
        value
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default()
    }

    /// Waits until the shown branch has `count` messages and the reply's version is `version`.
    async fn wait_for_branch(
        &self,
        what: &str,
        count: usize,
        version: &str,
    ) -> Vec<(String, String)> {
        until(what, PATIENCE, || async {
            let branch = self.branch().await;
            let busy = self.text("[aria-busy=true]").await.is_some();
            (!busy && branch.len() == count && branch.last()?.1 == version).then_some(branch)
        })
        .await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_question_is_edited_and_a_reply_regenerated_and_the_old_versions_stay() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;

    app.type_message("Name a fruit.").await;
    app.reply_done().await;
    let first = app.wait_for_branch("the first reply", 2, "").await;

    // Regenerate: a second reply beside the first, "2/2", and the arrow goes back to it.
    app.click(&format!("{REPLY} [data-testid=regenerate]"))
        .await;
    let again = app.wait_for_branch("the regenerated reply", 2, "2/2").await;
    app.reply_done().await;
    assert_eq!(again[0], first[0]);
    app.click(&format!("{REPLY} [data-testid=previous-version]"))
        .await;
    let back = app.wait_for_branch("the first reply again", 2, "1/2").await;
    assert_eq!(back[1].0, first[1].0);

    // Up in the empty composer edits the last question; Enter sends the new version.
    app.keys("[data-testid=composer]", &char::from(Key::Up).to_string())
        .await;
    let edit_box = until("the edit box", PATIENCE, || async {
        app.client()
            .find(Locator::Css("[data-testid=edit-box]"))
            .await
            .ok()
    })
    .await;
    assert_eq!(
        within("reading the edit box", edit_box.prop("value"))
            .await
            .expect("value")
            .as_deref(),
        Some("Name a fruit.")
    );
    within("clearing the edit box", edit_box.clear())
        .await
        .expect("clear");
    app.type_and_enter("[data-testid=edit-box]", "Name a colour.")
        .await;
    let edited = app.wait_for_branch("the reply to the edit", 2, "").await;
    app.reply_done().await;
    assert_eq!(edited[0], ("Name a colour.".to_string(), "2/2".to_string()));

    // The first version of the question is still there, with its newest reply.
    app.click(&format!("{QUESTION} [data-testid=previous-version]"))
        .await;
    let old = app
        .wait_for_branch("the first question's branch", 2, "2/2")
        .await;
    assert_eq!(old[0], ("Name a fruit.".to_string(), "1/2".to_string()));
    assert_eq!(old[1].0, again[1].0);
    app.save_screenshot("e2e-branches.png").await;
    app.quit().await;
}
