//! A history its user may not read (`chmod 000`): refused with a sentence that says why, nothing
//! set aside or changed, and once it is readable again it opens whole. Root reads any file, so
//! `hearth` runs here as the unprivileged user `nobody` (the tests run as root, as CI does),
//! from a copy of the binary that user can reach, without a keyring (its passphrase given).

mod common;

use std::os::unix::fs::{chown, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output};

use common::*;

const NOBODY: u32 = 65534;

fn as_nobody(hearth: &Path, data: &Path, args: &[&str]) -> Output {
    let output = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(hearth)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("HEARTH_PASSPHRASE", "correct horse")
        .env("HOME", data)
        .output()
        .expect("setpriv runs (util-linux)");
    output
}

fn mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn a_history_its_user_may_not_read_is_refused_and_opens_once_it_may() {
    let place = tempfile::tempdir().expect("temp dir");
    mode(place.path(), 0o755);
    let hearth = place.path().join("hearth");
    std::fs::copy(env!("CARGO_BIN_EXE_hearth"), &hearth).expect("a copy nobody can run");
    mode(&hearth, 0o755);
    let data = place.path().join("data");
    std::fs::create_dir(&data).expect("the data folder");
    plain_history(&data);
    for entry in std::fs::read_dir(&data).expect("the data folder").flatten() {
        chown(entry.path(), Some(NOBODY), Some(NOBODY)).expect("chown");
    }
    chown(&data, Some(NOBODY), Some(NOBODY)).expect("chown");
    let first = as_nobody(&hearth, &data, &["history"]);
    assert!(first.status.success(), "{}", text(&first.stderr));

    let history = database(&data);
    let before = std::fs::read(&history).expect("the history");
    mode(&history, 0o000);
    let refused = as_nobody(&hearth, &data, &["history"]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        text(&refused.stderr),
        format!(
            "hearth: The history database {} could not be opened: Permission denied (os error \
             13)\n",
            history.display()
        )
    );
    mode(&history, 0o600);
    assert_eq!(
        std::fs::read(&history).expect("the history"),
        before,
        "nothing in it changed"
    );
    let names: Vec<String> = std::fs::read_dir(&data)
        .expect("the data folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("set-aside")),
        "nothing was set aside: {names:?}"
    );

    let opened = as_nobody(&hearth, &data, &["export", "--format", "json"]);
    assert!(opened.status.success(), "{}", text(&opened.stderr));
    let archive = text(&opened.stdout);
    for word in WORDS {
        assert!(archive.contains(word), "{word} is missing");
    }
}
