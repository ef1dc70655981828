//! Hearth: rope scaling read from GGUF files as llama.cpp applies it. mistral.rs 0.8.1's
//! quantized loaders ignored Llama 3's `rope_freqs` tensor and Phi-3's LongRoPE factors and
//! attention factor, so Llama 3.2 and Phi-3.5 ran with the wrong rotary frequencies.

use candle_core::{DType, Device, Result, Tensor};

use crate::gguf::Content;

/// Each rotary frequency's divisor, and the factor cos and sin are multiplied by.
pub struct RopeScaling {
    pub factors: Vec<f32>,
    pub attn_factor: f32,
}

impl RopeScaling {
    /// The tensor `name` (one divisor per pair of rotated dimensions), if the file has it.
    pub fn read<R: std::io::Seek + std::io::Read>(
        ct: &mut Content<'_, R>,
        name: &str,
        attn_factor: f32,
        device: &Device,
    ) -> Result<Option<Self>> {
        if !ct.has_tensor(name) {
            return Ok(None);
        }
        let factors = ct
            .tensor(name, device)?
            .dequantize(device)?
            .to_dtype(DType::F32)?
            .to_vec1::<f32>()?;
        Ok(Some(Self {
            factors,
            attn_factor,
        }))
    }
}

/// Cos and sin (f32, positions x rotated dims / 2) of positions 0..`positions`.
pub fn cos_sin(
    base: f32,
    rotated: usize,
    positions: usize,
    device: &Device,
    scaling: Option<&RopeScaling>,
) -> Result<(Tensor, Tensor)> {
    let mut inv_freq: Vec<f32> = (0..rotated)
        .step_by(2)
        .map(|i| 1f32 / base.powf(i as f32 / rotated as f32))
        .collect();
    let mut attn_factor = 1.0;
    if let Some(scaling) = scaling {
        if scaling.factors.len() != inv_freq.len() {
            candle_core::bail!(
                "rope factors: {} for {} rotated pairs",
                scaling.factors.len(),
                inv_freq.len()
            );
        }
        for (f, factor) in inv_freq.iter_mut().zip(&scaling.factors) {
            *f /= factor;
        }
        attn_factor = scaling.attn_factor;
    }
    let pairs = inv_freq.len();
    let inv_freq = Tensor::from_vec(inv_freq, (1, pairs), device)?;
    let freqs = Tensor::arange(0u32, positions as u32, device)?
        .to_dtype(DType::F32)?
        .reshape((positions, 1))?
        .matmul(&inv_freq)?;
    Ok((
        (freqs.cos()? * attn_factor as f64)?,
        (freqs.sin()? * attn_factor as f64)?,
    ))
}
