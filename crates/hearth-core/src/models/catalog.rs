//! The models Hearth recommends (`models/catalog.json`, compiled in so the app needs no
//! checkout), each pinned to a repository revision with its size and sha256, and the mirror
//! they are downloaded from: the one in Settings, else the one `HEARTH_MODEL_MIRROR` names (as
//! `HF_ENDPOINT` does for Hugging Face's own tools; companies mirror model hubs), else Hugging
//! Face. A company's
//! own models can be added: `HEARTH_CATALOG` names a file in catalog.json's form, whose entries
//! come after Hearth's (an unreadable one adds nothing).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::download;
use super::fit::{self, Fit};
use super::speed::{self, Speed};
use super::GgufInfo;

const CATALOG_JSON: &str = include_str!("../../../../models/catalog.json");

/// Where the catalog's models come from unless a mirror is set.
pub const DEFAULT_MIRROR: &str = "https://huggingface.co";

/// Read from catalog.json's snake_case, sent to the window in camelCase like every other type.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
#[ts(rename_all = "camelCase")]
pub struct CatalogEntry {
    pub id: String,
    pub name: String,
    pub file: String,
    pub size: u64,
    pub sha256: String,
    pub license: String,
    pub license_url: String,
    pub architecture: String,
    /// As the model's makers count them ("1.5B").
    pub parameters: String,
    pub context_length: u64,
    /// What it is good for, in one line.
    pub good_for: String,
    /// The repository and revision it is downloaded from (`{mirror}/{repo}/resolve/{revision}/
    /// {file}`); none for the built-in model, which comes another way (`source`).
    #[serde(default)]
    pub repo: Option<String>,
    #[serde(default)]
    pub revision: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// The built-in model, the one Hearth comes with.
    #[serde(default)]
    pub default: bool,
    /// Its licence has conditions the person accepts before the download (Llama 3.2's).
    #[serde(default)]
    pub accept_license: bool,
}

#[derive(Deserialize)]
struct Catalog {
    models: Vec<CatalogEntry>,
}

/// A recommended model as the Models view and `hearth models list --available` show it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Recommended {
    pub entry: CatalogEntry,
    /// Whether it would fit in the memory free now.
    pub fit: Fit,
    /// Whether the disk has room to download it (true where the free space is not known).
    pub room_on_disk: bool,
    /// Where it is, when one of the models folders has it.
    pub here: Option<PathBuf>,
    /// Where it is downloaded from (the mirror's address, pinned to its revision).
    pub url: Option<String>,
    /// How fast it would write here: measured once it has, else predicted.
    pub speed: Speed,
}

/// What the recommended list is judged against on this computer.
pub struct Here<'a> {
    /// Memory free now.
    pub memory_free: u64,
    /// Disk free where downloads go, when the system says.
    pub disk_free: Option<u64>,
    /// Where downloads come from.
    pub mirror: &'a str,
    /// Median reply speeds by model name, from the usage records.
    pub measured: &'a HashMap<String, f64>,
}

/// The catalog's models but the built-in one, for this machine: fit in memory and room on
/// disk, whether one of `dirs` has each, where each comes from, and its speed.
pub fn recommended(dirs: &[PathBuf], here: &Here) -> Vec<Recommended> {
    catalog()
        .into_iter()
        .filter(|e| !e.default)
        .map(|entry| Recommended {
            fit: entry.fit(here.memory_free),
            room_on_disk: here
                .disk_free
                .is_none_or(|free| free >= download::needed_space(entry.size)),
            here: dirs
                .iter()
                .map(|d| d.join(&entry.file))
                .find(|p| p.is_file()),
            url: entry.download_url(here.mirror),
            speed: speed::of(&entry.name, entry.size, here.measured),
            entry,
        })
        .collect()
}

impl CatalogEntry {
    /// Where to download it from `mirror`, pinned to its revision.
    pub fn download_url(&self, mirror: &str) -> Option<String> {
        let (repo, revision) = (self.repo.as_ref()?, self.revision.as_ref()?);
        Some(format!(
            "{}/{repo}/resolve/{revision}/{}",
            mirror.trim_end_matches('/'),
            self.file
        ))
    }

    /// Whether it would fit in `available_bytes`, from its size and context alone (the
    /// file's own shapes are not known before it is downloaded).
    pub fn fit(&self, available_bytes: u64) -> Fit {
        let info = GgufInfo {
            path: PathBuf::from(&self.file),
            architecture: self.architecture.clone(),
            name: Some(self.name.clone()),
            context_length: Some(self.context_length),
            file_size: self.size,
            quantization: String::new(),
            parameters: 0,
            layers: None,
            kv_heads: None,
            head_size: None,
            embedding_length: None,
        };
        fit::estimate(&info, available_bytes)
    }
}

/// The mirror models are downloaded from: `setting` (Settings' own, checked), else
/// `HEARTH_MODEL_MIRROR`, else Hugging Face.
pub fn mirror(setting: &str) -> String {
    Some(setting.to_string())
        .filter(|m| !m.is_empty())
        .or_else(|| std::env::var("HEARTH_MODEL_MIRROR").ok())
        .map(|m| m.trim().trim_end_matches('/').to_string())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| DEFAULT_MIRROR.to_string())
}

/// `text` as a mirror's address, if Hearth would download from it: https, or plain http on this
/// computer, with no query or fragment; without a trailing slash.
pub fn checked_mirror(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(text).ok()?;
    let plain = url.query().is_none() && url.fragment().is_none() && url.host_str().is_some();
    (plain && super::download::trusted(&url)).then(|| text.to_string())
}

/// Hearth's catalog, then the entries of `HEARTH_CATALOG` (by id, Hearth's own come first).
pub fn catalog() -> Vec<CatalogEntry> {
    CATALOG.clone()
}

/// Read once: the catalog does not change while Hearth runs, and listing the models asks it
/// about every file.
static CATALOG: LazyLock<Vec<CatalogEntry>> = LazyLock::new(|| {
    // Hearth's catalog is part of the source tree; a test checks every entry.
    let mut models = parse(CATALOG_JSON);
    let extra = std::env::var_os("HEARTH_CATALOG")
        .and_then(|path| std::fs::read_to_string(path).ok())
        .map(|text| parse(&text))
        .unwrap_or_default();
    for entry in extra {
        if !models.iter().any(|m| m.id == entry.id) {
            models.push(entry);
        }
    }
    models
});

fn parse(text: &str) -> Vec<CatalogEntry> {
    serde_json::from_str::<Catalog>(text)
        .map(|c| c.models)
        .unwrap_or_default()
}

/// The catalog entry called `name`: its id, name or file name, case aside.
pub fn catalog_entry(name: &str) -> Option<CatalogEntry> {
    let wanted = name.to_lowercase();
    CATALOG
        .iter()
        .find(|e| {
            [&e.id, &e.name, &e.file]
                .iter()
                .any(|n| n.to_lowercase() == wanted)
        })
        .cloned()
}

/// The catalog entry describing `path`, matched by file name.
pub fn catalog_entry_for(path: &Path) -> Option<CatalogEntry> {
    let name = path.file_name()?.to_str()?;
    CATALOG.iter().find(|e| e.file == name).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::gguf::SUPPORTED_ARCHITECTURES;

    fn hex(text: &str, len: usize) -> bool {
        text.len() == len
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }

    #[test]
    fn every_entry_has_every_fact_and_a_pinned_https_address() {
        let catalog = parse(CATALOG_JSON);
        assert_eq!(
            catalog.len(),
            10,
            "the built-in model and nine recommended ones"
        );
        let mut ids = std::collections::HashSet::new();
        for e in &catalog {
            assert!(ids.insert(e.id.as_str()), "{} is listed twice", e.id);
            for (what, value) in [
                ("name", &e.name),
                ("file", &e.file),
                ("licence", &e.license),
                ("parameters", &e.parameters),
                ("good for", &e.good_for),
            ] {
                assert!(!value.trim().is_empty(), "{} has no {what}", e.id);
            }
            assert!(hex(&e.sha256, 64), "{}: sha256 {:?}", e.id, e.sha256);
            assert!(e.size > 0 && e.context_length > 0, "{}", e.id);
            assert!(e.file.ends_with(".gguf"), "{}", e.file);
            assert!(e.license_url.starts_with("https://"), "{}", e.license_url);
            assert!(
                SUPPORTED_ARCHITECTURES.contains(&e.architecture.as_str()),
                "{}",
                e.id
            );
            if e.default {
                assert!(e.source.is_some() && e.download_url(DEFAULT_MIRROR).is_none());
                continue;
            }
            let revision = e.revision.as_deref().unwrap_or_default();
            assert!(hex(revision, 40), "{}: revision {revision:?}", e.id);
            let url = e.download_url(DEFAULT_MIRROR).expect("an address");
            assert_eq!(
                url,
                format!(
                    "https://huggingface.co/{}/resolve/{revision}/{}",
                    e.repo.as_deref().unwrap_or_default(),
                    e.file
                )
            );
        }
    }

    #[test]
    fn a_mirror_takes_the_hubs_place() {
        let entry = catalog_entry("qwen2.5-0.5b-instruct-q4_k_m").expect("listed");
        assert_eq!(
            entry.download_url("http://127.0.0.1:8080/").as_deref(),
            Some(
                "http://127.0.0.1:8080/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/\
                 9217f5db79a29953eb74d5343926648285ec7e67/qwen2.5-0.5b-instruct-q4_k_m.gguf"
            )
        );
    }

    #[test]
    fn a_model_without_room_on_the_disk_is_marked() {
        let measured = HashMap::new();
        let with = |disk_free| {
            let here = Here {
                memory_free: 16 << 30,
                disk_free,
                mirror: DEFAULT_MIRROR,
                measured: &measured,
            };
            recommended(&[], &here)
                .into_iter()
                .map(|r| (r.entry.id, r.room_on_disk))
                .collect::<HashMap<_, _>>()
        };
        // 1 GB: the 491 MB Qwen2.5 0.5B and its 256 MB margin fit, the 1.1 GB 1.5B does not.
        let one_gb = with(Some(1_000_000_000));
        assert!(one_gb["qwen2.5-0.5b-instruct-q4_k_m"]);
        assert!(!one_gb["qwen2.5-1.5b-instruct-q4_k_m"]);
        // Where the system does not say, the download itself will check.
        assert!(with(None).values().all(|room| *room));
    }
}
