//! Fitting a conversation into the model's context window: leading system messages and the
//! newest message always go; older messages are left out oldest-first until the prompt plus
//! room for the reply fits. A newest message that cannot fit is an error, never a silent cut.

use super::{Engine, EngineError, Role, Turn};

/// A conversation cut to fit the context window.
#[derive(Debug, Clone)]
pub struct ContextPlan {
    pub turns: Vec<Turn>,
    pub prompt_tokens: usize,
    /// The reply's token budget: what the caller asked for, within what is left.
    pub max_len: usize,
    pub dropped: usize,
}

pub(super) async fn fit(
    engine: &Engine,
    turns: &[Turn],
    max_tokens: usize,
) -> Result<ContextPlan, EngineError> {
    let window = engine.info.context_window;
    // Room kept for the reply while trimming; a long-reply request must not push the whole
    // history out.
    let reserve = max_tokens.min(window / 2);
    let system = turns.iter().take_while(|t| t.role == Role::System).count();
    let last = turns.len().saturating_sub(1).max(system);
    let mut start = system;
    loop {
        let kept: Vec<Turn> = turns[..system]
            .iter()
            .chain(&turns[start.min(turns.len())..])
            .cloned()
            .collect();
        let prompt_tokens = engine.count_tokens(&kept).await?;
        if prompt_tokens + reserve <= window {
            return Ok(ContextPlan {
                turns: kept,
                prompt_tokens,
                max_len: max_tokens.min(window - prompt_tokens),
                dropped: start - system,
            });
        }
        if start >= last {
            return Err(EngineError::PromptTooLong {
                tokens: prompt_tokens,
                limit: window - reserve,
            });
        }
        start += 1;
        // Never open the kept history with a reply whose question was left out.
        while start < last && turns[start].role == Role::Assistant {
            start += 1;
        }
    }
}
