//! `hearth models`: the models Hearth knows, with their facts and whether each fits.

use clap::{Args, Subcommand};
use hearth_core::models::fit;
use hearth_core::models::library::{self, KnownModel};
use hearth_core::paths::DataDir;

use crate::CliResult;

#[derive(Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    command: ModelsCommand,
}

#[derive(Subcommand)]
enum ModelsCommand {
    /// One line per model file: name, type, parameters, size, context, fit and path.
    List {
        /// Print JSON, for scripts.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(data: &DataDir, args: ModelsArgs) -> CliResult {
    match args.command {
        ModelsCommand::List { json } => {
            let models = library::list(&data.model_search_dirs());
            if json {
                println!("{}", serde_json::to_string_pretty(&models)?);
            } else if models.is_empty() {
                eprintln!(
                    "No models yet. Looked in: {}.",
                    data.model_search_dirs()
                        .iter()
                        .map(|d| d.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            } else {
                for model in &models {
                    println!("{}", line(model));
                }
            }
        }
    }
    Ok(())
}

fn line(model: &KnownModel) -> String {
    let facts = match (&model.info, &model.fit) {
        (Some(info), Some(fit)) => format!(
            "{} {}, {} parameters, {}, {} tokens of context\t{}",
            info.architecture,
            info.quantization,
            parameters(info.parameters),
            fit::size(info.file_size),
            fit.context,
            fit.summary()
        ),
        _ => format!(
            "cannot be used: {}",
            model.problem.as_deref().unwrap_or("unknown")
        ),
    };
    let license = model.license.as_deref().unwrap_or("license unknown");
    format!(
        "{}\t{facts}\t{license}\t{}",
        model.name,
        model.path.display()
    )
}

/// 134515008 as "135M", 1711376384 as "1.7B".
fn parameters(n: u64) -> String {
    if n >= 1_000_000_000 {
        format!("{:.1}B", n as f64 / 1e9)
    } else {
        format!("{:.0}M", n as f64 / 1e6)
    }
}
