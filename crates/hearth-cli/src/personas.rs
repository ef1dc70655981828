//! `hearth personas`: list personas, add or change one, delete one.

use clap::{Args, Subcommand};
use hearth_core::engine::Sampling;
use hearth_core::paths::DataDir;
use hearth_core::store::{PersonaFields, StoreError};

use crate::CliResult;

#[derive(Args)]
pub struct PersonasArgs {
    #[command(subcommand)]
    command: Option<PersonasCommand>,
}

#[derive(Subcommand)]
enum PersonasCommand {
    /// Add a persona, or change the one of that name.
    Set {
        name: String,
        /// What the model should be or do (its system prompt).
        #[arg(long)]
        instructions: String,
        #[arg(long, default_value_t = Sampling::default().temperature)]
        temperature: f64,
        /// The longest reply, in tokens.
        #[arg(long, default_value_t = 512)]
        max_tokens: i64,
    },
    /// Delete a persona; its conversations are kept and go on without it.
    Rm { name: String },
}

pub async fn run(data: &DataDir, args: PersonasArgs) -> CliResult {
    let store = crate::unlock::open_store(data).await?;
    match args.command {
        None => {
            for p in store.personas().await? {
                let settings = format!(
                    "temperature {}, up to {} tokens",
                    p.temperature, p.max_tokens
                );
                println!("{}\t{settings}\t{}", p.name, p.instructions);
            }
        }
        Some(PersonasCommand::Set {
            name,
            instructions,
            temperature,
            max_tokens,
        }) => {
            let fields = PersonaFields {
                name,
                instructions,
                temperature,
                max_tokens,
            };
            let kept = match store.persona_named(&fields.name).await {
                Ok(old) => store.update_persona(old.id, &fields).await?,
                Err(StoreError::PersonaNotFound(_)) => store.add_persona(&fields).await?,
                Err(e) => return Err(e.into()),
            };
            eprintln!("[persona {} kept]", kept.name);
        }
        Some(PersonasCommand::Rm { name }) => {
            let persona = store.persona_named(&name).await?;
            store.delete_persona(persona.id).await?;
        }
    }
    store.close().await;
    Ok(())
}
