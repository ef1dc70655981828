//! Reads a GGUF file's header and tensor table before the engine sees the file: mistral.rs
//! panics on architectures it does not support and fails late on truncated files, so every
//! check a person can be told about happens here, with bounds on every length read.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// Architectures mistral.rs 0.8.1 loads from GGUF (the `GGUFArchitecture` match in
/// `vendor/mistralrs-core/src/pipeline/gguf.rs`).
pub const SUPPORTED_ARCHITECTURES: &[&str] = &[
    "llama",
    "mistral3",
    "phi2",
    "phi3",
    "starcoder2",
    "qwen2",
    "qwen3",
    "qwen3moe",
];

// Nothing legitimate in a header comes close to these; they stop a corrupt length from
// allocating gigabytes.
const MAX_STRING_BYTES: u64 = 1 << 20;
const MAX_ARRAY_ITEMS: u64 = 1 << 24;
const MAX_ENTRIES: u64 = 1 << 20;
const MAX_DIMS: u32 = 8;
const MAX_NESTING: u8 = 4;

#[derive(Debug, thiserror::Error)]
pub enum GgufError {
    #[error("The model file {0} does not exist.")]
    Missing(PathBuf),
    #[error("{0} is a folder, not a model file.")]
    IsDirectory(PathBuf),
    #[error("The model file {path} could not be read: {source}.")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is not a GGUF model file.")]
    NotGguf(PathBuf),
    #[error("{path} uses GGUF version {version}, which Hearth cannot read (versions 2 and 3 are supported).")]
    UnsupportedVersion { path: PathBuf, version: u32 },
    #[error("The model file {path} is damaged or incomplete ({detail}). Download it again.")]
    Corrupt { path: PathBuf, detail: String },
    #[error("{path} is a \"{architecture}\" model, which the engine cannot run. Supported architectures: {}.", SUPPORTED_ARCHITECTURES.join(", "))]
    UnsupportedArchitecture { path: PathBuf, architecture: String },
    #[error("{path} stores weights in a format the engine cannot run (GGML type {kind}).")]
    UnsupportedTensorType { path: PathBuf, kind: u32 },
}

/// What Hearth needs to know about a model file before loading it.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct GgufInfo {
    pub path: PathBuf,
    pub architecture: String,
    pub name: Option<String>,
    pub context_length: Option<u64>,
    pub file_size: u64,
    /// The quantization the file says it was made with ("Q4_K_M", "Q8_0", ...), else the weight
    /// type holding most of its bytes ("Q4_K", "F16", ...).
    pub quantization: String,
    /// Values in all the tensors.
    pub parameters: u64,
    /// Transformer blocks, KV heads and the size of one head, where the file says: what the
    /// KV cache costs per token.
    pub layers: Option<u64>,
    pub kv_heads: Option<u64>,
    pub head_size: Option<u64>,
    /// The width of the hidden state: what a prompt's activations cost per token.
    pub embedding_length: Option<u64>,
}

impl GgufInfo {
    /// Bytes of the KV cache for `tokens` tokens at `bytes_per_value` (4 for f32): keys and
    /// values for every layer and KV head.
    pub fn kv_cache_bytes(&self, tokens: u64, bytes_per_value: u64) -> Option<u64> {
        [self.kv_heads?, self.head_size?, tokens, 2, bytes_per_value]
            .into_iter()
            .try_fold(self.layers?, u64::checked_mul)
    }
}

/// Checks that `path` is a complete GGUF file of an architecture the engine supports.
pub fn inspect(path: &Path) -> Result<GgufInfo, GgufError> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => GgufError::Missing(path.to_path_buf()),
        _ => GgufError::Io {
            path: path.to_path_buf(),
            source: e,
        },
    })?;
    if meta.is_dir() {
        return Err(GgufError::IsDirectory(path.to_path_buf()));
    }
    let file = File::open(path).map_err(|source| GgufError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = Reader {
        inner: BufReader::new(file),
        pos: 0,
        path,
    };
    let header = reader.header()?;
    let architecture = header
        .architecture
        .clone()
        .ok_or_else(|| reader.corrupt("no general.architecture entry".to_string()))?;
    if !SUPPORTED_ARCHITECTURES.contains(&architecture.as_str()) {
        return Err(GgufError::UnsupportedArchitecture {
            path: path.to_path_buf(),
            architecture,
        });
    }
    let end = header.tensor_data_end(&reader)?;
    if end > meta.len() {
        return Err(reader.corrupt(format!("{} of {} bytes present", meta.len(), end)));
    }
    let number = |key: &str| {
        let key = format!("{architecture}.{key}");
        header
            .numbers
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, value)| *value)
    };
    let heads = number("attention.head_count");
    let embedding_length = number("embedding_length");
    let head_size = number("attention.key_length").or_else(|| {
        embedding_length
            .zip(heads)
            .and_then(|(width, heads)| width.checked_div(heads))
    });
    Ok(GgufInfo {
        path: path.to_path_buf(),
        context_length: number("context_length"),
        layers: number("block_count"),
        kv_heads: number("attention.head_count_kv").or(heads),
        head_size,
        embedding_length,
        quantization: header
            .numbers
            .iter()
            .find(|(k, _)| k == "general.file_type")
            .and_then(|(_, kind)| file_type_name(*kind))
            .unwrap_or_else(|| header.main_type())
            .to_string(),
        parameters: header.parameters(),
        architecture,
        name: header.name,
        file_size: meta.len(),
    })
}

struct Header {
    architecture: Option<String>,
    name: Option<String>,
    /// Every whole-number entry, by key: sizes, counts and lengths.
    numbers: Vec<(String, u64)>,
    alignment: u64,
    tensors: Vec<TensorInfo>,
    data_start: u64,
}

struct TensorInfo {
    dims: Vec<u64>,
    kind: u32,
    offset: u64,
}

impl TensorInfo {
    fn elements(&self) -> Option<u64> {
        self.dims
            .iter()
            .try_fold(1u64, |acc, d| acc.checked_mul(*d))
    }
}

impl Header {
    fn parameters(&self) -> u64 {
        self.tensors
            .iter()
            .filter_map(TensorInfo::elements)
            .fold(0, u64::saturating_add)
    }

    /// The type of the tensors that hold the most bytes.
    fn main_type(&self) -> &'static str {
        let mut bytes: Vec<(u32, u64)> = Vec::new();
        for tensor in &self.tensors {
            let (Some((block, size)), Some(elements)) =
                (block_layout(tensor.kind), tensor.elements())
            else {
                continue;
            };
            let n = elements.div_ceil(block).saturating_mul(size);
            match bytes.iter_mut().find(|(kind, _)| *kind == tensor.kind) {
                Some((_, total)) => *total = total.saturating_add(n),
                None => bytes.push((tensor.kind, n)),
            }
        }
        bytes
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map_or("unknown", |(kind, _)| type_name(kind))
    }

    fn tensor_data_end(&self, reader: &Reader) -> Result<u64, GgufError> {
        let start = self.data_start.div_ceil(self.alignment) * self.alignment;
        let mut end = start;
        for tensor in &self.tensors {
            let (block, bytes) =
                block_layout(tensor.kind).ok_or_else(|| GgufError::UnsupportedTensorType {
                    path: reader.path.to_path_buf(),
                    kind: tensor.kind,
                })?;
            let elements = tensor
                .elements()
                .ok_or_else(|| reader.corrupt("tensor size overflows".to_string()))?;
            let size = elements.div_ceil(block).saturating_mul(bytes);
            let tensor_end = start
                .checked_add(tensor.offset)
                .and_then(|v| v.checked_add(size))
                .ok_or_else(|| reader.corrupt("tensor offset overflows".to_string()))?;
            end = end.max(tensor_end);
        }
        Ok(end)
    }
}

/// (elements per block, bytes per block) of the GGML types candle can load.
fn block_layout(kind: u32) -> Option<(u64, u64)> {
    Some(match kind {
        0 => (1, 4),      // F32
        1 => (1, 2),      // F16
        2 => (32, 18),    // Q4_0
        3 => (32, 20),    // Q4_1
        6 => (32, 22),    // Q5_0
        7 => (32, 24),    // Q5_1
        8 => (32, 34),    // Q8_0
        9 => (32, 36),    // Q8_1
        10 => (256, 84),  // Q2_K
        11 => (256, 110), // Q3_K
        12 => (256, 144), // Q4_K
        13 => (256, 176), // Q5_K
        14 => (256, 210), // Q6_K
        15 => (256, 292), // Q8_K
        30 => (1, 2),     // BF16
        _ => return None,
    })
}

/// llama.cpp's name for a whole file's quantization (`general.file_type`, its `llama_ftype`).
fn file_type_name(kind: u64) -> Option<&'static str> {
    Some(match kind {
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        7 => "Q8_0",
        8 => "Q5_0",
        9 => "Q5_1",
        10 => "Q2_K",
        11 => "Q3_K_S",
        12 => "Q3_K_M",
        13 => "Q3_K_L",
        14 => "Q4_K_S",
        15 => "Q4_K_M",
        16 => "Q5_K_S",
        17 => "Q5_K_M",
        18 => "Q6_K",
        21 => "Q2_K_S",
        32 => "BF16",
        _ => return None,
    })
}

/// GGML's name for a tensor type.
fn type_name(kind: u32) -> &'static str {
    match kind {
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        6 => "Q5_0",
        7 => "Q5_1",
        8 => "Q8_0",
        9 => "Q8_1",
        10 => "Q2_K",
        11 => "Q3_K",
        12 => "Q4_K",
        13 => "Q5_K",
        14 => "Q6_K",
        15 => "Q8_K",
        30 => "BF16",
        _ => "unknown",
    }
}

struct Reader<'a> {
    inner: BufReader<File>,
    pos: u64,
    path: &'a Path,
}

impl Reader<'_> {
    fn corrupt(&self, detail: String) -> GgufError {
        GgufError::Corrupt {
            path: self.path.to_path_buf(),
            detail,
        }
    }

    fn bytes<const N: usize>(&mut self) -> Result<[u8; N], GgufError> {
        let mut buf = [0u8; N];
        self.inner
            .read_exact(&mut buf)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::UnexpectedEof => {
                    self.corrupt("the header ends early".to_string())
                }
                _ => GgufError::Io {
                    path: self.path.to_path_buf(),
                    source: e,
                },
            })?;
        self.pos += N as u64;
        Ok(buf)
    }

    fn u32(&mut self) -> Result<u32, GgufError> {
        Ok(u32::from_le_bytes(self.bytes()?))
    }

    fn u64(&mut self) -> Result<u64, GgufError> {
        Ok(u64::from_le_bytes(self.bytes()?))
    }

    fn skip(&mut self, n: u64) -> Result<(), GgufError> {
        let copied = std::io::copy(&mut (&mut self.inner).take(n), &mut std::io::sink()).map_err(
            |source| GgufError::Io {
                path: self.path.to_path_buf(),
                source,
            },
        )?;
        if copied < n {
            return Err(self.corrupt("the header ends early".to_string()));
        }
        self.pos += n;
        Ok(())
    }

    fn string(&mut self) -> Result<String, GgufError> {
        let len = self.u64()?;
        if len > MAX_STRING_BYTES {
            return Err(self.corrupt(format!("a {len}-byte string in the header")));
        }
        let mut buf = vec![0u8; len as usize];
        self.inner
            .read_exact(&mut buf)
            .map_err(|_| self.corrupt("the header ends early".to_string()))?;
        self.pos += len;
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    fn header(&mut self) -> Result<Header, GgufError> {
        // A file too short to hold the magic is not GGUF either.
        let magic = self.bytes::<4>().map_err(|e| match e {
            GgufError::Corrupt { .. } => GgufError::NotGguf(self.path.to_path_buf()),
            other => other,
        })?;
        if &magic != b"GGUF" {
            return Err(GgufError::NotGguf(self.path.to_path_buf()));
        }
        let version = self.u32()?;
        if !(2..=3).contains(&version) {
            return Err(GgufError::UnsupportedVersion {
                path: self.path.to_path_buf(),
                version,
            });
        }
        let tensor_count = self.u64()?;
        let kv_count = self.u64()?;
        if tensor_count > MAX_ENTRIES || kv_count > MAX_ENTRIES {
            return Err(self.corrupt("implausible entry counts".to_string()));
        }
        let mut header = Header {
            architecture: None,
            name: None,
            numbers: Vec::new(),
            alignment: 32,
            tensors: Vec::new(),
            data_start: 0,
        };
        for _ in 0..kv_count {
            let key = self.string()?;
            let kind = self.u32()?;
            match (key.as_str(), kind) {
                ("general.architecture", 8) => header.architecture = Some(self.string()?),
                ("general.name", 8) => header.name = Some(self.string()?),
                ("general.alignment", 4) => {
                    let alignment = u64::from(self.u32()?);
                    if alignment == 0 || !alignment.is_power_of_two() {
                        return Err(self.corrupt(format!("alignment {alignment}")));
                    }
                    header.alignment = alignment;
                }
                (_, 4) => {
                    let value = u64::from(self.u32()?);
                    header.numbers.push((key, value));
                }
                (_, 10) => {
                    let value = self.u64()?;
                    header.numbers.push((key, value));
                }
                _ => self.skip_value(kind, 0)?,
            }
        }
        for _ in 0..tensor_count {
            self.string()?;
            let n_dims = self.u32()?;
            if n_dims > MAX_DIMS {
                return Err(self.corrupt(format!("a tensor with {n_dims} dimensions")));
            }
            let dims = (0..n_dims)
                .map(|_| self.u64())
                .collect::<Result<Vec<_>, _>>()?;
            let kind = self.u32()?;
            let offset = self.u64()?;
            header.tensors.push(TensorInfo { dims, kind, offset });
        }
        header.data_start = self.pos;
        Ok(header)
    }

    fn skip_value(&mut self, kind: u32, depth: u8) -> Result<(), GgufError> {
        if let Some(size) = fixed_size(kind) {
            return self.skip(size);
        }
        match kind {
            8 => self.string().map(drop),
            9 if depth < MAX_NESTING => {
                let item_kind = self.u32()?;
                let count = self.u64()?;
                if count > MAX_ARRAY_ITEMS {
                    return Err(self.corrupt(format!("an array of {count} items")));
                }
                match fixed_size(item_kind) {
                    Some(size) => self.skip(count * size),
                    None => (0..count).try_for_each(|_| self.skip_value(item_kind, depth + 1)),
                }
            }
            other => Err(self.corrupt(format!("unknown value type {other}"))),
        }
    }
}

/// Bytes of a fixed-size GGUF value type: u8/i8/bool, u16/i16, u32/i32/f32, u64/i64/f64.
fn fixed_size(kind: u32) -> Option<u64> {
    match kind {
        0 | 1 | 7 => Some(1),
        2 | 3 => Some(2),
        4..=6 => Some(4),
        10..=12 => Some(8),
        _ => None,
    }
}
