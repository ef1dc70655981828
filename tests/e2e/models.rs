//! Models: the Models view lists every model file with its facts and fit, switches to another
//! one without a restart (the status line and the next reply follow), remembers the choice,
//! and a switch that fails keeps the model in use. On a first run, the recommended models come
//! from the mirror set in Settings in one click, or are marked when the disk has no room.

use crate::harness::{until, App, ONE_APP_AT_A_TIME, PATIENCE};
use crate::tmpfs;

const DEFAULT_NAME: &str = "SmolLM2 135M Instruct (Q4_1)";

#[tokio::test(flavor = "multi_thread")]
async fn a_model_is_switched_without_a_restart_and_a_failed_switch_keeps_it() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let models = data.path().join("models");
    std::fs::create_dir_all(&models).expect("models folder");
    let copy = models.join("second-copy.gguf");
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    );
    std::fs::copy(default, &copy).expect("a second model file");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;
    // The data folder's file is found first.
    let first = app.wait_for_text("[data-testid=model-name]").await;
    assert_eq!(
        first, "Smollm2 135M 8k Lc100K Mix1 Ep2 (Q4_1)",
        "the copy is not named by the catalog"
    );

    app.click("[data-testid=open-models]").await;
    let titles = until("both models in the list", PATIENCE, || async {
        let titles = app.texts("[data-testid=model-title]").await;
        (titles.len() == 2).then_some(titles)
    })
    .await;
    assert!(titles.iter().any(|t| t == DEFAULT_NAME), "{titles:?}");
    assert_eq!(app.texts("[data-testid=model-current]").await.len(), 1);
    let fits = app.texts("[data-testid=model-fit]").await;
    assert!(fits.iter().all(|f| f == "fits" || f == "tight"), "{fits:?}");
    app.save_screenshot("models.png").await;

    // The only "Use" button is the other model's.
    app.click("[data-testid=model-use]").await;
    until(
        "the status line to name the new model",
        PATIENCE,
        || async { (app.text("[data-testid=model-name]").await? == DEFAULT_NAME).then_some(()) },
    )
    .await;
    let shelf = std::fs::read_to_string(data.path().join("models.json")).expect("the choice kept");
    assert!(shelf.contains("SmolLM2-135M-Instruct.Q4_1.gguf"), "{shelf}");

    // It answers.
    app.click("[data-testid=open-models]").await;
    app.wait_for_model().await;
    app.type_message("Say hello.").await;
    app.reply_done().await;
    let metrics = app.wait_for_text("[data-testid=metrics]").await;
    assert!(metrics.contains("tokens/s"), "{metrics}");

    // A file that has gone: the switch is refused and the model stays.
    app.click("[data-testid=open-models]").await;
    // The list read again, not the one shown before: the file must go after it was listed.
    app.wait_for_text("[data-testid=models]:not([aria-busy=true])")
        .await;
    assert_eq!(app.texts("[data-testid=model-use]").await.len(), 1);
    std::fs::remove_file(&copy).expect("remove the copy");
    app.click("[data-testid=model-use]").await;
    let error = app.wait_for_text("[data-testid=models-error]").await;
    assert!(error.contains("does not exist"), "{error}");
    until(
        "the status line to name the model still in use",
        PATIENCE,
        || async { (app.text("[data-testid=model-name]").await? == DEFAULT_NAME).then_some(()) },
    )
    .await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_model_is_imported_in_place_used_for_a_reply_and_forgotten() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let q8 = std::fs::canonicalize(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.test-data/models/SmolLM2-135M-Instruct.Q8_0.gguf"
    ))
    .expect("the Q8_0 test model (./models/make-test-models.sh makes it)");
    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;
    assert_eq!(
        app.wait_for_text("[data-testid=model-name]").await,
        DEFAULT_NAME
    );

    crate::documents::drag_onto_window(&[&q8]);
    let added = app.wait_for_text("[data-testid=models-notice]").await;
    assert!(added.starts_with("Added "), "{added}");
    let item = format!("[data-testid=model][data-path=\"{}\"]", q8.display());
    let facts = app.wait_for_text(&format!("{item} .facts")).await;
    assert!(facts.contains("Q8_0"), "{facts}");
    let name = app
        .wait_for_text(&format!("{item} [data-testid=model-title]"))
        .await;
    assert_eq!(name, "Smollm2 135M 8k Lc100K Mix1 Ep2 (Q8_0)");
    assert!(q8.is_file(), "used where it is");

    app.click(&format!("{item} [data-testid=model-use]")).await;
    until(
        "the status line to name the Q8_0 model",
        PATIENCE,
        || async { (app.text("[data-testid=model-name]").await? == name).then_some(()) },
    )
    .await;
    app.click("[data-testid=open-models]").await;
    app.wait_for_model().await;
    app.type_message("Say hello.").await;
    app.reply_done().await;
    assert_eq!(app.wait_for_text("[data-testid=reply-model]").await, name);

    // Back to the default; then the imported file is forgotten, and stays on disk.
    app.click("[data-testid=open-models]").await;
    app.click("[data-testid=model-use]").await;
    until(
        "the status line to name the default model again",
        PATIENCE,
        || async { (app.text("[data-testid=model-name]").await? == DEFAULT_NAME).then_some(()) },
    )
    .await;
    app.click(&format!("{item} [data-testid=model-remove]"))
        .await;
    until(
        "the notice that the model is forgotten",
        PATIENCE,
        || async {
            let notice = app.text("[data-testid=models-notice]").await?;
            notice.contains("no longer listed").then_some(())
        },
    )
    .await;
    until("the list without the Q8_0 model", PATIENCE, || async {
        app.text(&item).await.is_none().then_some(())
    })
    .await;
    assert!(q8.is_file(), "forgetting keeps the file");
    app.quit().await;
}

/// The resident memory of the newest running Hearth, in kB (one app runs at a time).
fn app_memory_kb() -> Option<u64> {
    let out = std::process::Command::new("pgrep")
        .args(["--newest", "--exact", "hearth-desktop"])
        .output()
        .ok()?;
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idle_model_is_unloaded_and_the_next_message_loads_it_again() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;
    app.type_message("Say hello.").await;
    app.reply_done().await;
    let loaded = app_memory_kb().expect("the app's memory");

    // Two seconds idle, through the command the Settings view saves with (its choices start at
    // five minutes).
    app.script(
        "saving the settings",
        "const call = window.__TAURI_INTERNALS__.invoke;
             return call('get_settings').then(v =>
                 call('save_settings', { settings: { ...v.settings, unloadAfterSeconds: 2 } }))
               .then(() => true);",
        vec![],
    )
    .await
    .expect("the settings saved");
    let note = app.wait_for_text("[data-testid=model-unloaded]").await;
    assert!(note.contains("next request loads it again"), "{note}");
    let unloaded = until("the model's memory to be returned", PATIENCE, || async {
        let now = app_memory_kb()?;
        (now + 50_000 < loaded).then_some(now)
    })
    .await;
    assert_eq!(
        app.wait_for_text("[data-testid=model-name]").await,
        DEFAULT_NAME
    );

    app.type_message("Say hello again.").await;
    app.reply_done().await;
    until(
        "the status line to show the model loaded again",
        PATIENCE,
        || async {
            app.text("[data-testid=model-unloaded]")
                .await
                .is_none()
                .then_some(())
        },
    )
    .await;
    let replies = app.texts("[data-testid=reply-model]").await;
    assert_eq!(replies.len(), 2, "{replies:?}");
    eprintln!("memory: {loaded} kB loaded, {unloaded} kB unloaded");
    app.quit().await;
}

/// A real HTTP server on this machine serving `folder`, as a mirror would be: the server (it
/// stops when dropped) and its address.
async fn serve(folder: &std::path::Path) -> (tokio::process::Child, String) {
    let port = crate::harness::free_ports()[0];
    let server = tokio::process::Command::new("python3")
        .args([
            "-m",
            "http.server",
            "--bind",
            "127.0.0.1",
            &port.to_string(),
        ])
        .current_dir(folder)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("python3's http.server");
    until("the local server to answer", PATIENCE, || async {
        std::net::TcpStream::connect(("127.0.0.1", port)).ok()
    })
    .await;
    (server, format!("http://127.0.0.1:{port}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_model_is_downloaded_from_a_link_with_its_progress_and_checked() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let served = tempfile::tempdir().expect("temp dir");
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    );
    std::fs::copy(default, served.path().join("served-copy.gguf")).expect("a file to serve");
    let (_server, address) = serve(served.path()).await;
    let link = format!("{address}/served-copy.gguf");

    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;
    app.click("[data-testid=open-models]").await;
    app.fill("[data-testid=download-link]", &link).await;
    app.click("[data-testid=download-start]").await;
    // No sha256 was given and none is known for this file: it says so.
    let notice = until(
        "the download to be checked and listed",
        PATIENCE,
        || async {
            let notice = app.text("[data-testid=models-notice]").await?;
            notice.starts_with("Downloaded").then_some(notice)
        },
    )
    .await;
    assert!(
        notice.ends_with(
            ". Not verified: no sha256 was given or known for this file, so it was only checked \
             as a model file."
        ),
        "{notice}"
    );
    let progress = app.wait_for_text("[data-testid=download-progress]").await;
    assert!(progress.contains("98 MB of 98 MB"), "{progress}");
    app.save_screenshot("models-download.png").await;
    let target = data.path().join("models").join("served-copy.gguf");
    assert_eq!(
        std::fs::read(&target).expect("the downloaded file"),
        std::fs::read(default).expect("the served file")
    );
    let partials = std::fs::read_dir(data.path().join("downloads"))
        .expect("the downloads folder")
        .count();
    assert_eq!(partials, 0, "no partial file is left");
    let item = format!(
        "[data-testid=model][data-path=\"{}\"] [data-testid=model-use]",
        std::fs::canonicalize(&target).expect("path").display()
    );
    app.wait_for_text(&item).await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_run_on_the_built_in_model_gets_a_recommended_one_in_one_click() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    );
    let pinned = hearth_core::models::catalog_entry_for(std::path::Path::new(default))
        .expect("the default model is in the catalog");
    // A mirror on this machine, laid out like the hub: {repo}/resolve/{revision}/{file}.
    let hub = tempfile::tempdir().expect("temp dir");
    let revision = "0123456789abcdef0123456789abcdef01234567";
    let at = hub
        .path()
        .join("hearth-tests/Tiny-GGUF/resolve")
        .join(revision);
    std::fs::create_dir_all(&at).expect("the hub's folders");
    std::fs::copy(default, at.join("Tiny-Test.Q4_1.gguf")).expect("a file to serve");
    // A company's own catalog entry for it, pinned like Hearth's.
    let catalog = hub.path().join("catalog.json");
    let entry = serde_json::json!({ "models": [{
        "id": "tiny-test", "name": "Tiny Test (Q4_1)", "file": "Tiny-Test.Q4_1.gguf",
        "repo": "hearth-tests/Tiny-GGUF", "revision": revision,
        "size": pinned.size, "sha256": pinned.sha256,
        "license": "Apache-2.0", "license_url": "https://www.apache.org/licenses/LICENSE-2.0",
        "architecture": "llama", "parameters": "135M", "context_length": 8192,
        "good_for": "Tests."
    }]});
    std::fs::write(&catalog, entry.to_string()).expect("the extra catalog");
    let (_server, mirror) = serve(hub.path()).await;

    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[("HEARTH_CATALOG", catalog.as_path())]).await;
    app.wait_for_model().await;
    // The mirror is a setting.
    app.click("[data-testid=open-settings]").await;
    app.fill("[data-testid=setting-mirror]", "ftp://mirror.example")
        .await;
    app.click("[data-testid=settings-save]").await;
    let refused = app.wait_for_text("[data-testid=settings-error]").await;
    assert_eq!(
        refused,
        "The model mirror \"ftp://mirror.example\" is not an https address (plain http only on this computer), like https://huggingface.co."
    );
    app.fill("[data-testid=setting-mirror]", &mirror).await;
    app.click("[data-testid=settings-save]").await;
    assert_eq!(
        app.wait_for_text("[data-testid=settings-notice]").await,
        "Saved."
    );
    // Back to the chat.
    app.click("[data-testid=open-settings]").await;
    let hint = app.wait_for_text("[data-testid=built-in-hint]").await;
    assert!(hint.contains("its answers are poor"), "{hint}");
    app.click("[data-testid=see-recommended]").await;
    app.wait_for_text("[data-testid=built-in-notice]").await;
    let ids = until("the recommended models", PATIENCE, || async {
        let ids = app.texts("[data-testid=recommended-model] strong").await;
        (ids.len() == 10).then_some(ids)
    })
    .await;
    assert_eq!(ids.last().map(String::as_str), Some("Tiny Test (Q4_1)"));
    // Each with a speed predicted for this computer until it has answered here.
    let speeds = app.texts("[data-testid=recommended-speed]").await;
    assert!(
        speeds.len() == 10
            && speeds
                .iter()
                .all(|s| s.starts_with("about ") && s.ends_with(" tokens/s here")),
        "{speeds:?}"
    );
    app.click("[data-testid=recommended-model][data-id=tiny-test] [data-testid=recommended-get]")
        .await;
    until("the recommended model to be in use", PATIENCE, || async {
        let name = app.text("[data-testid=model-name]").await?;
        (name == "Tiny Test (Q4_1)").then_some(())
    })
    .await;
    let notice = app.wait_for_text("[data-testid=models-notice]").await;
    assert_eq!(notice, "Downloaded and checked Tiny Test (Q4_1).");
    assert_eq!(
        std::fs::read(data.path().join("models/Tiny-Test.Q4_1.gguf")).expect("downloaded"),
        std::fs::read(default).expect("served")
    );
    app.save_screenshot("models-recommended.png").await;
    // Back in the chat, it no longer points at the recommended models, and it answers.
    app.click("[data-testid=open-models]").await;
    app.wait_for_none("the built-in hint to go", "[data-testid=built-in-hint]")
        .await;
    app.type_message("Say hello.").await;
    app.reply_done().await;
    assert_eq!(
        app.wait_for_text("[data-testid=reply-model]").await,
        "Tiny Test (Q4_1)"
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_run_without_room_on_the_disk_offers_no_download() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    // 64 MB: room for the history, not for any recommended model and its margin.
    let disk = tmpfs::Tmpfs::mount(64 << 20);
    let app = App::start(disk.path(), &[]).await;
    app.wait_for_model().await;
    app.click("[data-testid=see-recommended]").await;
    let room = app.wait_for_text("[data-testid=recommended-room]").await;
    assert!(room.ends_with(" of disk for downloads."), "{room}");
    let marked = until("every recommended model marked", PATIENCE, || async {
        let marked = app.texts("[data-testid=recommended-no-room]").await;
        (marked.len() == 9).then_some(marked)
    })
    .await;
    assert!(marked.iter().all(|m| m == "not enough disk"), "{marked:?}");
    assert_eq!(
        app.texts("[data-testid=recommended-get]").await,
        Vec::<String>::new(),
        "no Download button"
    );
    app.quit().await;
}
