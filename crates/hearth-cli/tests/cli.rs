//! The `hearth` command line as a person runs it: the real binary, model and database file.

#[path = "../../hearth-core/tests/common/pinned.rs"]
mod pinned;

use std::path::Path;
use std::process::{Command, Output};

use pinned::assert_pinned;

const MODEL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../models/SmolLM2-135M-Instruct.Q4_1.gguf"
);

fn hearth(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hearth"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("HEARTH_MODEL")
        .output()
        .expect("hearth runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn chat_streams_a_reply_that_history_keeps() {
    let data = tempfile::tempdir().expect("temp dir");
    let greedy = ["--temperature", "0", "--max-tokens", "16", "--model", MODEL];
    let first = hearth(
        data.path(),
        &[&["chat", "Say hello to me."][..], &greedy].concat(),
    );
    assert!(first.status.success(), "{}", stderr(&first));
    assert_pinned("cli-chat-say-hello", &stdout(&first));
    assert!(stderr(&first).contains("[conversation 1: Say hello to me.]"));
    assert!(stderr(&first).contains("tokens/s"));

    let second = hearth(
        data.path(),
        &[&["chat", "--conversation", "1", "Thank you."][..], &greedy].concat(),
    );
    assert!(second.status.success(), "{}", stderr(&second));

    // The same model in another quantization is named apart in the history.
    let q8 = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../.test-data/models/SmolLM2-135M-Instruct.Q8_0.gguf"
    );
    let other = hearth(
        data.path(),
        &[
            "chat",
            "--temperature",
            "0",
            "--max-tokens",
            "4",
            "--model",
            q8,
            "Hi.",
        ],
    );
    assert!(other.status.success(), "{}", stderr(&other));

    let list = hearth(data.path(), &["history"]);
    assert!(list.status.success());
    let mut lines: Vec<String> = stdout(&list).lines().map(str::to_string).collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "1\tSay hello to me.\tSmolLM2 135M Instruct (Q4_1)",
            "2\tHi.\tSmollm2 135M 8k Lc100K Mix1 Ep2 (Q8_0)"
        ]
    );

    let show = stdout(&hearth(data.path(), &["history", "show", "1"]));
    assert!(show.starts_with("# Say hello to me."));
    assert_eq!(show.matches("user:").count(), 2);
    assert_eq!(show.matches("assistant:").count(), 2);
    assert!(show.contains(stdout(&first).trim()));
}

#[test]
fn bad_input_gets_a_sentence_and_a_failing_exit() {
    let data = tempfile::tempdir().expect("temp dir");
    let text = data.path().join("notes.gguf");
    std::fs::write(&text, "hi").expect("write");
    let text = text.to_string_lossy();
    let cases: [(&[&str], &str); 5] = [
        (&["chat", "  "], "Type a message first"),
        (
            &["chat", "--model", "/nonexistent.gguf", "hi"],
            "does not exist",
        ),
        (
            &["chat", "--model", &text, "hi"],
            "is not a GGUF model file",
        ),
        (&["chat", "--temperature", "9", "hi"], "temperature"),
        (&["history", "show", "42"], "Conversation 42 does not exist"),
    ];
    for (args, expected) in cases {
        let output = hearth(data.path(), args);
        assert!(!output.status.success(), "{args:?} should fail");
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    let history = hearth(data.path(), &["history"]);
    assert!(stdout(&history).is_empty(), "nothing was stored");
}

fn hearth_with_stdin(data: &Path, args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("hearth runs");
    if let Some(mut stdin) = child.stdin.take() {
        // The command may refuse the input before reading all of it.
        let _ = stdin.write_all(input);
    }
    child.wait_with_output().expect("hearth ends")
}

const MEETING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../hearth-core/tests/texts/meeting.txt"
);

#[test]
fn summarize_a_file_and_classify_stdin() {
    let data = tempfile::tempdir().expect("temp dir");
    let summary = hearth(
        data.path(),
        &["summarize", MEETING, "--style", "bullets", "--model", MODEL],
    );
    assert!(summary.status.success(), "{}", stderr(&summary));
    assert_pinned("cli-summarize-meeting-bullets", &stdout(&summary));
    assert!(stderr(&summary).contains("[conversation 1: Summary: "));

    let sentiment = hearth_with_stdin(
        data.path(),
        &["classify", "--model", MODEL],
        b"What a wonderful, happy day!",
    );
    assert!(sentiment.status.success(), "{}", stderr(&sentiment));
    let json: serde_json::Value = serde_json::from_str(&stdout(&sentiment)).expect("JSON");
    assert!(json["label"].is_string() && json["confidence"].is_u64());

    let list = hearth(data.path(), &["history"]);
    assert_eq!(stdout(&list).lines().count(), 2);

    // Both are counted, per job, as a table, JSON and CSV.
    let by_job = stdout(&hearth(data.path(), &["usage", "--by", "job"]));
    let requests = |line: &str| line.split_whitespace().nth(1).map(str::to_string);
    let rows: Vec<(&str, Option<String>)> = by_job
        .lines()
        .skip(1)
        .take(3)
        .map(|l| (l.split_whitespace().next().unwrap_or(""), requests(l)))
        .collect();
    let one = Some("1".to_string());
    assert_eq!(
        rows,
        [
            ("classify", one.clone()),
            ("summarize", one),
            ("total", Some("2".to_string()))
        ],
        "{by_job}"
    );
    assert!(by_job.contains("Data sent anywhere: none."), "{by_job}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&hearth(data.path(), &["usage", "--json"]))).expect("JSON");
    assert_eq!(json["total"]["requests"], 2);
    let csv = stdout(&hearth(data.path(), &["usage", "--csv"]));
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.lines()
            .nth(1)
            .is_some_and(|l| l.contains(",summarize,")),
        "{csv}"
    );
}

#[test]
fn bad_job_input_is_refused_with_a_sentence_and_no_model_load() {
    let data = tempfile::tempdir().expect("temp dir");
    let cases: [(&[&str], &[u8], &str); 4] = [
        (&["summarize"], b"   \n ", "no text"),
        (&["summarize"], &[0xff, 0xfe, 0x00, 0x81], "not UTF-8"),
        (
            &["translate", "--to", "xx"],
            b"Hello there.",
            "does not know the language \"xx\"",
        ),
        (
            &["classify", "--labels", "one"],
            b"Hello there.",
            "at least two categories",
        ),
    ];
    for (args, input, expected) in cases {
        let out = hearth_with_stdin(data.path(), args, input);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
    }
    let huge = vec![b'a'; 50 * 1024 * 1024];
    let out = hearth_with_stdin(data.path(), &["summarize"], &huge);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("at most 8 MB"), "{}", stderr(&out));
}

const DOCUMENTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../hearth-core/tests/documents"
);

#[test]
fn documents_are_added_listed_asked_about_and_removed() {
    let data = tempfile::tempdir().expect("temp dir");
    let pdf = format!("{DOCUMENTS}/handbook.pdf");
    let broken = data.path().join("broken.pdf");
    std::fs::write(&broken, b"%PDF-1.7 and nothing else").expect("write");
    let broken = broken.to_string_lossy();

    let added = hearth(data.path(), &["docs", "add", &pdf, &broken, &pdf]);
    assert!(!added.status.success(), "one file was bad");
    assert!(
        stderr(&added).contains("broken.pdf is damaged"),
        "{}",
        stderr(&added)
    );
    assert!(stderr(&added).contains("1 of 3 files were not added."));
    let lines: Vec<String> = stdout(&added).lines().map(str::to_string).collect();
    assert_eq!(
        lines[0], "1\thandbook.pdf\tPDF, 3 pages, 37 KB",
        "{lines:?}"
    );
    assert!(lines[1].ends_with("(already there)"), "{lines:?}");

    let list = hearth(data.path(), &["docs", "list"]);
    assert_eq!(stdout(&list).lines().count(), 1);
    let text = stdout(&hearth(data.path(), &["docs", "show", "1"]));
    assert!(text.contains("laser cutter"));

    let question = "How much is the late fee for a book?";
    let answer = hearth(
        data.path(),
        &["docs", "ask", "1", question, "--model", MODEL],
    );
    assert!(answer.status.success(), "{}", stderr(&answer));
    assert!(
        stdout(&answer).contains("Sources:\n[1] handbook.pdf, page "),
        "{}",
        stdout(&answer)
    );

    let removed = hearth(data.path(), &["docs", "rm", "1"]);
    assert!(removed.status.success());
    assert!(stdout(&hearth(data.path(), &["docs", "list"])).is_empty());
    let again = hearth(data.path(), &["docs", "rm", "1"]);
    assert!(!again.status.success());
}

#[test]
fn a_pdf_is_summarized_from_its_text() {
    let data = tempfile::tempdir().expect("temp dir");
    let pdf = format!("{DOCUMENTS}/handbook.pdf");
    let summary = hearth(
        data.path(),
        &["summarize", &pdf, "--style", "sentence", "--model", MODEL],
    );
    assert!(summary.status.success(), "{}", stderr(&summary));
    assert_pinned("cli-summarize-handbook-pdf", &stdout(&summary));
    let scanned = format!("{DOCUMENTS}/scanned.pdf");
    let refused = hearth(data.path(), &["summarize", &scanned]);
    assert!(
        stderr(&refused).contains("OCR is not supported"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn a_persona_is_set_used_by_chat_and_deleted() {
    let data = tempfile::tempdir().expect("temp dir");
    let set = hearth(
        data.path(),
        &[
            "personas",
            "set",
            "Pirate",
            "--instructions",
            "Talk like a pirate.",
            "--temperature",
            "0",
            "--max-tokens",
            "5",
        ],
    );
    assert!(set.status.success(), "{}", stderr(&set));
    let list = stdout(&hearth(data.path(), &["personas"]));
    let names: Vec<&str> = list.lines().filter_map(|l| l.split('\t').next()).collect();
    assert_eq!(
        names,
        [
            "Assistant",
            "Concise",
            "Pirate",
            "Proofreader",
            "Translator"
        ]
    );
    assert!(list.contains("Pirate\ttemperature 0, up to 5 tokens\tTalk like a pirate."));

    // The persona's sampling: greedy, at most 5 tokens.
    let chat = |persona: &str| {
        hearth(
            data.path(),
            &[
                "chat",
                "--persona",
                persona,
                "--model",
                MODEL,
                "Tell me about the sea.",
            ],
        )
    };
    let first = chat("pirate");
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains(", 5 reply tokens"),
        "{}",
        stderr(&first)
    );
    assert_eq!(stdout(&chat("Pirate")), stdout(&first));

    let unknown = chat("Nobody");
    assert!(!unknown.status.success());
    assert_eq!(
        stderr(&unknown).trim(),
        "hearth: There is no persona Nobody."
    );
    let rm = hearth(data.path(), &["personas", "rm", "pirate"]);
    assert!(rm.status.success(), "{}", stderr(&rm));
    assert!(!stdout(&hearth(data.path(), &["personas"])).contains("Pirate"));
}

#[test]
fn history_is_exported_and_imported_into_another_data_folder_once() {
    let data = tempfile::tempdir().expect("temp dir");
    let chat = hearth(
        data.path(),
        &[
            "chat",
            "--temperature",
            "0",
            "--max-tokens",
            "8",
            "--model",
            MODEL,
            "Name a river.",
        ],
    );
    assert!(chat.status.success(), "{}", stderr(&chat));
    let file = data.path().join("history.json");
    let file_arg = file.to_str().expect("a UTF-8 path");
    let export = hearth(data.path(), &["export", "--format", "json", "-o", file_arg]);
    assert!(export.status.success(), "{}", stderr(&export));
    let md = hearth(
        data.path(),
        &["export", "--conversation", "1", "--format", "md"],
    );
    assert!(
        stdout(&md).starts_with("# Name a river.\n"),
        "{}",
        stdout(&md)
    );

    let other = tempfile::tempdir().expect("temp dir");
    for said in [
        "Imported 1 conversation.",
        "Nothing new: 1 conversation here already.",
    ] {
        let import = hearth(other.path(), &["import", file_arg]);
        assert!(import.status.success(), "{}", stderr(&import));
        assert_eq!(stderr(&import).trim(), said);
    }
    let show = |dir: &Path| stdout(&hearth(dir, &["history", "show", "1"]));
    assert_eq!(show(other.path()), show(data.path()));

    let bad = hearth(other.path(), &["export", "--format", "pdf"]);
    assert_eq!(
        stderr(&bad).trim(),
        "hearth: Choose md or json as the export format (got pdf)."
    );
}

#[test]
fn models_list_shows_each_model_with_its_facts_and_fit() {
    let data = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(data.path().join("models")).expect("models folder");
    std::fs::write(data.path().join("models/half.gguf"), b"GGUF").expect("write");
    let output = hearth(data.path(), &["models", "list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let default = text
        .lines()
        .find(|l| l.starts_with("* SmolLM2 135M Instruct (Q4_1)\t"))
        .unwrap_or_else(|| panic!("the default model is listed as the one loaded: {text}"));
    for fact in [
        "llama Q4_1, 135M parameters, 98 MB",
        "Apache-2.0",
        "activations at 4096 tokens",
    ] {
        assert!(default.contains(fact), "{fact:?} in {default}");
    }
    assert!(
        ["\tfits: ", "\ttight: ", "\ttoo big: "]
            .iter()
            .any(|v| default.contains(v)),
        "{default}"
    );
    let broken = text
        .lines()
        .find(|l| l.starts_with("  half.gguf\t"))
        .unwrap_or_else(|| panic!("the damaged file is listed: {text}"));
    assert!(broken.contains("cannot be used: "), "{broken}");

    let json = hearth(data.path(), &["models", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let names: Vec<&str> = listed
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|m| m["name"].as_str())
        .collect();
    assert_eq!(names, ["half.gguf", "SmolLM2 135M Instruct (Q4_1)"]);
    assert_eq!(listed[1]["info"]["quantization"], "Q4_1");
    assert!(listed[1]["fit"]["neededBytes"].as_u64().is_some());
}
