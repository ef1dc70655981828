//! `hearth`: the command line over Hearth's core. Replies stream to stdout; measurements and
//! errors go to stderr, and any error exits non-zero.

mod archive;
mod chat;
mod docs;
mod history;
mod jobs;
mod models;
mod personas;
mod serve;
mod unlock;
mod usage;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hearth_core::paths::DataDir;

#[derive(Parser)]
#[command(
    name = "hearth",
    version,
    about = "Hearth: an offline assistant on your own CPU"
)]
struct Cli {
    /// Folder for the history database and models (default: the platform's data folder, or
    /// $HEARTH_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Send a message and stream the reply (a new conversation unless --conversation is given).
    Chat(chat::ChatArgs),
    /// List conversations, or show one.
    History(history::HistoryArgs),
    /// List personas (named instructions with their own sampling), set or delete one.
    Personas(personas::PersonasArgs),
    /// Write conversations to Markdown (to read) or JSON (everything, to import again).
    Export(archive::ExportArgs),
    /// Add the conversations of a JSON export that are not here yet.
    Import(archive::ImportArgs),
    /// Keep documents (PDF, DOCX, ODT, HTML, text...) and ask about them.
    Docs(docs::DocsArgs),
    /// Summarize a text or a document (PDF, DOCX, ...; or stdin) of any length.
    Summarize(jobs::SummarizeArgs),
    /// Translate a text or a document, keeping its markdown structure and code.
    Translate(jobs::TranslateArgs),
    /// Fix grammar, shorten, or change the tone of a text.
    Rewrite(jobs::RewriteArgs),
    /// Sentiment of a text, or the best of --labels; prints JSON.
    Classify(jobs::ClassifyArgs),
    /// People, organizations, places, dates and amounts in a text; prints JSON.
    Extract(jobs::ExtractArgs),
    /// Where the history's encryption key is kept; move it to a passphrase or the keyring.
    Key(unlock::KeyArgs),
    /// The model files Hearth knows, and whether each fits in memory.
    Models(models::ModelsArgs),
    /// What the local model did per day, job or model, how fast, and what it saved.
    Usage(usage::UsageArgs),
    /// Answer other programs through an OpenAI-compatible API on this computer (with tokens).
    Serve(serve::ServeArgs),
}

fn main() -> ExitCode {
    // Started as its own document reader, it reads one document and exits here.
    hearth_core::documents::serve_if_asked();
    hearth_core::core_dumps::turn_off();
    unlock::take_passphrases_from_env();
    let cli = Cli::parse();
    let data = match DataDir::resolve(cli.data_dir) {
        Ok(data) => data,
        Err(e) => return fail(&e),
    };
    data.prepare_engine_environment();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&e),
    };
    let result = runtime.block_on(async {
        let result = match cli.command {
            Command::Chat(args) => chat::run(&data, args).await,
            Command::History(args) => history::run(&data, args).await,
            Command::Docs(args) => docs::run(&data, args).await,
            Command::Export(args) => archive::export(&data, args).await,
            Command::Import(args) => archive::import(&data, args).await,
            Command::Personas(args) => personas::run(&data, args).await,
            Command::Summarize(args) => jobs::summarize(&data, args).await,
            Command::Translate(args) => jobs::translate(&data, args).await,
            Command::Rewrite(args) => jobs::rewrite(&data, args).await,
            Command::Classify(args) => jobs::classify(&data, args).await,
            Command::Extract(args) => jobs::extract(&data, args).await,
            Command::Key(args) => unlock::run(&data, args).await,
            Command::Models(args) => models::run(&data, args).await,
            Command::Usage(args) => usage::run(&data, args).await,
            Command::Serve(args) => serve::run(&data, args).await,
        };
        unlock::close_opened().await;
        result
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e.as_ref()),
    }
}

fn fail(error: &dyn std::error::Error) -> ExitCode {
    eprintln!("hearth: {error}");
    ExitCode::FAILURE
}

type CliResult = Result<(), Box<dyn std::error::Error>>;

/// A token that Ctrl+C cancels: the running reply or job stops and keeps what it produced.
fn cancel_on_ctrl_c() -> tokio_util::sync::CancellationToken {
    let cancel = tokio_util::sync::CancellationToken::new();
    let on_interrupt = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });
    cancel
}
