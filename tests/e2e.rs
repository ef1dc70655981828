//! End to end: the release app in a real window (under Xvfb in CI), driven through WebDriver
//! (tauri-driver + WebKitWebDriver), with the real default model and a real SQLite file.
//! Needs `tauri-driver` on PATH and a DISPLAY; scripts/test.sh provides both.

#[path = "e2e/archive.rs"]
mod archive;
#[path = "e2e/branches.rs"]
mod branches;
#[path = "e2e/documents.rs"]
mod documents;
#[path = "e2e/history.rs"]
mod history;
#[path = "e2e/models.rs"]
mod models;
#[path = "e2e/personas.rs"]
mod personas;
#[path = "e2e/privacy.rs"]
mod privacy;
#[path = "e2e/reach.rs"]
mod reach;
#[path = "e2e/usage.rs"]
mod usage;

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::process::{Child, Command};

const APP: &str = env!("CARGO_BIN_EXE_hearth-desktop");
const PATIENCE: Duration = Duration::from_secs(120);

/// One app at a time: two instances starting together on a fresh display sometimes left one
/// webview that never rendered (seen here about one run in three).
static ONE_APP_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Two distinct free local ports (both are held until both are chosen).
fn free_ports() -> [u16; 2] {
    let bind = || TcpListener::bind("127.0.0.1:0").expect("a free local port");
    let (a, b) = (bind(), bind());
    let port = |l: &TcpListener| l.local_addr().map(|a| a.port()).expect("local address");
    [port(&a), port(&b)]
}

/// One run of the app: tauri-driver started with the app's environment, and a WebDriver
/// session on it. Ending the session quits the app.
struct App {
    client: Option<Client>,
    driver: Child,
}

impl App {
    async fn start(data_dir: &Path, env: &[(&str, &Path)]) -> App {
        for _ in 0..3 {
            if let Some(app) = App::try_start(data_dir, env).await {
                return app;
            }
        }
        panic!("tauri-driver did not start a session in three tries");
    }

    /// None when our tauri-driver died (most likely a port taken in the meantime): a session
    /// on that port would then belong to someone else's driver.
    async fn try_start(data_dir: &Path, env: &[(&str, &Path)]) -> Option<App> {
        let [port, native_port] = free_ports();
        let mut command = Command::new("tauri-driver");
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("HEARTH_DATA_DIR", data_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            // Its own process group, so quitting can end WebKitWebDriver and the app with it.
            .process_group(0)
            .kill_on_drop(true);
        for (key, value) in env {
            command.env(key, value);
        }
        let driver = command
            .spawn()
            .expect("tauri-driver on PATH (scripts/setup.sh --test installs it)");
        let mut app = App {
            client: None,
            driver,
        };
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("wry"));
        capabilities.insert("tauri:options".into(), json!({ "application": APP }));
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if !app.driver_alive() {
                return None;
            }
            // A session request that is never answered (WebKitWebDriver busy with another
            // session) is given up and tried again, like a refused one.
            let connected = tokio::time::timeout(
                Duration::from_secs(10),
                ClientBuilder::native()
                    .capabilities(capabilities.clone())
                    .connect(&url),
            )
            .await;
            if let Ok(Ok(client)) = connected {
                if !app.driver_alive() {
                    let _ = client.close().await;
                    return None;
                }
                app.client = Some(client);
                return Some(app);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    }

    fn driver_alive(&mut self) -> bool {
        matches!(self.driver.try_wait(), Ok(None))
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("a session")
    }

    /// Runs `script` in the page with `args`; fails the test naming `what` if WebDriver does
    /// not answer within the command limit.
    async fn script(
        &self,
        what: &str,
        script: &str,
        args: Vec<serde_json::Value>,
    ) -> Result<serde_json::Value, fantoccini::error::CmdError> {
        within(what, self.client().execute(script, args)).await
    }

    async fn quit(self) {
        if let Some(client) = self.client.clone() {
            // Past the limit, dropping `self` ends the app anyway.
            let _ = tokio::time::timeout(COMMAND_LIMIT, client.close()).await;
        }
    }

    /// The text of every element matching `selector`, read in one script call so nothing
    /// goes stale between finding and reading. Nothing while the page is not ready yet.
    async fn texts(&self, selector: &str) -> Vec<String> {
        self.script(
            &format!("reading {selector}"),
            "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent);",
            vec![json!(selector)],
        )
        .await
        .ok()
        .and_then(|value| serde_json::from_value(value).ok())
        .unwrap_or_default()
    }

    async fn text(&self, selector: &str) -> Option<String> {
        self.texts(selector).await.into_iter().next()
    }

    /// The text of the first element matching `selector`, once there is one.
    async fn wait_for_text(&self, selector: &str) -> String {
        until(selector, PATIENCE, || async { self.text(selector).await }).await
    }

    /// The element `selector` finds now; fails the test naming it if WebDriver does not answer
    /// within the command limit or nothing matches.
    async fn find(&self, selector: &str) -> fantoccini::elements::Element {
        within(selector, self.client().find(Locator::Css(selector)))
            .await
            .expect(selector)
    }

    async fn click(&self, selector: &str) {
        let element = until(selector, PATIENCE, || async {
            self.client().find(Locator::Css(selector)).await.ok()
        })
        .await;
        within(&format!("a click on {selector}"), element.click())
            .await
            .expect("click");
    }

    /// Scrolls `element` to the middle of the view: WebKit's driver neither types into nor
    /// photographs what is off the screen.
    async fn scroll_to(&self, element: &fantoccini::elements::Element) {
        let element = serde_json::to_value(element).expect("an element as a script argument");
        self.script(
            "scrolling to an element",
            "arguments[0].scrollIntoView({ block: 'center' });",
            vec![element],
        )
        .await
        .expect("scrolled to the element");
    }

    async fn wait_for_model(&self) {
        until("the composer to be enabled", PATIENCE, || async {
            let composer = self
                .client()
                .find(Locator::Css("[data-testid=composer]"))
                .await
                .ok()?;
            composer.is_enabled().await.ok()?.then_some(())
        })
        .await;
    }

    async fn type_message(&self, text: &str) {
        self.type_and_enter("[data-testid=composer]", text).await;
    }

    async fn type_and_enter(&self, selector: &str, text: &str) {
        self.keys(selector, &format!("{text}{}", char::from(Key::Enter)))
            .await;
    }

    async fn save_screenshot(&self, name: &str) {
        let what = format!("a screenshot for {name}");
        if let Ok(png) = within(&what, self.client().screenshot()).await {
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
            let _ = std::fs::write(dir.join(name), png);
        }
    }
}

impl Drop for App {
    /// Ends tauri-driver's whole process group (WebKitWebDriver and the app with it), also when
    /// a test fails half-way.
    fn drop(&mut self) {
        if let Some(pid) = self.driver.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", "--", &format!("-{pid}")])
                .status();
        }
    }
}

/// Text with its white space folded, to compare rendered markdown.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How long one WebDriver command may take before the test fails.
const COMMAND_LIMIT: Duration = Duration::from_secs(60);

/// `command`'s answer; fails the test, naming `what`, if none comes within `COMMAND_LIMIT`.
async fn within<T>(what: &str, command: impl Future<Output = T>) -> T {
    tokio::time::timeout(COMMAND_LIMIT, command)
        .await
        .unwrap_or_else(|_| panic!("WebDriver did not answer {what} within a minute"))
}

/// Polls `probe` until it gives a value; fails the test with `what` after `timeout`.
async fn until<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        // A probe is a WebDriver command, which can itself stop answering.
        let left = timeout.saturating_sub(start.elapsed());
        if let Ok(Some(value)) = tokio::time::timeout(left, probe()).await {
            return value;
        }
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

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
    until("an empty sidebar", PATIENCE, || async {
        app.texts("[data-testid=conversation]")
            .await
            .is_empty()
            .then_some(())
    })
    .await;
    app.quit().await;
}

fn clipboard() -> String {
    let out = std::process::Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Letters and digits only, to compare markdown with its rendered text.
fn letters(text: &str) -> String {
    words(&text.replace(|c: char| !c.is_alphanumeric(), " "))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pasted_text_is_summarized_and_the_summary_copied() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let text = include_str!("../crates/hearth-core/tests/texts/meeting.txt");
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

/// Puts `text` in the X selection named `selection` ("primary" or "clipboard") the way another
/// app would (xclip keeps serving it), with `mime` as its type.
fn offer(selection: &str, mime: &str, data: &[u8]) {
    use std::io::Write;
    let mut xclip = std::process::Command::new("xclip")
        .args(["-selection", selection, "-t", mime])
        .stdin(Stdio::piped())
        // It keeps serving the selection in the background: it must not hold our output open.
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("xclip on PATH (scripts/setup.sh --test installs it)");
    xclip
        .stdin
        .take()
        .expect("xclip's stdin")
        .write_all(data)
        .expect("data to xclip");
    assert!(xclip.wait().expect("xclip ends").success());
}

fn select(text: &str) {
    offer("primary", "UTF8_STRING", text.as_bytes());
}

/// Presses keys as a person would, wherever the focus is.
fn press(keys: &str) {
    let status = std::process::Command::new("xdotool")
        .args(["key", "--clearmodifiers", keys])
        .status()
        .expect("xdotool on PATH (scripts/setup.sh --test installs it)");
    assert!(status.success(), "xdotool key {keys}");
}

/// What only the popup's page has, and what only the main window's page has.
const POPUP: &str = "[data-testid=popup]";
const MAIN: &str = "[data-testid=composer]";

fn popup_visible() -> bool {
    std::process::Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", "^Hearth summary$"])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

async fn wait_for_popup(shown: bool, after: &str) {
    let state = if shown { "show" } else { "hide" };
    let what = format!("the popup to {state} after {after}");
    until(&what, PATIENCE, || async {
        (popup_visible() == shown).then_some(())
    })
    .await;
}

impl App {
    /// Points the session at the window whose page has an element matching `selector`.
    async fn switch_to(&self, selector: &str) {
        let client = self.client();
        until(selector, PATIENCE, || async {
            for handle in client.windows().await.ok()? {
                client.switch_to_window(handle).await.ok()?;
                if self.text(selector).await.is_some() {
                    return Some(());
                }
            }
            None
        })
        .await;
    }

    /// The popup's finished text (or its error), once its run has ended.
    async fn popup_result(&self) -> Result<String, String> {
        until("the popup's result", PATIENCE, || async {
            if let Some(error) = self.text("[data-testid=popup-error]").await {
                return Some(Err(error));
            }
            let busy = self.text("[data-testid=popup][aria-busy=false]").await;
            let text = self.text("[data-testid=popup-text]").await?;
            (busy.is_some() && !text.trim().is_empty()).then_some(Ok(text))
        })
        .await
    }

    /// Esc hides the popup, and it forgets its text, so the next press never shows old text.
    async fn close_popup(&self) {
        press("Escape");
        wait_for_popup(false, "Esc").await;
        until("the popup's text to clear", PATIENCE, || async {
            let text = self.text("[data-testid=popup-text]").await?;
            text.trim().is_empty().then_some(())
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_shortcut_summarizes_the_selection_in_a_popup() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let meeting = include_str!("../crates/hearth-core/tests/texts/meeting.txt");
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
    let meeting = include_str!("../crates/hearth-core/tests/texts/meeting.txt");
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
