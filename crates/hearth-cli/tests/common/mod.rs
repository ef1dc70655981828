//! What the command line's tests share: running `hearth` on a data folder of its own, a plain
//! history as the release before encryption left it, and reading what a history holds.

#![allow(dead_code)] // each test file uses its own part

#[path = "../../../hearth-core/tests/common/plain.rs"]
mod plain;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const WORDS: [&str; 3] = ["quetzalplume", "marmaladewolf", "zeppelinorchid"];

pub fn hearth_command(data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hearth"));
    command
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("HEARTH_PASSPHRASE")
        .env_remove("HEARTH_MODEL_MIRROR")
        .env_remove("HEARTH_NEW_PASSPHRASE")
        .env_remove("HEARTH_PAUSE_AT")
        .stdin(Stdio::null());
    command
}

/// The longest one run may take: a run that hangs fails its test, naming the command, instead
/// of holding up the whole test set.
const RUN_LIMIT: Duration = Duration::from_secs(300);

/// `command.output()`, within `RUN_LIMIT`.
pub fn run(command: &mut Command) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    let stdout = read_all(child.stdout.take().expect("stdout is piped"));
    let stderr = read_all(child.stderr.take().expect("stderr is piped"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the command's status") {
            break status;
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the command did not finish within {} s: {command:?}",
                RUN_LIMIT.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout is read"),
        stderr: stderr.join().expect("stderr is read"),
    }
}

/// Everything `pipe` gives until it closes, read on a thread of its own.
fn read_all(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

pub fn hearth(data: &Path, args: &[&str]) -> Output {
    run(&mut hearth_command(data, args))
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn database(data: &Path) -> PathBuf {
    data.join("history.sqlite3")
}

const MIGRATIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../hearth-core/src/store/migrations"
);

/// A plain history, as the release before encryption left it, in `data`.
pub fn plain_history(data: &Path) {
    plain_history_from(data, Path::new(MIGRATIONS));
}

/// A plain history whose schema stops at migration `last`: opening it encrypts it and then
/// brings its schema up to date.
pub fn plain_history_before(data: &Path, last: u32) {
    let older = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(MIGRATIONS)
        .expect("the migrations")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let version: u32 = name
            .split('_')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("NNNN_name.sql");
        if version <= last {
            std::fs::copy(entry.path(), older.path().join(&name)).expect("a migration copied");
        }
    }
    plain_history_from(data, older.path());
}

fn plain_history_from(data: &Path, migrations: &Path) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        plain::plain_history(&database(data), &migrations.to_string_lossy())
            .await
            .close()
            .await;
    });
}

/// The bytes of the database and of its WAL and SHM, as any program could read them.
pub fn readable_words(data: &Path) -> Vec<&'static str> {
    let bytes: Vec<u8> = ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let mut name = database(data).into_os_string();
            name.push(suffix);
            std::fs::read(name).ok()
        })
        .flatten()
        .collect();
    WORDS
        .into_iter()
        .filter(|w| bytes.windows(w.len()).any(|b| b == w.as_bytes()))
        .collect()
}

/// The history as `hearth export` gives it, which reads every table the archive holds.
pub fn export(data: &Path) -> String {
    let output = hearth(data, &["export", "--format", "json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}
