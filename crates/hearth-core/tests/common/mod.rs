//! Shared by the core's integration tests: one runtime and one loaded default model per test
//! binary (the engine's worker lives as long as the runtime that built it).

#![allow(dead_code)] // each test binary uses a different part of this module

use std::path::PathBuf;
use std::sync::LazyLock;

pub mod hostile;
pub mod pinned;
#[path = "plain.rs"]
mod plain;

use hearth_core::engine::{self, Engine};
use hearth_core::store::{Store, Unlock};
use tempfile::TempDir;
use tokio::runtime::Runtime;
use tokio::sync::OnceCell;

/// The tests' runtime. Every test that reads a document starts here, so this is also where
/// the core is told which binary reads documents (the test binary itself cannot).
pub static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    hearth_core::documents::use_program(env!("CARGO_BIN_EXE_hearth-document-reader").into());
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime for the tests")
});

static ENGINE: OnceCell<Engine> = OnceCell::const_new();

pub fn default_model() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../models/SmolLM2-135M-Instruct.Q4_1.gguf");
    assert!(
        path.is_file(),
        "the default model is missing: run ./models/fetch-default.sh"
    );
    path
}

pub async fn engine() -> &'static Engine {
    ENGINE
        .get_or_init(|| async {
            let cache = std::env::temp_dir().join("hearth-test-engine-cache");
            std::env::set_var("HF_HOME", cache);
            engine::load(&default_model())
                .await
                .expect("the default model loads")
        })
        .await
}

/// A store on a new SQLite file in a temporary folder (kept while the `TempDir` lives).
pub async fn temp_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("history.sqlite3"), &Unlock::Keyring)
        .await
        .expect("a fresh database opens");
    (dir, store)
}

/// A plain (unencrypted) history as the release before encryption wrote it; the pool is still
/// open.
pub async fn plain_history(path: &std::path::Path) -> sqlx::SqlitePool {
    plain::plain_history(
        path,
        concat!(env!("CARGO_MANIFEST_DIR"), "/src/store/migrations"),
    )
    .await
}

/// A plain database with only Hearth's first `migrations` migrations: the history an older
/// release wrote, to be opened (and upgraded) by this one. The pool is still open.
pub async fn history_before(path: &std::path::Path, migrations: usize) -> sqlx::SqlitePool {
    let url = format!("sqlite:{}?mode=rwc", path.display());
    let pool = sqlx::SqlitePool::connect(&url).await.expect("raw open");
    let mut before = sqlx::migrate!("./src/store/migrations");
    before.migrations = before.migrations[..migrations].to_vec().into();
    before.run(&pool).await.expect("the older schema");
    pool
}
