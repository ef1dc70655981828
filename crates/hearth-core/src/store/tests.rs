//! What needs the store's insides: the WAL wiped after a delete once a reader lets go, and the
//! set-up lock's deadline.

use std::time::Duration;

use super::*;
use crate::engine::Role;

async fn store_in(dir: &Path) -> (PathBuf, Store) {
    let path = dir.join("history.sqlite3");
    let store = Store::open(&path, &Unlock::Keyring)
        .await
        .expect("a fresh history opens");
    (path, store)
}

fn wal_len(path: &Path) -> u64 {
    let mut wal = path.as_os_str().to_os_string();
    wal.push("-wal");
    std::fs::metadata(wal).map_or(0, |m| m.len())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delete_wipes_the_wal_once_a_reader_in_the_middle_of_a_read_lets_go() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, store) = store_in(dir.path()).await;
    let conversation = store
        .create_conversation("Secret", "small.gguf")
        .await
        .expect("created");
    store
        .add_message(
            conversation.id,
            NewMessage {
                role: Role::User,
                content: "zeppelinorchid",
                completion: None,
                parent_id: None,
            },
        )
        .await
        .expect("stored");
    // A read in progress: its snapshot keeps the WAL from being truncated until it ends.
    let mut reader = store.pool.begin().await.expect("a read");
    let _: (i64,) = sqlx::query_as("SELECT count(*) FROM messages")
        .fetch_one(&mut *reader)
        .await
        .expect("read");
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(700)).await;
        reader.rollback().await
    });
    store
        .delete_conversation(conversation.id)
        .await
        .expect("deleted and wiped once the reader is done");
    release.await.expect("released").expect("rolled back");
    assert_eq!(wal_len(&path), 0, "the WAL is truncated");
    assert!(store.list_conversations().await.expect("list").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_start_waits_for_the_set_up_lock_only_so_long() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite3");
    // Another Hearth in the middle of its set-up holds the lock file.
    let held = setup_lock_within(&path, Duration::ZERO)
        .await
        .expect("the lock is free");
    let started = std::time::Instant::now();
    let refused = setup_lock_within(&path, Duration::from_millis(300)).await;
    assert!(
        matches!(&refused, Err(StoreError::SetupBusy(p)) if *p == path),
        "{refused:?}"
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(5),
        "waited {waited:?}"
    );
    assert_eq!(
        refused.expect_err("refused").to_string(),
        format!(
            "Another Hearth has been setting up or re-encrypting the history {} for over 5 \
             minutes. Let it finish or close it, then try again.",
            path.display()
        )
    );
    drop(held);
    setup_lock_within(&path, Duration::ZERO)
        .await
        .expect("free again once the other lets go");
}
