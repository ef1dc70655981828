//! Hearth: the fused SiLU gate on CPU through `hearth_kernels` (vectorized, and on its pool
//! for a prompt); `None` leaves other activations to mistral.rs's per-element loop.

use candle_core::Result;

use super::GluActivationType;

/// `silu(a) * b` for contiguous f32 inputs of one length.
pub(crate) fn fused_glu(
    activation: GluActivationType,
    a: &[f32],
    b: &[f32],
) -> Result<Option<Vec<f32>>> {
    if !hearth_kernels::enabled() || !matches!(activation, GluActivationType::Silu) {
        return Ok(None);
    }
    let mut out = vec![0f32; a.len()];
    hearth_kernels::silu_mul(a, b, &mut out).map_err(|e| candle_core::Error::Msg(e.to_string()))?;
    Ok(Some(out))
}
