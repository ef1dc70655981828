//! What a script in the webview can reach, should model output ever carry one: the popup calls
//! only its own commands, no window reads a file the person did not drop or pick, links in a
//! reply go nowhere (clicked, or opened from the webview's context menu), and a reply built to
//! crash the markdown renderer shows as text.

use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::harness::{
    hearth_cli, main_window, until, App, MAIN, ONE_APP_AT_A_TIME, PATIENCE, POPUP,
};

const LINK: &str = "https://example.com/";

/// A history export holding one conversation whose reply has 50,000 `>`, then a link.
fn export_with_hostile_reply() -> serde_json::Value {
    let message = |parent: Option<usize>, role: &str, content: String| {
        json!({
            "parent": parent, "role": role, "content": content, "createdAt": 1_700_000_000_000i64,
            "promptTokens": null, "completionTokens": null, "timeToFirstTokenMs": null,
            "tokensPerSecond": null, "stopped": false, "sources": [],
        })
    };
    let reply = format!("{}\n\nSee [the site]({LINK}).", ">".repeat(50_000));
    json!({
        "format": "hearth-history",
        "version": 1,
        "conversations": [{
            "uid": "0b6f3c2e-reach-test", "title": "Hostile reply", "model": "test",
            "createdAt": 1_700_000_000_000i64, "updatedAt": 1_700_000_000_000i64,
            "job": null, "persona": null, "instructions": null, "shown": 1, "documents": [],
            "messages": [
                message(None, "user", "Where can I read more?".to_string()),
                message(Some(0), "assistant", reply),
            ],
        }],
        "documents": [],
    })
}

/// Calls `command` with `args` from the window WebDriver is on; the promise's error as text,
/// or "ok".
async fn invoke(app: &App, command: &str, args: serde_json::Value) -> String {
    app.script(
        &format!("invoking {command}"),
        "const [command, args] = arguments;
         const internals = window.__TAURI_INTERNALS__;
         if (args.onReading === 'channel') {
             args.onReading = '__CHANNEL__:' + internals.transformCallback(() => {});
         }
         return internals.invoke(command, args).then(() => 'ok', (e) => e?.message ?? String(e));",
        vec![json!(command), args],
    )
    .await
    .ok()
    .and_then(|value| value.as_str().map(str::to_string))
    .unwrap_or_else(|| panic!("{command} gave no answer"))
}

async fn page_url(app: &App) -> String {
    app.script(
        "reading the page's address",
        "return location.href;",
        vec![],
    )
    .await
    .ok()
    .and_then(|value| value.as_str().map(str::to_string))
    .expect("the page's address")
}

/// Opens the link `selector` finds as a person does from the webview's own context menu: a
/// right click on it, then the menu's first entry, "Open Link".
async fn open_link_from_context_menu(app: &App, selector: &str) {
    let centre = app
        .script(
            "finding the link on the page",
            "const r = document.querySelector(arguments[0]).getBoundingClientRect(); \
             return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];",
            vec![json!(selector)],
        )
        .await
        .expect("the link's place");
    let at = |i: usize| centre[i].as_i64().expect("a coordinate") as i32;
    let (x, y, _, _) = main_window();
    let xdotool = |args: &[String]| {
        let ok = Command::new("xdotool")
            .args(args)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "xdotool {args:?}");
    };
    xdotool(&[
        "mousemove".into(),
        (x + at(0)).to_string(),
        (y + at(1)).to_string(),
    ]);
    xdotool(&["click".into(), "3".into()]);
    // The menu takes the keyboard once it is up.
    tokio::time::sleep(Duration::from_secs(1)).await;
    xdotool(&["key".into(), "Down".into(), "Return".into()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_script_in_a_window_reaches_only_what_that_window_needs() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let export = data.path().join("hostile.json");
    std::fs::write(&export, export_with_hostile_reply().to_string()).expect("the export");
    let imported = Command::new(hearth_cli())
        .arg("--data-dir")
        .arg(data.path())
        .arg("import")
        .arg(&export)
        .output()
        .expect("the command line runs");
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let secret = data.path().join("id_ed25519");
    std::fs::write(&secret, "-----BEGIN OPENSSH PRIVATE KEY-----").expect("a secret file");
    let secret = secret.to_string_lossy().into_owned();

    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;

    // The main window may add documents, but only those dropped on it or picked.
    let refused = invoke(
        &app,
        "add_documents",
        json!({ "paths": [secret], "onReading": "channel" }),
    )
    .await;
    assert_eq!(
        refused,
        format!(
            "Hearth reads only files dropped on its window or chosen in its dialogs, and {secret} \
             was neither."
        )
    );

    // The popup may call its own three commands and nothing else.
    app.switch_to(POPUP).await;
    for (command, args) in [
        (
            "add_documents",
            json!({ "paths": [secret], "onReading": "channel" }),
        ),
        ("list_conversations", json!({})),
        (
            "download_model",
            json!({ "url": "http://127.0.0.1:9/x.gguf" }),
        ),
    ] {
        let said = invoke(&app, command, args).await;
        assert!(
            said.contains(&format!("{command} not allowed")),
            "the popup called {command}: {said}"
        );
    }
    assert_eq!(invoke(&app, "popup_close", json!({})).await, "ok");

    // The imported reply: its link goes nowhere, its 50,000 `>` show as text.
    app.switch_to(MAIN).await;
    let home = page_url(&app).await;
    app.click("[data-testid=conversation] .title").await;
    let shown = until("the hostile reply as text", PATIENCE, || async {
        app.text("[data-testid=message] .as-text").await
    })
    .await;
    assert!(
        shown.trim_end() == ">".repeat(50_000),
        "the 50,000 > as text: {} characters shown, from {:?}",
        shown.len(),
        shown.chars().take(40).collect::<String>()
    );
    let link = format!("[data-testid=message] a[href='{LINK}']");
    app.click(&link).await;
    open_link_from_context_menu(&app, &link).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(page_url(&app).await, home, "the window stayed on Hearth");
    assert_eq!(
        app.text("[data-testid=title]").await.as_deref(),
        Some("Hostile reply")
    );
    app.quit().await;
}
