//! Bad model files get a clear error before the engine sees them, and nothing panics.

mod common;

use std::io::Write;

use common::{default_model, RUNTIME};
use hearth_core::engine::{self, EngineError};
use hearth_core::models::{self, GgufError};

fn load_error(path: &std::path::Path) -> EngineError {
    RUNTIME.block_on(async {
        match engine::load(path).await {
            Ok(_) => panic!("{} should not load", path.display()),
            Err(e) => e,
        }
    })
}

/// A minimal GGUF v3 header with the given architecture and no tensors.
fn gguf_with_architecture(architecture: &str) -> Vec<u8> {
    let mut out = b"GGUF".to_vec();
    out.extend(3u32.to_le_bytes());
    out.extend(0u64.to_le_bytes()); // tensors
    out.extend(1u64.to_le_bytes()); // key-value pairs
    let key = b"general.architecture";
    out.extend((key.len() as u64).to_le_bytes());
    out.extend(key);
    out.extend(8u32.to_le_bytes()); // string
    out.extend((architecture.len() as u64).to_le_bytes());
    out.extend(architecture.as_bytes());
    out
}

#[test]
fn the_default_model_passes_inspection() {
    let info = models::inspect(&default_model()).expect("valid");
    assert_eq!(info.architecture, "llama");
    assert_eq!(info.context_length, Some(8192));
    let entry = models::catalog_entry_for(&default_model()).expect("in the catalog");
    assert_eq!(entry.size, info.file_size);
    // SmolLM2-135M: 30 blocks 576 wide, 3 KV heads of 64; Q4_1 layers beside a Q8_0
    // embedding.
    assert_eq!(info.quantization, "Q4_1");
    assert_eq!(
        (info.layers, info.kv_heads, info.head_size, info.embedding_length),
        (Some(30), Some(3), Some(64), Some(576))
    );
    assert!(
        (134_000_000..135_000_000).contains(&info.parameters),
        "{} parameters",
        info.parameters
    );
    // 30 x 3 x 64 x 2 x 4 bytes = 46,080 bytes per token in f32.
    assert_eq!(info.kv_cache_bytes(1, 4), Some(46_080));
}

#[test]
fn the_fit_estimate_adds_weights_kv_cache_and_overhead() {
    let info = models::inspect(&default_model()).expect("valid");
    let activations = 576 * models::fit::ACTIVATION_BYTES_PER_TOKEN_AND_WIDTH * 4096;
    let needed = info.file_size + 46_080 * 4096 + activations + models::fit::OVERHEAD_BYTES;
    let fit = models::fit::estimate(&info, 16 << 30);
    assert_eq!(
        fit.context, 4096,
        "the model's 8192 capped at Hearth's 4096"
    );
    assert_eq!(fit.needed_bytes, needed);
    assert_eq!(fit.verdict, models::fit::Verdict::Fits);
    assert_eq!(
        models::fit::estimate(&info, needed).verdict,
        models::fit::Verdict::Tight
    );
    assert_eq!(
        models::fit::estimate(&info, needed - 1).verdict,
        models::fit::Verdict::TooBig
    );
    let summary = fit.summary();
    assert!(
        summary.starts_with("fits: needs ")
            && summary.contains("189 MB KV cache and 189 MB activations at 4096 tokens"),
        "{summary}"
    );
}

#[test]
fn the_library_lists_each_file_once_with_its_facts_or_its_problem() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("broken.gguf"), b"not a model").expect("write");
    std::fs::write(dir.path().join("readme.txt"), b"not listed").expect("write");
    let models_dir = default_model().parent().expect("folder").to_path_buf();
    let listed = models::library::list(&[
        dir.path().to_path_buf(),
        models_dir.clone(),
        models_dir.join("."),
    ]);
    let names: Vec<&str> = listed.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["broken.gguf", "SmolLM2 135M Instruct (Q4_1)"],
        "{listed:?}"
    );
    assert!(listed[0]
        .problem
        .as_deref()
        .unwrap_or("")
        .contains("not a GGUF model file"));
    assert!(listed[0].info.is_none());
    assert_eq!(listed[1].license.as_deref(), Some("Apache-2.0"));
    assert!(listed[1].fit.is_some() && listed[1].problem.is_none());
}

#[test]
fn a_missing_file_is_reported_without_touching_the_network() {
    let error = load_error(std::path::Path::new("/nonexistent/model.gguf"));
    assert!(
        matches!(error, EngineError::Model(GgufError::Missing(_))),
        "{error}"
    );
    assert!(error.to_string().contains("does not exist"));
}

#[test]
fn a_file_that_is_not_gguf_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("notes.gguf");
    for content in [&b"just some text, not a model"[..], b"", b"GG"] {
        std::fs::write(&path, content).expect("write");
        let error = load_error(&path);
        assert!(
            matches!(error, EngineError::Model(GgufError::NotGguf(_))),
            "{error}"
        );
    }
}

#[test]
fn a_truncated_model_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes = std::fs::read(default_model()).expect("read model");
    for cut in [10, 4096, bytes.len() / 2, bytes.len() - 1] {
        let path = dir.path().join(format!("cut-{cut}.gguf"));
        std::fs::write(&path, &bytes[..cut]).expect("write");
        let error = load_error(&path);
        assert!(
            matches!(error, EngineError::Model(GgufError::Corrupt { .. })),
            "cut at {cut}: {error}"
        );
    }
}

#[test]
fn an_unsupported_architecture_is_refused_before_the_engine_panics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("gemma.gguf");
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&gguf_with_architecture("gemma2")))
        .expect("write");
    let error = load_error(&path);
    assert!(
        matches!(
            error,
            EngineError::Model(GgufError::UnsupportedArchitecture { .. })
        ),
        "{error}"
    );
    assert!(error.to_string().contains("gemma2"));
}

#[test]
fn a_folder_is_not_a_model() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error = load_error(dir.path());
    assert!(
        matches!(error, EngineError::Model(GgufError::IsDirectory(_))),
        "{error}"
    );
}

#[test]
fn the_catalog_parses_and_locate_finds_the_default_model() {
    assert!(models::catalog().iter().any(|e| e.default));
    let models_dir = default_model().parent().expect("parent").to_path_buf();
    let empty = tempfile::tempdir().expect("temp dir");
    let found = models::locate(&[empty.path().to_path_buf(), models_dir.clone()]).expect("found");
    assert_eq!(found.file_name(), default_model().file_name());
    let error = models::locate(&[empty.path().to_path_buf()]).expect_err("nothing there");
    assert!(error.to_string().contains("fetch-default.sh"));

    // A model the user put in an earlier folder wins over the default in a later one.
    let own = empty.path().join("my-model.gguf");
    std::fs::write(&own, b"GGUF").expect("write");
    let found = models::locate(&[empty.path().to_path_buf(), models_dir]).expect("found");
    assert_eq!(found, own);
}
