//! Downloading a model: into a partial file outside the models folder, resumed with HTTP range
//! requests after the network or Hearth goes away, checked against its sha256 and as a GGUF
//! file, and only then moved into the models folder where Hearth can load it. The server is not
//! trusted: only https (or this computer) is fetched and followed, the part it sends must be
//! the part asked for, and no more is taken than the file can be or the disk can hold.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

use super::{inspect, GgufError};

/// How long to wait for a server to answer, and for the next bytes of a running download.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The most a download may bring when its size is not known in advance: more than any model
/// a laptop runs.
const MAX_UNKNOWN_SIZE: u64 = 64 << 30;

/// Room left on the disk beyond the download itself, so the disk is never filled to the brim.
const SPARE_SPACE: u64 = 256 << 20;

/// Redirects followed before giving up.
const MOST_REDIRECTS: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("Could not reach {host}: this computer seems to be offline, or the server is down. Nothing is lost: the download goes on from where it stopped when you try again.")]
    Offline { host: String },
    #[error("The download from {host} stalled or broke off ({detail}). What arrived is kept: try again to go on from there.")]
    Interrupted { host: String, detail: String },
    #[error("The server refused the download ({status}).")]
    Refused { status: u16 },
    #[error("The download is not a valid address: {0}")]
    BadUrl(String),
    #[error("{0} is not an https address. Hearth downloads models only over https (or from this computer), so nobody on the way can change the file.")]
    NotHttps(String),
    #[error("The server sent the download on to {0}, which is not an https address; Hearth does not follow it, so nobody on the way can change the file.")]
    RedirectedAway(String),
    #[error("The server sent a different part of the file than was asked for ({0}). What arrived before is kept: try again, or from another address.")]
    WrongPart(String),
    #[error("The server sent more than {limit}, more than this model file can be; what arrived was deleted.")]
    TooLarge { limit: String },
    #[error("The server's file is {sent} bytes where this model's is {expected}: it is not the file expected, so nothing was downloaded and nothing kept. Try again, or from another address.")]
    WrongSize { sent: u64, expected: u64 },
    #[error("The download needs {needed} on the disk but only {free} is free. Nothing was written: free some space and try again.")]
    NoSpace { needed: String, free: String },
    #[error("{0} does not end in a .gguf file name: give the link to the model file itself.")]
    NotAModelLink(String),
    #[error("The downloaded file is not the one expected (sha256 {actual}, expected {expected}); it was deleted. Try again, or from another address.")]
    Mismatch { expected: String, actual: String },
    #[error("The downloaded file cannot be used: {0} It was deleted.")]
    NotAModel(GgufError),
    #[error("Stopped. {kept} were kept, so the download can go on later.")]
    Stopped { kept: String },
    #[error("Could not write the download to {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// How far a download has come.
#[derive(Debug, Clone, Copy, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DownloadProgress")]
pub struct Progress {
    pub received: u64,
    pub total: Option<u64>,
    /// Over this session of the download, not counting what an earlier one fetched.
    pub bytes_per_second: f64,
}

/// One download: from `url` to `target` in the models folder, through `partial`.
pub struct Download<'a> {
    pub url: &'a str,
    pub target: &'a Path,
    pub partial: &'a Path,
    /// The file's sha256 if known in advance (the catalog); else the server's
    /// `X-Linked-Etag` is used where it gives one.
    pub sha256: Option<&'a str>,
    /// The file's size if known in advance (the catalog): the server may send no more.
    pub size: Option<u64>,
}

/// A download in place in the models folder. `verified`: its sha256 was known (given, from the
/// catalog or from the server) and matched; otherwise it was only checked as a GGUF file.
#[derive(Debug)]
pub struct Downloaded {
    pub path: PathBuf,
    pub verified: bool,
}

/// Whether Hearth fetches from `url`: https anywhere, plain http only from this computer.
pub(crate) fn trusted(url: &reqwest::Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => match url.host_str() {
            Some("localhost") | Some("[::1]") => true,
            Some(host) => host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback()),
            None => false,
        },
        _ => false,
    }
}

/// Where a `206 Partial Content` says its bytes start, and the whole file's length when it
/// gives one: `Content-Range: bytes START-END/TOTAL`.
fn content_range(headers: &reqwest::header::HeaderMap) -> Option<(u64, Option<u64>)> {
    let value = headers.get(reqwest::header::CONTENT_RANGE)?.to_str().ok()?;
    let (range, total) = value.trim().strip_prefix("bytes ")?.split_once('/')?;
    let start = range.split_once('-')?.0.trim().parse().ok()?;
    Some((start, total.trim().parse().ok()))
}

impl Download<'_> {
    /// Fetches the rest of the file, checks it and moves it into place. Cancelling `cancel`
    /// stops at once and keeps the partial file for later.
    pub async fn run(
        &self,
        cancel: &CancellationToken,
        mut on_progress: impl FnMut(Progress),
    ) -> Result<Downloaded, DownloadError> {
        let url =
            reqwest::Url::parse(self.url).map_err(|e| DownloadError::BadUrl(e.to_string()))?;
        if !trusted(&url) {
            return Err(DownloadError::NotHttps(self.url.to_string()));
        }
        let host = url.host_str().unwrap_or("the server").to_string();
        // Where a refused redirect pointed, for the sentence.
        let refused_to = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
        let noted = refused_to.clone();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MOST_REDIRECTS {
                attempt.error("too many redirects")
            } else if trusted(attempt.url()) {
                attempt.follow()
            } else {
                if let Ok(mut noted) = noted.lock() {
                    *noted = Some(attempt.url().to_string());
                }
                attempt.error("a redirect away from https")
            }
        });
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .redirect(policy)
            .build()
            .map_err(|e| DownloadError::BadUrl(e.to_string()))?;
        let limit = self.size.unwrap_or(MAX_UNKNOWN_SIZE);
        let write_error = |source| DownloadError::Write {
            path: self.partial.to_path_buf(),
            source,
        };
        if let Some(dir) = self.partial.parent() {
            crate::owner_only::create_dir(dir).map_err(write_error)?;
        }
        let have = tokio::fs::metadata(self.partial)
            .await
            .map_or(0, |m| m.len());
        // A size known beforehand (the catalog's) is checked before anything is asked for.
        if let Some(size) = self.size {
            self.room_for(size.saturating_sub(have))?;
        }
        let mut request = client.get(url);
        if have > 0 {
            request = request.header(reqwest::header::RANGE, format!("bytes={have}-"));
        }
        let response = tokio::select! {
            response = request.send() => response.map_err(|e| {
                let refused = refused_to.lock().ok().and_then(|mut to| to.take());
                if let Some(to) = refused {
                    DownloadError::RedirectedAway(to)
                } else if e.is_connect() || e.is_timeout() {
                    DownloadError::Offline { host: host.clone() }
                } else {
                    DownloadError::Interrupted { host: host.clone(), detail: e.to_string() }
                }
            })?,
            _ = cancel.cancelled() => return Err(stopped(have)),
        };
        let status = response.status();
        let complete_already = status == reqwest::StatusCode::RANGE_NOT_SATISFIABLE && have > 0;
        if !status.is_success() && !complete_already {
            return Err(DownloadError::Refused {
                status: status.as_u16(),
            });
        }
        let server_sha = response
            .headers()
            .get("x-linked-etag")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim_matches('"').to_lowercase())
            .filter(|v| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()));
        if !complete_already {
            let (start, total) = self.part_sent(&response, have)?;
            if let (Some(expected), Some(sent)) = (self.size, total) {
                if sent != expected {
                    let _ = tokio::fs::remove_file(self.partial).await;
                    return Err(DownloadError::WrongSize { sent, expected });
                }
            }
            if total.is_some_and(|total| total > limit) {
                return Err(self.too_large(limit).await);
            }
            if let Some(total) = total {
                self.room_for(total.saturating_sub(start))?;
            }
            let resumed = start > 0;
            let mut file = tokio::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(resumed)
                .truncate(!resumed)
                .open(self.partial)
                .await
                .map_err(write_error)?;
            let (mut received, began) = (start, Instant::now());
            let mut response = response;
            loop {
                let chunk = tokio::select! {
                    chunk = response.chunk() => chunk.map_err(|e| DownloadError::Interrupted {
                        host: host.clone(),
                        detail: e.to_string(),
                    }),
                    _ = cancel.cancelled() => {
                        file.flush().await.map_err(write_error)?;
                        return Err(stopped(received));
                    }
                };
                let chunk = match chunk {
                    Ok(Some(chunk)) => chunk,
                    Ok(None) => break,
                    Err(e) => {
                        file.flush().await.map_err(write_error)?;
                        return Err(e);
                    }
                };
                received += chunk.len() as u64;
                if received > limit {
                    drop(file);
                    return Err(self.too_large(limit).await);
                }
                file.write_all(&chunk).await.map_err(write_error)?;
                let seconds = began.elapsed().as_secs_f64().max(1e-3);
                on_progress(Progress {
                    received,
                    total,
                    bytes_per_second: (received - start) as f64 / seconds,
                });
            }
            file.flush().await.map_err(write_error)?;
            if total.is_some_and(|t| received < t) {
                return Err(DownloadError::Interrupted {
                    host,
                    detail: format!("{received} of {} bytes", total.unwrap_or(0)),
                });
            }
        }
        let sha256 = self.sha256.map(str::to_lowercase).or(server_sha);
        let verified = sha256.is_some();
        self.verify(sha256).await?;
        tokio::fs::rename(self.partial, self.target)
            .await
            .map_err(|source| DownloadError::Write {
                path: self.target.to_path_buf(),
                source,
            })?;
        Ok(Downloaded {
            path: self.target.to_path_buf(),
            verified,
        })
    }

    /// Where the bytes of `response` go in the file, and the file's whole length where known.
    /// A part that starts where the partial file ends goes on from it; one from byte 0 (or a
    /// whole file) starts over; any other part is refused, keeping what is there.
    fn part_sent(
        &self,
        response: &reqwest::Response,
        have: u64,
    ) -> Result<(u64, Option<u64>), DownloadError> {
        if response.status() != reqwest::StatusCode::PARTIAL_CONTENT {
            return Ok((0, response.content_length()));
        }
        let length = response.content_length();
        match content_range(response.headers()) {
            Some((start, total)) if start == have || start == 0 => {
                Ok((start, total.or(length.map(|n| n + start))))
            }
            Some((start, _)) => Err(DownloadError::WrongPart(format!(
                "from byte {start}, where the download stopped at byte {have}"
            ))),
            None => Err(DownloadError::WrongPart(
                "a partial answer without saying which part".to_string(),
            )),
        }
    }

    /// The server sent more than the file can be: nothing of it is kept.
    async fn too_large(&self, limit: u64) -> DownloadError {
        let _ = tokio::fs::remove_file(self.partial).await;
        DownloadError::TooLarge {
            limit: super::fit::size(limit),
        }
    }

    /// Whether the partial file's disk has room for `bytes` more (and a margin); where the free
    /// space cannot be read, the write itself will tell.
    fn room_for(&self, bytes: u64) -> Result<(), DownloadError> {
        let needed = needed_space(bytes);
        let free = self
            .partial
            .parent()
            .and_then(crate::free_space::free_space);
        match free {
            Some(free) if free < needed => Err(DownloadError::NoSpace {
                needed: super::fit::size(needed),
                free: super::fit::size(free),
            }),
            _ => Ok(()),
        }
    }

    /// Deletes what an interrupted download kept; whether there was anything.
    pub fn discard(&self) -> bool {
        std::fs::remove_file(self.partial).is_ok()
    }

    /// Checks the finished partial file; a file that fails is deleted.
    async fn verify(&self, sha256: Option<String>) -> Result<(), DownloadError> {
        let result = async {
            if let Some(expected) = sha256 {
                let actual =
                    sha256_of(self.partial)
                        .await
                        .map_err(|source| DownloadError::Write {
                            path: self.partial.to_path_buf(),
                            source,
                        })?;
                if actual != expected {
                    return Err(DownloadError::Mismatch { expected, actual });
                }
            }
            inspect(self.partial)
                .map(drop)
                .map_err(DownloadError::NotAModel)
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(self.partial).await;
        }
        result
    }
}

/// Disk space a download of `bytes` needs: the file and a margin, so that a download never
/// fills the disk.
pub fn needed_space(bytes: u64) -> u64 {
    bytes.saturating_add(SPARE_SPACE)
}

/// The name of the `.gguf` file at `url` (its last path segment), which the download keeps.
pub fn file_name(url: &str) -> Result<String, DownloadError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| DownloadError::BadUrl(e.to_string()))?;
    parsed
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .filter(|name| name.to_lowercase().ends_with(".gguf") && name.len() > ".gguf".len())
        .map(str::to_string)
        .ok_or_else(|| DownloadError::NotAModelLink(url.to_string()))
}

fn stopped(bytes: u64) -> DownloadError {
    DownloadError::Stopped {
        kept: super::fit::size(bytes),
    }
}

async fn sha256_of(path: &Path) -> std::io::Result<String> {
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer).await?;
        if n == 0 {
            return Ok(hex::encode(hasher.finalize()));
        }
        hasher.update(&buffer[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::RngSeed;
    use reqwest::header::{HeaderMap, HeaderValue, CONTENT_RANGE};

    fn with_range(value: &str) -> Option<HeaderMap> {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_RANGE, HeaderValue::from_str(value).ok()?);
        Some(headers)
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 1000,
            rng_seed: RngSeed::Fixed(0x5eed_000a),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Whatever a server says its part is, it is read or refused, never a panic.
        #[test]
        fn any_content_range_is_read_or_refused(value in "(bytes |[0-9]|-|/|\\*| |\\PC){0,48}") {
            if let Some(headers) = with_range(&value) {
                let _ = content_range(&headers);
            }
        }

        /// A well-formed range reads back as it was written.
        #[test]
        fn a_well_formed_content_range_reads_back(
            start in 0u64..1 << 50,
            length in 1u64..1 << 40,
            known in any::<bool>(),
        ) {
            let end = start + length - 1;
            let total = if known { (end + 1).to_string() } else { "*".to_string() };
            let headers = with_range(&format!("bytes {start}-{end}/{total}")).expect("a header");
            prop_assert_eq!(content_range(&headers), Some((start, known.then_some(end + 1))));
        }
    }

    #[test]
    fn a_link_names_its_gguf_file_and_other_links_are_refused() {
        let named =
            file_name("https://example.org/org/repo/resolve/main/model-Q4_K_M.gguf?download=1");
        assert_eq!(named.ok().as_deref(), Some("model-Q4_K_M.gguf"));
        for bad in [
            "https://example.org/model.bin",
            "https://example.org/",
            "not a link",
        ] {
            assert!(file_name(bad).is_err(), "{bad}");
        }
    }
}
