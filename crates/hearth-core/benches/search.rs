//! `cargo bench --workspace --bench search`: searching 100,000 messages (10,000 conversations
//! of 10 messages, cut from Debian's licence texts at different places so words repeat as they
//! do in real chats). Prints a markdown table of the time per search, median of 5.

mod common;

use std::time::{Duration, Instant};

use hearth_core::store::Store;
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

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        // The schema is Hearth's own; then the rows go in with plain SQL in one transaction
        // (through the store, 100,000 separate commits would take minutes).
        Store::open(&path).await.expect("store").close().await;
        let started = Instant::now();
        seed(&path).await;
        let seeded = started.elapsed();
        let store = Store::open(&path).await.expect("store");
        println!(
            "{} messages in {CONVERSATIONS} conversations stored and indexed in {} ms",
            CONVERSATIONS * MESSAGES_PER_CONVERSATION,
            seeded.as_millis()
        );
        println!();
        println!("| search | hits shown | time (median of {RUNS}) |");
        println!("| --- | --- | --- |");
        for words in SEARCHES {
            let mut times = Vec::new();
            let mut hits = 0;
            for _ in 0..RUNS {
                let started = Instant::now();
                hits = store.search(words, 50).await.expect("search").len();
                times.push(started.elapsed());
            }
            times.sort();
            println!("| {words} | {hits} | {} |", ms(times[RUNS / 2]));
        }
    });
    common::print_memory();
}

async fn seed(path: &std::path::Path) {
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
    let options = SqliteConnectOptions::new().filename(path);
    let mut db = SqliteConnection::connect_with(&options)
        .await
        .expect("open");
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
