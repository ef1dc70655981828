//! What Hearth leaves where others could read it: its folders are 0700 and its files 0600
//! (exports included), no process it starts inherits the passphrase, and it dumps no core.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::*;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn what_hearth_writes_only_its_owner_reads() {
    let parent = tempfile::tempdir().expect("temp dir");
    let data = parent.path().join("hearth");
    let listed = hearth(&data, &["history"]);
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let export = parent.path().join("export.json");
    let exported = hearth(
        &data,
        &[
            "export",
            "--format",
            "json",
            "--output",
            &export.to_string_lossy(),
        ],
    );
    assert!(exported.status.success(), "{}", text(&exported.stderr));

    assert_eq!(mode(&data), 0o700, "the data folder");
    assert_eq!(mode(&data.join("models")), 0o700, "the models folder");
    assert_eq!(mode(&database(&data)), 0o600, "the history");
    assert_eq!(
        mode(&data.join("history.sqlite3.unlock.json")),
        0o600,
        "the key's note"
    );
    for lock in ["history.sqlite3.lock", "history.sqlite3.in-use"] {
        assert_eq!(mode(&data.join(lock)), 0o600, "{lock}");
    }
    assert_eq!(mode(&export), 0o600, "the export");
}

#[test]
fn the_passphrase_is_not_passed_on_and_no_core_is_dumped() {
    let data = tempfile::tempdir().expect("temp dir");
    let document = data.path().join("note.txt");
    std::fs::write(&document, "Nothing secret here.").expect("a document");
    let log = tempfile::NamedTempFile::new().expect("a log file");
    let mut command = hearth_command(data.path(), &["docs", "add", &document.to_string_lossy()]);
    command.env("HEARTH_PASSPHRASE", "correct horse");
    let traced = Command::new("strace")
        .args(["-f", "-qq", "-v", "-s", "256", "-o"])
        .arg(log.path())
        .arg("--trace=execve,prlimit64,setrlimit")
        .arg(command.get_program())
        .args(command.get_args())
        .envs(command.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .env_remove("HEARTH_NEW_PASSPHRASE")
        .output()
        .expect("strace runs (scripts/setup.sh installs it)");
    assert!(traced.status.success(), "{}", text(&traced.stderr));
    let calls = std::fs::read_to_string(log.path()).expect("strace's log");
    let reader = calls
        .lines()
        .find(|line| line.contains("execve(") && line.contains("--hearth-read-document"))
        .unwrap_or_else(|| panic!("no document reader was started:\n{calls}"));
    assert!(!reader.contains("HEARTH_PASSPHRASE"), "{reader}");
    assert!(
        calls.contains("RLIMIT_CORE, {rlim_cur=0, rlim_max=0}"),
        "core dumps are turned off:\n{calls}"
    );
}
