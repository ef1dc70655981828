//! `hearth export` and `hearth import`: the history as Markdown to read or JSON to keep.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use hearth_core::archive::{self, Format};
use hearth_core::paths::DataDir;

use crate::CliResult;

#[derive(Args)]
pub struct ExportArgs {
    /// Only this conversation (see `hearth history`); all of them otherwise.
    #[arg(long, value_name = "ID")]
    conversation: Option<i64>,
    /// md: readable, the branch each conversation shows; json: everything, to import again.
    #[arg(long, value_name = "md|json")]
    format: String,
    /// Write to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args)]
pub struct ImportArgs {
    /// A JSON file made by `hearth export --format json` (or the app's export).
    file: PathBuf,
}

pub async fn export(data: &DataDir, args: ExportArgs) -> CliResult {
    let format = Format::named(&args.format)?;
    let store = crate::unlock::open_store(data).await?;
    let text = archive::export(&store, args.conversation, format).await?;
    store.close().await;
    match args.output {
        Some(path) => hearth_core::owner_only::write(&path, text.as_bytes())
            .map_err(|e| format!("{} could not be written: {e}", path.display()))?,
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    Ok(())
}

pub async fn import(data: &DataDir, args: ImportArgs) -> CliResult {
    let store = crate::unlock::open_store(data).await?;
    let restored = archive::import_file(&store, &args.file).await?;
    store.close().await;
    eprintln!("{restored}");
    Ok(())
}
