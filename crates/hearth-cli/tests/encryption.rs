//! The encrypted history from the command line, on real files and the real keyring (the
//! Secret Service that `scripts/test.sh` starts): processes starting together, a first
//! encryption killed at each of its steps, the passphrase path, and no keyring at all.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::*;

/// Starts 8 `hearth personas set` at once (each adds a persona) and checks each succeeded.
fn eight_at_once(data: &Path) {
    let children: Vec<(usize, Child)> = (0..8)
        .map(|i| {
            let name = format!("Helper {i}");
            let child =
                hearth_command(data, &["personas", "set", &name, "--instructions", "Help."])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("hearth starts");
            (i, child)
        })
        .collect();
    for (i, child) in children {
        let output = child.wait_with_output().expect("hearth ends");
        assert!(
            output.status.success(),
            "process {i} failed: {}",
            text(&output.stderr)
        );
    }
    let personas = text(&hearth(data, &["personas"]).stdout);
    for i in 0..8 {
        assert!(personas.contains(&format!("Helper {i}")), "{personas}");
    }
}

#[test]
fn eight_processes_at_once_on_a_new_folder_all_succeed() {
    let data = tempfile::tempdir().expect("temp dir");
    eight_at_once(data.path());
    assert!(database(data.path()).exists());
}

#[test]
fn eight_processes_at_once_on_a_plain_history_encrypt_it_once_with_every_row_kept() {
    let data = tempfile::tempdir().expect("temp dir");
    plain_history(data.path());
    assert_eq!(readable_words(data.path()), WORDS, "the fixture is plain");
    eight_at_once(data.path());
    let archive = export(data.path());
    for word in WORDS {
        assert!(archive.contains(word), "{word} was lost");
    }
    assert!(
        readable_words(data.path()).is_empty(),
        "the history is still readable"
    );
    let history = text(&hearth(data.path(), &["history"]).stdout);
    assert_eq!(history.lines().count(), 2, "{history}");
}

/// Waits (a limited time) for the process to say it paused at `step`, then kills it as a
/// power cut would.
fn kill_at(mut child: Child, step: &str) {
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let wanted = format!("hearth: paused at {step}");
    loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) if line == wanted => break,
            Ok(_) => continue,
            Err(_) => {
                let _ = child.kill();
                panic!("hearth did not pause at {step} within a minute");
            }
        }
    }
    child.kill().expect("kill -9");
    child.wait().expect("reaped");
}

#[test]
fn a_first_encryption_killed_at_each_step_leaves_a_whole_history() {
    for step in ["keyed", "checkpointed", "exported", "verified", "swapped"] {
        let data = tempfile::tempdir().expect("temp dir");
        plain_history(data.path());
        let child = hearth_command(data.path(), &["history"])
            .env("HEARTH_PAUSE_AT", step)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("hearth starts");
        kill_at(child, step);

        let history = hearth(data.path(), &["history"]);
        assert!(
            history.status.success(),
            "after a kill at {step}: {}",
            text(&history.stderr)
        );
        assert_eq!(
            text(&history.stdout).lines().count(),
            2,
            "after a kill at {step}"
        );
        let archive = export(data.path());
        for word in WORDS {
            assert!(
                archive.contains(word),
                "{word} was lost after a kill at {step}"
            );
        }
        assert!(
            readable_words(data.path()).is_empty(),
            "still readable after a kill at {step}"
        );
    }
}

#[test]
fn a_passphrase_protects_the_history_from_start_to_change() {
    let data = tempfile::tempdir().expect("temp dir");
    let with = |passphrase: &str, args: &[&str]| {
        run(hearth_command(data.path(), args).env("HEARTH_PASSPHRASE", passphrase))
    };
    let short = with("short", &["history"]);
    assert!(!short.status.success());
    assert!(text(&short.stderr).contains("at least 8 characters"));

    let made = with(
        "correct horse",
        &["personas", "set", "Poet", "--instructions", "Rhyme."],
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    let key = with("correct horse", &["key"]);
    assert!(text(&key.stdout).contains("comes from your passphrase"));

    let before = std::fs::read(database(data.path())).expect("read");
    let wrong = with("wrong horse!", &["personas"]);
    assert!(!wrong.status.success());
    assert!(text(&wrong.stderr).contains("That passphrase does not open the history"));
    let none = hearth(data.path(), &["personas"]);
    assert!(!none.status.success());
    let said = text(&none.stderr);
    assert!(
        said.contains("protected by a passphrase") && said.contains("HEARTH_PASSPHRASE"),
        "{said}"
    );
    assert!(
        std::fs::read(database(data.path())).expect("read") == before,
        "untouched"
    );

    // A new passphrase, then back to the keyring: nothing is lost on the way.
    let changed = run(hearth_command(data.path(), &["key", "passphrase"])
        .env("HEARTH_PASSPHRASE", "correct horse")
        .env("HEARTH_NEW_PASSPHRASE", "battery staple"));
    assert!(changed.status.success(), "{}", text(&changed.stderr));
    assert!(!with("correct horse", &["personas"]).status.success());
    let kept = with("battery staple", &["personas"]);
    assert!(text(&kept.stdout).contains("Poet"));
    let back = with("battery staple", &["key", "keyring"]);
    assert!(
        text(&back.stdout).contains("in the system keyring"),
        "{}",
        text(&back.stderr)
    );
    let personas = hearth(data.path(), &["personas"]);
    assert!(
        text(&personas.stdout).contains("Poet"),
        "{}",
        text(&personas.stderr)
    );
}

#[test]
fn without_a_keyring_service_a_passphrase_is_asked_for_and_works() {
    let data = tempfile::tempdir().expect("temp dir");
    let no_keyring = |command: &mut Command| {
        run(command.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus"))
    };
    let refused = no_keyring(&mut hearth_command(data.path(), &["history"]));
    assert!(!refused.status.success());
    let said = text(&refused.stderr);
    assert!(
        said.contains("The system keyring could not be used") && said.contains("HEARTH_PASSPHRASE"),
        "{said}"
    );
    assert!(
        !database(data.path()).exists(),
        "nothing is written without a key"
    );

    let made = no_keyring(
        hearth_command(
            data.path(),
            &["personas", "set", "Poet", "--instructions", "Rhyme."],
        )
        .env("HEARTH_PASSPHRASE", "correct horse"),
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    let listed = no_keyring(
        hearth_command(data.path(), &["personas"]).env("HEARTH_PASSPHRASE", "correct horse"),
    );
    assert!(text(&listed.stdout).contains("Poet"));
    let note =
        std::fs::read_to_string(data.path().join("history.sqlite3.unlock.json")).expect("the note");
    assert!(note.contains("\"kept_in\": \"passphrase\""), "{note}");
    assert!(!note.contains("correct horse"));
}

/// A keyring that holds the key but is locked, and whose unlock prompt cannot be shown (no
/// display): on a private bus with a keyring of its own, so the other tests' stays unlocked.
#[test]
fn a_locked_keyring_is_a_sentence_and_the_file_is_untouched() {
    let data = tempfile::tempdir().expect("temp dir");
    let script = r#"
        source "$KEYRING_SH"
        "$HEARTH" --data-dir "$DATA" personas set Poet --instructions Rhyme. </dev/null || exit 10
        cp "$DATA/history.sqlite3" "$DATA/before"
        dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
            org.freedesktop.Secret.Service.Lock \
            array:objpath:/org/freedesktop/secrets/collection/login >/dev/null || exit 11
        timeout 60 "$HEARTH" --data-dir "$DATA" personas </dev/null
        echo "exit $?"
        cmp -s "$DATA/history.sqlite3" "$DATA/before" && echo unchanged
    "#;
    let output = Command::new("timeout")
        .args(["120", "dbus-run-session", "--", "bash", "-c", script])
        .env(
            "KEYRING_SH",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/keyring.sh"),
        )
        .env("HEARTH", env!("CARGO_BIN_EXE_hearth"))
        .env("DATA", data.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("HEARTH_PASSPHRASE")
        .stdin(Stdio::null())
        .output()
        .expect("dbus-run-session runs");
    let (out, err) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "the script failed: {out}{err}");
    assert!(
        out.contains("exit 1\n"),
        "hearth did not refuse: {out}{err}"
    );
    assert!(
        err.contains("which could not be used") && err.contains("Unlock the keyring"),
        "{err}"
    );
    assert!(out.contains("unchanged"), "the file changed: {out}");
}
