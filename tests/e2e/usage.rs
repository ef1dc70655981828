//! Usage: after a chat and a job, the Usage view counts both, its charts are drawn (each
//! canvas, as the screen shows it, has more than a blank background), and a price edit changes
//! the cost avoided. The reply names the model that wrote it.

use crate::harness::{until, within, App, ONE_APP_AT_A_TIME, PATIENCE};

const CHARTS: [&str; 6] = [
    "chart-prompt-tokens",
    "chart-reply-tokens",
    "chart-requests",
    "chart-first-token",
    "chart-speed",
    "chart-cost",
];

/// How many distinct colours a PNG screenshot holds.
fn colours(png: &[u8]) -> usize {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .expect("a PNG screenshot");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a sized PNG")];
    let frame = reader.next_frame(&mut pixels).expect("its pixels");
    let step = frame.color_type.samples();
    let mut seen: Vec<&[u8]> = pixels[..frame.buffer_size()].chunks(step).collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_usage_view_counts_a_chat_and_a_job_draws_its_charts_and_follows_a_price() {
    let _serial = ONE_APP_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(data.path(), &[]).await;
    app.wait_for_model().await;
    let model = app.wait_for_text("[data-testid=model-name]").await;

    app.type_message("Say hello.").await;
    app.reply_done().await;
    let by = app.wait_for_text("[data-testid=reply-model]").await;
    assert_eq!(by, model, "the reply names the model that wrote it");

    app.click("[data-testid=job-summarize]").await;
    app.type_message("The council met on Monday. It approved the budget for the new park and a bus line to the station.")
        .await;
    app.reply_done().await;

    app.click("[data-testid=open-usage]").await;
    until(
        "the Usage view to count the chat and the job",
        PATIENCE,
        || async { (app.text("[data-testid=usage-requests]").await? == "2").then_some(()) },
    )
    .await;
    let tokens = app.wait_for_text("[data-testid=usage-tokens]").await;
    let tokens: i64 = tokens.replace(',', "").parse().expect("a token count");
    assert!(tokens > 20, "{tokens} tokens for a chat and a summary");
    assert_eq!(
        app.wait_for_text("[data-testid=usage-sent]").await,
        "0 bytes"
    );
    let first = app.wait_for_text("[data-testid=usage-first-token]").await;
    assert!(first.ends_with(" s"), "{first}");
    app.save_screenshot("usage.png").await;
    for chart in CHARTS {
        let canvas = app.find(&format!("[data-testid={chart}]")).await;
        app.scroll_to(&canvas).await;
        let shot = within("a screenshot of the chart", canvas.screenshot())
            .await
            .expect("a screenshot of the chart");
        let n = colours(&shot);
        assert!(n > 8, "{chart} looks blank: {n} colours");
    }

    // The first price is the one compared with; a dearer reply price, a dearer saving.
    let before = app.wait_for_text("[data-testid=usage-cost]").await;
    app.fill("[data-testid=price-output]", "1000").await;
    app.click("[data-testid=price-save]").await;
    let after = until("the cost avoided to follow the price", PATIENCE, || async {
        let now = app.text("[data-testid=usage-cost]").await?;
        (now != before).then_some(now)
    })
    .await;
    let dollars = |text: &str| text.trim_start_matches('$').parse::<f64>().unwrap_or(0.0);
    assert!(dollars(&after) > dollars(&before), "{before} then {after}");
    let source = app.texts("[data-testid=price-row] td.muted").await;
    assert!(
        source.first().is_some_and(|s| s.starts_with("you, ")),
        "{source:?}"
    );
    app.quit().await;
}
