//! What a model file is called in the Models view, under each reply and in `hearth history`:
//! the catalog's name for a catalog file, else the file's own name with its quantization and
//! size class, so that two quantizations of one model never read alike.

use std::path::Path;

use super::{catalog_entry_for, GgufInfo};

/// The name of the checked model file at `path`. A file named like a catalog file but of
/// another size is not taken for it.
pub fn name_of(path: &Path, info: &GgufInfo) -> String {
    if let Some(entry) = catalog_entry_for(path).filter(|e| e.size == info.file_size) {
        return entry.name;
    }
    let own = info
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| {
            path.file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
        });
    let class = size_class(info.parameters);
    if own.to_lowercase().contains(&class.to_lowercase()) {
        format!("{own} ({})", info.quantization)
    } else {
        format!("{own} ({}, {class})", info.quantization)
    }
}

/// Parameters as a size class: 134,515,008 as "135M", 1.71e9 as "1.7B".
pub fn size_class(parameters: u64) -> String {
    if parameters >= 1_000_000_000 {
        format!("{:.1}B", parameters as f64 / 1e9)
    } else {
        format!("{}M", (parameters as f64 / 1e6).round())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn info(name: Option<&str>, quantization: &str, parameters: u64, file_size: u64) -> GgufInfo {
        GgufInfo {
            path: PathBuf::new(),
            architecture: "llama".to_string(),
            name: name.map(str::to_string),
            context_length: None,
            file_size,
            quantization: quantization.to_string(),
            parameters,
            layers: None,
            kv_heads: None,
            head_size: None,
            embedding_length: None,
        }
    }

    #[test]
    fn two_quantizations_of_one_model_read_differently() {
        let path = Path::new("/m/copy.gguf");
        let name = Some("Smollm2 135M 8k Lc100K Mix1 Ep2");
        assert_eq!(
            name_of(path, &info(name, "Q8_0", 134_515_008, 1)),
            "Smollm2 135M 8k Lc100K Mix1 Ep2 (Q8_0)"
        );
        assert_eq!(
            name_of(path, &info(name, "Q4_K_M", 134_515_008, 1)),
            "Smollm2 135M 8k Lc100K Mix1 Ep2 (Q4_K_M)"
        );
    }

    #[test]
    fn a_name_without_its_size_gets_the_size_class_and_no_name_the_file_stem() {
        assert_eq!(
            name_of(
                Path::new("/m/a.gguf"),
                &info(Some("Qwen3"), "Q4_K_M", 1_720_000_000, 1)
            ),
            "Qwen3 (Q4_K_M, 1.7B)"
        );
        assert_eq!(
            name_of(
                Path::new("/m/tiny-model.gguf"),
                &info(None, "F16", 3_400_000, 1)
            ),
            "tiny-model (F16, 3M)"
        );
    }

    #[test]
    fn a_catalog_file_of_another_size_is_not_taken_for_it() {
        let entry = crate::models::catalog()
            .into_iter()
            .find(|e| e.default)
            .expect("a default model");
        let path = PathBuf::from("/m").join(&entry.file);
        assert_eq!(
            name_of(&path, &info(Some("x"), "Q4_1", 134_515_008, entry.size)),
            entry.name
        );
        assert_eq!(
            name_of(&path, &info(Some("x"), "Q4_1", 134_515_008, entry.size + 1)),
            "x (Q4_1, 135M)"
        );
    }
}
