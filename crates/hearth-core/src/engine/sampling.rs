//! Sampling settings, and the seeded sampler that makes `--seed` mean something: mistral.rs
//! 0.8.1 draws from one engine-wide RNG with a fixed seed, so Hearth picks each token itself in
//! a logits processor with a per-request RNG and lets the engine take that pick greedily.

use std::sync::{Arc, Mutex};

use mistralrs::{CustomLogitsProcessor, DrySamplingParams, SamplingParams, Tensor};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sampling {
    /// 0 means greedy decoding: the same prompt always gives the same reply.
    pub temperature: f64,
    pub top_p: f64,
    pub max_tokens: usize,
    /// With a seed and a temperature above 0, the same prompt gives the same reply.
    pub seed: Option<u64>,
    /// Strength of the DRY ("don't repeat yourself") penalty on continuing a sequence that is
    /// already in the context: keeps small models out of loops. 0 turns it off.
    pub repeat_penalty: f32,
}

impl Default for Sampling {
    fn default() -> Self {
        Self {
            temperature: 0.7,
            top_p: 0.9,
            max_tokens: 512,
            seed: None,
            repeat_penalty: 0.0,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SamplingError {
    #[error("The temperature must be between 0 and 2 (got {0}).")]
    Temperature(f64),
    #[error("top_p must be above 0 and at most 1 (got {0}).")]
    TopP(f64),
    #[error("The maximum reply length must be at least 1 token.")]
    MaxTokens,
    #[error("The repeat penalty must be between 0 and 2 (got {0}).")]
    RepeatPenalty(f32),
}

impl Sampling {
    pub fn validate(&self) -> Result<(), SamplingError> {
        if !(0.0..=2.0).contains(&self.temperature) {
            return Err(SamplingError::Temperature(self.temperature));
        }
        if !(self.top_p > 0.0 && self.top_p <= 1.0) {
            return Err(SamplingError::TopP(self.top_p));
        }
        if self.max_tokens == 0 {
            return Err(SamplingError::MaxTokens);
        }
        if !(0.0..=2.0).contains(&self.repeat_penalty) {
            return Err(SamplingError::RepeatPenalty(self.repeat_penalty));
        }
        Ok(())
    }

    /// The engine's own parameters (always greedy) and, when sampling, the processor that
    /// makes the real choice.
    pub(crate) fn engine_params(
        &self,
        max_len: usize,
    ) -> (SamplingParams, Option<Arc<dyn CustomLogitsProcessor>>) {
        let mut params = SamplingParams::deterministic();
        params.max_len = Some(max_len);
        if self.repeat_penalty > 0.0 {
            // Repeats of up to 4 tokens (names, short phrases) are free.
            params.dry_params =
                DrySamplingParams::new_with_defaults(self.repeat_penalty, None, None, Some(4)).ok();
        }
        if self.temperature == 0.0 {
            return (params, None);
        }
        let seed = self.seed.unwrap_or_else(rand::random);
        let sampler = SeededSampler {
            temperature: self.temperature as f32,
            top_p: self.top_p as f32,
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
        };
        (params, Some(Arc::new(sampler)))
    }
}

struct SeededSampler {
    temperature: f32,
    top_p: f32,
    rng: Mutex<ChaCha8Rng>,
}

impl CustomLogitsProcessor for SeededSampler {
    fn apply(&self, logits: &Tensor, _context: &[u32]) -> mistralrs::Result<Tensor> {
        let values: Vec<f32> = logits.to_dtype(mistralrs::DType::F32)?.to_vec1()?;
        let draw = match self.rng.lock() {
            Ok(mut rng) => rng.random::<f32>(),
            Err(poisoned) => poisoned.into_inner().random::<f32>(),
        };
        let chosen = pick(&values, self.temperature, self.top_p, draw);
        let mut one_hot = vec![0f32; values.len()];
        if let Some(slot) = one_hot.get_mut(chosen) {
            *slot = 1.0;
        }
        Tensor::from_vec(one_hot, values.len(), logits.device())
    }
}

/// Temperature + nucleus sampling over `logits` with a uniform `draw` in [0, 1).
fn pick(logits: &[f32], temperature: f32, top_p: f32, draw: f32) -> usize {
    let max = logits
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        return 0;
    }
    // Tokens this far below the best one cannot matter to any top_p and are skipped, which keeps
    // the sort small (a vocabulary has tens of thousands of entries).
    let floor = max - 20.0 * temperature;
    let mut candidates: Vec<(usize, f32)> = logits
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite() && **v >= floor)
        .map(|(i, v)| (i, ((v - max) / temperature).exp()))
        .collect();
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
    let total: f32 = candidates.iter().map(|c| c.1).sum();
    let mut kept = 0.0;
    let mut cut = candidates.len();
    for (n, (_, weight)) in candidates.iter().enumerate() {
        kept += weight / total;
        if kept >= top_p {
            cut = n + 1;
            break;
        }
    }
    candidates.truncate(cut);
    let kept_total: f32 = candidates.iter().map(|c| c.1).sum();
    let mut target = draw * kept_total;
    for (index, weight) in &candidates {
        if target < *weight {
            return *index;
        }
        target -= weight;
    }
    candidates.last().map(|c| c.0).unwrap_or(0)
}

/// Watches a generation: at each step, the `n` likeliest tokens with their log
/// probabilities, the logits left as they are.
pub(crate) struct TopTokens {
    n: usize,
    steps: Mutex<Vec<Vec<(u32, f32)>>>,
}

impl TopTokens {
    pub(crate) fn new(n: usize) -> Self {
        Self {
            n,
            steps: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn steps(&self) -> Vec<Vec<(u32, f32)>> {
        match self.steps.lock() {
            Ok(steps) => steps.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

impl CustomLogitsProcessor for TopTokens {
    fn apply(&self, logits: &Tensor, _context: &[u32]) -> mistralrs::Result<Tensor> {
        let values: Vec<f32> = logits.to_dtype(mistralrs::DType::F32)?.to_vec1()?;
        let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let log_total = max + values.iter().map(|v| (v - max).exp()).sum::<f32>().ln();
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_unstable_by(|a, b| values[*b].total_cmp(&values[*a]));
        let top = order
            .iter()
            .take(self.n)
            .map(|&i| (i as u32, values[i] - log_total))
            .collect();
        match self.steps.lock() {
            Ok(mut steps) => steps.push(top),
            Err(poisoned) => poisoned.into_inner().push(top),
        }
        Ok(logits.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_follows_the_draw_within_the_nucleus() {
        let logits = [0.0, 10.0, 9.0, -50.0];
        assert_eq!(pick(&logits, 1.0, 1.0, 0.0), 1);
        assert_eq!(pick(&logits, 1.0, 1.0, 0.99), 2);
        // A small top_p keeps only the best token.
        assert_eq!(pick(&logits, 1.0, 0.1, 0.99), 1);
    }

    #[test]
    fn pick_survives_non_finite_logits() {
        assert_eq!(pick(&[f32::NAN, f32::NEG_INFINITY], 1.0, 0.9, 0.5), 0);
        assert_eq!(pick(&[f32::NEG_INFINITY, 3.0], 1.0, 0.9, 0.5), 1);
    }

    #[test]
    fn validation_rejects_out_of_range_settings() {
        let ok = Sampling::default();
        assert!(ok.validate().is_ok());
        let hot = Sampling {
            temperature: 3.0,
            ..ok
        };
        assert_eq!(hot.validate(), Err(SamplingError::Temperature(3.0)));
        let none = Sampling {
            max_tokens: 0,
            ..ok
        };
        assert_eq!(none.validate(), Err(SamplingError::MaxTokens));
    }
}
