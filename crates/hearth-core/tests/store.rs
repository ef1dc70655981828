//! The history store on real SQLite files.

mod common;

use common::{temp_store, RUNTIME};
use hearth_core::engine::{Completion, Measurements, Role};
use hearth_core::settings::{self, PopupStyle, Settings};
use hearth_core::store::{Message, NewMessage, Persona, PersonaFields, Store, StoreError, Unlock};

fn user(text: &str) -> NewMessage<'_> {
    NewMessage {
        role: Role::User,
        content: text,
        completion: None,
        parent_id: None,
    }
}

/// A stopped reply's measurements, every field set.
const MEASURED: Measurements = Measurements {
    prompt_tokens: 12,
    completion_tokens: 3,
    time_to_first_token_ms: Some(40),
    tokens_per_second: Some(31.5),
    duration_ms: 140,
    stopped: true,
};

#[test]
fn messages_round_trip_and_survive_reopening() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        let store = Store::open(&path, &Unlock::Keyring)
            .await
            .expect("fresh database");
        let conversation = store
            .create_conversation("Greetings", "SmolLM2")
            .await
            .expect("create");
        let hello = store
            .add_message(conversation.id, user("Hello"))
            .await
            .expect("user message");
        let completion = Completion {
            text: "Hi there".into(),
            thinking: None,
            measurements: MEASURED,
            dropped_turns: 0,
            model: "small.gguf".into(),
        };
        let reply = NewMessage {
            role: Role::Assistant,
            content: &completion.text,
            completion: Some(&completion),
            parent_id: Some(hello.id),
        };
        store
            .add_message(conversation.id, reply)
            .await
            .expect("reply");
        store.close().await;

        let store = Store::open(&path, &Unlock::Keyring).await.expect("reopen");
        let conversations = store.list_conversations().await.expect("list");
        assert_eq!(conversations.len(), 1);
        assert_eq!(conversations[0].title, "Greetings");
        let messages = store.messages(conversation.id).await.expect("messages");
        assert_eq!(messages.len(), 2);
        assert_eq!(
            (messages[0].role, messages[0].content.as_str()),
            (Role::User, "Hello")
        );
        let reply = &messages[1];
        assert_eq!(reply.role, Role::Assistant);
        assert_eq!(reply.measurements, Some(MEASURED));
        assert_eq!(
            messages[0].measurements, None,
            "a person's message has none"
        );
        assert_eq!(reply.model.as_deref(), Some("small.gguf"));
    });
}

#[test]
fn conversations_are_listed_newest_first_renamed_and_deleted() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let first = store
            .create_conversation("First", "m")
            .await
            .expect("create");
        let second = store
            .create_conversation("Second", "m")
            .await
            .expect("create");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        store
            .add_message(first.id, user("bump"))
            .await
            .expect("message");
        let ids: Vec<i64> = store
            .list_conversations()
            .await
            .expect("list")
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, vec![first.id, second.id]);

        store
            .rename_conversation(second.id, "  Renamed  ")
            .await
            .expect("rename");
        assert_eq!(
            store.conversation(second.id).await.expect("get").title,
            "Renamed"
        );
        assert!(matches!(
            store.rename_conversation(second.id, " ").await,
            Err(StoreError::EmptyTitle)
        ));

        store.delete_conversation(first.id).await.expect("delete");
        assert!(matches!(
            store.messages(first.id).await,
            Err(StoreError::ConversationNotFound(_))
        ));
        assert!(matches!(
            store.delete_conversation(first.id).await,
            Err(StoreError::ConversationNotFound(_))
        ));
        assert_eq!(store.list_conversations().await.expect("list").len(), 1);
    });
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_as_it_was() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        let content = "these are my notes, not a database\n".repeat(200);
        std::fs::write(&path, &content).expect("write");
        let error = Store::open(&path, &Unlock::Keyring)
            .await
            .err()
            .expect("refused");
        assert!(matches!(error, StoreError::NotADatabase(_)), "{error}");
        assert!(error.to_string().contains("not an SQLite file"));
        assert_eq!(std::fs::read_to_string(&path).expect("read"), content);
    });
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_kept() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        // A plain history to which a later Hearth applied a migration this one does not know.
        let pool = common::plain_history(&path).await;
        sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future', 1, x'00', 0)")
            .execute(&pool)
            .await
            .expect("mark newer");
        pool.close().await;
        let before = std::fs::read(&path).expect("read");

        let error = Store::open(&path, &Unlock::Keyring).await.err().expect("refused");
        assert!(matches!(error, StoreError::NewerVersion(_)), "{error}");
        assert!(error.to_string().contains("newer version"));
        assert_eq!(std::fs::read(&path).expect("read"), before, "the file is untouched");

        // Set aside for a new history, it is encrypted first: nothing readable stays on disk,
        // and its note (beside it) opens it with every row.
        let aside = Store::set_aside(&path, &Unlock::Keyring)
            .await
            .expect("set aside");
        let kept = std::fs::read(&aside).expect("the file set aside");
        assert_ne!(&kept[..16], b"SQLite format 3\0", "encrypted");
        assert!(
            !kept.windows(6).any(|w| w == b"future"),
            "no row is readable"
        );
        let mut note = aside.clone().into_os_string();
        note.push(".unlock.json");
        assert!(
            std::path::Path::new(&note).is_file(),
            "its note goes with it"
        );
        let fresh = Store::open(&path, &Unlock::Keyring)
            .await
            .expect("a new history");
        assert!(fresh.list_conversations().await.expect("list").is_empty());
    });
}

#[test]
fn settings_start_as_defaults_and_are_kept() {
    RUNTIME.block_on(async {
        let (dir, store) = temp_store().await;
        assert_eq!(
            settings::load(&store).await.expect("read"),
            Settings::default()
        );
        let chosen = Settings {
            shortcut: "Ctrl+Alt+H".into(),
            popup_style: PopupStyle::Bullets,
            translate_to: "German".into(),
            close_to_tray: false,
            unload_after_seconds: 0,
            model_mirror: "http://127.0.0.1:8080/".into(),
        };
        settings::save(&store, chosen).await.expect("saved");
        store.close().await;
        let reopened = Store::open(&dir.path().join("history.sqlite3"), &Unlock::Keyring)
            .await
            .expect("reopens");
        let settings = settings::load(&reopened).await.expect("read");
        assert_eq!(settings.shortcut, "Ctrl+Alt+H");
        assert_eq!(settings.popup_style, PopupStyle::Bullets);
        assert_eq!(settings.translate_to, "de");
        assert!(!settings.close_to_tray);
        assert_eq!(settings.unload_after_seconds, 0);
        assert_eq!(settings.model_mirror, "http://127.0.0.1:8080");
    });
}

#[test]
fn search_finds_messages_and_titles_marks_the_words_and_forgets_what_is_deleted() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let trip = store
            .create_conversation("Trip to Lisbon", "SmolLM2")
            .await
            .expect("create");
        store
            .add_message(trip.id, user("Which café near the river serves pastéis?"))
            .await
            .expect("message");
        let budget = store
            .create_conversation("Budget", "SmolLM2")
            .await
            .expect("create");
        let asked = store
            .add_message(
                budget.id,
                user("Plan the budget for the Lisbon trip in May."),
            )
            .await
            .expect("message");

        // Newest first: the title hit, then the later message, then the earlier one.
        let hits = store.search("lisbon", 20).await.expect("search");
        let found: Vec<(i64, Option<i64>)> = hits
            .iter()
            .map(|h| (h.conversation_id, h.message_id))
            .collect();
        assert_eq!(found, [(trip.id, None), (budget.id, Some(asked.id))]);
        assert_eq!(hits[0].snippet, "Trip to \u{2}Lisbon\u{3}");
        assert_eq!(hits[1].title, "Budget");
        assert_eq!(hits[1].role, Some(Role::User));
        assert_eq!(
            hits[1].snippet,
            "Plan the budget for the \u{2}Lisbon\u{3} trip in May."
        );

        // Every word must match; the last one as typed so far; accents do not matter.
        let hits = store.search("cafe riv", 20).await.expect("search");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].conversation_id, trip.id);
        assert!(
            hits[0].snippet.contains("\u{2}café\u{3}"),
            "{}",
            hits[0].snippet
        );
        assert!(store
            .search("lisbon moon", 20)
            .await
            .expect("search")
            .is_empty());
        // FTS5 syntax in the box is just words: here the word "near".
        let hits = store.search("\"NEAR(*", 20).await.expect("search");
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].snippet.contains("\u{2}near\u{3}"),
            "{}",
            hits[0].snippet
        );
        assert!(store.search("  ", 20).await.expect("search").is_empty());

        // A renamed title is found by its new words; a deleted conversation is gone.
        store
            .rename_conversation(budget.id, "Money for May")
            .await
            .expect("rename");
        let titles: Vec<String> = store
            .search("money", 20)
            .await
            .expect("search")
            .into_iter()
            .map(|h| h.title)
            .collect();
        assert_eq!(titles, ["Money for May"]);
        store.delete_conversation(budget.id).await.expect("delete");
        let hits = store.search("lisbon", 20).await.expect("search");
        let found: Vec<(i64, Option<i64>)> = hits
            .iter()
            .map(|h| (h.conversation_id, h.message_id))
            .collect();
        assert_eq!(found, [(trip.id, None)], "only the trip's title is left");
    });
}

fn after(parent: &Message, role: Role, text: &'static str) -> NewMessage<'static> {
    NewMessage {
        role,
        content: text,
        completion: None,
        parent_id: Some(parent.id),
    }
}

fn contents(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.content.as_str()).collect()
}

#[test]
fn edited_questions_and_regenerated_replies_are_versions_kept_as_branches() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        let store = Store::open(&path, &Unlock::Keyring)
            .await
            .expect("fresh database");
        let c = store
            .create_conversation("Tree", "m")
            .await
            .expect("create");
        let add = |m: NewMessage<'static>| {
            let store = store.clone();
            async move { store.add_message(c.id, m).await.expect("stored") }
        };
        let q1 = add(user("q1")).await;
        let r1 = add(after(&q1, Role::Assistant, "r1")).await;
        let q2 = add(after(&r1, Role::User, "q2")).await;
        let r2 = add(after(&q2, Role::Assistant, "r2")).await;
        assert_eq!(r2.versions, [r2.id]);

        // Editing q2 puts a new version beside it; the conversation shows the new branch.
        let q2b = add(after(&r1, Role::User, "q2 edited")).await;
        assert_eq!(q2b.versions, [q2.id, q2b.id]);
        let r2b = add(after(&q2b, Role::Assistant, "r2b")).await;
        // Regenerating r2b: another reply to the same question.
        let r2c = add(after(&q2b, Role::Assistant, "r2c")).await;
        assert_eq!(r2c.versions, [r2b.id, r2c.id]);
        let shown = store.messages(c.id).await.expect("branch");
        assert_eq!(contents(&shown), ["q1", "r1", "q2 edited", "r2c"]);
        assert_eq!(shown[2].versions, [q2.id, q2b.id]);
        assert_eq!(shown[0].versions, [q1.id]);

        // Moving to the first version shows its own reply; the choice survives reopening.
        let first = store.show(c.id, q2.id).await.expect("shown");
        assert_eq!(contents(&first), ["q1", "r1", "q2", "r2"]);
        store.close().await;
        let store = Store::open(&path, &Unlock::Keyring).await.expect("reopen");
        let reopened = store.messages(c.id).await.expect("branch");
        assert_eq!(reopened, first);
        // Back to the edit: its newest reply.
        let edited = store.show(c.id, q2b.id).await.expect("shown");
        assert_eq!(contents(&edited), ["q1", "r1", "q2 edited", "r2c"]);
        let older = store.show(c.id, r2b.id).await.expect("shown");
        assert_eq!(contents(&older), ["q1", "r1", "q2 edited", "r2b"]);

        // A message of another conversation is neither a parent nor shown.
        let other = store
            .create_conversation("Other", "m")
            .await
            .expect("create");
        let error = store
            .add_message(other.id, after(&q1, Role::User, "stray"))
            .await
            .expect_err("refused");
        assert!(matches!(error, StoreError::MessageNotFound(id) if id == q1.id));
        assert!(matches!(
            store.show(other.id, q1.id).await,
            Err(StoreError::MessageNotFound(_))
        ));
        assert!(store.messages(other.id).await.expect("empty").is_empty());
    });
}

#[test]
fn a_history_from_before_branches_becomes_one_branch() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        // Its first five migrations: the schema before branches.
        let pool = common::history_before(&path, 5).await;
        sqlx::query(
            "INSERT INTO conversations (id, title, model, created_at, updated_at) VALUES
                 (1, 'Old', 'm', 0, 0), (2, 'Empty', 'm', 0, 0);
             INSERT INTO messages (id, conversation_id, role, content, created_at) VALUES
                 (1, 1, 'user', 'q1', 0), (2, 1, 'assistant', 'r1', 0),
                 (3, 1, 'user', 'q2', 0), (4, 1, 'assistant', 'r2', 0);",
        )
        .execute(&pool)
        .await
        .expect("an old history");
        pool.close().await;

        let store = Store::open(&path, &Unlock::Keyring)
            .await
            .expect("migrated");
        let messages = store.messages(1).await.expect("branch");
        assert_eq!(contents(&messages), ["q1", "r1", "q2", "r2"]);
        let parents: Vec<Option<i64>> = messages.iter().map(|m| m.parent_id).collect();
        assert_eq!(parents, [None, Some(1), Some(2), Some(3)]);
        assert_eq!(store.conversation(1).await.expect("old").shown_id, Some(4));
        assert_eq!(store.conversation(2).await.expect("empty").shown_id, None);
    });
}

fn persona(name: &str, temperature: f64) -> PersonaFields {
    PersonaFields {
        name: name.to_string(),
        instructions: format!("You are {name}."),
        temperature,
        max_tokens: 64,
    }
}

#[test]
fn personas_are_shipped_added_changed_and_deleted_and_their_conversations_go_on() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let names = |list: Vec<Persona>| list.into_iter().map(|p| p.name).collect::<Vec<_>>();
        let shipped = names(store.personas().await.expect("list"));
        assert_eq!(
            shipped,
            ["Assistant", "Concise", "Proofreader", "Translator"]
        );

        let poet = store
            .add_persona(&persona("  Poet ", 1.2))
            .await
            .expect("added");
        assert_eq!((poet.name.as_str(), poet.temperature), ("Poet", 1.2));
        assert_eq!(store.persona_named("poet").await.expect("found"), poet);
        for (fields, why) in [
            (
                persona("POET", 0.5),
                "There is already a persona named POET.",
            ),
            (persona(" ", 0.5), "A persona needs a name."),
            (
                persona("Hot", 2.5),
                "The temperature must be between 0 and 2.",
            ),
            (
                PersonaFields {
                    max_tokens: 0,
                    ..persona("Mute", 0.5)
                },
                "The reply length must be between 1 and 4096 tokens.",
            ),
        ] {
            let error = store.add_persona(&fields).await.expect_err(why);
            assert_eq!(error.to_string(), why);
        }
        let changed = store
            .update_persona(poet.id, &persona("Bard", 0.9))
            .await
            .expect("changed");
        assert_eq!((changed.id, changed.name.as_str()), (poet.id, "Bard"));
        assert_eq!(
            changed.sampling().max_tokens,
            64,
            "a persona's reply length is its sampling's"
        );

        let chat = store
            .create_conversation("Verse", "m")
            .await
            .expect("create");
        store
            .set_persona(chat.id, Some(poet.id))
            .await
            .expect("set");
        store
            .set_instructions(chat.id, "  Rhyme everything. ")
            .await
            .expect("instructions");
        let with = store.conversation(chat.id).await.expect("get");
        assert_eq!(with.persona_id, Some(poet.id));
        assert_eq!(with.instructions.as_deref(), Some("Rhyme everything."));
        store.delete_persona(poet.id).await.expect("deleted");
        let without = store.conversation(chat.id).await.expect("kept");
        assert_eq!(without.persona_id, None);
        assert!(matches!(
            store.set_persona(chat.id, Some(poet.id)).await,
            Err(StoreError::PersonaNotFound(_))
        ));
        store.set_instructions(chat.id, " ").await.expect("cleared");
        assert_eq!(
            store.conversation(chat.id).await.expect("get").instructions,
            None
        );
    });
}

#[test]
fn several_processes_opening_one_new_or_old_history_at_once_all_succeed() {
    RUNTIME.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let new = dir.path().join("new.sqlite3");
        let old = dir.path().join("old.sqlite3");
        common::history_before(&old, 5).await.close().await;
        for path in [new, old] {
            // Each open is its own connection pool, as in separate processes (the lock is on
            // the file, so it holds between processes and within one alike).
            let opens: Vec<_> = (0..6)
                .map(|_| {
                    let path = path.clone();
                    tokio::spawn(
                        async move { Store::open(&path, &Unlock::Keyring).await.map(|_| ()) },
                    )
                })
                .collect();
            for open in opens {
                open.await
                    .expect("the task ran")
                    .expect("every open succeeds");
            }
            let store = Store::open(&path, &Unlock::Keyring).await.expect("open");
            assert_eq!(store.personas().await.expect("migrated").len(), 4);
        }
    });
}

/// A shipped migration that changes stops every history it already ran on from opening (sqlx
/// refuses a checksum it did not record). Their checksums are pinned here: a change to a
/// shipped migration fails this test, and the change goes in a new migration instead.
#[test]
fn shipped_migrations_never_change() {
    const SHIPPED: [(i64, &str); 10] = [
        (1, "7b97535264e5074601a0e3065526afbc9b45e43e5d686ada5880bccad2b4872cab7c6cb3b4833e9e2bcfe88ea5885279"),
        (2, "876858ed3f3fa7b0ebbb7775ee222b52c9e71d86c13f0f3a4b02fb06a897f1f087efe539ae8dfce27b453c0916032bac"),
        (3, "95dccbac3e040789ae455c86b48d4fe589f5696b3205ee495aa2eebe2398db5b96dfe3ae85c2a27a296fcb961c00bea1"),
        (4, "beafc9976d9c25a2fce1a9b2ac90ed0261a453e3f190dbc5055c37c7803aaff397755b14a1fbfd22f7911ec1e369da0c"),
        (5, "a9527517f7d9da69153a3f97c407648fa5953309b79d63b6717bf4ad43dbcd02d52046c65cec84a71bc87f722074d713"),
        (6, "c9f92784a5fb6d2fe981a4a554e8ec36c4e30ad4c16b7c42459a7b02ab7d1922a149bfcf0e92ae128353fe2a0f041ea6"),
        (7, "2aafe5a83cb0fde20411773d0086dce810f48ff5efc9a6c418ce4ea72738a9b7e9bcfbbfa177bd090e7c99eab1a629bc"),
        (8, "fd3e46e4f8916e5baed83af490bb55b1f0e8708657fee5862d9f86b1382e6596479f1d68c2ae09a03d8c2a3efcdf4ea4"),
        (9, "094333850ea6657f216e63fa2ac015da1110116f12c072346cbc92a1e0543bed8914d3df3863be2f6b3ab1be84a9b29a"),
        (10, "d30005d76365d8f967f57310a55e3b3861cf5eea72c50756b2d31afb71006d960e38f58a738d82f6ccd8be3059396912"),
    ];
    let migrator = sqlx::migrate!("./src/store/migrations");
    let shipped: Vec<(i64, String)> = migrator
        .iter()
        .take(SHIPPED.len())
        .map(|m| (m.version, hex::encode(&*m.checksum)))
        .collect();
    let pinned: Vec<(i64, String)> = SHIPPED
        .iter()
        .map(|(version, sum)| (*version, sum.to_string()))
        .collect();
    assert_eq!(shipped, pinned);
}
