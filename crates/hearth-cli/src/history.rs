//! `hearth history`: list conversations, or print one.

use clap::{Args, Subcommand};
use hearth_core::paths::DataDir;
use hearth_core::store::Store;

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
}

pub async fn run(data: &DataDir, args: HistoryArgs) -> CliResult {
    let store = Store::open(&data.database()).await?;
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
                let stopped = if m.stopped { " (stopped)" } else { "" };
                println!("{}{stopped}:\n{}\n", m.role.as_str(), m.content);
            }
        }
    }
    store.close().await;
    Ok(())
}
