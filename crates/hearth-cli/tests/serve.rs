//! `hearth serve` as a person's other tools use it: the official `openai` Python package
//! (pinned, installed under .test-data/ by `scripts/setup.sh --test`) against the real server,
//! model and history; then the usage records it left.

mod common;

#[path = "../../hearth-core/tests/common/pinned.rs"]
mod pinned;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{hearth, hearth_command, run, text};
use pinned::assert_pinned;

const MODEL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../models/SmolLM2-135M-Instruct.Q4_1.gguf"
);
const OPENAI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.test-data/openai-py");
const CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/openai_client.py");

/// A running `hearth serve`, killed if a test ends without stopping it.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Server {
    /// Starts it on a free port; returns it with the base URL it printed.
    fn start(data: &Path) -> (Self, String) {
        let mut child = hearth_command(data, &["serve", "--port", "0", "--model", MODEL])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("hearth serve starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let server = Server(child);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("hearth serve printed its address within 120 s");
        (server, line.trim().to_string())
    }

    /// Ctrl+C, as a person stops it; it must exit cleanly within 30 s.
    fn stop(mut self) {
        let pid = self.0.id().to_string();
        let sent = run(Command::new("kill").args(["-INT", &pid]));
        assert!(sent.status.success(), "{}", text(&sent.stderr));
        for _ in 0..300 {
            if let Some(status) = self.0.try_wait().expect("the server's status") {
                assert!(status.success(), "hearth serve exited with {status}");
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("hearth serve did not stop within 30 s of Ctrl+C");
    }
}

fn token(data: &Path, name: &str) -> String {
    let made = hearth(data, &["serve", "tokens", "add", name]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    text(&made.stdout).trim().to_string()
}

#[test]
fn the_openai_client_is_answered_and_refused_as_openai_would_be() {
    let data = tempfile::tempdir().expect("temp dir");
    let data = data.path();
    let scripts = token(data, "scripts");
    let editor = token(data, "editor");
    let revoked = hearth(data, &["serve", "tokens", "rm", "editor"]);
    assert!(revoked.status.success(), "{}", text(&revoked.stderr));
    assert_eq!(
        text(&hearth(data, &["serve", "tokens"]).stdout),
        "scripts\n"
    );

    // What the command line answers, greedy, to the question the client asks.
    let chat = hearth(
        data,
        &[
            "chat",
            "What is the capital of France?",
            "--temperature",
            "0",
            "--max-tokens",
            "24",
            "--model",
            MODEL,
        ],
    );
    assert!(chat.status.success(), "{}", text(&chat.stderr));
    let expected = data.join("expected-reply.txt");
    let reply = text(&chat.stdout);
    std::fs::write(&expected, reply.strip_suffix('\n').unwrap_or(&reply)).expect("written");

    let (server, base) = Server::start(data);
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let client = run(Command::new("python3")
        .arg(CLIENT)
        .args([base.as_str(), &scripts, &editor])
        .arg(&expected)
        .env("PYTHONPATH", OPENAI));
    let said = text(&client.stdout);
    assert!(
        client.status.success(),
        "the openai client's checks failed:\n{said}\n{}",
        text(&client.stderr)
    );
    let parsed = said
        .lines()
        .find_map(|l| l.strip_prefix("parsed "))
        .expect("the client printed the parsed object");
    assert_pinned("api-capital-as-json", parsed);
    server.stop();

    // Every answered request is counted under the client's name; the one that hung up stopped
    // early, within a few tokens of its fourth chunk.
    let records = hearth(data, &["usage", "--csv"]);
    assert!(records.status.success(), "{}", text(&records.stderr));
    let csv = text(&records.stdout);
    let api: Vec<Vec<&str>> = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|cells| cells.get(1) == Some(&"api"))
        .collect();
    assert_eq!(api.len(), 15, "{csv}");
    assert!(api.iter().all(|cells| cells[2] == "scripts"), "{csv}");
    let by_client = text(&hearth(data, &["usage", "--by", "client"]).stdout);
    let scripts = by_client
        .lines()
        .find(|l| l.starts_with("scripts "))
        .unwrap_or_else(|| panic!("no row for the client:\n{by_client}"));
    assert_eq!(scripts.split_whitespace().nth(1), Some("15"), "{by_client}");
    let last = api.last().expect("a record");
    let (completion_tokens, stopped) = (last[5], last[9]);
    assert_eq!(stopped, "true", "{csv}");
    assert!(
        completion_tokens.parse::<u32>().is_ok_and(|n| n < 20),
        "the hung-up request went on to {completion_tokens} tokens:\n{csv}"
    );
}
