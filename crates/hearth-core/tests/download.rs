//! Model downloads from a real HTTP server on 127.0.0.1, started here, serving the default
//! model's file with range support: complete, resumed after the server dies halfway, wrong
//! bytes, stopped, and no server at all; and a hostile server: a part from byte 0 or from
//! elsewhere, an endless body, a redirect to plain http, two links to files of one name; and a
//! disk without room for the file.

mod common;
#[path = "../../hearth-cli/tests/common/tmpfs.rs"]
mod tmpfs;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use common::{default_model, RUNTIME};
use hearth_core::models::download::{Download, DownloadError, Downloaded};
use hearth_core::paths::DataDir;
use tokio_util::sync::CancellationToken;

/// What the server does with each request.
#[derive(Clone, Copy)]
enum Mode {
    /// Serves the file (from the requested offset).
    Whole,
    /// Announces the whole file, sends this many bytes, then dies.
    DiesAfter(usize),
    /// Sends this many bytes, then stops sending but keeps the connection open.
    StallsAfter(usize),
    /// Serves the file with one byte changed.
    Corrupt,
    /// Answers every request with `206 Partial Content` from this byte, whatever was asked.
    PartFrom(usize),
    /// Sends bytes without end, and no length.
    Endless,
    /// Sends the download on to a plain http address elsewhere.
    RedirectsAway,
}

/// Where `Mode::RedirectsAway` points: a documentation address, never reached.
const AWAY: &str = "http://192.0.2.1/elsewhere.gguf";

struct Server {
    url: String,
    /// The `Range` start of every request it answered (`None` for a request from zero).
    ranges: Arc<Mutex<Vec<Option<u64>>>>,
    _thread: JoinHandle<()>,
}

fn serve(body: Arc<Vec<u8>>, mode: Mode) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port on loopback");
    let url = format!(
        "http://{}/SmolLM2-135M-Instruct.Q4_1.gguf",
        listener.local_addr().expect("address")
    );
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let seen = ranges.clone();
    let thread = std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let dies = answer(stream, &body, mode, &seen);
            if dies {
                return;
            }
        }
    });
    Server {
        url,
        ranges,
        _thread: thread,
    }
}

/// Answers one request; true when the server should die with it.
fn answer(mut stream: TcpStream, body: &[u8], mode: Mode, seen: &Mutex<Vec<Option<u64>>>) -> bool {
    let mut start = None;
    let mut reader = BufReader::new(stream.try_clone().expect("stream"));
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        let lower = line.to_lowercase();
        if let Some(range) = lower.strip_prefix("range: bytes=") {
            start = range.trim().trim_end_matches('-').parse::<u64>().ok();
        }
    }
    seen.lock().expect("lock").push(start);
    match mode {
        Mode::Endless => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
            let block = vec![0u8; 1 << 16];
            while stream.write_all(&block).is_ok() {}
            return false;
        }
        Mode::RedirectsAway => {
            let head = format!(
                "HTTP/1.1 302 Found\r\nLocation: {AWAY}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            return false;
        }
        Mode::PartFrom(from) => start = Some(from as u64),
        _ => {}
    }
    let from = start.unwrap_or(0) as usize;
    let mut data = body.to_vec();
    if let Mode::Corrupt = mode {
        data[body.len() / 2] ^= 0xFF;
    }
    let rest = &data[from.min(data.len())..];
    let status = if start.is_some() {
        format!(
            "206 Partial Content\r\nContent-Range: bytes {from}-{}/{}",
            body.len() - 1,
            body.len()
        )
    } else {
        "200 OK".to_string()
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n",
        rest.len()
    );
    if stream.write_all(head.as_bytes()).is_err() {
        return false;
    }
    match mode {
        Mode::DiesAfter(n) => {
            let _ = stream.write_all(&rest[..n.min(rest.len())]);
            true
        }
        Mode::StallsAfter(n) => {
            let _ = stream.write_all(&rest[..n.min(rest.len())]);
            let _ = stream.flush();
            std::thread::sleep(Duration::from_secs(30));
            false
        }
        Mode::Whole | Mode::Corrupt | Mode::PartFrom(_) | Mode::Endless | Mode::RedirectsAway => {
            let _ = stream.write_all(rest);
            false
        }
    }
}

struct Place {
    _dir: tempfile::TempDir,
    target: PathBuf,
    partial: PathBuf,
}

fn place() -> Place {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("models")).expect("models");
    Place {
        target: dir.path().join("models/SmolLM2-135M-Instruct.Q4_1.gguf"),
        partial: dir
            .path()
            .join("downloads/SmolLM2-135M-Instruct.Q4_1.gguf.partial"),
        _dir: dir,
    }
}

fn sha256() -> String {
    hearth_core::models::catalog_entry_for(&default_model())
        .expect("in the catalog")
        .sha256
}

fn body() -> Arc<Vec<u8>> {
    Arc::new(std::fs::read(default_model()).expect("the default model"))
}

/// Runs the download with a limit, so a broken download fails instead of hanging.
fn run(
    url: &str,
    place: &Place,
    cancel: &CancellationToken,
    on_progress: impl FnMut(hearth_core::models::download::Progress),
) -> Result<PathBuf, DownloadError> {
    let sha = sha256();
    let job = Download {
        url,
        target: &place.target,
        partial: &place.partial,
        sha256: Some(&sha),
        size: Some(body().len() as u64),
    };
    run_job(&job, cancel, on_progress).map(|downloaded| {
        assert!(downloaded.verified, "checked against the catalog's sha256");
        downloaded.path
    })
}

fn run_job(
    job: &Download,
    cancel: &CancellationToken,
    on_progress: impl FnMut(hearth_core::models::download::Progress),
) -> Result<Downloaded, DownloadError> {
    RUNTIME.block_on(async {
        tokio::time::timeout(Duration::from_secs(120), job.run(cancel, on_progress))
            .await
            .expect("the download ended within two minutes")
    })
}

#[test]
fn a_full_download_is_checked_and_moved_into_the_models_folder() {
    let place = place();
    let server = serve(body(), Mode::Whole);
    let mut last = None;
    let path = run(&server.url, &place, &CancellationToken::new(), |p| {
        last = Some(p)
    })
    .expect("downloaded");
    assert_eq!(path, place.target);
    assert_eq!(std::fs::read(&path).expect("read"), *body());
    assert!(!place.partial.exists(), "no partial file is left");
    let last = last.expect("progress was reported");
    assert_eq!(last.total, Some(body().len() as u64));
    assert_eq!(last.received, body().len() as u64);
}

#[test]
fn a_download_cut_off_halfway_resumes_where_it_stopped() {
    let place = place();
    let half = body().len() / 2;
    let dying = serve(body(), Mode::DiesAfter(half));
    let error = run(&dying.url, &place, &CancellationToken::new(), |_| {}).expect_err("cut off");
    assert!(
        matches!(error, DownloadError::Interrupted { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("try again"), "{error}");
    let kept = std::fs::metadata(&place.partial)
        .expect("partial kept")
        .len();
    assert!(kept > 0 && kept <= half as u64, "{kept} bytes kept");
    assert!(!place.target.exists(), "nothing in models/ yet");

    let restarted = serve(body(), Mode::Whole);
    let mut first = None;
    run(&restarted.url, &place, &CancellationToken::new(), |p| {
        first.get_or_insert(p.received);
    })
    .expect("resumed");
    assert_eq!(
        *restarted.ranges.lock().expect("lock"),
        [Some(kept)],
        "asked for the rest only"
    );
    assert!(first.expect("progress") > kept);
    assert_eq!(std::fs::read(&place.target).expect("read"), *body());
}

#[test]
fn wrong_bytes_are_refused_and_nothing_is_kept() {
    let place = place();
    let server = serve(body(), Mode::Corrupt);
    let error = run(&server.url, &place, &CancellationToken::new(), |_| {}).expect_err("refused");
    assert!(matches!(error, DownloadError::Mismatch { .. }), "{error}");
    assert!(error.to_string().contains("deleted"), "{error}");
    assert!(!place.target.exists() && !place.partial.exists());
}

#[test]
fn stopping_is_immediate_and_discarding_leaves_nothing() {
    let place = place();
    let server = serve(body(), Mode::StallsAfter(1 << 20));
    let cancel = CancellationToken::new();
    let on_progress = {
        let cancel = cancel.clone();
        move |_: hearth_core::models::download::Progress| cancel.cancel()
    };
    let started = std::time::Instant::now();
    let error = run(&server.url, &place, &cancel, on_progress).expect_err("stopped");
    assert!(matches!(error, DownloadError::Stopped { .. }), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "stopped without waiting for the server"
    );
    assert!(place.partial.is_file(), "kept to go on later");
    let sha = sha256();
    let job = Download {
        url: &server.url,
        target: &place.target,
        partial: &place.partial,
        sha256: Some(&sha),
        size: None,
    };
    assert!(job.discard());
    assert!(!place.partial.exists() && !place.target.exists());
}

#[test]
fn no_server_gets_a_sentence_and_changes_nothing() {
    let place = place();
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port")
        .port();
    let url = format!("http://127.0.0.1:{port}/model.gguf");
    let error = run(&url, &place, &CancellationToken::new(), |_| {}).expect_err("offline");
    assert!(matches!(error, DownloadError::Offline { .. }), "{error}");
    assert!(error.to_string().contains("offline"), "{error}");
    assert!(!place.target.exists() && !place.partial.exists());
}

#[test]
fn a_part_from_byte_zero_starts_the_file_over() {
    let place = place();
    std::fs::create_dir_all(place.partial.parent().expect("a folder")).expect("downloads");
    std::fs::write(&place.partial, vec![0xAA; 4096]).expect("a partial file");
    let server = serve(body(), Mode::PartFrom(0));
    run(&server.url, &place, &CancellationToken::new(), |_| {}).expect("downloaded whole");
    assert_eq!(
        *server.ranges.lock().expect("lock"),
        [Some(4096)],
        "asked for the rest, given the whole from byte 0"
    );
    assert_eq!(std::fs::read(&place.target).expect("read"), *body());
}

#[test]
fn a_part_from_elsewhere_is_refused_and_what_was_kept_stays() {
    let place = place();
    std::fs::create_dir_all(place.partial.parent().expect("a folder")).expect("downloads");
    let kept = body()[..4096].to_vec();
    std::fs::write(&place.partial, &kept).expect("a partial file");
    let server = serve(body(), Mode::PartFrom(7));
    let error = run(&server.url, &place, &CancellationToken::new(), |_| {}).expect_err("refused");
    assert_eq!(
        error.to_string(),
        "The server sent a different part of the file than was asked for (from byte 7, where \
         the download stopped at byte 4096). What arrived before is kept: try again, or from \
         another address."
    );
    assert_eq!(std::fs::read(&place.partial).expect("kept"), kept);
    assert!(!place.target.exists());
}

#[test]
fn an_endless_body_stops_past_the_files_size_and_nothing_is_kept() {
    let place = place();
    let server = serve(body(), Mode::Endless);
    let error = run(&server.url, &place, &CancellationToken::new(), |_| {}).expect_err("refused");
    assert_eq!(
        error.to_string(),
        "The server sent more than 98 MB, more than this model file can be; what arrived was \
         deleted."
    );
    assert!(!place.partial.exists() && !place.target.exists());
}

#[test]
fn plain_http_elsewhere_is_refused_and_so_is_a_redirect_to_it() {
    let place = place();
    let error = run(AWAY, &place, &CancellationToken::new(), |_| {}).expect_err("refused");
    assert_eq!(
        error.to_string(),
        format!(
            "{AWAY} is not an https address. Hearth downloads models only over https (or from \
             this computer), so nobody on the way can change the file."
        )
    );
    let server = serve(body(), Mode::RedirectsAway);
    let error = run(&server.url, &place, &CancellationToken::new(), |_| {}).expect_err("refused");
    assert_eq!(
        error.to_string(),
        format!(
            "The server sent the download on to {AWAY}, which is not an https address; Hearth \
             does not follow it, so nobody on the way can change the file."
        )
    );
    assert!(!place.partial.exists() && !place.target.exists());
}

#[test]
fn two_links_to_files_of_one_name_never_resume_into_each_other() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = DataDir::resolve(Some(dir.path().to_path_buf())).expect("a data folder");
    let file = "SmolLM2-135M-Instruct.Q4_1.gguf";
    let sha = sha256();
    let first = serve(body(), Mode::DiesAfter(body().len() / 2));
    let second = serve(body(), Mode::Whole);
    let (target, first_partial) = data.download_of(file, &first.url);
    let (_, second_partial) = data.download_of(file, &second.url);
    assert_ne!(first_partial, second_partial);
    for (server, partial) in [(&first, &first_partial), (&second, &second_partial)] {
        let job = Download {
            url: &server.url,
            target: &target,
            partial,
            sha256: Some(&sha),
            size: None,
        };
        let _ = run_job(&job, &CancellationToken::new(), |_| {});
    }
    assert!(first_partial.is_file(), "the first link's part is kept");
    assert_eq!(
        *second.ranges.lock().expect("lock"),
        [None],
        "the second link starts from its own first byte"
    );
    assert_eq!(std::fs::read(&target).expect("read"), *body());
}

#[test]
fn a_disk_without_room_is_told_before_anything_is_written() {
    let disk = tmpfs::Tmpfs::mount(16 << 20);
    let place = Place {
        target: disk.path().join("models/SmolLM2-135M-Instruct.Q4_1.gguf"),
        partial: disk
            .path()
            .join("downloads/SmolLM2-135M-Instruct.Q4_1.gguf.partial"),
        _dir: tempfile::tempdir().expect("temp dir"),
    };
    let server = serve(body(), Mode::Whole);
    let error = run(&server.url, &place, &CancellationToken::new(), |_| {}).expect_err("refused");
    let said = error.to_string();
    assert!(
        matches!(error, DownloadError::NoSpace { .. })
            && said.starts_with("The download needs ")
            && said.ends_with(" is free. Nothing was written: free some space and try again."),
        "{said}"
    );
    assert!(!place.partial.exists() && !place.target.exists());
}
