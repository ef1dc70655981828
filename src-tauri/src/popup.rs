//! The popup: the selection's summary next to the pointer, over any app. The job runs on the
//! core's quick path (nothing stored until "Open in Hearth"); its events go to the popup
//! window tagged with the run they belong to, so a restarted run never mixes with the old one.

use std::sync::Mutex;

use hearth_core::engine::Completion;
use hearth_core::jobs::{self, Job, JobRequest, QuickResult};
use hearth_core::reply::ReplyEvent;
use hearth_core::settings::PopupStyle;
use hearth_core::text::language;
use serde::{Deserialize, Serialize};
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_global_shortcut::{Code, Shortcut};
use tokio_util::sync::CancellationToken;

use crate::error::Error;
use crate::hotkey::{self, Hotkey, HotkeyError};
pub use crate::selection::Source;
use crate::selection::Unreadable;
use crate::state::AppState;
use crate::{redraw, selection, windows};

/// What the popup is asked to do with the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "PopupAction")]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Action {
    Summarize {
        style: PopupStyle,
    },
    /// Into the language chosen in the settings.
    Translate,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PopupEvent {
    Started {
        action: Action,
        /// The language a translation goes into.
        target: Option<String>,
    },
    /// Progress and tokens of the job.
    Job {
        event: Box<ReplyEvent>,
    },
    Done {
        completion: Completion,
    },
    Failed {
        message: String,
    },
    /// The popup was hidden: it forgets what it showed, so the next press never flashes it.
    Closed,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "PopupMessage")]
pub(crate) struct Envelope {
    run: u64,
    event: PopupEvent,
}

/// The popup's current run.
#[derive(Default)]
struct Run {
    id: u64,
    /// The text taken at the last key press, or why there was none.
    text: Option<Result<String, Unreadable>>,
    cancel: CancellationToken,
    task: Option<JoinHandle<Option<QuickResult>>>,
    /// The conversation this run was kept as.
    kept: Option<i64>,
}

#[derive(Default)]
pub struct Popup {
    run: Mutex<Run>,
}

impl Popup {
    fn lock(&self) -> std::sync::MutexGuard<'_, Run> {
        self.run.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Makes `hotkey` the popup's shortcut in place of `previous` (see `hotkey::register`).
pub fn register_shortcut(
    app: &AppHandle,
    hotkey: &Hotkey,
    previous: Option<&Hotkey>,
) -> Result<(), HotkeyError> {
    hotkey::register(app, hotkey, previous, |app| trigger(app, Source::Selection))
}

/// Registers the stored shortcut (at start, and again once a locked history opens with its
/// settings); a problem is kept for the window to show.
pub fn register_shortcut_from_settings(app: &AppHandle) {
    let state = app.state::<AppState>();
    let previous = state.hotkey().ok();
    let outcome = hotkey::parse(&state.settings().shortcut).and_then(|hotkey| {
        register_shortcut(app, &hotkey, previous.as_ref())?;
        Ok(hotkey)
    });
    state.set_hotkey(outcome);
}

/// While the popup shows, Esc closes it wherever the keyboard focus is: the webview does not
/// reliably get key focus when a hidden window is shown again (seen on X11 every second time).
/// Called off the UI and hotkey threads, after every show and hide, so the grab ends up matching
/// whether the popup is visible; Esc is never held while it is hidden.
async fn follow_with_escape(app: AppHandle) {
    let visible = app
        .get_webview_window(windows::POPUP)
        .and_then(|w| w.is_visible().ok())
        .unwrap_or(false);
    hotkey::hold_while(&app, Shortcut::new(None, Code::Escape), visible, close);
}

/// The shortcut, the tray or a forwarded command line: show the popup at once, then read the
/// text and summarize it in the user's style. A run still going is cancelled.
pub fn trigger(app: &AppHandle, source: Source) {
    windows::show_popup(app);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        follow_with_escape(app.clone()).await;
        let text = selection::read(&app, source).await;
        let style = app.state::<AppState>().settings().popup_style;
        start(&app, Some(text), Action::Summarize { style });
    });
}

/// Runs `action` on `text`, or on the last text when `None`, in place of the current run.
pub fn start(app: &AppHandle, text: Option<Result<String, Unreadable>>, action: Action) {
    let popup = app.state::<Popup>();
    let mut run = popup.lock();
    run.cancel.cancel();
    run.id += 1;
    run.cancel = CancellationToken::new();
    run.kept = None;
    if text.is_some() {
        run.text = text;
    }
    let (id, text, cancel) = (run.id, run.text.clone(), run.cancel.clone());
    let app = app.clone();
    run.task = Some(tauri::async_runtime::spawn(async move {
        perform(&app, id, text, action, cancel).await
    }));
}

async fn perform(
    app: &AppHandle,
    run: u64,
    text: Option<Result<String, Unreadable>>,
    action: Action,
    cancel: CancellationToken,
) -> Option<QuickResult> {
    // The popup may be gone (app closing); nothing to show then.
    let emit = |event: PopupEvent| {
        let _ = app.emit_to(windows::POPUP, "popup", Envelope { run, event });
    };
    let state = app.state::<AppState>();
    let job = match action {
        Action::Summarize { style } => Job::Summarize {
            style: style.into(),
            language: None,
        },
        Action::Translate => Job::Translate {
            to: state.settings().translate_to,
            from: None,
        },
    };
    let target = match &job {
        Job::Translate { to, .. } => language::find(to).map(|l| l.name.to_string()),
        _ => None,
    };
    emit(PopupEvent::Started { action, target });
    let outcome = async {
        let text = text.ok_or(Error::NoText)??;
        let engine = state.engine().await?;
        let request = JobRequest {
            job,
            text: &text,
            chunk_tokens: None,
            document: None,
        };
        let mut events = redraw::to_window(|event| {
            emit(PopupEvent::Job {
                event: Box::new(event),
            })
        });
        // Counted in usage when the history is open; the popup works without it.
        let store = state.store().ok();
        jobs::run_quick(store.as_ref(), &engine, request, &cancel, |event| {
            events.push(event)
        })
        .await
        .map_err(Error::from)
    }
    .await;
    match outcome {
        Ok(quick) => {
            emit(PopupEvent::Done {
                completion: quick.completion.clone(),
            });
            Some(quick)
        }
        Err(error) => {
            emit(PopupEvent::Failed {
                message: error.to_string(),
            });
            None
        }
    }
}

/// Esc or a click elsewhere: the popup hides and its run stops.
pub fn close(app: &AppHandle) {
    let popup = app.state::<Popup>();
    let run = {
        let mut run = popup.lock();
        run.cancel.cancel();
        // A new id, so that a token still in flight from the stopped run is ignored.
        run.id += 1;
        run.id
    };
    let _ = app.emit_to(
        windows::POPUP,
        "popup",
        Envelope {
            run,
            event: PopupEvent::Closed,
        },
    );
    windows::hide_popup(app);
    tauri::async_runtime::spawn(follow_with_escape(app.clone()));
}

/// Keeps the current run (stopping it first if it still runs) as a conversation in history.
/// `None` when there is nothing to keep (no text, or the run failed).
pub async fn keep(app: &AppHandle) -> Result<Option<i64>, Error> {
    let popup = app.state::<Popup>();
    let (id, task) = {
        let mut run = popup.lock();
        if run.kept.is_some() {
            return Ok(run.kept);
        }
        run.cancel.cancel();
        (run.id, run.task.take())
    };
    let Some(task) = task else { return Ok(None) };
    let Some(quick) = task.await.ok().flatten() else {
        return Ok(None);
    };
    let state = app.state::<AppState>();
    let store = state.store()?;
    let engine = state.engine().await?;
    let conversation = jobs::keep(&store, &engine, &quick).await?;
    let mut run = popup.lock();
    if run.id == id {
        run.kept = Some(conversation.id);
    }
    Ok(Some(conversation.id))
}
