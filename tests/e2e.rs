//! End to end: the release app in a real window (under Xvfb in CI), driven through WebDriver
//! (tauri-driver + WebKitWebDriver), with the real default model and a real SQLite file.
//! Needs `tauri-driver` on PATH and a DISPLAY; scripts/test.sh provides both.

#[path = "e2e/harness.rs"]
mod harness;
/// A small disk for the tests of a full one (the command line's tests use it too).
#[path = "../crates/hearth-cli/tests/common/tmpfs.rs"]
mod tmpfs;

#[path = "e2e/archive.rs"]
mod archive;
#[path = "e2e/branches.rs"]
mod branches;
#[path = "e2e/chat.rs"]
mod chat;
#[path = "e2e/documents.rs"]
mod documents;
#[path = "e2e/history.rs"]
mod history;
#[path = "e2e/models.rs"]
mod models;
#[path = "e2e/personas.rs"]
mod personas;
#[path = "e2e/popup.rs"]
mod popup;
#[path = "e2e/privacy.rs"]
mod privacy;
#[path = "e2e/reach.rs"]
mod reach;
#[path = "e2e/usage.rs"]
mod usage;
