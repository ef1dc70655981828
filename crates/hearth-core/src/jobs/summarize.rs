//! Summaries of any length of text. A text that fits one chunk is summarized in one go;
//! a longer one is map-reduced: notes on each chunk, then notes on the notes, until they fit
//! one chunk, which gets the final summary in the style asked for.

use super::runner::Runner;
use super::{prompts, JobError, SummaryStyle};
use crate::reply::Stage;

/// The final summary's length limit, in tokens, by style.
fn summary_tokens(style: SummaryStyle) -> usize {
    match style {
        SummaryStyle::Sentence => 80,
        SummaryStyle::Paragraph => 200,
        SummaryStyle::Bullets | SummaryStyle::Actions => 300,
    }
}

pub async fn summarize(
    runner: &mut Runner<'_>,
    text: &str,
    style: SummaryStyle,
    language: Option<&str>,
    budget: usize,
) -> Result<(), JobError> {
    // Notes on a chunk stay well under a quarter of it, so each round at least halves the text.
    let note_tokens = (budget / 4).clamp(24, 256);
    let mut current = text.to_string();
    let mut previous_chunks = usize::MAX;
    let mut stage = Stage::Reading;
    loop {
        runner.progress(Stage::Splitting, 0, 1);
        let chunks = runner.split(&current, budget).await?;
        if runner.stopped() {
            return Ok(());
        }
        if chunks.len() <= 1 {
            runner.progress(Stage::Writing, 1, 1);
            let turns = prompts::summarize(style, language, &current);
            runner.stream(&turns, summary_tokens(style)).await?;
            return Ok(());
        }
        if chunks.len() >= previous_chunks {
            return Err(JobError::NotShrinking);
        }
        previous_chunks = chunks.len();
        let mut notes = String::new();
        for (i, chunk) in chunks.iter().enumerate() {
            runner.progress(stage, i + 1, chunks.len());
            let note = runner
                .notes(&prompts::summarize_part(language, chunk.text), note_tokens)
                .await?;
            if runner.stopped() {
                return Ok(());
            }
            notes.push_str(note.trim());
            notes.push_str("\n\n");
        }
        current = notes;
        stage = Stage::Combining;
    }
}
