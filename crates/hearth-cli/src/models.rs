//! `hearth models`: the models Hearth knows, with their facts and whether each fits; import,
//! choose and remove them.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use hearth_core::free_space;
use hearth_core::models::download::Download;
use hearth_core::models::shelf::Removed;
use hearth_core::models::KnownModel;
use hearth_core::models::{self, fit};
use hearth_core::paths::DataDir;
use indicatif::{ProgressBar, ProgressStyle};

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
        /// The recommended models instead, downloaded or not, with whether each fits here.
        #[arg(long)]
        available: bool,
    },
    /// Add a .gguf file after checking it: used where it is, or copied with --copy.
    Import {
        file: PathBuf,
        /// Copy it into Hearth's models folder (else it is used where it is).
        #[arg(long)]
        copy: bool,
    },
    /// Make a model (its name, file name or path) the one the app and the command line load.
    Use { name: String },
    /// Download a model of the catalog into Hearth's models folder (resumes if interrupted).
    Download {
        /// The catalog's id or name for it.
        name: String,
        /// Download it from this address instead (a mirror); still checked against the
        /// catalog's sha256.
        #[arg(long)]
        url: Option<String>,
        /// Delete what an interrupted download kept, instead of going on with it.
        #[arg(long)]
        discard: bool,
    },
    /// Forget an imported model, or delete one Hearth copied or downloaded (with --yes).
    Rm {
        name: String,
        /// Delete the file, when Hearth copied or downloaded it.
        #[arg(long)]
        yes: bool,
    },
}

pub async fn run(data: &DataDir, args: ModelsArgs) -> CliResult {
    let shelf = data.shelf();
    let dirs = data.model_search_dirs();
    match args.command {
        ModelsCommand::List {
            json,
            available: true,
        } => available_models(data, json)?,
        ModelsCommand::List { json, .. } => {
            let models = shelf.list(&dirs);
            if json {
                println!("{}", serde_json::to_string_pretty(&models)?);
            } else if models.is_empty() {
                eprintln!(
                    "No models yet. Looked in: {}.",
                    dirs.iter()
                        .map(|d| d.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            } else {
                let chosen = data.model(None).ok();
                for model in &models {
                    let mark = if chosen.as_ref() == Some(&model.path) {
                        "* "
                    } else {
                        "  "
                    };
                    println!("{mark}{}", line(model));
                }
            }
        }
        ModelsCommand::Import { file, copy } => println!("{}", line(&shelf.import(&file, copy)?)),
        ModelsCommand::Use { name } => {
            let path = shelf.choose(&dirs, &name)?;
            println!("Hearth now loads {}.", path.display());
        }
        ModelsCommand::Download { name, url, discard } => {
            download(data, &name, url, discard).await?
        }
        ModelsCommand::Rm { name, yes } => match shelf.remove(&dirs, &name, yes)? {
            Removed::Forgotten(path) => println!(
                "{} is no longer listed; the file is still there.",
                path.display()
            ),
            Removed::Deleted(path) => println!("Deleted {}.", path.display()),
        },
    }
    Ok(())
}

async fn download(data: &DataDir, name: &str, url: Option<String>, discard: bool) -> CliResult {
    let entry = models::catalog_entry(name).ok_or_else(|| {
        let ids: Vec<String> = models::catalog().into_iter().map(|e| e.id).collect();
        format!(
            "The catalog has no model called \"{name}\". It has: {}.",
            ids.join(", ")
        )
    })?;
    let sha256 = (!entry.sha256.is_empty()).then_some(entry.sha256.as_str());
    let url = url.or_else(|| entry.download_url(&mirror()));
    let (target, partial) = data.download_of(&entry.file, url.as_deref().unwrap_or_default());
    let job = Download {
        url: url.as_deref().unwrap_or_default(),
        target: &target,
        partial: &partial,
        sha256,
        size: Some(entry.size),
    };
    if discard {
        if job.discard() {
            println!("Deleted the unfinished download of {}.", entry.name);
        } else {
            println!("There was no unfinished download of {}.", entry.name);
        }
        return Ok(());
    }
    if target.is_file() {
        println!("{} is already downloaded: {}", entry.name, target.display());
        return Ok(());
    }
    if url.is_none() {
        let source = entry.source.as_deref().unwrap_or("it comes another way");
        return Err(format!(
            "{} is not downloaded by Hearth ({source}); give an address with --url.",
            entry.name
        )
        .into());
    }
    let bar = ProgressBar::new(entry.size).with_style(
        ProgressStyle::with_template(
            "{msg} {wide_bar} {bytes}/{total_bytes} {binary_bytes_per_sec}, {eta} left",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(entry.name.clone());
    let cancel = crate::cancel_on_ctrl_c();
    let result = job
        .run(&cancel, |p| {
            if let Some(total) = p.total {
                bar.set_length(total);
            }
            bar.set_position(p.received);
        })
        .await;
    bar.finish_and_clear();
    let downloaded = result?;
    let checked = if downloaded.verified {
        "Downloaded and checked"
    } else {
        "Downloaded (not verified: no sha256 is known for it)"
    };
    println!("{checked} {}: {}", entry.name, downloaded.path.display());
    Ok(())
}

/// The mirror recommended models come from. The command line does not unlock the history for
/// a download, so the app's Settings are not read: `HEARTH_MODEL_MIRROR` sets it here.
fn mirror() -> String {
    models::mirror("")
}

/// The recommended models, one line each: id, name, size, fit, where it is (or that it is not
/// downloaded), licence, what it is good for, its predicted speed here.
fn available_models(data: &DataDir, json: bool) -> CliResult {
    let dirs = data.model_search_dirs();
    let here = models::Here {
        memory_free: fit::available_memory(),
        disk_free: free_space::free_space(&data.models_dir()),
        mirror: &mirror(),
        // The history is not unlocked for a listing either: every speed is predicted.
        measured: &HashMap::new(),
    };
    let recommended = models::recommended(&dirs, &here);
    if json {
        println!("{}", serde_json::to_string_pretty(&recommended)?);
        return Ok(());
    }
    for model in &recommended {
        let entry = &model.entry;
        let here = match &model.here {
            Some(path) => path.display().to_string(),
            None => "not downloaded".to_string(),
        };
        println!(
            "{}\t{}\t{}\t{}\t{here}\t{}\t{}\tabout {:.0} tokens/s here (predicted)",
            entry.id,
            entry.name,
            fit::size(entry.size),
            model.fit.summary,
            entry.license,
            entry.good_for,
            model.speed.tokens_per_second
        );
    }
    Ok(())
}

fn line(model: &KnownModel) -> String {
    let facts = match (&model.info, &model.fit) {
        (Some(info), Some(fit)) => format!(
            "{} {}, {} parameters, {}, {} tokens of context\t{}",
            info.architecture,
            info.quantization,
            models::naming::size_class(info.parameters),
            fit::size(info.file_size),
            fit.context,
            fit.summary
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
