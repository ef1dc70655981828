//! Bad model files get a clear error before the engine sees them, and nothing panics.

mod common;

use std::io::Write;

use common::{default_model, RUNTIME};
use hearth_core::engine::{self, EngineError, Role, Sampling, Turn};
use hearth_core::models::{self, GgufError};
use tokio_util::sync::CancellationToken;

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
        (
            info.layers,
            info.kv_heads,
            info.head_size,
            info.embedding_length
        ),
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
    // 46,080 bytes of KV cache a token in f32; half that where the engine keeps it in f16.
    let (kv_per_token, kv_mb) = if hearth_kernels::f16_cache(64) {
        (23_040, 94)
    } else {
        (46_080, 189)
    };
    let needed = info.file_size + kv_per_token * 4096 + activations + models::fit::OVERHEAD_BYTES;
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
    let summary = &fit.summary;
    assert!(
        summary.starts_with("fits: needs ")
            && summary.contains(&format!(
                "{kv_mb} MB KV cache and 189 MB activations at 4096 tokens"
            )),
        "{summary}"
    );
}

#[test]
fn the_library_lists_each_file_once_with_its_facts_or_its_problem() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("broken.gguf"), b"not a model").expect("write");
    std::fs::write(dir.path().join("readme.txt"), b"not listed").expect("write");
    let models_dir = default_model().parent().expect("folder").to_path_buf();
    let listed = models::library::list(
        &[
            dir.path().to_path_buf(),
            models_dir.clone(),
            models_dir.join("."),
        ],
        &[default_model()],
        dir.path(),
    );
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
    assert_eq!(listed[0].origin, models::library::Origin::Hearth);
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

    // A model the user put in an earlier folder wins over the default in a later one; a
    // damaged file before it by name does not.
    let own = empty.path().join("my-model.gguf");
    std::fs::copy(default_model(), &own).expect("copy");
    std::fs::write(empty.path().join("a-download.gguf"), b"GGUF").expect("write");
    let found = models::locate(&[empty.path().to_path_buf(), models_dir]).expect("found");
    assert_eq!(found, std::fs::canonicalize(&own).expect("path"));
}

/// A data folder with a model outside it, to import.
struct Setup {
    data: hearth_core::paths::DataDir,
    _root: tempfile::TempDir,
    outside: std::path::PathBuf,
}

fn setup() -> Setup {
    let root = tempfile::tempdir().expect("temp dir");
    let data = hearth_core::paths::DataDir::resolve(Some(root.path().join("data"))).expect("data");
    let outside = root.path().join("elsewhere").join("mine.gguf");
    std::fs::create_dir_all(outside.parent().expect("folder")).expect("folder");
    std::fs::copy(default_model(), &outside).expect("copy");
    Setup {
        data,
        _root: root,
        outside: std::fs::canonicalize(&outside).expect("path"),
    }
}

#[test]
fn an_imported_model_is_used_in_place_chosen_and_forgotten_without_deleting_it() {
    let s = setup();
    let (shelf, dirs) = (s.data.shelf(), s.data.model_search_dirs());
    let added = shelf.import(&s.outside, false).expect("imported");
    assert_eq!(added.path, s.outside);
    assert_eq!(added.origin, models::library::Origin::Imported);
    let listed = shelf.list(&dirs);
    assert!(listed.iter().any(|m| m.path == s.outside), "{listed:?}");
    assert_ne!(s.data.model(None).expect("a model"), s.outside);

    shelf
        .choose(&dirs, "mine.gguf")
        .expect("chosen by file name");
    assert_eq!(s.data.model(None).expect("a model"), s.outside);

    let removed = shelf.remove(&dirs, "mine.gguf", false).expect("forgotten");
    assert_eq!(
        removed,
        models::shelf::Removed::Forgotten(s.outside.clone())
    );
    assert!(s.outside.is_file(), "the file is where it was");
    assert!(!shelf.list(&dirs).iter().any(|m| m.path == s.outside));
    assert_ne!(s.data.model(None).expect("a model"), s.outside);
}

#[test]
fn a_copied_model_is_deleted_only_when_confirmed_and_other_files_never() {
    let s = setup();
    let (shelf, dirs) = (s.data.shelf(), s.data.model_search_dirs());
    let copied = shelf.import(&s.outside, true).expect("copied");
    assert_eq!(
        copied.path,
        s.data
            .models_dir()
            .canonicalize()
            .expect("dir")
            .join("mine.gguf")
    );
    assert_eq!(copied.origin, models::library::Origin::Hearth);
    assert!(copied.info.is_some(), "{copied:?}");
    let again = shelf.import(&copied.path, true).expect_err("already there");
    assert!(
        again
            .to_string()
            .contains("already in Hearth's models folder"),
        "{again}"
    );

    let unconfirmed = shelf
        .remove(&dirs, "mine.gguf", false)
        .expect_err("asks first");
    assert!(
        unconfirmed.to_string().contains("cannot be undone"),
        "{unconfirmed}"
    );
    assert!(copied.path.is_file());
    let removed = shelf.remove(&dirs, "mine.gguf", true).expect("deleted");
    assert_eq!(
        removed,
        models::shelf::Removed::Deleted(copied.path.clone())
    );
    assert!(!copied.path.exists());
    assert!(s.outside.is_file(), "the original is kept");

    let default = std::fs::canonicalize(default_model()).expect("path");
    let refused = shelf
        .remove(&dirs, &default.to_string_lossy(), true)
        .expect_err("not Hearth's copy");
    assert!(
        refused.to_string().contains("does not delete it"),
        "{refused}"
    );
    assert!(default.is_file());
}

#[test]
fn bad_files_are_refused_on_import_and_nothing_is_added() {
    let s = setup();
    let (shelf, dirs) = (s.data.shelf(), s.data.model_search_dirs());
    let text = s.outside.with_file_name("notes.gguf");
    std::fs::write(&text, "just notes").expect("write");
    let bytes = std::fs::read(&s.outside).expect("read");
    let truncated = s.outside.with_file_name("half.gguf");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let other = s.outside.with_file_name("bert.gguf");
    std::fs::write(&other, gguf_with_architecture("bert")).expect("write");
    for (file, expected) in [
        (&text, "is not a GGUF model file"),
        (&truncated, "damaged or incomplete"),
        (&other, "cannot run"),
    ] {
        for copy in [false, true] {
            let error = shelf.import(file, copy).expect_err("refused");
            assert!(error.to_string().contains(expected), "{error}");
        }
    }
    let unknown = shelf.choose(&dirs, "no such model").expect_err("unknown");
    assert!(
        unknown.to_string().contains("knows no model called"),
        "{unknown}"
    );
    let listed = shelf.list(&dirs);
    assert_eq!(listed.len(), 1, "only the default model: {listed:?}");
    assert_eq!(
        std::fs::read_dir(s.data.models_dir()).expect("dir").count(),
        0
    );
}

#[test]
fn a_q8_0_model_made_by_the_test_setup_is_imported_loads_and_answers() {
    let q8 = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../.test-data/models/SmolLM2-135M-Instruct.Q8_0.gguf");
    assert!(
        q8.is_file(),
        "the Q8_0 test model is missing: run ./models/make-test-models.sh"
    );
    let q8 = std::fs::canonicalize(&q8).expect("path");
    let s = setup();
    let added = s
        .data
        .shelf()
        .import(&q8, false)
        .expect("imported in place");
    // Named apart from the default model's other copies by its quantization.
    assert_eq!(added.name, "Smollm2 135M 8k Lc100K Mix1 Ep2 (Q8_0)");
    let info = added.info.expect("its facts");
    assert_eq!(info.quantization, "Q8_0");
    assert_eq!(info.architecture, "llama");
    RUNTIME.block_on(async {
        let engine = engine::load(&q8).await.expect("the Q8_0 model loads");
        let greedy = Sampling {
            temperature: 0.0,
            max_tokens: 12,
            ..Sampling::default()
        };
        let question = [Turn::new(
            Role::User,
            "What is the capital of France? Answer in one word.",
        )];
        let reply = engine
            .generate(&question, &greedy, &CancellationToken::new(), |_| {})
            .await
            .expect("an answer");
        assert!(reply.text.contains("Paris"), "{}", reply.text);
    });
}
