//! Documents are read in a child process of Hearth's own binary, because a hostile file can
//! make a parser fail in ways no thread survives: a PDF form that draws itself recurses until
//! the stack overflows, a small stream inflates past any memory. The child gets the file's
//! bytes on stdin, reads them under limits on memory, CPU time and core dumps, and writes its
//! progress and result as JSON lines; if it dies, or outlives the time limit and is killed,
//! the caller gets a sentence and Hearth lives on.
//!
//! The app and the command line call [`serve_if_asked`] first thing in `main`, so the same
//! binary serves as its own reader; tests and benchmarks name another with [`use_program`].

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::{display_name, extract, DocumentError, Extracted, Limits};

/// The first argument that makes Hearth's binary a document reader.
const READ_DOCUMENT: &str = "--hearth-read-document";

/// How much memory the reader may map: room for the largest document Hearth takes and its
/// parse, far below what would strain a laptop.
const MEMORY: u64 = 2 << 30;

/// What the child says, one JSON line each: pages as it reads them, then the outcome.
#[derive(Serialize, Deserialize)]
enum Said {
    Page { done: usize, total: usize },
    Done(Result<Extracted, DocumentError>),
}

static PROGRAM: OnceLock<PathBuf> = OnceLock::new();

/// Reads documents with `program` (a binary that calls [`serve_if_asked`]) instead of this
/// process's own binary. For tests and benchmarks, whose binaries are not Hearth's.
pub fn use_program(program: PathBuf) {
    let _ = PROGRAM.set(program);
}

fn program() -> std::io::Result<PathBuf> {
    match PROGRAM.get() {
        Some(program) => Ok(program.clone()),
        None => std::env::current_exe(),
    }
}

/// In a process started to read a document, reads it and exits; elsewhere returns at once.
pub fn serve_if_asked() {
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() != Some(READ_DOCUMENT.as_ref()) {
        return;
    }
    let (limits, path) = (args.next(), args.next());
    std::process::exit(match (limits, path) {
        (Some(limits), Some(path)) => serve(&limits, Path::new(&path)),
        _ => 2,
    });
}

fn serve(limits: &std::ffi::OsStr, path: &Path) -> i32 {
    use std::io::{Read, Write};
    let Some(limits) = limits
        .to_str()
        .and_then(|text| serde_json::from_str::<Limits>(text).ok())
    else {
        return 2;
    };
    confine(&limits);
    let mut bytes = Vec::new();
    if std::io::stdin()
        .take(limits.max_bytes + 1)
        .read_to_end(&mut bytes)
        .is_err()
    {
        return 2;
    }
    let say = |said: &Said| {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(&mut out, said)
            .ok()
            .and_then(|()| writeln!(out).ok())
            .and_then(|()| out.flush().ok())
            .is_some()
    };
    let on_page = |done, total| {
        say(&Said::Page { done, total });
    };
    let outcome = extract(path, &bytes, &limits, &on_page);
    if say(&Said::Done(outcome)) {
        0
    } else {
        1
    }
}

/// The reader's limits: its memory, its CPU time (the caller's deadline, as a second line of
/// defence) and no core dump of a document's text.
#[cfg(unix)]
fn confine(limits: &Limits) {
    let set = |resource, value: u64| {
        let limit = libc::rlimit {
            rlim_cur: value as libc::rlim_t,
            rlim_max: value as libc::rlim_t,
        };
        // SAFETY: setrlimit reads the struct it is given and nothing else.
        unsafe { libc::setrlimit(resource, &limit) };
    };
    set(libc::RLIMIT_AS, MEMORY);
    set(libc::RLIMIT_CPU, limits.time.as_secs() + 1);
    crate::core_dumps::turn_off();
}

/// Windows has no resource limits on a process of its own; the caller's deadline still holds.
#[cfg(not(unix))]
fn confine(_limits: &Limits) {}

/// `extract` in a child process, under `limits`; `on_page(done, total)` as the child reads.
pub async fn extract_in_child(
    path: &Path,
    bytes: Vec<u8>,
    limits: &Limits,
    on_page: impl Fn(usize, usize) + Send + 'static,
) -> Result<Extracted, DocumentError> {
    let name = display_name(path);
    let failed = |reason: String| DocumentError::ReaderFailed {
        name: name.clone(),
        reason,
    };
    let limits_text =
        serde_json::to_string(limits).map_err(|e| failed(format!("its limits: {e}")))?;
    let mut child = tokio::process::Command::new(program().map_err(|e| failed(e.to_string()))?)
        .arg(READ_DOCUMENT)
        .arg(limits_text)
        .arg(OsString::from(path.as_os_str()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| failed(format!("the reader could not start ({e})")))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(failed("the reader's pipes were not there".to_string()));
    };
    // The bytes go in while the answer comes out, so neither pipe fills and waits on the other.
    let feed = tokio::spawn(async move {
        let _ = stdin.write_all(&bytes).await;
    });
    let listen = async {
        let mut lines = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            match serde_json::from_str::<Said>(&line) {
                Ok(Said::Page { done, total }) => on_page(done, total),
                Ok(Said::Done(outcome)) => return Some(outcome),
                Err(_) => return None,
            }
        }
        None
    };
    let answer = tokio::time::timeout(limits.time, listen).await;
    feed.abort();
    match answer {
        Ok(Some(outcome)) => {
            let _ = child.wait().await;
            outcome
        }
        Ok(None) => {
            let status = child.wait().await.map_err(|e| failed(e.to_string()))?;
            Err(failed(ended_how(status)))
        }
        Err(_) => {
            let _ = child.kill().await;
            Err(DocumentError::TimedOut {
                name,
                seconds: limits.time.as_secs(),
            })
        }
    }
}

/// Why a reader that gave no answer ended, in words. Rust aborts alike on a stack overflow and
/// on memory refused, so the two are told together.
fn ended_how(status: std::process::ExitStatus) -> String {
    if status.success() {
        "the reader ended without an answer".to_string()
    } else {
        "it needs deeper nesting or more memory than Hearth gives one document; is it damaged?"
            .to_string()
    }
}
