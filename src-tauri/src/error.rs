//! The shell's one error: what a command (or the popup) fails with. The core's errors are
//! already sentences a person understands and are kept whole, with their causes; the shell's own
//! refusals are the variants below. The UI receives every one as `CommandError`: the sentence.

use std::path::PathBuf;

use hearth_core::archive::ArchiveError;
use hearth_core::chat::ChatError;
use hearth_core::documents::{AskError, DocumentError};
use hearth_core::engine::EngineError;
use hearth_core::jobs::JobError;
use hearth_core::models::download::DownloadError;
use hearth_core::models::shelf::ShelfError;
use hearth_core::models::GgufError;
use hearth_core::settings::SettingsError;
use hearth_core::store::StoreError;
use hearth_core::usage::export::CsvError;
use hearth_core::usage::prices::PriceError;
use serde::Serialize;

use crate::hotkey::HotkeyError;
use crate::selection::Unreadable;

/// What a command returns: its value, or an error the UI shows in its banner.
pub type CommandResult<T> = Result<T, Error>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The history is locked; the sentence says why (the lock screen says what to do).
    #[error("{0}")]
    HistoryLocked(String),
    #[error("The history is open; nothing was set aside.")]
    HistoryOpen,
    #[error("The model is still loading.")]
    ModelLoading,
    /// The model could not be loaded; the sentence, kept from the load, says why.
    #[error("{0}")]
    ModelFailed(String),
    #[error("{} is not a model Hearth knows.", .0.display())]
    UnknownModel(PathBuf),
    #[error("This model is in use: switch to another one before removing it.")]
    ModelInUse,
    #[error("{} was downloaded but is not listed.", .0.display())]
    NotListed(PathBuf),
    /// A path the webview named that the person never dropped or picked.
    #[error("Hearth reads only files dropped on its window or chosen in its dialogs, and {} was neither.", .0.display())]
    NotGranted(PathBuf),
    #[error("There is no text yet.")]
    NoText,
    #[error("{} could not be saved: {source}", path.display())]
    Save {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A task run off the async threads (a dialog, a copy) ended without an answer.
    #[error("Hearth's background task stopped before it finished ({0}).")]
    Task(#[from] tauri::Error),
    #[error(transparent)]
    Selection(#[from] Unreadable),
    #[error(transparent)]
    Hotkey(#[from] HotkeyError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Chat(#[from] ChatError),
    #[error(transparent)]
    Job(#[from] JobError),
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error(transparent)]
    Ask(#[from] AskError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error(transparent)]
    Model(#[from] GgufError),
    #[error(transparent)]
    Shelf(#[from] ShelfError),
    #[error(transparent)]
    Download(#[from] DownloadError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Prices(#[from] PriceError),
    #[error("The usage could not be written as CSV: {0}")]
    Csv(#[from] CsvError),
}

/// An error as the UI receives it: the sentence to show.
#[derive(Serialize, ts_rs::TS)]
pub struct CommandError {
    pub message: String,
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CommandError {
            message: self.to_string(),
        }
        .serialize(serializer)
    }
}
