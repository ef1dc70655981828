//! The history encrypted at rest, on real files and the real keyring (the Secret Service that
//! `scripts/test.sh` starts under `dbus-run-session`).

mod common;

use std::path::{Path, PathBuf};

use common::{plain_history, RUNTIME};
use hearth_core::engine::Role;
use hearth_core::store::{
    ChunkText, KeptIn, Kind, NewDocument, NewMessage, Store, StoreError, Unlock,
};
use zeroize::Zeroizing;

const WORDS: [&str; 3] = ["quetzalplume", "marmaladewolf", "zeppelinorchid"];

fn passphrase(text: &str) -> Unlock {
    Unlock::Passphrase(Zeroizing::new(text.to_string()))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// The bytes of the database, its WAL and its SHM, as any program could read them.
fn files(path: &Path) -> Vec<u8> {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| std::fs::read(with_suffix(path, suffix)).ok())
        .flatten()
        .collect()
}

fn holds(bytes: &[u8], word: &str) -> bool {
    bytes.windows(word.len()).any(|w| w == word.as_bytes())
}

fn note(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(with_suffix(path, ".unlock.json")).expect("the note");
    serde_json::from_str(&text).expect("the note is JSON")
}

fn keyring_entry(path: &Path) -> keyring::Entry {
    let name = note(path)["entry"]
        .as_str()
        .expect("a keyring note")
        .to_string();
    keyring::Entry::new("Hearth", &name).expect("an entry")
}

/// Reading the file as plain SQLite (what the system `sqlite3` does) fails.
async fn plain_sqlite_reads(path: &Path) -> bool {
    let url = format!("sqlite:{}?mode=ro", path.display());
    match sqlx::SqlitePool::connect(&url).await {
        Ok(pool) => sqlx::query("SELECT count(*) FROM sqlite_master")
            .execute(&pool)
            .await
            .is_ok(),
        Err(_) => false,
    }
}

#[test]
fn nothing_typed_is_readable_in_the_database_its_wal_or_its_shm() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        let store = Store::open(&path, &Unlock::Keyring)
            .await
            .expect("a new history");
        let chat = store.create_conversation("Birds", "m").await.expect("chat");
        let message = |content| NewMessage {
            role: Role::User,
            content,
            completion: None,
            parent_id: None,
        };
        store
            .add_message(chat.id, message("Tell me about the quetzalplume."))
            .await
            .expect("message");
        let job = store
            .create_job_conversation("Summary", "m", &serde_json::json!({"job": "summarize"}))
            .await
            .expect("job");
        store
            .add_message(
                job.id,
                message("Summarize: the marmaladewolf met the board."),
            )
            .await
            .expect("job input");
        let text = "The zeppelinorchid blooms at night.";
        store
            .add_document(
                NewDocument {
                    name: "notes.txt",
                    hash: "h1",
                    size: text.len() as i64,
                    kind: Kind::Text,
                    pages: None,
                    text,
                },
                &[ChunkText {
                    page: None,
                    text: text.to_string(),
                }],
            )
            .await
            .expect("document");

        // Read while the store is open (the WAL holds the latest writes) and after closing.
        let open_bytes = files(&path);
        store.close().await;
        let closed_bytes = files(&path);
        for word in WORDS {
            assert!(
                !holds(&open_bytes, word),
                "{word} is readable in the open files"
            );
            assert!(
                !holds(&closed_bytes, word),
                "{word} is readable in the closed files"
            );
        }
        assert!(
            !plain_sqlite_reads(&path).await,
            "plain SQLite reads the file"
        );
        assert_eq!(note(&path)["kept_in"], "keyring");
        assert_eq!(
            keyring_entry(&path).get_password().expect("the key").len(),
            64
        );
        let reopened = Store::open(&path, &Unlock::Keyring).await.expect("reopen");
        assert_eq!(reopened.kept_in(), KeptIn::Keyring);
        assert_eq!(reopened.list_conversations().await.expect("list").len(), 2);
    });
}

/// The plain fixture, encrypted by its first open through the keyring.
async fn encrypted_fixture(path: &Path) -> Store {
    plain_history(path).await.close().await;
    Store::open(path, &Unlock::Keyring)
        .await
        .expect("encrypted")
}

/// Every row of the plain fixture, read through the store.
async fn assert_fixture_kept(store: &Store) {
    let conversations = store.list_conversations().await.expect("list");
    assert_eq!(conversations.len(), 2);
    let chat = store.messages(1).await.expect("chat");
    assert_eq!(chat[1].content, "The quetzalplume is a feather.");
    let job = store.messages(2).await.expect("job");
    assert_eq!(
        job[0].content,
        "Summarize: the marmaladewolf met the board."
    );
    assert_eq!(
        hearth_core::settings::load(store)
            .await
            .expect("settings")
            .shortcut,
        "Ctrl+Alt+J"
    );
    assert_eq!(
        store.document_text(1).await.expect("document"),
        "The zeppelinorchid blooms at night."
    );
    let hits = store.search("quetzalplume", 10).await.expect("search");
    assert_eq!(hits.len(), 3, "the title and both messages");
    assert_eq!(store.personas().await.expect("personas").len(), 4);
}

#[test]
fn a_plain_history_is_encrypted_in_place_with_every_row_kept() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        plain_history(&path).await.close().await;
        assert!(holds(&files(&path), "quetzalplume"), "the fixture is plain");

        let store = Store::open(&path, &Unlock::Keyring)
            .await
            .expect("encrypted");
        assert_fixture_kept(&store).await;
        store.close().await;
        let bytes = files(&path);
        for word in WORDS {
            assert!(!holds(&bytes, word), "{word} is still readable");
        }
        assert!(
            !plain_sqlite_reads(&path).await,
            "plain SQLite reads the file"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".rewrite") || name.ends_with(".next.json"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    });
}

#[test]
fn a_wrong_or_missing_passphrase_is_a_sentence_and_the_file_is_untouched() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        let short = Store::open(&path, &passphrase("short"))
            .await
            .err()
            .expect("refused");
        assert!(matches!(short, StoreError::ShortPassphrase), "{short}");
        let store = Store::open(&path, &passphrase("correct horse"))
            .await
            .expect("new");
        assert_eq!(store.kept_in(), KeptIn::Passphrase);
        store
            .create_conversation("Kept", "m")
            .await
            .expect("create");
        store.close().await;
        let before = files(&path);

        let wrong = Store::open(&path, &passphrase("wrong horse"))
            .await
            .err()
            .expect("refused");
        assert!(matches!(wrong, StoreError::WrongPassphrase), "{wrong}");
        assert!(wrong.to_string().contains("does not open the history"));
        let none = Store::open(&path, &Unlock::Keyring)
            .await
            .err()
            .expect("refused");
        assert!(matches!(none, StoreError::PassphraseNeeded), "{none}");
        assert!(files(&path) == before, "the files are untouched");

        let store = Store::open(&path, &passphrase("correct horse"))
            .await
            .expect("right");
        assert_eq!(
            store.list_conversations().await.expect("list")[0].title,
            "Kept"
        );
    });
}

#[test]
fn a_lost_keyring_entry_is_a_sentence_and_a_new_history_keeps_the_old_aside() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        let store = Store::open(&path, &Unlock::Keyring).await.expect("new");
        store.create_conversation("Old", "m").await.expect("create");
        store.close().await;
        keyring_entry(&path)
            .delete_credential()
            .expect("entry deleted");
        let before = files(&path);
        let database = std::fs::read(&path).expect("read");

        let error = Store::open(&path, &Unlock::Keyring)
            .await
            .err()
            .expect("refused");
        assert!(matches!(error, StoreError::KeyMissing(_)), "{error}");
        assert!(error.to_string().contains("not in the system keyring"));
        assert!(files(&path) == before, "the file is untouched");

        let aside = Store::set_aside(&path, &Unlock::Keyring)
            .await
            .expect("set aside");
        assert!(std::fs::read(&aside).expect("the old file") == database);
        assert!(
            with_suffix(&aside, ".unlock.json").exists(),
            "its note goes with it"
        );
        let fresh = Store::open(&path, &Unlock::Keyring)
            .await
            .expect("a new history");
        assert!(fresh.list_conversations().await.expect("list").is_empty());
    });
}

#[test]
fn a_history_copied_from_elsewhere_is_a_sentence_and_left_untouched() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let (mine, theirs) = (
            dir.path().join("mine.sqlite3"),
            dir.path().join("theirs.sqlite3"),
        );
        Store::open(&mine, &Unlock::Keyring)
            .await
            .expect("mine")
            .close()
            .await;
        Store::open(&theirs, &Unlock::Keyring)
            .await
            .expect("theirs")
            .close()
            .await;
        // Their file arrives where mine was; my note (and keyring entry) stay.
        std::fs::copy(&theirs, &mine).expect("copy");
        let before = files(&mine);
        let error = Store::open(&mine, &Unlock::Keyring)
            .await
            .err()
            .expect("refused");
        assert!(matches!(error, StoreError::WrongKey(_)), "{error}");
        assert!(files(&mine) == before, "the file is untouched");
    });
}

#[test]
fn the_key_moves_between_keyring_and_passphrase_with_nothing_lost() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        let store = encrypted_fixture(&path).await;
        let first_entry = keyring_entry(&path);

        let change = store.change_key(&passphrase("a long passphrase")).await;
        assert_eq!(change.changed.expect("changed"), KeptIn::Passphrase);
        let store = change.store.expect("reopened");
        assert_fixture_kept(&store).await;
        assert!(
            matches!(first_entry.get_password(), Err(keyring::Error::NoEntry)),
            "the old key is forgotten"
        );
        store.close().await;
        let error = Store::open(&path, &Unlock::Keyring)
            .await
            .err()
            .expect("needs it");
        assert!(matches!(error, StoreError::PassphraseNeeded), "{error}");

        let store = Store::open(&path, &passphrase("a long passphrase"))
            .await
            .expect("open");
        let change = store.change_key(&passphrase("short")).await;
        assert!(matches!(change.changed, Err(StoreError::ShortPassphrase)));
        let store = change.store.expect("still open with the old key");
        let change = store.change_key(&Unlock::Keyring).await;
        assert_eq!(change.changed.expect("changed"), KeptIn::Keyring);
        change.store.expect("reopened").close().await;
        let store = Store::open(&path, &Unlock::Keyring)
            .await
            .expect("from the keyring");
        assert_fixture_kept(&store).await;
        assert!(!holds(&files(&path), "quetzalplume"));
    });
}

#[test]
fn the_key_does_not_change_while_another_hearth_has_the_history_open() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        // The app, say, idle with the history open.
        let app = encrypted_fixture(&path).await;
        let cli = Store::open(&path, &Unlock::Keyring).await.expect("open");
        let change = cli.change_key(&passphrase("a long passphrase")).await;
        let refused = change.changed.expect_err("refused");
        assert_eq!(
            refused.to_string(),
            "Hearth has this history open elsewhere (the app, or another command line). Close \
             it, then change the key; nothing was changed."
        );
        let cli = change.store.expect("still open with the old key");
        assert_fixture_kept(&app).await;
        assert_fixture_kept(&cli).await;

        // Once the other has closed it, the change goes through.
        app.close().await;
        let change = cli.change_key(&passphrase("a long passphrase")).await;
        assert_eq!(change.changed.expect("changed"), KeptIn::Passphrase);
        assert_fixture_kept(&change.store.expect("reopened")).await;
    });
}

#[test]
fn a_deleted_conversation_leaves_no_wal_behind_and_no_search_hit() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        let store = encrypted_fixture(&path).await;
        store.delete_conversation(1).await.expect("deleted");
        store.delete_document(1).await.expect("deleted");
        let wal = std::fs::metadata(with_suffix(&path, "-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
        assert_eq!(wal, 0, "the WAL is checkpointed and truncated");
        assert!(store
            .search("quetzalplume", 10)
            .await
            .expect("search")
            .is_empty());
    });
}
