//! Export and import of the history: Markdown to read (the branch each conversation shows),
//! JSON to keep everything (every branch, jobs, personas, documents and the passages answers
//! used, measurements), with a format version. An import checks the whole file before it stores
//! anything, and adds only the conversations that are not here yet. An export is not trusted:
//! its size is capped, it is parsed as it is read (never held whole as text), every passage
//! must come from its document's text, and its documents are kept apart from the files dropped
//! on Hearth (their hashes are the export's word, not a file's).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::Role;
use crate::store::{
    ArchivedConversation, ArchivedDocument, Conversation, Restored, Store, StoreError,
};

pub const FORMAT: &str = "hearth-history";
/// The newest format this Hearth writes and reads. Version 2 keeps a reply's measurements in
/// one `measurements` object (with its duration); version 1 had them beside its text.
pub const VERSION: u64 = 2;

/// The largest export Hearth imports: far more than years of conversations and documents.
pub const MAX_IMPORT_BYTES: u64 = 512 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("This is not a Hearth export: {0}. Nothing was imported.")]
    NotAnExport(String),
    #[error("This export was made by a newer Hearth (format version {0}; this one reads up to {VERSION}). Update Hearth to import it; nothing was imported.")]
    Newer(u64),
    #[error("This export is damaged: {0}. Nothing was imported.")]
    Damaged(String),
    #[error("This file is larger than any Hearth export ({size} MB; at most {} MB). Nothing was imported.", MAX_IMPORT_BYTES >> 20)]
    TooLarge { size: u64 },
    #[error("{path} could not be read: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("Choose md or json as the export format (got {0}).")]
    UnknownFormat(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "ExportFormat")]
pub enum Format {
    /// Readable: each conversation's branch shown.
    Markdown,
    /// Complete, to import again.
    Json,
}

impl Format {
    /// `md` (or `markdown`) or `json`.
    pub fn named(name: &str) -> Result<Self, ArchiveError> {
        match name.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            _ => Err(ArchiveError::UnknownFormat(name.to_string())),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Archive {
    format: String,
    version: u64,
    conversations: Vec<ArchivedConversation>,
    documents: Vec<ArchivedDocument>,
}

/// One conversation (`only`), or all of them, as text in `format`.
pub async fn export(
    store: &Store,
    only: Option<i64>,
    format: Format,
) -> Result<String, ArchiveError> {
    match format {
        Format::Json => {
            let (conversations, documents) = store.archive(only).await?;
            let archive = Archive {
                format: FORMAT.to_string(),
                version: VERSION,
                conversations,
                documents,
            };
            serde_json::to_string_pretty(&archive).map_err(|e| ArchiveError::Damaged(e.to_string()))
        }
        Format::Markdown => markdown(store, only).await,
    }
}

/// Imports the JSON export at `path`: all of it, or (when any of it is wrong) nothing. The file
/// is refused unread when it is larger than any export, and parsed as it is read, never held
/// whole as text.
pub async fn import_file(store: &Store, path: &std::path::Path) -> Result<Restored, ArchiveError> {
    let unreadable = |e: std::io::Error| ArchiveError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_IMPORT_BYTES {
        return Err(ArchiveError::TooLarge { size: size >> 20 });
    }
    let owned = path.to_path_buf();
    let archive = tokio::task::spawn_blocking(move || {
        // One byte past the cap, for a file that grows while it is read: its JSON ends cut.
        parse_from(|| {
            std::fs::File::open(&owned)
                .map(|f| std::io::BufReader::new(std::io::Read::take(f, MAX_IMPORT_BYTES + 1)))
        })
    })
    .await
    .map_err(|e| ArchiveError::Damaged(e.to_string()))?
    .map_err(|e| match e {
        Parse::Io(e) => unreadable(e),
        Parse::Archive(e) => e,
    })?;
    restore(store, archive).await
}

/// Imports a JSON export held as text: all of it, or (when any of it is wrong) nothing.
pub async fn import(store: &Store, text: &str) -> Result<Restored, ArchiveError> {
    if text.len() as u64 > MAX_IMPORT_BYTES {
        return Err(ArchiveError::TooLarge {
            size: text.len() as u64 >> 20,
        });
    }
    let archive = parse_from(|| Ok::<_, std::io::Error>(text.as_bytes())).map_err(|e| match e {
        Parse::Io(e) => ArchiveError::Damaged(e.to_string()),
        Parse::Archive(e) => e,
    })?;
    restore(store, archive).await
}

async fn restore(store: &Store, archive: Archive) -> Result<Restored, ArchiveError> {
    Ok(store
        .restore(&archive.conversations, &archive.documents)
        .await?)
}

/// What an export says it is. Everything else is skipped unkept when this is read.
#[derive(Deserialize)]
struct Header {
    format: Option<Value>,
    version: Option<Value>,
}

/// Why an export could not be parsed: its source failed, or it is not a good export.
enum Parse {
    Io(std::io::Error),
    Archive(ArchiveError),
}

/// The export `open` reads (opened twice: once for its header, once for the whole), checked.
fn parse_from<R: std::io::Read>(
    open: impl Fn() -> Result<R, std::io::Error>,
) -> Result<Archive, Parse> {
    let read = || open().map_err(Parse::Io);
    // The header first: a file that is not an export, or one from a newer Hearth, gets its own
    // sentence rather than a parse error about some field. Everything else streams past unkept.
    let header: Header = serde_json::from_reader(read()?)
        .map_err(|e| Parse::Archive(ArchiveError::NotAnExport(format!("it is not JSON ({e})"))))?;
    let refused = |e| Err(Parse::Archive(e));
    if header.format.as_ref().and_then(Value::as_str) != Some(FORMAT) {
        return refused(ArchiveError::NotAnExport(format!(
            "it does not say \"format\": \"{FORMAT}\""
        )));
    }
    let Some(version) = header.version.as_ref().and_then(Value::as_u64) else {
        return refused(ArchiveError::Damaged(
            "it has no format version".to_string(),
        ));
    };
    if version > VERSION {
        return refused(ArchiveError::Newer(version));
    }
    let damaged = |e: serde_json::Error| Parse::Archive(ArchiveError::Damaged(e.to_string()));
    let archive: Archive = if version < 2 {
        let mut value: Value = serde_json::from_reader(read()?).map_err(damaged)?;
        measurements_apart(&mut value);
        serde_json::from_value(value).map_err(damaged)?
    } else {
        serde_json::from_reader(read()?).map_err(damaged)?
    };
    check(&archive).map_err(Parse::Archive)?;
    Ok(archive)
}

/// A version 1 export as version 2 has it: each message's measurements moved from beside its
/// text into `measurements` (`null` for a person's message, which had none). Anything else is
/// left for the strict parse to judge.
fn measurements_apart(archive: &mut Value) {
    const BESIDE: [&str; 5] = [
        "promptTokens",
        "completionTokens",
        "timeToFirstTokenMs",
        "tokensPerSecond",
        "stopped",
    ];
    let messages = archive
        .get_mut("conversations")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get_mut("messages").and_then(Value::as_array_mut))
        .flatten()
        .filter_map(Value::as_object_mut);
    for message in messages {
        let mut measured = serde_json::Map::new();
        for key in BESIDE {
            if let Some(value) = message.remove(key) {
                measured.insert(key.to_string(), value);
            }
        }
        let replied = measured.get("promptTokens").is_some_and(|v| !v.is_null());
        message.insert(
            "measurements".to_string(),
            if replied {
                Value::Object(measured)
            } else {
                Value::Null
            },
        );
    }
}

/// Every position and hash points where it should, so the restore never guesses; and every
/// passage is part of its document's text, so no answer cites words the document lacks.
fn check(archive: &Archive) -> Result<(), ArchiveError> {
    for d in &archive.documents {
        if !passages_in_order(&d.text, d.chunks.iter().map(|c| c.text.as_str())) {
            return Err(ArchiveError::Damaged(format!(
                "the document \"{}\" has passages that are not in its text",
                d.name
            )));
        }
    }
    let chunks: HashMap<&str, usize> = archive
        .documents
        .iter()
        .map(|d| (d.hash.as_str(), d.chunks.len()))
        .collect();
    let mut uids = HashSet::new();
    for c in &archive.conversations {
        let damaged =
            |why: &str| ArchiveError::Damaged(format!("the conversation \"{}\" {why}", c.title));
        if c.uid.trim().is_empty() || !uids.insert(c.uid.as_str()) {
            return Err(damaged("has no identity (uid) of its own"));
        }
        if c.shown.is_some_and(|s| s >= c.messages.len()) {
            return Err(damaged("shows a message it does not have"));
        }
        if let Some(persona) = &c.persona {
            persona
                .checked()
                .map_err(|e| damaged(&format!("has a persona that cannot be used: {e}")))?;
        }
        for (i, m) in c.messages.iter().enumerate() {
            if m.parent.is_some_and(|p| p >= i) {
                return Err(damaged("has a message that follows one not before it"));
            }
            let cited = m.sources.iter().all(|s| {
                chunks
                    .get(s.document.as_str())
                    .is_some_and(|&n| s.chunk < n)
            });
            if !cited {
                return Err(damaged(
                    "cites a passage of a document the export does not hold",
                ));
            }
        }
        if !c.documents.iter().all(|h| chunks.contains_key(h.as_str())) {
            return Err(damaged("is about a document the export does not hold"));
        }
    }
    Ok(())
}

/// Whether each passage is found in `text`, each at or after where the one before starts (as
/// the chunker cuts them), so the whole check reads the text about once.
fn passages_in_order<'a>(text: &str, passages: impl Iterator<Item = &'a str>) -> bool {
    let mut from = 0;
    for passage in passages {
        match text[from..].find(passage) {
            Some(at) => from += at,
            None => return false,
        }
    }
    true
}

async fn markdown(store: &Store, only: Option<i64>) -> Result<String, ArchiveError> {
    let mut conversations = match only {
        Some(id) => vec![store.conversation(id).await?],
        None => store.list_conversations().await?,
    };
    conversations.sort_by_key(|c| (c.created_at, c.id));
    let mut out = String::new();
    for (i, c) in conversations.iter().enumerate() {
        if i > 0 {
            out.push_str("\n---\n\n");
        }
        out.push_str(&heading(store, c).await?);
        for m in store.messages(c.id).await? {
            let who = match m.role {
                Role::User => "You",
                Role::Assistant => "Hearth",
                Role::System => "Instructions",
            };
            out.push_str(&format!("**{who}:**\n\n{}\n\n", m.content.trim_end()));
            if m.stopped() {
                out.push_str("*(stopped)*\n\n");
            }
        }
    }
    Ok(out)
}

/// A conversation's title, and a line saying when, with which model and persona.
async fn heading(store: &Store, c: &Conversation) -> Result<String, ArchiveError> {
    let mut about = vec![local_time(c.created_at), c.model.clone()];
    if let Some(id) = c.persona_id {
        about.push(format!("persona {}", store.persona(id).await?.name));
    }
    let mut heading = format!("# {}\n\n*{}*\n\n", c.title, about.join(" · "));
    if let Some(instructions) = &c.instructions {
        heading.push_str(&format!("> Instructions: {instructions}\n\n"));
    }
    Ok(heading)
}

/// Milliseconds since 1970 as a local date and time, e.g. "2026-11-25 14:03".
fn local_time(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}
