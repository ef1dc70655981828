//! `cargo bench --workspace --bench search`: searching 100,000 messages (10,000 conversations
//! of 10 messages, cut from Debian's licence texts at different places so words repeat as they
//! do in real chats), and what encryption costs: the same history opened and listed as plain
//! SQLite and as Hearth's encrypted store, and encrypted in place. Prints markdown tables,
//! medians of 5. Needs a keyring (run it under `dbus-run-session` with scripts/keyring.sh
//! sourced, or in a desktop session).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use hearth_core::store::{Store, Unlock};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

const CONVERSATIONS: usize = 10_000;
const MESSAGES_PER_CONVERSATION: usize = 10;
const WORDS_PER_MESSAGE: usize = 60;
const RUNS: usize = 5;
const SEARCHES: &[&str] = &[
    "warranty",
    "patent license",
    "distribute copies",
    "modif",
    "source code of the work",
    "zebra",
];
/// What listing the conversations reads, as the store asks it.
const LIST: &str = "SELECT * FROM conversations ORDER BY updated_at DESC, id DESC";

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        // A plain history as an earlier Hearth kept it: Hearth's schema, then the rows with
        // plain SQL in one transaction (through the store, 100,000 commits would take minutes).
        let plain = dir.path().join("plain.sqlite3");
        let started = Instant::now();
        seed(&plain).await;
        println!(
            "{} messages in {CONVERSATIONS} conversations stored and indexed in {} ms",
            CONVERSATIONS * MESSAGES_PER_CONVERSATION,
            started.elapsed().as_millis()
        );
        let path = dir.path().join("history.sqlite3");
        std::fs::copy(&plain, &path).expect("copy");
        let started = Instant::now();
        let store = Store::open(&path, &Unlock::Keyring)
            .await
            .expect("the store (is a keyring running?)");
        println!(
            "encrypted in place on first open in {} ms",
            started.elapsed().as_millis()
        );
        store.close().await;

        let plain_list = median(|| async {
            let mut db = SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(&plain))
                .await
                .expect("open");
            sqlx::query(LIST).fetch_all(&mut db).await.expect("list");
            db.close().await.expect("close");
        })
        .await;
        let encrypted_list = median(|| async {
            let store = Store::open(&path, &Unlock::Keyring).await.expect("store");
            store.list_conversations().await.expect("list");
            store.close().await;
        })
        .await;
        println!();
        println!("| open the history and list its {CONVERSATIONS} conversations | time (median of {RUNS}) |");
        println!("| --- | --- |");
        println!("| plain SQLite (one connection, the same query) | {} |", ms(plain_list));
        println!(
            "| Hearth's encrypted store (`Store::open`: set-up lock, key from the keyring, schema check; then `list_conversations`) | {} |",
            ms(encrypted_list)
        );

        let store = Store::open(&path, &Unlock::Keyring).await.expect("store");
        println!();
        println!("| search (encrypted) | hits shown | time (median of {RUNS}) |");
        println!("| --- | --- | --- |");
        for words in SEARCHES {
            let hits = store.search(words, 50).await.expect("search").len();
            let time = median(|| async {
                store.search(words, 50).await.expect("search");
            })
            .await;
            println!("| {words} | {hits} | {} |", ms(time));
        }
    });
    common::print_memory();
}

/// The median time of `RUNS` runs of `run`.
async fn median<F: std::future::Future<Output = ()>>(mut run: impl FnMut() -> F) -> Duration {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        run().await;
        times.push(started.elapsed());
    }
    times.sort();
    times[RUNS / 2]
}

async fn seed(path: &Path) {
    let words: Vec<String> = ["GPL-3", "GPL-2", "Apache-2.0", "LGPL-2.1", "MPL-2.0"]
        .iter()
        .filter_map(|name| {
            std::fs::read_to_string(format!("/usr/share/common-licenses/{name}")).ok()
        })
        .flat_map(|text| {
            text.split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        words.len() > 10_000,
        "the licence texts in /usr/share/common-licenses"
    );
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    let mut db = SqliteConnection::connect_with(&options)
        .await
        .expect("open");
    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/migrations");
    sqlx::migrate::Migrator::new(migrations)
        .await
        .expect("the migrations")
        .run(&mut db)
        .await
        .expect("the schema");
    let mut tx = db.begin().await.expect("transaction");
    let mut at = 0;
    for c in 0..CONVERSATIONS {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO conversations (title, model, created_at, updated_at)
             VALUES (?, 'SmolLM2', ?, ?) RETURNING id",
        )
        .bind(words[(c * 7919) % (words.len() - 5)..][..5].join(" "))
        .bind(c as i64)
        .bind(c as i64)
        .fetch_one(&mut *tx)
        .await
        .expect("conversation");
        for m in 0..MESSAGES_PER_CONVERSATION {
            at = (at + 7919) % (words.len() - WORDS_PER_MESSAGE);
            let role = if m % 2 == 0 { "user" } else { "assistant" };
            sqlx::query(
                "INSERT INTO messages (conversation_id, role, content, created_at)
                 VALUES (?, ?, ?, ?)",
            )
            .bind(id)
            .bind(role)
            .bind(words[at..at + WORDS_PER_MESSAGE].join(" "))
            .bind(c as i64)
            .execute(&mut *tx)
            .await
            .expect("message");
        }
    }
    tx.commit().await.expect("commit");
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
