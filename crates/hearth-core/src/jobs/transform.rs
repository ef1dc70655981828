//! Translate and rewrite: the text's prose goes to the model piece by piece (a paragraph, a
//! list item, a table cell), and everything else (code blocks, markers, pipes, blank lines)
//! is copied, so the structure survives and code stays byte-for-byte.

use super::runner::Runner;
use super::JobError;
use crate::engine::Turn;
use crate::reply::Stage;
use crate::text::markdown::{self, Part};

pub async fn transform(
    runner: &mut Runner<'_>,
    text: &str,
    budget: usize,
    stage: Stage,
    prompt: impl Fn(&str) -> Vec<Turn>,
) -> Result<(), JobError> {
    let parts = markdown::parts(text);
    let steps = parts.iter().filter(|p| matches!(p, Part::Prose(_))).count();
    let mut step = 0;
    for part in parts {
        match part {
            Part::Keep(kept) => runner.emit(kept),
            Part::Prose(prose) => {
                step += 1;
                runner.progress(stage, step, steps);
                for chunk in runner.split(prose, budget).await? {
                    piece(runner, chunk.text, chunk.tokens, &prompt).await?;
                    if runner.stopped() {
                        return Ok(());
                    }
                }
            }
        }
        if runner.stopped() {
            return Ok(());
        }
    }
    Ok(())
}

/// Room for a reply longer than its source: some languages take more tokens.
fn reply_tokens(tokens: usize) -> usize {
    tokens * 2 + 32
}

/// One chunk of prose, transformed, with its whitespace kept around it.
async fn piece(
    runner: &mut Runner<'_>,
    chunk: &str,
    tokens: usize,
    prompt: &impl Fn(&str) -> Vec<Turn>,
) -> Result<(), JobError> {
    let core = chunk.trim();
    let lead = &chunk[..chunk.len() - chunk.trim_start().len()];
    let tail = &chunk[lead.len() + core.len()..];
    runner.emit(lead);
    let code = markdown::inline_code(core);
    if code.is_empty() {
        runner.stream(&prompt(core), reply_tokens(tokens)).await?;
    } else {
        let answer = runner.ask(&prompt(core), reply_tokens(tokens)).await?;
        let answer = answer.trim();
        if runner.stopped() || keeps_all(answer, &code) {
            runner.emit(answer);
        } else {
            // The model changed some inline code: transform only the text between the code
            // spans and copy the spans themselves.
            between_code(runner, core, &code, prompt).await?;
        }
    }
    runner.emit(tail);
    Ok(())
}

fn keeps_all(answer: &str, code: &[&str]) -> bool {
    let mut rest = answer;
    for span in code {
        match rest.find(span) {
            Some(at) => rest = &rest[at + span.len()..],
            None => return false,
        }
    }
    true
}

async fn between_code(
    runner: &mut Runner<'_>,
    text: &str,
    code: &[&str],
    prompt: &impl Fn(&str) -> Vec<Turn>,
) -> Result<(), JobError> {
    let mut rest = text;
    for span in code {
        let Some(at) = rest.find(span) else { break };
        prose_only(runner, &rest[..at], prompt).await?;
        runner.emit(span);
        rest = &rest[at + span.len()..];
    }
    prose_only(runner, rest, prompt).await
}

async fn prose_only(
    runner: &mut Runner<'_>,
    text: &str,
    prompt: &impl Fn(&str) -> Vec<Turn>,
) -> Result<(), JobError> {
    if runner.stopped() {
        return Ok(());
    }
    let core = text.trim();
    if !core.chars().any(char::is_alphabetic) {
        runner.emit(text);
        return Ok(());
    }
    let lead = &text[..text.len() - text.trim_start().len()];
    runner.emit(lead);
    let tokens = runner.engine.count_text_tokens(core).await?;
    runner.stream(&prompt(core), reply_tokens(tokens)).await?;
    runner.emit(&text[lead.len() + core.len()..]);
    Ok(())
}
