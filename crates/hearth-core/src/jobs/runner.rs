//! What every job step shares: asking the engine (streamed to the caller or kept quiet),
//! progress, cancellation, and one set of measurements for the whole job.

use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::JobError;
use crate::engine::{Completion, Engine, Sampling, Turn};
use crate::reply::{Progress, ReplyEvent, Stage};
use crate::text::chunking::{self, Chunk};

/// Jobs want faithful, repeatable output: a low temperature with a fixed seed avoids both the
/// loops greedy decoding falls into on small models and answers that change on every run.
const JOB_SAMPLING: Sampling = Sampling {
    temperature: 0.2,
    top_p: 0.9,
    max_tokens: 512,
    seed: Some(7),
    repeat_penalty: 0.8,
};

fn job_sampling(max_tokens: usize) -> Sampling {
    Sampling {
        max_tokens,
        ..JOB_SAMPLING
    }
}

pub struct Runner<'a> {
    pub engine: &'a Engine,
    cancel: &'a CancellationToken,
    on_event: &'a mut (dyn FnMut(ReplyEvent) + Send),
    started: Instant,
    /// The whole job's measurements; its text is everything the caller has been shown.
    totals: Completion,
    /// Seconds the engine spent writing (not reading prompts), summed over the job's steps.
    writing_seconds: f64,
}

impl<'a> Runner<'a> {
    pub fn new(
        engine: &'a Engine,
        cancel: &'a CancellationToken,
        on_event: &'a mut (dyn FnMut(ReplyEvent) + Send),
    ) -> Self {
        Self {
            engine,
            cancel,
            on_event,
            started: Instant::now(),
            totals: Completion::default(),
            writing_seconds: 0.0,
        }
    }

    pub fn stopped(&self) -> bool {
        self.totals.measurements.stopped || self.cancel.is_cancelled()
    }

    pub fn progress(&mut self, stage: Stage, step: usize, steps: usize) {
        (self.on_event)(ReplyEvent::Progress(Progress { stage, step, steps }));
    }

    /// Shows `text` as part of the output.
    pub fn emit(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.totals.measurements.time_to_first_token_ms.is_none() {
            self.totals.measurements.time_to_first_token_ms =
                Some(self.started.elapsed().as_millis() as i64);
        }
        self.totals.text.push_str(text);
        (self.on_event)(ReplyEvent::Token {
            text: text.to_string(),
        });
    }

    /// `text` in chunks of at most `budget` tokens; empty when cancelled meanwhile.
    pub async fn split<'t>(
        &mut self,
        text: &'t str,
        budget: usize,
    ) -> Result<Vec<Chunk<'t>>, JobError> {
        tokio::select! {
            chunks = chunking::split(text, budget, self.engine) => Ok(chunks?),
            _ = self.cancel.cancelled() => {
                self.totals.measurements.stopped = true;
                Ok(Vec::new())
            }
        }
    }

    /// The model's answer to `turns`, not shown to the caller.
    pub async fn ask(&mut self, turns: &[Turn], max_tokens: usize) -> Result<String, JobError> {
        let sampling = job_sampling(max_tokens);
        let completion = self
            .engine
            .generate(turns, &sampling, self.cancel, |_| {})
            .await?;
        Ok(self.count(completion))
    }

    /// The model's notes on `turns`, shown to the caller as `Note`s while they are written
    /// (and followed by a blank line), but not part of the output.
    pub async fn notes(&mut self, turns: &[Turn], max_tokens: usize) -> Result<String, JobError> {
        let sampling = job_sampling(max_tokens);
        let completion = {
            let (engine, cancel) = (self.engine, self.cancel);
            let on_event = &mut *self.on_event;
            engine
                .generate(turns, &sampling, cancel, |token| {
                    on_event(ReplyEvent::Note {
                        text: token.to_string(),
                    })
                })
                .await?
        };
        (self.on_event)(ReplyEvent::Note {
            text: "\n\n".to_string(),
        });
        Ok(self.count(completion))
    }

    /// The model's answer to `turns`, streamed into the output without the whitespace around
    /// it (so it can stand in for a slice of the input without changing the layout).
    pub async fn stream(&mut self, turns: &[Turn], max_tokens: usize) -> Result<String, JobError> {
        let sampling = job_sampling(max_tokens);
        let mut shown = String::new();
        let mut held = String::new();
        let completion = {
            let (engine, cancel) = (self.engine, self.cancel);
            let mut show = |token: &str| {
                held.push_str(token);
                // Hold back whitespace until something follows it; drop it at the start.
                let end = held.trim_end().len();
                if end > 0 {
                    let ready: String = held.drain(..end).collect();
                    let ready = if shown.is_empty() {
                        ready.trim_start().to_string()
                    } else {
                        ready
                    };
                    if !ready.is_empty() {
                        shown.push_str(&ready);
                        self.emit(&ready);
                    }
                }
            };
            engine.generate(turns, &sampling, cancel, &mut show).await?
        };
        self.count(completion);
        Ok(shown)
    }

    /// A JSON answer matching `schema`.
    pub async fn ask_json(
        &mut self,
        turns: &[Turn],
        schema: serde_json::Value,
        max_tokens: usize,
    ) -> Result<String, JobError> {
        let completion = self
            .engine
            .generate_json(turns, schema, max_tokens, self.cancel)
            .await?;
        Ok(self.count(completion))
    }

    fn count(&mut self, completion: Completion) -> String {
        self.totals.measurements.prompt_tokens += completion.measurements.prompt_tokens;
        self.totals.measurements.completion_tokens += completion.measurements.completion_tokens;
        self.totals.measurements.stopped |= completion.measurements.stopped;
        if let Some(rate) = completion
            .measurements
            .tokens_per_second
            .filter(|r| *r > 0.0)
        {
            self.writing_seconds += completion.measurements.completion_tokens as f64 / rate;
        }
        completion.text
    }

    /// The job's measurements and output so far. Its speed is the writing speed, as a chat
    /// reply's is: the time spent reading each part's prompt is in the time to first token,
    /// not counted against the tokens written.
    pub fn finish(self) -> Completion {
        let mut totals = self.totals;
        if self.writing_seconds > 0.0 && totals.measurements.completion_tokens > 0 {
            totals.measurements.tokens_per_second =
                Some(totals.measurements.completion_tokens as f64 / self.writing_seconds);
        }
        totals.measurements.stopped |= self.cancel.is_cancelled();
        totals.model = self.engine.info().name.clone();
        totals.measurements.duration_ms = self.started.elapsed().as_millis() as i64;
        totals
    }
}
