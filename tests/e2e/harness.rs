//! What the end-to-end tests share: starting the release app under tauri-driver and driving
//! it through WebDriver, waiting with limits that name what they waited for, and the X
//! selection, clipboard and keys as another app or a person would use them.

#[path = "../../crates/hearth-core/tests/common/pinned.rs"]
mod pinned;

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::process::{Child, Command};

pub use pinned::assert_pinned;

pub const APP: &str = env!("CARGO_BIN_EXE_hearth-desktop");
pub const PATIENCE: Duration = Duration::from_secs(120);

/// One app at a time: two instances starting together on a fresh display sometimes left one
/// webview that never rendered (seen here about one run in three).
pub static ONE_APP_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Two distinct free local ports (both are held until both are chosen).
pub fn free_ports() -> [u16; 2] {
    let bind = || TcpListener::bind("127.0.0.1:0").expect("a free local port");
    let (a, b) = (bind(), bind());
    let port = |l: &TcpListener| l.local_addr().map(|a| a.port()).expect("local address");
    [port(&a), port(&b)]
}

/// One run of the app: tauri-driver started with the app's environment, and a WebDriver
/// session on it. Ending the session quits the app.
pub struct App {
    client: Option<Client>,
    driver: Child,
}

impl App {
    pub async fn start(data_dir: &Path, env: &[(&str, &Path)]) -> App {
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

    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("a session")
    }

    /// Runs `script` in the page with `args`; fails the test naming `what` if WebDriver does
    /// not answer within the command limit.
    pub async fn script(
        &self,
        what: &str,
        script: &str,
        args: Vec<serde_json::Value>,
    ) -> Result<serde_json::Value, fantoccini::error::CmdError> {
        within(what, self.client().execute(script, args)).await
    }

    pub async fn quit(self) {
        if let Some(client) = self.client.clone() {
            // Past the limit, dropping `self` ends the app anyway.
            let _ = tokio::time::timeout(COMMAND_LIMIT, client.close()).await;
        }
    }

    /// The text of every element matching `selector`, read in one script call so nothing
    /// goes stale between finding and reading. Nothing while the page is not ready yet.
    pub async fn texts(&self, selector: &str) -> Vec<String> {
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

    pub async fn text(&self, selector: &str) -> Option<String> {
        self.texts(selector).await.into_iter().next()
    }

    /// The text of the first element matching `selector`, once there is one.
    /// Waits until nothing matches `selector`; fails the test naming `what` after `PATIENCE`.
    pub async fn wait_for_none(&self, what: &str, selector: &str) {
        until(what, PATIENCE, || async {
            self.texts(selector).await.is_empty().then_some(())
        })
        .await;
    }

    pub async fn wait_for_text(&self, selector: &str) -> String {
        until(selector, PATIENCE, || async { self.text(selector).await }).await
    }

    /// The element `selector` finds now; fails the test naming it if WebDriver does not answer
    /// within the command limit or nothing matches.
    pub async fn find(&self, selector: &str) -> fantoccini::elements::Element {
        within(selector, self.client().find(Locator::Css(selector)))
            .await
            .expect(selector)
    }

    pub async fn click(&self, selector: &str) {
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
    pub async fn scroll_to(&self, element: &fantoccini::elements::Element) {
        let element = serde_json::to_value(element).expect("an element as a script argument");
        self.script(
            "scrolling to an element",
            "arguments[0].scrollIntoView({ block: 'center' });",
            vec![element],
        )
        .await
        .expect("scrolled to the element");
    }

    pub async fn wait_for_model(&self) {
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

    pub async fn type_message(&self, text: &str) {
        self.type_and_enter("[data-testid=composer]", text).await;
    }

    pub async fn type_and_enter(&self, selector: &str, text: &str) {
        self.keys(selector, &format!("{text}{}", char::from(Key::Enter)))
            .await;
    }

    pub async fn save_screenshot(&self, name: &str) {
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
pub fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How long one WebDriver command may take before the test fails.
pub const COMMAND_LIMIT: Duration = Duration::from_secs(60);

/// `command`'s answer; fails the test, naming `what`, if none comes within `COMMAND_LIMIT`.
pub async fn within<T>(what: &str, command: impl Future<Output = T>) -> T {
    tokio::time::timeout(COMMAND_LIMIT, command)
        .await
        .unwrap_or_else(|_| panic!("WebDriver did not answer {what} within a minute"))
}

/// Polls `probe` until it gives a value; fails the test with `what` after `timeout`.
pub async fn until<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
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

pub fn clipboard() -> String {
    let out = std::process::Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Letters and digits only, to compare markdown with its rendered text.
pub fn letters(text: &str) -> String {
    words(&text.replace(|c: char| !c.is_alphanumeric(), " "))
}

/// Puts `text` in the X selection named `selection` ("primary" or "clipboard") the way another
/// app would (xclip keeps serving it), with `mime` as its type.
pub fn offer(selection: &str, mime: &str, data: &[u8]) {
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

pub fn select(text: &str) {
    offer("primary", "UTF8_STRING", text.as_bytes());
}

/// The command line built beside the app (the same `cargo test` builds both).
pub fn hearth_cli() -> std::path::PathBuf {
    std::path::Path::new(APP).with_file_name("hearth")
}

/// Where the main window is on the screen: (x, y, width, height).
pub fn main_window() -> (i32, i32, i32, i32) {
    let out = std::process::Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", "^Hearth$"])
        .args(["getwindowgeometry", "--shell"])
        .output()
        .expect("xdotool runs");
    let shell = String::from_utf8_lossy(&out.stdout);
    let value = |key: &str| {
        shell
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{key} in {shell}"))
    };
    (value("X"), value("Y"), value("WIDTH"), value("HEIGHT"))
}

/// Presses keys as a person would, wherever the focus is.
pub fn press(keys: &str) {
    let status = std::process::Command::new("xdotool")
        .args(["key", "--clearmodifiers", keys])
        .status()
        .expect("xdotool on PATH (scripts/setup.sh --test installs it)");
    assert!(status.success(), "xdotool key {keys}");
}

/// What only the popup's page has, and what only the main window's page has.
pub const POPUP: &str = "[data-testid=popup]";
pub const MAIN: &str = "[data-testid=composer]";

pub fn popup_visible() -> bool {
    std::process::Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", "^Hearth summary$"])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub async fn wait_for_popup(shown: bool, after: &str) {
    let state = if shown { "show" } else { "hide" };
    let what = format!("the popup to {state} after {after}");
    until(&what, PATIENCE, || async {
        (popup_visible() == shown).then_some(())
    })
    .await;
}

impl App {
    /// Points the session at the window whose page has an element matching `selector`.
    pub async fn switch_to(&self, selector: &str) {
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
    pub async fn popup_result(&self) -> Result<String, String> {
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
    pub async fn close_popup(&self) {
        press("Escape");
        wait_for_popup(false, "Esc").await;
        until("the popup's text to clear", PATIENCE, || async {
            let text = self.text("[data-testid=popup-text]").await?;
            text.trim().is_empty().then_some(())
        })
        .await;
    }
}
