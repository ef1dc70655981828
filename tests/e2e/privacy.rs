//! The encrypted history in the app: its key moved from the keyring to a passphrase in
//! Settings, the passphrase asked for at the next start (a wrong one refused), the key moved
//! back; a history nothing can open set aside for a new one; a full disk met with "Try
//! again", nothing set aside; and a backup restored over the open history: the app locks it,
//! writes nothing into the restored file, and opens it with its own passphrase.

use crate::harness::{hearth_cli, until, App, ONE_APP_AT_A_TIME, PATIENCE};
use crate::tmpfs;

impl App {
    async fn choose_passphrase(&self, passphrase: &str) {
        self.fill("[data-testid=new-passphrase]", passphrase).await;
        self.fill("[data-testid=new-passphrase-again]", passphrase)
            .await;
        self.click("[data-testid=new-passphrase-submit]").await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_passphrase_chosen_in_settings_is_asked_for_at_the_next_start() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;
    app.type_message("Hello there").await;
    until("the reply to finish", PATIENCE, || async {
        let replies = app.texts(".message.assistant:not([aria-busy=true])").await;
        replies.first().filter(|r| !r.trim().is_empty()).cloned()
    })
    .await;

    app.click("[data-testid=open-settings]").await;
    let kept_in = app.wait_for_text("[data-testid=kept-in]").await;
    assert!(kept_in.contains("system keyring"), "{kept_in}");
    app.click("[data-testid=choose-passphrase]").await;
    app.choose_passphrase("correct horse").await;
    let notice = app.wait_for_text("[data-testid=key-notice]").await;
    assert!(notice.contains("new passphrase"), "{notice}");
    app.save_screenshot("e2e-privacy-settings.png").await;
    assert!(app
        .wait_for_text("[data-testid=kept-in]")
        .await
        .contains("from your passphrase"));
    app.quit().await;

    let app = App::start(data.path(), &[]).await;
    let problem = app.wait_for_text("[data-testid=history-problem]").await;
    assert!(problem.contains("protected by a passphrase"), "{problem}");
    app.save_screenshot("e2e-locked.png").await;
    app.type_and_enter("[data-testid=passphrase]", "wrong horse")
        .await;
    until("the wrong passphrase to be refused", PATIENCE, || async {
        let problem = app.text("[data-testid=history-problem]").await?;
        problem
            .contains("That passphrase does not open the history")
            .then_some(())
    })
    .await;
    app.fill("[data-testid=passphrase]", "correct horse").await;
    app.click("[data-testid=unlock-submit]").await;
    let titles = until("the conversation list", PATIENCE, || async {
        let titles = app.texts("[data-testid=conversation] .title").await;
        (!titles.is_empty()).then_some(titles)
    })
    .await;
    assert_eq!(titles, ["Hello there"]);
    app.save_screenshot("e2e-unlocked.png").await;

    app.click("[data-testid=open-settings]").await;
    app.click("[data-testid=use-keyring]").await;
    let notice = app.wait_for_text("[data-testid=key-notice]").await;
    assert!(notice.contains("system keyring"), "{notice}");
    app.quit().await;

    // The keyring opens it again without asking.
    let app = App::start(data.path(), &[]).await;
    let titles = until("the conversation list", PATIENCE, || async {
        let titles = app.texts("[data-testid=conversation] .title").await;
        (!titles.is_empty()).then_some(titles)
    })
    .await;
    assert_eq!(titles, ["Hello there"]);
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_keyring_the_window_asks_for_a_passphrase_and_uses_it() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let no_keyring = [(
        "DBUS_SESSION_BUS_ADDRESS",
        std::path::Path::new("unix:path=/nonexistent/bus"),
    )];
    let app = App::start(data.path(), &no_keyring).await;
    let problem = app.wait_for_text("[data-testid=history-problem]").await;
    assert!(
        problem.contains("The system keyring could not be used"),
        "{problem}"
    );
    app.save_screenshot("e2e-no-keyring.png").await;
    app.choose_passphrase("correct horse").await;
    app.wait_for_model().await;
    app.click("[data-testid=open-settings]").await;
    let kept_in = app.wait_for_text("[data-testid=kept-in]").await;
    assert!(kept_in.contains("from your passphrase"), "{kept_in}");
    app.quit().await;

    let app = App::start(data.path(), &no_keyring).await;
    let problem = app.wait_for_text("[data-testid=history-problem]").await;
    assert!(problem.contains("protected by a passphrase"), "{problem}");
    app.type_and_enter("[data-testid=passphrase]", "correct horse")
        .await;
    app.wait_for_model().await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_is_told_as_such_and_try_again_opens_the_history_once_there_is_room() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    // Room for the note beside the history, not for the history itself.
    let disk = tmpfs::Tmpfs::mount(64 << 10);
    let data = disk.path().join("hearth");
    std::fs::create_dir(&data).expect("the data folder");
    let app = App::start(&data, &[]).await;
    assert_eq!(
        app.wait_for_text("[data-testid=unlock] h2").await,
        "Your history could not be opened just now"
    );
    let problem = app.wait_for_text("[data-testid=history-problem]").await;
    assert!(problem.contains("full"), "{problem}");
    assert!(
        app.texts("[data-testid=start-new-history]")
            .await
            .is_empty(),
        "nothing to set aside for a full disk"
    );

    disk.resize(64 << 20);
    app.click("[data-testid=retry-open]").await;
    app.wait_for_model().await;
    app.type_message("Say one word.").await;
    app.reply_done().await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_history_replaced_while_open_is_locked_and_the_file_there_now_unlocked() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    // A backup made elsewhere: one conversation, protected by a passphrase.
    let backup = tempfile::tempdir().expect("temp dir");
    let cli = |args: &[&str]| {
        let done = std::process::Command::new(hearth_cli())
            .arg("--data-dir")
            .arg(backup.path())
            .args(args)
            .env("HEARTH_NEW_PASSPHRASE", "correct horse battery")
            .output()
            .expect("the command line runs");
        assert!(
            done.status.success(),
            "hearth {args:?}: {}",
            String::from_utf8_lossy(&done.stderr)
        );
    };
    cli(&["chat", "--max-tokens", "4", "From the backup."]);
    cli(&["key", "passphrase"]);
    let restored = std::fs::read(backup.path().join("history.sqlite3")).expect("the backup");

    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;
    app.type_message("Before the backup came back.").await;
    app.reply_done().await;

    // The backup is restored over the open history, with the note of where its key is.
    for name in ["history.sqlite3", "history.sqlite3.unlock.json"] {
        let staged = data.path().join(format!("{name}.restoring"));
        std::fs::copy(backup.path().join(name), &staged).expect("copied");
        std::fs::rename(&staged, data.path().join(name)).expect("restored over it");
    }
    let problem = app.wait_for_text("[data-testid=history-problem]").await;
    assert!(
        problem.starts_with(
            "The history file was replaced, moved or deleted while Hearth had it open"
        ),
        "{problem}"
    );
    // The history that was open wrote nothing into the file restored over it.
    assert!(
        std::fs::read(data.path().join("history.sqlite3")).expect("restored") == restored,
        "the restored file is as it was"
    );
    app.click("[data-testid=retry-open]").await;
    app.type_and_enter("[data-testid=passphrase]", "correct horse battery")
        .await;
    app.wait_for_model().await;
    let titles = until("the backup's conversation", PATIENCE, || async {
        let titles = app.texts("[data-testid=conversation] .title").await;
        (!titles.is_empty()).then_some(titles)
    })
    .await;
    assert_eq!(titles, ["From the backup."]);
    app.quit().await;
}
