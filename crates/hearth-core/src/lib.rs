//! Everything in Hearth that needs no window: the engine, the history store, the model files,
//! the settings and the chat flow that ties them together. Shared by the desktop shell, the `hearth` command
//! line and the tests.

pub mod archive;
pub mod chat;
pub mod core_dumps;
pub mod documents;
pub mod engine;
pub mod free_space;
pub mod jobs;
pub mod models;
pub mod owner_only;
pub mod paths;
pub mod reply;
pub mod server;
pub mod settings;
pub mod store;
pub mod text;
pub mod usage;
