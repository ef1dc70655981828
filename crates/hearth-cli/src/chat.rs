//! `hearth chat`: one message, the reply streamed to stdout. Ctrl+C stops the reply and keeps
//! what was generated.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use hearth_core::chat::{self, Branch, ChatRequest};
use hearth_core::engine::{self, Sampling};
use hearth_core::paths::DataDir;
use hearth_core::reply::ReplyEvent;
use hearth_core::store::Persona;

use crate::CliResult;

#[derive(Args)]
pub struct ChatArgs {
    /// The message to send.
    message: String,
    /// Continue this conversation (see `hearth history`).
    #[arg(long, value_name = "ID")]
    conversation: Option<i64>,
    /// Talk with this persona, from now on in this conversation (see `hearth personas`).
    #[arg(long, value_name = "NAME")]
    persona: Option<String>,
    /// 0 gives the same reply every time; higher is more varied [default: the persona's, or
    /// 0.7].
    #[arg(long)]
    temperature: Option<f64>,
    /// [default: 0.9]
    #[arg(long)]
    top_p: Option<f64>,
    /// The longest reply, in tokens [default: the persona's, or 512].
    #[arg(long)]
    max_tokens: Option<usize>,
    /// Makes sampling repeatable.
    #[arg(long)]
    seed: Option<u64>,
    /// A GGUF model file (default: the first model found in the data folder or models/).
    #[arg(long, value_name = "PATH")]
    model: Option<PathBuf>,
}

pub async fn run(data: &DataDir, args: ChatArgs) -> CliResult {
    if args.message.trim().is_empty() {
        return Err(chat::ChatError::EmptyMessage.into());
    }
    let store = crate::unlock::open_store(data).await?;
    let persona = match &args.persona {
        Some(name) => Some(store.persona_named(name).await?),
        None => None,
    };
    if let Some(id) = args.conversation {
        store.conversation(id).await?;
    }
    let sampling = chosen_sampling(&args, persona.as_ref().map(Persona::sampling));
    if let Some(sampling) = &sampling {
        sampling.validate()?;
    }
    let engine = engine::load(&data.model(args.model)?).await?;

    let cancel = crate::cancel_on_ctrl_c();
    let request = ChatRequest {
        conversation_id: args.conversation,
        text: &args.message,
        sampling,
        persona: persona.map(|p| p.id),
        reads: None,
        branch: Branch::Next,
    };
    chat::send(&store, &engine, request, &cancel, print_reply()).await?;
    store.close().await;
    Ok(())
}

/// The sampling the flags ask for, over the persona's (or the default); `None` when no flag
/// is given, so that the conversation's persona decides.
fn chosen_sampling(args: &ChatArgs, persona: Option<Sampling>) -> Option<Sampling> {
    let given = args.temperature.is_some()
        || args.top_p.is_some()
        || args.max_tokens.is_some()
        || args.seed.is_some();
    given.then(|| {
        let base = persona.unwrap_or_default();
        Sampling {
            temperature: args.temperature.unwrap_or(base.temperature),
            top_p: args.top_p.unwrap_or(base.top_p),
            max_tokens: args.max_tokens.unwrap_or(base.max_tokens),
            seed: args.seed,
            ..base
        }
    })
}

/// Prints a reply as it streams: its words to stdout; the conversation and the measurements to
/// stderr.
pub fn print_reply() -> impl FnMut(ReplyEvent) + Send {
    let mut stdout = std::io::stdout();
    move |event| match event {
        ReplyEvent::Started { conversation, .. } => {
            eprintln!("[conversation {}: {}]", conversation.id, conversation.title);
        }
        ReplyEvent::Token { text } => {
            // A closed stdout (e.g. `| head`) must not stop the reply from being saved.
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
        }
        ReplyEvent::Finished { completion, .. } => {
            let _ = writeln!(stdout);
            eprintln!("[{}]", describe(&completion));
        }
        ReplyEvent::Progress(_) | ReplyEvent::Note { .. } => {}
    }
}

pub fn describe(completion: &engine::Completion) -> String {
    let measured = &completion.measurements;
    let mut parts = vec![format!(
        "{} prompt tokens, {} reply tokens",
        measured.prompt_tokens, measured.completion_tokens
    )];
    if let Some(ms) = measured.time_to_first_token_ms {
        parts.push(format!("first token {ms} ms"));
    }
    if let Some(rate) = measured.tokens_per_second {
        parts.push(format!("{rate:.1} tokens/s"));
    }
    if completion.dropped_turns > 0 {
        parts.push(format!(
            "{} earlier messages left out to fit the context",
            completion.dropped_turns
        ));
    }
    if measured.stopped {
        parts.push("stopped".to_string());
    }
    parts.join(", ")
}
