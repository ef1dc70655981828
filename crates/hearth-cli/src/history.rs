//! `hearth history`: list conversations, print one, or search them all.

use std::io::IsTerminal;

use clap::{Args, Subcommand};
use hearth_core::paths::DataDir;
use hearth_core::store::{SearchHit, MATCH_END, MATCH_START};

use crate::CliResult;

#[derive(Args)]
pub struct HistoryArgs {
    #[command(subcommand)]
    command: Option<HistoryCommand>,
}

#[derive(Subcommand)]
enum HistoryCommand {
    /// Print one conversation.
    Show { id: i64 },
    /// Find messages and titles holding every word (the last may be the start of a word).
    Search {
        #[arg(required = true)]
        words: Vec<String>,
        /// The most messages (and titles) to show.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

pub async fn run(data: &DataDir, args: HistoryArgs) -> CliResult {
    let store = crate::unlock::open_store(data).await?;
    match args.command {
        None => {
            for c in store.list_conversations().await? {
                println!("{}\t{}\t{}", c.id, c.title, c.model);
            }
        }
        Some(HistoryCommand::Show { id }) => {
            let conversation = store.conversation(id).await?;
            println!("# {}\n", conversation.title);
            for m in store.messages(id).await? {
                let stopped = if m.stopped() { " (stopped)" } else { "" };
                println!("{}{stopped}:\n{}\n", m.role.as_str(), m.content);
            }
        }
        Some(HistoryCommand::Search { words, limit }) => {
            let hits = store.search(&words.join(" "), limit).await?;
            if hits.is_empty() {
                eprintln!("No message or title holds all of: {}", words.join(" "));
            }
            let bold = std::io::stdout().is_terminal();
            for hit in &hits {
                println!("{}", line(hit, bold));
            }
        }
    }
    store.close().await;
    Ok(())
}

/// One hit: the conversation's id and title, then where the words were found, in bold on a
/// terminal.
fn line(hit: &SearchHit, bold: bool) -> String {
    let (start, end) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let snippet = hit
        .snippet
        .replace(MATCH_START, start)
        .replace(MATCH_END, end)
        .replace('\n', " ");
    match hit.role {
        None => format!("{}\ttitle\t{snippet}", hit.conversation_id),
        Some(role) => format!(
            "{}\t{}\t{}: {snippet}",
            hit.conversation_id,
            hit.title,
            role.as_str()
        ),
    }
}
