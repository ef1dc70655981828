//! The recommended models from the command line: listed with whether each fits, and downloaded
//! by id from `{mirror}/{repo}/resolve/{revision}/{file}` (a real HTTP server on 127.0.0.1 laid
//! out like the hub stands in for Hugging Face), where a file that is not the pinned one is
//! refused and nothing is left in the models folder, and a disk without room for the pinned
//! size is told so before anything is asked of the mirror.
mod common;
#[path = "common/tmpfs.rs"]
mod tmpfs;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;

const DEFAULT_MODEL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../models/SmolLM2-135M-Instruct.Q4_1.gguf"
);

/// Serves `body` for every request and keeps each request's path.
struct Hub {
    url: String,
    asked: Arc<Mutex<Vec<String>>>,
}

fn hub(body: Vec<u8>) -> Hub {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port on loopback");
    let url = format!(
        "http://{}",
        listener.local_addr().expect("the server's address")
    );
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let mut reader = BufReader::new(&stream);
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            if let Some(path) = request.split_whitespace().nth(1) {
                seen.lock().expect("the request log").push(path.to_string());
            }
            let mut stream = &stream;
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    Hub { url, asked }
}

fn models_left(data: &std::path::Path) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(data.join("models"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default()
}

#[test]
fn the_recommended_models_are_listed_with_their_fit() {
    let data = tempfile::tempdir().expect("temp dir");
    let listed = run(&mut hearth_command(
        data.path(),
        &["models", "list", "--available"],
    ));
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let lines = text(&listed.stdout);
    let ids: Vec<&str> = lines.lines().filter_map(|l| l.split('\t').next()).collect();
    assert_eq!(ids.len(), 9, "the nine recommended models: {lines}");
    assert!(ids.contains(&"qwen2.5-1.5b-instruct-q4_k_m"), "{lines}");
    let qwen = lines
        .lines()
        .find(|l| l.starts_with("qwen2.5-1.5b-instruct-q4_k_m\t"))
        .expect("listed");
    let columns: Vec<&str> = qwen.split('\t').collect();
    assert_eq!(columns[1], "Qwen2.5 1.5B Instruct (Q4_K_M)");
    assert_eq!(columns[2], "1.1 GB");
    assert!(
        ["fits: needs", "tight: needs", "too big: needs"]
            .iter()
            .any(|v| columns[3].starts_with(v)),
        "{qwen}"
    );
    assert_eq!(columns[4], "not downloaded");
    assert_eq!(columns[5], "Apache-2.0");
    // Predicted from the file's size and this computer's memory speed.
    let rate = columns[7]
        .strip_prefix("about ")
        .and_then(|c| c.strip_suffix(" tokens/s here (predicted)"))
        .and_then(|c| c.parse::<f64>().ok());
    assert!(rate.is_some_and(|r| r > 0.0), "{qwen}");
}

/// A company catalog (`HEARTH_CATALOG`) with the default model's bytes pinned under three ids:
/// as they are, with another sha256, and with another size.
fn company_catalog(dir: &std::path::Path) -> std::path::PathBuf {
    let served = std::fs::read(DEFAULT_MODEL).expect("the default model");
    let sha = hearth_core::models::catalog()
        .into_iter()
        .find(|e| e.default)
        .expect("the default model's entry")
        .sha256;
    let entry = |id: &str, file: &str, size: usize, sha256: &str| {
        serde_json::json!({
            "id": id, "name": id, "file": file, "repo": "company/tiny",
            "revision": "0123456789abcdef0123456789abcdef01234567",
            "size": size, "sha256": sha256, "license": "Apache-2.0",
            "license_url": "https://www.apache.org/licenses/LICENSE-2.0",
            "architecture": "llama", "parameters": "135M", "context_length": 8192,
            "good_for": "Tests."
        })
    };
    let catalog = serde_json::json!({ "models": [
        entry("tiny", "Tiny.Q4_1.gguf", served.len(), &sha),
        entry("tiny-other-sha", "Tiny-Other.Q4_1.gguf", served.len(), &"0".repeat(64)),
        entry("tiny-other-size", "Tiny-Size.Q4_1.gguf", served.len() + 1, &sha),
    ]});
    let path = dir.join("catalog.json");
    std::fs::write(&path, catalog.to_string()).expect("the company catalog");
    path
}

#[test]
fn a_model_is_fetched_by_id_from_the_mirror_checked_and_a_file_not_pinned_is_refused() {
    let data = tempfile::tempdir().expect("temp dir");
    let catalog = company_catalog(data.path());
    let hub = hub(std::fs::read(DEFAULT_MODEL).expect("the default model"));
    let download = |id: &str| {
        run(hearth_command(data.path(), &["models", "download", id])
            .env("HEARTH_MODEL_MIRROR", &hub.url)
            .env("HEARTH_CATALOG", &catalog))
    };

    let fetched = download("tiny");
    assert!(fetched.status.success(), "{}", text(&fetched.stderr));
    assert_eq!(
        hub.asked.lock().expect("the request log").as_slice(),
        ["/company/tiny/resolve/0123456789abcdef0123456789abcdef01234567/Tiny.Q4_1.gguf"]
    );
    assert_eq!(
        std::fs::read(data.path().join("models/Tiny.Q4_1.gguf")).expect("downloaded"),
        std::fs::read(DEFAULT_MODEL).expect("the default model")
    );
    assert!(
        text(&fetched.stdout).starts_with("Downloaded and checked tiny: "),
        "{}",
        text(&fetched.stdout)
    );

    let other_sha = download("tiny-other-sha");
    let said = text(&other_sha.stderr);
    assert!(!other_sha.status.success(), "{said}");
    assert!(
        said.contains("is not the one expected (sha256 ")
            && said.contains(&format!("expected {}); it was deleted.", "0".repeat(64))),
        "{said}"
    );

    let other_size = download("tiny-other-size");
    let said = text(&other_size.stderr);
    assert!(!other_size.status.success(), "{said}");
    let served = std::fs::metadata(DEFAULT_MODEL)
        .expect("the default model")
        .len();
    assert!(
        said.contains(&format!(
            "The server's file is {served} bytes where this model's is {}: it is not the file expected, so nothing was downloaded and nothing kept.",
            served + 1
        )),
        "{said}"
    );
    let left = models_left(data.path());
    assert_eq!(left, ["Tiny.Q4_1.gguf"], "only the checked file in models/");
}

#[test]
fn a_disk_without_room_for_the_pinned_size_is_refused_before_any_request() {
    // 16 MB of disk for a 491 MB model.
    let disk = tmpfs::Tmpfs::mount(16 << 20);
    let hub = hub(b"never asked for".to_vec());
    let output = run(hearth_command(
        disk.path(),
        &["models", "download", "qwen2.5-0.5b-instruct-q4_k_m"],
    )
    .env("HEARTH_MODEL_MIRROR", &hub.url));
    let said = text(&output.stderr);
    assert!(!output.status.success(), "{said}");
    assert!(
        said.contains("The download needs ")
            && said.contains("is free. Nothing was written: free some space and try again."),
        "{said}"
    );
    assert_eq!(
        *hub.asked.lock().expect("the request log"),
        Vec::<String>::new(),
        "nothing was asked of the mirror"
    );
    let left = models_left(disk.path());
    assert!(left.is_empty(), "nothing left in models/: {left:?}");
}
