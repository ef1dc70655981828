//! `hearth summarize | translate | rewrite | classify | extract`: a job on a document or on stdin.
//! The result streams to stdout (JSON for classify and extract); a progress bar shows on
//! stderr when it is a terminal. Ctrl+C stops the job and keeps what it produced.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::Args;
use hearth_core::documents::{self, Limits};
use hearth_core::engine;
use hearth_core::jobs::{self, Job, JobError, JobRequest};
use hearth_core::paths::DataDir;
use hearth_core::reply::ReplyEvent;
use hearth_core::reply::{Progress, Stage};
use indicatif::{ProgressBar, ProgressStyle};

use crate::CliResult;

#[derive(Args)]
pub struct Input {
    /// The file to read (text, markdown, HTML, PDF, DOCX, ODT, CSV or code); stdin when absent
    /// or "-".
    file: Option<PathBuf>,
    /// A GGUF model file (default: the first model found in the data folder or models/).
    #[arg(long, value_name = "PATH")]
    model: Option<PathBuf>,
    /// Tokens per chunk when the text is too long for one pass.
    #[arg(long, value_name = "N")]
    chunk_tokens: Option<usize>,
}

#[derive(Args)]
pub struct SummarizeArgs {
    #[command(flatten)]
    input: Input,
    #[arg(long, default_value = "paragraph", value_parser = ["sentence", "paragraph", "bullets", "actions"])]
    style: String,
    /// The summary's language (a code such as fr, or a name); the text's own by default.
    #[arg(long)]
    language: Option<String>,
}

#[derive(Args)]
pub struct TranslateArgs {
    #[command(flatten)]
    input: Input,
    /// The target language: a code such as fr, de, es, or a name.
    #[arg(long)]
    to: String,
    /// The text's language, when detection gets it wrong.
    #[arg(long)]
    from: Option<String>,
}

#[derive(Args)]
pub struct RewriteArgs {
    #[command(flatten)]
    input: Input,
    #[arg(long, default_value = "grammar", value_parser = ["grammar", "shorter", "formal", "friendly"])]
    mode: String,
}

#[derive(Args)]
pub struct ClassifyArgs {
    #[command(flatten)]
    input: Input,
    /// Categories to sort into, comma-separated; sentiment (positive, neutral, negative) when
    /// absent.
    #[arg(long, value_delimiter = ',')]
    labels: Vec<String>,
}

#[derive(Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    input: Input,
}

pub async fn summarize(data: &DataDir, args: SummarizeArgs) -> CliResult {
    let job = Job::Summarize {
        style: option(&args.style)?,
        language: args.language,
    };
    run(data, args.input, job).await
}

pub async fn translate(data: &DataDir, args: TranslateArgs) -> CliResult {
    let job = Job::Translate {
        to: args.to,
        from: args.from,
    };
    run(data, args.input, job).await
}

pub async fn rewrite(data: &DataDir, args: RewriteArgs) -> CliResult {
    let job = Job::Rewrite {
        mode: option(&args.mode)?,
    };
    run(data, args.input, job).await
}

pub async fn classify(data: &DataDir, args: ClassifyArgs) -> CliResult {
    run(
        data,
        args.input,
        Job::Classify {
            labels: args.labels,
        },
    )
    .await
}

pub async fn extract(data: &DataDir, args: ExtractArgs) -> CliResult {
    run(data, args.input, Job::Extract).await
}

/// A job option from its name on the command line (clap has checked it is one of the names).
fn option<T: serde::de::DeserializeOwned>(name: &str) -> Result<T, serde_json::Error> {
    serde_json::from_value(serde_json::Value::String(name.to_string()))
}

async fn run(data: &DataDir, input: Input, job: Job) -> CliResult {
    let text = read_input(input.file.as_ref()).await?;
    // Refuse bad input and options before the model loads.
    let checked = jobs::check_input(&text)?;
    jobs::resolve(job.clone(), checked)?;
    let store = crate::unlock::open_store(data).await?;
    let engine = engine::load(&data.model(input.model)?).await?;

    let cancel = crate::cancel_on_ctrl_c();
    let bar = progress_bar();
    let mut stdout = std::io::stdout();
    let request = JobRequest {
        job,
        text: &text,
        chunk_tokens: input.chunk_tokens,
        document: None,
    };
    let result = jobs::run(&store, &engine, request, &cancel, |event| match event {
        ReplyEvent::Started { conversation, .. } => {
            bar.suspend(|| eprintln!("[conversation {}: {}]", conversation.id, conversation.title));
        }
        ReplyEvent::Progress(progress) => show(&bar, progress),
        // The notes on a long text's parts, as they are written: on stderr, so the result
        // alone goes to stdout.
        ReplyEvent::Note { text } => bar.suspend(|| eprint!("{text}")),
        ReplyEvent::Token { text } => bar.suspend(|| {
            // A closed stdout (e.g. `| head`) must not stop the result from being saved.
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
        }),
        ReplyEvent::Finished { completion, .. } => {
            bar.finish_and_clear();
            let _ = writeln!(stdout);
            eprintln!("[{}]", crate::chat::describe(&completion));
        }
    })
    .await;
    bar.finish_and_clear();
    store.close().await;
    result?;
    Ok(())
}

/// The text of `file` (a document of any supported kind, decoded and extracted), or stdin's
/// UTF-8 text.
async fn read_input(file: Option<&PathBuf>) -> Result<String, Box<dyn std::error::Error>> {
    if let Some(path) = file.filter(|f| f.as_os_str() != "-") {
        let extracted = documents::read(path, &Limits::default(), |_, _| {}).await?;
        return Ok(extracted.text());
    }
    let limit = jobs::MAX_INPUT_BYTES as u64;
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("standard input cannot be read: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(JobError::TooLarge {
            size_mb: bytes.len() as f64 / (1024.0 * 1024.0),
            limit_mb: jobs::MAX_INPUT_BYTES / (1024 * 1024),
        }
        .into());
    }
    String::from_utf8(bytes)
        .map_err(|_| "standard input is not UTF-8 text; Hearth reads plain UTF-8 text here.".into())
}

fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn show(bar: &ProgressBar, progress: Progress) {
    let stage = match progress.stage {
        Stage::Splitting => "Splitting",
        Stage::Reading => "Reading",
        Stage::Combining => "Combining notes",
        Stage::Writing => "Writing",
        Stage::Translating => "Translating",
        Stage::Rewriting => "Rewriting",
        Stage::Classifying => "Classifying",
        Stage::Extracting => "Extracting",
    };
    bar.set_message(stage);
    bar.set_length(progress.steps as u64);
    bar.set_position(progress.step as u64);
}
