//! `hearth docs add | list | show | ask | rm`: documents kept in the history database, and
//! questions answered from them with their sources.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use hearth_core::chat::Branch;
use hearth_core::documents::{self, Limits, Outcome, Question};
use hearth_core::engine;
use hearth_core::paths::DataDir;
use hearth_core::store::{DocumentInfo, Store};

use crate::CliResult;

#[derive(Args)]
pub struct DocsArgs {
    #[command(subcommand)]
    command: DocsCommand,
}

#[derive(Subcommand)]
enum DocsCommand {
    /// Read files (or the supported files in a folder) and keep their text.
    Add {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The largest file to read, in MB.
        #[arg(long, value_name = "MB", default_value_t = Limits::default().max_mb())]
        max_mb: u64,
    },
    /// List the kept documents.
    List,
    /// Print a document's text.
    Show { id: i64 },
    /// Answer a question from documents, with the passages used as sources.
    Ask {
        /// The documents to ask about (see `hearth docs list`).
        #[arg(required = true, num_args = 1..)]
        ids: Vec<i64>,
        question: String,
        /// Continue this conversation (see `hearth history`).
        #[arg(long, value_name = "ID")]
        conversation: Option<i64>,
        /// A GGUF model file (default: the first model found in the data folder or models/).
        #[arg(long, value_name = "PATH")]
        model: Option<PathBuf>,
    },
    /// Delete a document with its text and index entries.
    Rm { id: i64 },
}

pub async fn run(data: &DataDir, args: DocsArgs) -> CliResult {
    let store = crate::unlock::open_store(data).await?;
    let result = match args.command {
        DocsCommand::Add { files, max_mb } => add(&store, &files, max_mb).await,
        DocsCommand::List => list(&store).await,
        DocsCommand::Show { id } => {
            println!("{}", store.document_text(id).await?);
            Ok(())
        }
        DocsCommand::Ask {
            ids,
            question,
            conversation,
            model,
        } => {
            let question = Question {
                conversation_id: conversation,
                documents: &ids,
                text: &question,
                branch: Branch::Next,
                persona: None,
            };
            ask(data, &store, question, model).await
        }
        DocsCommand::Rm { id } => {
            let name = store.document_info(id).await?.name;
            store.delete_document(id).await?;
            eprintln!("Deleted {name}.");
            Ok(())
        }
    };
    store.close().await;
    result
}

/// Adds each file; a file that cannot be read is reported and the others are still added.
async fn add(store: &Store, files: &[PathBuf], max_mb: u64) -> CliResult {
    let limits = Limits::with_max_mb(max_mb);
    let outcomes = documents::add_many(store, files, &limits, |_| {}).await?;
    let mut failed = 0;
    for outcome in &outcomes {
        match outcome {
            Outcome::Added(added) => {
                let note = if added.already_there {
                    " (already there)"
                } else {
                    ""
                };
                println!("{}{note}", describe(&added.document));
            }
            Outcome::Failed { message, .. } => {
                eprintln!("hearth: {message}");
                failed += 1;
            }
        }
    }
    match failed {
        0 => Ok(()),
        n => Err(format!("{n} of {} files were not added.", outcomes.len()).into()),
    }
}

async fn list(store: &Store) -> CliResult {
    for document in store.list_documents().await? {
        println!("{}", describe(&document));
    }
    Ok(())
}

/// "3\thandbook.pdf\tPDF, 3 pages, 12 KB".
fn describe(document: &DocumentInfo) -> String {
    let pages = match document.pages {
        Some(1) => ", 1 page".to_string(),
        Some(n) => format!(", {n} pages"),
        None => String::new(),
    };
    let kb = (document.size as f64 / 1024.0).ceil();
    format!(
        "{}\t{}\t{}{pages}, {kb} KB",
        document.id,
        document.name,
        document.kind.label()
    )
}

async fn ask(
    data: &DataDir,
    store: &Store,
    question: Question<'_>,
    model: Option<PathBuf>,
) -> CliResult {
    for id in question.documents {
        store.document_info(*id).await?;
    }
    let engine = engine::load(&data.model(model)?).await?;
    let cancel = crate::cancel_on_ctrl_c();
    let answer = documents::ask(
        store,
        &engine,
        question,
        &cancel,
        crate::chat::print_reply(),
    )
    .await?;
    println!("\nSources:");
    for (i, source) in answer.sources.iter().enumerate() {
        println!(
            "[{}] {}: {}",
            i + 1,
            documents::label(source),
            excerpt(&source.text)
        );
    }
    Ok(())
}

/// The start of a passage on one line, so sources from the same document can be told apart.
fn excerpt(text: &str) -> String {
    const CHARS: usize = 70;
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(CHARS) {
        Some((end, _)) => format!("\"{}...\"", &line[..end]),
        None => format!("\"{line}\""),
    }
}
