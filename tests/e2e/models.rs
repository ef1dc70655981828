//! Models: the Models view lists every model file with its facts and fit, switches to another
//! one without a restart (the status line and the next reply follow), remembers the choice,
//! and a switch that fails keeps the model in use.

use super::{until, App, ONE_APP_AT_A_TIME, PATIENCE};

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
    assert_ne!(first, DEFAULT_NAME, "the copy is not named by the catalog");

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
    until("the list again", PATIENCE, || async {
        (app.texts("[data-testid=model-use]").await.len() == 1).then_some(())
    })
    .await;
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
