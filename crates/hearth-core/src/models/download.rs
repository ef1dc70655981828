//! Downloading a model: into a partial file outside the models folder, resumed with HTTP range
//! requests after the network or Hearth goes away, checked against its sha256 and as a GGUF
//! file, and only then moved into the models folder where Hearth can load it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

use super::{inspect, GgufError};

/// How long to wait for a server to answer, and for the next bytes of a running download.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
const READ_TIMEOUT: Duration = Duration::from_secs(60);

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
}

impl Download<'_> {
    /// Fetches the rest of the file, checks it and moves it into place. Cancelling `cancel`
    /// stops at once and keeps the partial file for later.
    pub async fn run(
        &self,
        cancel: &CancellationToken,
        mut on_progress: impl FnMut(Progress),
    ) -> Result<PathBuf, DownloadError> {
        let url =
            reqwest::Url::parse(self.url).map_err(|e| DownloadError::BadUrl(e.to_string()))?;
        let host = url.host_str().unwrap_or("the server").to_string();
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .build()
            .map_err(|e| DownloadError::BadUrl(e.to_string()))?;
        let write_error = |source| DownloadError::Write {
            path: self.partial.to_path_buf(),
            source,
        };
        if let Some(dir) = self.partial.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(write_error)?;
        }
        let have = tokio::fs::metadata(self.partial)
            .await
            .map_or(0, |m| m.len());
        let mut request = client.get(url);
        if have > 0 {
            request = request.header(reqwest::header::RANGE, format!("bytes={have}-"));
        }
        let response = tokio::select! {
            response = request.send() => response.map_err(|e| {
                if e.is_connect() || e.is_timeout() {
                    DownloadError::Offline { host: host.clone() }
                } else {
                    DownloadError::Interrupted { host: host.clone(), detail: e.to_string() }
                }
            })?,
            _ = cancel.cancelled() => return Err(stopped(have)),
        };
        let status = response.status();
        let resumed = status == reqwest::StatusCode::PARTIAL_CONTENT;
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
            let start = if resumed { have } else { 0 };
            let total = response.content_length().map(|n| n + start);
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
                file.write_all(&chunk).await.map_err(write_error)?;
                received += chunk.len() as u64;
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
        self.verify(self.sha256.map(str::to_lowercase).or(server_sha))
            .await?;
        tokio::fs::rename(self.partial, self.target)
            .await
            .map_err(|source| DownloadError::Write {
                path: self.target.to_path_buf(),
                source,
            })?;
        Ok(self.target.to_path_buf())
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
