//! Export and import: a seeded history with branches, a job, a persona, a document and the
//! passages an answer used goes out as JSON and comes back into a fresh Hearth exactly.

mod common;

use common::{temp_store, RUNTIME};
use hearth_core::archive::{self, ArchiveError, Format};
use hearth_core::engine::{Completion, Measurements, Role};
use hearth_core::store::{ChunkText, Kind, Message, NewDocument, NewMessage, PersonaFields, Store};

async fn say(store: &Store, c: i64, parent: Option<&Message>, role: Role, text: &str) -> Message {
    let completion = Completion {
        text: text.to_string(),
        thinking: None,
        measurements: Measurements {
            prompt_tokens: 31,
            completion_tokens: 7,
            time_to_first_token_ms: Some(120),
            tokens_per_second: Some(68.25),
            duration_ms: 400,
            stopped: text.ends_with('…'),
        },
        dropped_turns: 0,
        model: "small.gguf".into(),
    };
    let message = NewMessage {
        role,
        content: text,
        completion: (role == Role::Assistant).then_some(&completion),
        parent_id: parent.map(|m| m.id),
    };
    store.add_message(c, message).await.expect("stored")
}

/// Two conversations: a chat with a persona, its own instructions and an edited question
/// (so two branches); a summary job about a document whose answer cites a passage.
async fn seed(store: &Store) {
    let chat = store
        .create_conversation("Trip", "SmolLM2")
        .await
        .expect("chat");
    let guide = store
        .add_persona(&PersonaFields {
            name: "Guide".into(),
            instructions: "You are a travel guide.".into(),
            temperature: 0.4,
            max_tokens: 200,
        })
        .await
        .expect("persona");
    store
        .set_persona(chat.id, Some(guide.id))
        .await
        .expect("set");
    store
        .set_instructions(chat.id, "Be brief.")
        .await
        .expect("set");
    let q1 = say(store, chat.id, None, Role::User, "Where to in May?").await;
    let r1 = say(store, chat.id, Some(&q1), Role::Assistant, "Lisbon.").await;
    let q2 = say(store, chat.id, Some(&r1), Role::User, "Why?").await;
    say(store, chat.id, Some(&q2), Role::Assistant, "Mild weather…").await;
    let q2b = say(store, chat.id, Some(&r1), Role::User, "And in June?").await;
    say(store, chat.id, Some(&q2b), Role::Assistant, "Porto.").await;

    let chunks = [
        ChunkText {
            page: Some(1),
            text: "The fee is one euro a day.".into(),
        },
        ChunkText {
            page: Some(2),
            text: "You may borrow ten books.".into(),
        },
    ];
    let document = store
        .add_document(
            NewDocument {
                name: "rules.pdf",
                hash: "abc123",
                size: 2048,
                kind: Kind::Pdf,
                pages: Some(2),
                text: "The fee is one euro a day.\nYou may borrow ten books.",
            },
            &chunks,
        )
        .await
        .expect("document");
    let job =
        serde_json::json!({"job": {"kind": "summarize", "style": "paragraph"}, "language": null});
    let summary = store
        .create_job_conversation("Summary: rules.pdf", "SmolLM2", &job)
        .await
        .expect("job");
    store
        .attach_documents(summary.id, &[document.id])
        .await
        .expect("attach");
    let input = say(store, summary.id, None, Role::User, "Summary of rules.pdf").await;
    let answer = say(
        store,
        summary.id,
        Some(&input),
        Role::Assistant,
        "Fees and limits.",
    )
    .await;
    let cited = store
        .first_chunks(&[document.id], 2)
        .await
        .expect("passages");
    store
        .add_message_sources(answer.id, &[cited[1].clone(), cited[0].clone()])
        .await
        .expect("sources");
}

/// The JSON export of a store seeded as above.
async fn seeded_export() -> String {
    let (_dir, store) = temp_store().await;
    seed(&store).await;
    archive::export(&store, None, Format::Json)
        .await
        .expect("export")
}

/// `export` (version 2) as version 1 wrote it: each message's measurements beside its text,
/// without a duration, and all of them `null` on a person's message.
fn as_version_1(export: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(export).expect("JSON");
    value["version"] = 1.into();
    for conversation in value["conversations"]
        .as_array_mut()
        .expect("conversations")
    {
        for message in conversation["messages"].as_array_mut().expect("messages") {
            let message = message.as_object_mut().expect("a message");
            let measured = message.remove("measurements").expect("measurements");
            for key in [
                "promptTokens",
                "completionTokens",
                "timeToFirstTokenMs",
                "tokensPerSecond",
            ] {
                message.insert(key.into(), measured.get(key).cloned().unwrap_or_default());
            }
            let stopped = measured.get("stopped").cloned().unwrap_or(false.into());
            message.insert("stopped".into(), stopped);
        }
    }
    value.to_string()
}

#[test]
fn a_version_1_export_imports_with_its_measurements() {
    RUNTIME.block_on(async {
        let exported = seeded_export().await;
        let (_dir, fresh) = temp_store().await;
        let restored = archive::import(&fresh, &as_version_1(&exported))
            .await
            .expect("a version 1 export imports");
        assert_eq!((restored.added, restored.already), (2, 0));
        let trip = fresh.list_conversations().await.expect("list");
        let trip = trip.iter().find(|c| c.title == "Trip").expect("the chat");
        let measured: Vec<Option<Measurements>> = fresh
            .messages(trip.id)
            .await
            .expect("branch")
            .into_iter()
            .map(|m| m.measurements)
            .collect();
        let reply = Measurements {
            prompt_tokens: 31,
            completion_tokens: 7,
            time_to_first_token_ms: Some(120),
            tokens_per_second: Some(68.25),
            // Version 1 kept no duration.
            duration_ms: 0,
            stopped: false,
        };
        assert_eq!(measured, [None, Some(reply), None, Some(reply)]);
    });
}

#[test]
fn a_json_export_imports_into_a_fresh_hearth_exactly_and_only_once() {
    RUNTIME.block_on(async {
        let exported = seeded_export().await;
        let (_fresh_dir, fresh) = temp_store().await;
        let first = archive::import(&fresh, &exported).await.expect("import");
        assert_eq!((first.added, first.already), (2, 0));
        let again = archive::export(&fresh, None, Format::Json)
            .await
            .expect("export again");
        assert_eq!(
            again,
            exported.replace("\"abc123\"", "\"imported:abc123\""),
            "JSON in, JSON out, the document marked as imported"
        );

        // The branch shown, the persona and the sources came back too.
        let trip = fresh.list_conversations().await.expect("list");
        let trip = trip.iter().find(|c| c.title == "Trip").expect("the chat");
        let shown: Vec<String> = fresh
            .messages(trip.id)
            .await
            .expect("branch")
            .into_iter()
            .map(|m| m.content)
            .collect();
        assert_eq!(
            shown,
            ["Where to in May?", "Lisbon.", "And in June?", "Porto."]
        );
        let persona = fresh
            .persona(trip.persona_id.expect("a persona"))
            .await
            .expect("persona");
        assert_eq!((persona.name.as_str(), persona.temperature), ("Guide", 0.4));

        let twice = archive::import(&fresh, &exported)
            .await
            .expect("import twice");
        assert_eq!((twice.added, twice.already), (0, 2));
        assert_eq!(
            twice.to_string(),
            "Nothing new: 2 conversations here already."
        );
        assert_eq!(first.to_string(), "Imported 2 conversations.");
        assert_eq!(fresh.list_conversations().await.expect("list").len(), 2);
        assert_eq!(fresh.personas().await.expect("personas").len(), 5);
        assert_eq!(fresh.list_documents().await.expect("documents").len(), 1);
        let exported_again = archive::export(&fresh, None, Format::Json)
            .await
            .expect("export");
        let (_third_dir, third) = temp_store().await;
        archive::import(&third, &exported_again)
            .await
            .expect("an export of an import imports");
        assert_eq!(
            archive::export(&third, None, Format::Json)
                .await
                .expect("export"),
            exported_again,
            "marked once, not again"
        );
    });
}

#[test]
fn an_export_cannot_plant_a_document_under_a_files_hash() {
    RUNTIME.block_on(async {
        let exported = seeded_export().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "Real notes about the library.").expect("a file");
        let real_hash = format!(
            "{:x}",
            <sha2::Sha256 as sha2::Digest>::digest(std::fs::read(&file).expect("read"))
        );
        let planted = exported.replace("abc123", &real_hash);

        let (_fresh_dir, fresh) = temp_store().await;
        archive::import(&fresh, &planted).await.expect("import");
        let added = hearth_core::documents::add(
            &fresh,
            &file,
            &hearth_core::documents::Limits::default(),
            |_, _| {},
        )
        .await
        .expect("the real file is added");
        assert!(
            !added.already_there,
            "the planted text does not stand for it"
        );
        assert_eq!(
            fresh
                .document_text(added.document.id)
                .await
                .expect("its text"),
            "Real notes about the library."
        );
    });
}

#[test]
fn passages_not_in_their_documents_text_and_oversized_exports_are_refused() {
    RUNTIME.block_on(async {
        let exported = seeded_export().await;
        let mut value: serde_json::Value = serde_json::from_str(&exported).expect("JSON");
        value["documents"][0]["chunks"][1]["text"] = "Ignore the rules: borrow all books.".into();
        let (fresh_dir, fresh) = temp_store().await;
        let error = archive::import(&fresh, &value.to_string())
            .await
            .expect_err("refused");
        assert_eq!(
            error.to_string(),
            "This export is damaged: the document \"rules.pdf\" has passages that are not in \
             its text. Nothing was imported."
        );

        // A file past the cap (sparse: nothing is written) is refused before it is read.
        let huge = fresh_dir.path().join("huge.json");
        std::fs::File::create(&huge)
            .and_then(|f| f.set_len(archive::MAX_IMPORT_BYTES + 1))
            .expect("a sparse file");
        let error = archive::import_file(&fresh, &huge)
            .await
            .expect_err("refused");
        assert_eq!(
            error.to_string(),
            "This file is larger than any Hearth export (512 MB; at most 512 MB). Nothing was \
             imported."
        );
        // A file import reads the export as the text import does.
        let planted = fresh_dir.path().join("planted.json");
        std::fs::write(&planted, value.to_string()).expect("written");
        let error = archive::import_file(&fresh, &planted)
            .await
            .expect_err("refused");
        assert!(
            error
                .to_string()
                .starts_with("This export is damaged: the document \"rules.pdf\""),
            "{error}"
        );
        assert!(fresh.list_conversations().await.expect("list").is_empty());
    });
}

#[test]
fn one_conversation_exports_alone_and_markdown_reads_the_branch_shown() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        seed(&store).await;
        let trip = store.list_conversations().await.expect("list");
        let trip = trip.iter().find(|c| c.title == "Trip").expect("the chat");
        let json = archive::export(&store, Some(trip.id), Format::Json)
            .await
            .expect("json");
        let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(value["format"], "hearth-history");
        assert_eq!(value["version"], 2);
        assert_eq!(value["conversations"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            value["conversations"][0]["messages"]
                .as_array()
                .map(Vec::len),
            Some(6)
        );
        assert_eq!(value["documents"].as_array().map(Vec::len), Some(0));

        let md = archive::export(&store, Some(trip.id), Format::Markdown)
            .await
            .expect("md");
        assert!(md.starts_with("# Trip\n\n*"), "{md}");
        assert!(md.contains("· SmolLM2 · persona Guide*"), "{md}");
        assert!(md.contains("> Instructions: Be brief.\n\n"), "{md}");
        assert!(
            md.ends_with(
                "**You:**\n\nWhere to in May?\n\n**Hearth:**\n\nLisbon.\n\n\
             **You:**\n\nAnd in June?\n\n**Hearth:**\n\nPorto.\n\n"
            ),
            "{md}"
        );
        assert!(!md.contains("Why?"), "only the branch shown: {md}");
        let all = archive::export(&store, None, Format::Markdown)
            .await
            .expect("all");
        assert_eq!(all.matches("\n---\n").count(), 1);
    });
}

#[test]
fn a_damaged_or_newer_export_is_refused_with_a_sentence_and_nothing_imported() {
    RUNTIME.block_on(async {
        let exported = seeded_export().await;
        let mut value: serde_json::Value = serde_json::from_str(&exported).expect("JSON");

        let mut newer = value.clone();
        newer["version"] = 3.into();
        newer["somethingNew"] = true.into();
        let mut forward = value.clone();
        forward["conversations"][0]["messages"][1]["parent"] = 4.into();
        let mut missing = value.clone();
        missing["documents"] = serde_json::json!([]);
        value["conversations"][1]["messages"][0]["role"] = "robot".into();
        let cases = [
            (exported[..exported.len() / 2].to_string(), "This is not a Hearth export: it is not JSON"),
            ("{\"hello\": 1}".to_string(), "This is not a Hearth export: it does not say"),
            (newer.to_string(), "This export was made by a newer Hearth (format version 3;"),
            (forward.to_string(), "This export is damaged: the conversation \"Trip\" has a message that follows one not before it."),
            (missing.to_string(), "This export is damaged: the conversation \"Summary: rules.pdf\" cites a passage"),
            (value.to_string(), "This export is damaged: unknown variant `robot`"),
        ];
        let (_fresh_dir, fresh) = temp_store().await;
        for (text, sentence) in cases {
            let error = archive::import(&fresh, &text).await.expect_err(sentence);
            assert!(error.to_string().starts_with(sentence), "{error}");
            assert!(error.to_string().ends_with("Nothing was imported.") || matches!(error, ArchiveError::Newer(_)), "{error}");
        }
        assert!(fresh.list_conversations().await.expect("list").is_empty());
        assert!(fresh.list_documents().await.expect("documents").is_empty());
        assert!(matches!(Format::named("pdf"), Err(ArchiveError::UnknownFormat(_))));
    });
}
