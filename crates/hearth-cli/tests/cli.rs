//! The `hearth` command line as a person runs it: the real binary, model and database file.

use std::path::Path;
use std::process::{Command, Output};

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
    assert!(!stdout(&first).trim().is_empty());
    assert!(stderr(&first).contains("[conversation 1: Say hello to me.]"));
    assert!(stderr(&first).contains("tokens/s"));

    let second = hearth(
        data.path(),
        &[&["chat", "--conversation", "1", "Thank you."][..], &greedy].concat(),
    );
    assert!(second.status.success(), "{}", stderr(&second));

    let list = hearth(data.path(), &["history"]);
    assert!(list.status.success());
    assert_eq!(stdout(&list).lines().count(), 1);
    assert!(stdout(&list).starts_with("1\tSay hello to me.\t"));

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
