//! The quick jobs small models do well: summarize, translate, rewrite, classify and extract.
//! Each takes a text of any length (chunked with the model's tokenizer), reports progress,
//! stops at once when cancelled, and is kept in history as a conversation that records the job
//! and its options. The window, the command line and the hotkey popup all come through `run`.

pub mod prompts;
mod runner;
mod structured;
mod summarize;
mod transform;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::engine::{Completion, Engine, EngineError};
use crate::reply::{self, Reply, ReplyEvent, Stage};
use crate::store::{title_from, Asker, Conversation, Message, NewMessage, Store, StoreError};
use crate::text::{chunking, language};
use crate::usage;
use runner::Runner;
pub use structured::{Classification, Entities};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum SummaryStyle {
    Sentence,
    #[default]
    Paragraph,
    Bullets,
    /// Action items.
    Actions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum RewriteMode {
    /// Fix spelling and grammar.
    #[default]
    Grammar,
    Shorter,
    Formal,
    Friendly,
}

/// A job and its options, as the user chose them. Languages are codes (`fr`) or names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Job {
    Summarize {
        #[serde(default)]
        style: SummaryStyle,
        /// The summary's language; the input's own when absent.
        #[serde(default)]
        #[ts(optional = nullable)]
        language: Option<String>,
    },
    Translate {
        to: String,
        /// The input's language; detected when absent.
        #[serde(default)]
        #[ts(optional = nullable)]
        from: Option<String>,
    },
    Rewrite {
        #[serde(default)]
        mode: RewriteMode,
    },
    /// Sentiment (positive, neutral, negative) when `labels` is empty, else the best label.
    Classify {
        #[serde(default)]
        labels: Vec<String>,
    },
    Extract,
}

impl From<&Job> for Asker {
    fn from(job: &Job) -> Self {
        match job {
            Job::Summarize { .. } => Asker::Summarize,
            Job::Translate { .. } => Asker::Translate,
            Job::Rewrite { .. } => Asker::Rewrite,
            Job::Classify { .. } => Asker::Classify,
            Job::Extract => Asker::Extract,
        }
    }
}

impl Job {
    fn title_prefix(&self) -> &'static str {
        match self {
            Job::Summarize { .. } => "Summary",
            Job::Translate { .. } => "Translation",
            Job::Rewrite { .. } => "Rewrite",
            Job::Classify { .. } => "Classification",
            Job::Extract => "Entities",
        }
    }
}

/// The largest text a job takes at once. A 5 MB text already means hours of work on a laptop
/// CPU; anything bigger is refused up front rather than left running all day.
pub const MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;

/// Chunk size for map-reduce when the caller does not choose: small enough that prompt
/// processing stays quick on a CPU and a small model keeps track of the text.
pub const DEFAULT_CHUNK_TOKENS: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("There is no text to work on: paste or type some first.")]
    EmptyInput,
    #[error("This looks like binary data, not text, so there is nothing to read.")]
    Binary,
    #[error("The text is {size_mb:.1} MB; Hearth works on at most {limit_mb} MB at a time. Split it into smaller parts.")]
    TooLarge { size_mb: f64, limit_mb: usize },
    #[error("Hearth does not know the language \"{0}\". Pick one from the list (for example en, fr, de, es).")]
    UnknownLanguage(String),
    #[error("Give at least two categories to sort into (got {0}).")]
    TooFewLabels(usize),
    #[error("Give at most {max} categories (got {got}).")]
    TooManyLabels { got: usize, max: usize },
    #[error("The model's answer was not valid JSON ({0}). Try again, or with a shorter text.")]
    BadJson(#[source] serde_json::Error),
    /// Hearth's own values always serialize; this is kept apart so a bug never blames the model.
    #[error("Hearth could not write down the job's result ({0}). Please report this as a bug.")]
    Serialize(#[source] serde_json::Error),
    #[error("The text is {size_kb} KB; the popup works on at most {limit_kb} KB. Paste it into Hearth's window instead.")]
    TooLargeForQuick { size_kb: usize, limit_kb: usize },
    #[error(
        "The text could not be summarized into something short enough; try a larger chunk size."
    )]
    NotShrinking,
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct JobRequest<'a> {
    pub job: Job,
    pub text: &'a str,
    /// Map-reduce chunk size in tokens; `DEFAULT_CHUNK_TOKENS` when absent.
    pub chunk_tokens: Option<usize>,
    /// The stored document `text` comes from: the conversation is titled after it, and its
    /// first message names it instead of repeating a text the document already keeps.
    pub document: Option<&'a str>,
}

/// The job as it ran: options resolved (languages named, the source detected).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ResolvedJob {
    #[serde(flatten)]
    pub job: Job,
    /// The input's language as detected, when the detector was sure.
    pub detected: Option<String>,
}

/// Runs `request` into a new conversation: the input is stored as the user's message, the
/// result streams through `on_event` and is stored as the reply (also when stopped, or cut
/// short by an error).
pub async fn run(
    store: &Store,
    engine: &Engine,
    request: JobRequest<'_>,
    cancel: &CancellationToken,
    mut on_event: impl FnMut(ReplyEvent) + Send,
) -> Result<Message, JobError> {
    let text = check_input(request.text)?;
    let resolved = resolve(request.job, text)?;
    let first = match request.document {
        Some(name) => First::Document(name),
        None => First::Text(text),
    };
    let source = match first {
        First::Document(_) => Asker::Document,
        First::Text(_) => Asker::from(&resolved.job),
    };
    let (conversation, input) = start_conversation(store, engine, &resolved, first).await?;
    let mut reply = Reply::start(store, engine, source, conversation, input, &mut on_event);
    let result = perform(
        engine,
        &resolved.job,
        text,
        request.chunk_tokens,
        cancel,
        &mut |event| reply.emit(event),
    )
    .await;
    reply.keep(result).await
}

/// The most a quick job takes: a selection summarized in the popup should take seconds or
/// minutes, not hours; longer texts belong in the window.
pub const QUICK_INPUT_BYTES: usize = 100 * 1024;

/// A quick job that ran without being kept.
#[derive(Debug, Clone)]
pub struct QuickResult {
    pub job: ResolvedJob,
    pub input: String,
    pub completion: Completion,
}

/// Runs `request` as the popup does: at most `QUICK_INPUT_BYTES`, and nothing is stored (the
/// text came from another app; `keep` stores it when the user asks) but its usage record, in
/// `store` when a history is open. Events are `Progress` and `Token` only.
pub async fn run_quick(
    store: Option<&Store>,
    engine: &Engine,
    request: JobRequest<'_>,
    cancel: &CancellationToken,
    mut on_event: impl FnMut(ReplyEvent) + Send,
) -> Result<QuickResult, JobError> {
    if request.text.len() > QUICK_INPUT_BYTES {
        return Err(JobError::TooLargeForQuick {
            size_kb: request.text.len().div_ceil(1024),
            limit_kb: QUICK_INPUT_BYTES / 1024,
        });
    }
    let text = check_input(request.text)?;
    let job = resolve(request.job, text)?;
    let completion = perform(
        engine,
        &job.job,
        text,
        request.chunk_tokens,
        cancel,
        &mut on_event,
    )
    .await?;
    if let Some(store) = store {
        usage::count(store, Asker::Popup, &completion).await?;
    }
    Ok(QuickResult {
        job,
        input: text.to_string(),
        completion,
    })
}

/// Stores a quick job's text and result as a new conversation.
pub async fn keep(
    store: &Store,
    engine: &Engine,
    quick: &QuickResult,
) -> Result<Conversation, JobError> {
    let first = First::Text(&quick.input);
    let (conversation, input) = start_conversation(store, engine, &quick.job, first).await?;
    reply::keep(store, conversation.id, input.id, &quick.completion).await?;
    Ok(store.conversation(conversation.id).await?)
}

/// What a job conversation opens with: the text worked on, or the document it came from.
enum First<'a> {
    Text(&'a str),
    Document(&'a str),
}

/// A new conversation recording `job`, opened by the user's message `first`.
async fn start_conversation(
    store: &Store,
    engine: &Engine,
    job: &ResolvedJob,
    first: First<'_>,
) -> Result<(Conversation, Message), JobError> {
    let job_json = serde_json::to_value(job).map_err(JobError::Serialize)?;
    let prefix = job.job.title_prefix();
    let (title, text) = match first {
        First::Text(text) => (format!("{prefix}: {}", title_from(text)), text.to_string()),
        First::Document(name) => (format!("{prefix}: {name}"), format!("{prefix} of {name}")),
    };
    let conversation = store
        .create_job_conversation(&title, &engine.info().name, &job_json)
        .await?;
    let input = store
        .add_message(
            conversation.id,
            NewMessage {
                role: crate::engine::Role::User,
                content: &text,
                completion: None,
                parent_id: None,
            },
        )
        .await?;
    Ok((conversation, input))
}

/// Does the work, streaming it to `on_event`.
async fn perform(
    engine: &Engine,
    job: &Job,
    text: &str,
    chunk_tokens: Option<usize>,
    cancel: &CancellationToken,
    on_event: &mut (impl FnMut(ReplyEvent) + Send),
) -> Result<Completion, JobError> {
    let budget = chunk_budget(engine, chunk_tokens);
    let mut runner = Runner::new(engine, cancel, on_event);
    work(&mut runner, job, text, budget).await?;
    Ok(runner.finish())
}

async fn work(
    runner: &mut Runner<'_>,
    job: &Job,
    text: &str,
    budget: usize,
) -> Result<(), JobError> {
    match job {
        Job::Summarize { style, language } => {
            summarize::summarize(runner, text, *style, language.as_deref(), budget).await
        }
        Job::Translate { to, from } => {
            let prompt = |t: &str| prompts::translate(from.as_deref(), to, t);
            transform::transform(runner, text, budget, Stage::Translating, prompt).await
        }
        Job::Rewrite { mode } => {
            let prompt = |t: &str| prompts::rewrite(*mode, t);
            transform::transform(runner, text, budget, Stage::Rewriting, prompt).await
        }
        Job::Classify { labels } => structured::classify(runner, text, labels, budget).await,
        Job::Extract => structured::extract(runner, text, budget).await,
    }
}

/// The text to work on, or why there is none.
pub fn check_input(text: &str) -> Result<&str, JobError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(JobError::TooLarge {
            size_mb: text.len() as f64 / (1024.0 * 1024.0),
            limit_mb: MAX_INPUT_BYTES / (1024 * 1024),
        });
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(JobError::EmptyInput);
    }
    // Control characters other than line breaks and tabs are rare in text and common in
    // binary files read as text.
    let sample = text.chars().take(4096);
    let (mut total, mut control) = (0usize, 0usize);
    for c in sample {
        total += 1;
        if (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || c == '\u{FFFD}' {
            control += 1;
        }
    }
    if control * 10 > total {
        return Err(JobError::Binary);
    }
    Ok(text)
}

/// Names the languages the model will be told about, and detects the input's language.
pub fn resolve(job: Job, text: &str) -> Result<ResolvedJob, JobError> {
    let detection = language::detect(text);
    let detected = detection.language.map(|l| l.name.to_string());
    let named = |code: &str| {
        language::find(code)
            .map(|l| l.name.to_string())
            .ok_or_else(|| JobError::UnknownLanguage(code.trim().to_string()))
    };
    let job = match job {
        Job::Summarize { style, language } => Job::Summarize {
            style,
            language: match language {
                Some(l) => Some(named(&l)?),
                None => detected.clone(),
            },
        },
        Job::Translate { to, from } => Job::Translate {
            to: named(&to)?,
            from: match from {
                Some(f) => Some(named(&f)?),
                None => detected.clone(),
            },
        },
        Job::Classify { labels } => Job::Classify {
            labels: check_labels(labels)?,
        },
        job @ (Job::Rewrite { .. } | Job::Extract) => job,
    };
    Ok(ResolvedJob { job, detected })
}

const MAX_LABELS: usize = 20;

fn check_labels(labels: Vec<String>) -> Result<Vec<String>, JobError> {
    let mut clean: Vec<String> = Vec::new();
    for label in labels {
        let label = label.trim().to_string();
        if !label.is_empty() && !clean.contains(&label) {
            clean.push(label);
        }
    }
    match clean.len() {
        0 => Ok(clean),
        1 => Err(JobError::TooFewLabels(1)),
        n if n > MAX_LABELS => Err(JobError::TooManyLabels {
            got: n,
            max: MAX_LABELS,
        }),
        _ => Ok(clean),
    }
}

/// A chunk size that leaves room in the context for the prompt and a reply as long as the
/// chunk (translations can grow).
fn chunk_budget(engine: &Engine, wanted: Option<usize>) -> usize {
    let window = engine.info().context_window;
    let room = window.saturating_sub(prompts::OVERHEAD_TOKENS) / 3;
    wanted
        .unwrap_or(DEFAULT_CHUNK_TOKENS)
        .min(room)
        .max(chunking::MIN_BUDGET)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_binary_and_huge_inputs_are_refused_with_a_reason() {
        assert!(matches!(check_input(""), Err(JobError::EmptyInput)));
        assert!(matches!(check_input(" \n\t "), Err(JobError::EmptyInput)));
        let garbage: String = (0u8..=255).cycle().take(5000).map(char::from).collect();
        assert!(matches!(check_input(&garbage), Err(JobError::Binary)));
        let huge = "a".repeat(MAX_INPUT_BYTES + 1);
        assert!(matches!(check_input(&huge), Err(JobError::TooLarge { .. })));
        assert_eq!(check_input("  hello\n").ok(), Some("hello"));
    }

    #[test]
    fn languages_are_named_and_unknown_ones_refused() {
        let text = "The meeting moved to Tuesday because the room was taken.";
        let job = Job::Translate {
            to: "fr".into(),
            from: None,
        };
        let resolved = resolve(job, text).unwrap();
        assert_eq!(
            resolved.job,
            Job::Translate {
                to: "French".into(),
                from: Some("English".into())
            }
        );
        let unknown = Job::Translate {
            to: "xx".into(),
            from: None,
        };
        assert!(matches!(resolve(unknown, text), Err(JobError::UnknownLanguage(c)) if c == "xx"));
    }

    #[test]
    fn labels_are_cleaned_and_counted() {
        let labels = vec![" bug ".into(), "bug".into(), "feature".into(), "".into()];
        assert_eq!(check_labels(labels).unwrap(), vec!["bug", "feature"]);
        assert!(matches!(
            check_labels(vec!["one".into()]),
            Err(JobError::TooFewLabels(1))
        ));
        let many = (0..30).map(|i| i.to_string()).collect();
        assert!(matches!(
            check_labels(many),
            Err(JobError::TooManyLabels { .. })
        ));
    }

    #[test]
    fn jobs_read_from_json_with_defaults() {
        let job: Job = serde_json::from_str(r#"{"kind":"summarize"}"#).unwrap();
        assert_eq!(
            job,
            Job::Summarize {
                style: SummaryStyle::Paragraph,
                language: None
            }
        );
        let job: Job = serde_json::from_str(r#"{"kind":"classify","labels":["a","b"]}"#).unwrap();
        assert_eq!(
            job,
            Job::Classify {
                labels: vec!["a".into(), "b".into()]
            }
        );
    }
}
