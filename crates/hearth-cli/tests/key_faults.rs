//! Nothing lost when the disk fails in the middle of a key change or the first encryption:
//! strace makes one call of the real `hearth` fail at a time (EIO at each fsync and fdatasync,
//! the folder syncs among them; EACCES at each unlink), and after each the history opens with
//! its old secret or its new one and holds every row (also for a history encrypted and brought
//! up to the newest schema in the same open). And a history that was away while Hearth
//! started (so Hearth made a new one) opens again when it comes back.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;

const OLD: &str = "correct horse";
const NEW: &str = "battery staple";

/// Each system call made to fail, with its error, one call after another.
const FAULTS: [(&str, &str); 4] = [
    ("fsync", "EIO"),
    ("fdatasync", "EIO"),
    ("unlink", "EACCES"),
    ("unlinkat", "EACCES"),
];

/// More calls of one kind than any of these commands makes: a loop that reaches it is stuck.
const MOST_CALLS: usize = 400;

/// How a history's key is given to the command line.
#[derive(Clone, Copy, Debug)]
enum Secret {
    Keyring,
    Passphrase(&'static str),
}

fn hearth_with(data: &Path, secret: Secret, args: &[&str]) -> Command {
    let mut command = hearth_command(data, args);
    if let Secret::Passphrase(passphrase) = secret {
        command.env("HEARTH_PASSPHRASE", passphrase);
    }
    command
}

/// Runs `command` under strace with the `call`th call of `syscall` failing with `errno`;
/// whether the command made that many calls (else nothing was injected).
fn with_fault(command: &Command, syscall: &str, errno: &str, call: usize) -> (Output, bool) {
    let log = tempfile::NamedTempFile::new().expect("a log file");
    let mut traced = Command::new("strace");
    traced
        .args(["-f", "-qq", "-o"])
        .arg(log.path())
        .arg(format!("--trace={syscall}"))
        .arg(format!("--inject={syscall}:error={errno}:when={call}"))
        .arg(command.get_program())
        .args(command.get_args())
        .stdin(Stdio::null());
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => traced.env(name, value),
            None => traced.env_remove(name),
        };
    }
    // strace is installed by scripts/setup.sh.
    let output = run(&mut traced);
    let injected = std::fs::read_to_string(log.path())
        .expect("strace's log")
        .contains("(INJECTED)");
    (output, injected)
}

/// Runs a command that only reads, again when the keyring service died under it: gnome-keyring
/// aborts now and then when one of the hundreds of short-lived clients here disconnects while
/// it opens a session (an upstream bug), and scripts/keyring.sh starts it again.
fn read_with(data: &Path, secret: Secret, args: &[&str]) -> Output {
    for _ in 0..3 {
        let output = run(&mut hearth_with(data, secret, args));
        if output.status.success()
            || !text(&output.stderr).contains("Message recipient disconnected")
        {
            return output;
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    run(&mut hearth_with(data, secret, args))
}

/// Whether the history opens with `secret` and holds every row of the fixture.
fn whole_with(data: &Path, secret: Secret) -> Result<(), String> {
    let history = read_with(data, secret, &["history"]);
    if !history.status.success() {
        return Err(text(&history.stderr));
    }
    let listed = text(&history.stdout);
    if listed.lines().count() != 2 {
        return Err(format!("it lists {listed:?}"));
    }
    let archive = read_with(data, secret, &["export", "--format", "json"]);
    let archive = text(&archive.stdout);
    match WORDS.iter().find(|word| !archive.contains(**word)) {
        Some(word) => Err(format!("{word} is missing")),
        None => Ok(()),
    }
}

/// For each fault at each call in turn: a fresh history from `prepare`, then `act` with the
/// fault. When `act` succeeded the `new` secret opens the history; when it failed the `old` one
/// or the `new` one does, and the old one whenever `act` said the history is as it was.
fn every_fault_leaves_a_whole_history(
    prepare: impl Fn(&Path),
    act: impl Fn(&Path) -> Command,
    old: Secret,
    new: Secret,
) {
    for (syscall, errno) in FAULTS {
        for call in 1..=MOST_CALLS {
            assert!(call < MOST_CALLS, "{syscall} was called {MOST_CALLS} times");
            let data = tempfile::tempdir().expect("temp dir");
            prepare(data.path());
            let (output, injected) = with_fault(&act(data.path()), syscall, errno, call);
            if !injected {
                break;
            }
            let said = text(&output.stderr);
            let whole = if output.status.success() {
                whole_with(data.path(), new)
            } else if said.contains("is still in place") {
                whole_with(data.path(), old)
            } else {
                whole_with(data.path(), old).or_else(|_| whole_with(data.path(), new))
            };
            if let Err(why) = whole {
                panic!(
                    "{errno} at {syscall} call {call}: the command {} ({said}); then: {why}",
                    if output.status.success() {
                        "succeeded"
                    } else {
                        "failed"
                    }
                );
            }
        }
    }
}

/// The fixture, encrypted with its key kept as `secret` says.
fn encrypted_history(data: &Path, secret: Secret) {
    plain_history(data);
    let opened = read_with(data, secret, &["history"]);
    assert!(opened.status.success(), "{}", text(&opened.stderr));
}

#[test]
fn a_failure_during_the_first_encryption_loses_nothing() {
    every_fault_leaves_a_whole_history(
        plain_history,
        |data| hearth_command(data, &["history"]),
        Secret::Keyring,
        Secret::Keyring,
    );
}

/// Migration 0010 adds the replies' duration: a history from before it is encrypted and then
/// upgraded in one open, with a fault at each step of both.
#[test]
fn a_failure_while_an_older_history_is_encrypted_and_upgraded_loses_nothing() {
    every_fault_leaves_a_whole_history(
        |data| plain_history_before(data, 9),
        |data| hearth_command(data, &["history"]),
        Secret::Keyring,
        Secret::Keyring,
    );
}

#[test]
fn a_failure_while_the_key_moves_to_a_passphrase_loses_nothing() {
    every_fault_leaves_a_whole_history(
        |data| encrypted_history(data, Secret::Keyring),
        |data| {
            let mut command = hearth_command(data, &["key", "passphrase"]);
            command.env("HEARTH_NEW_PASSPHRASE", NEW);
            command
        },
        Secret::Keyring,
        Secret::Passphrase(NEW),
    );
}

#[test]
fn a_failure_while_the_key_moves_to_the_keyring_loses_nothing() {
    every_fault_leaves_a_whole_history(
        |data| encrypted_history(data, Secret::Passphrase(OLD)),
        |data| hearth_with(data, Secret::Passphrase(OLD), &["key", "keyring"]),
        Secret::Passphrase(OLD),
        Secret::Keyring,
    );
}

/// The history is moved away, Hearth starts with `started` (making a new, empty history), the
/// file comes back over the new one: it opens with its own secret, every row there.
fn moved_away_and_back(own: Secret, started: Secret) {
    let data = tempfile::tempdir().expect("temp dir");
    encrypted_history(data.path(), own);
    let away = data.path().join("away.sqlite3");
    std::fs::rename(database(data.path()), &away).expect("moved away");

    let new = run(&mut hearth_with(data.path(), started, &["history"]));
    assert!(new.status.success(), "{}", text(&new.stderr));
    assert_eq!(text(&new.stdout), "", "a new, empty history");

    std::fs::rename(&away, database(data.path())).expect("moved back");
    if let (Secret::Passphrase(_), Secret::Keyring) = (own, started) {
        let asked = run(&mut hearth_with(data.path(), Secret::Keyring, &["history"]));
        let said = text(&asked.stderr);
        assert!(said.contains("protected by a passphrase"), "{said}");
    }
    if let Err(why) = whole_with(data.path(), own) {
        panic!("{own:?}, moved back after a start with {started:?}: {why}");
    }
}

#[test]
fn a_history_moved_away_while_hearth_started_opens_when_it_comes_back() {
    moved_away_and_back(Secret::Keyring, Secret::Keyring);
    moved_away_and_back(Secret::Passphrase(OLD), Secret::Passphrase(OLD));
    moved_away_and_back(Secret::Passphrase(OLD), Secret::Keyring);
    moved_away_and_back(Secret::Keyring, Secret::Passphrase(NEW));
}
