//! Streaming replies to a window without redrawing it for every token.

use std::time::{Duration, Instant};

use hearth_core::reply::ReplyEvent;
use tauri::ipc::Channel;

/// How often a streaming reply is redrawn at most.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// Sends events to the window in batches of tokens (see `TokenBatcher`).
pub fn to_window<F: FnMut(ReplyEvent)>(emit: F) -> TokenBatcher<F> {
    TokenBatcher::new(REDRAW_EVERY, emit)
}

/// Streams events on `channel`. A closed window cannot receive them; what they report is
/// still stored.
pub fn to_channel(channel: &Channel<ReplyEvent>) -> TokenBatcher<impl FnMut(ReplyEvent) + '_> {
    to_window(move |event| {
        let _ = channel.send(event);
    })
}

/// Joins `Token`s (and `Note`s) that come closer together than `every` into one event, so
/// that a window redraws a few times a second rather than once per token: rendering every
/// token took most of one of two cores in the webview and cut reply speed threefold. Any
/// other event passes at once, after the text held before it; text still held when the
/// batcher is dropped is sent then, so none is lost when a reply ends without `Finished`.
pub struct TokenBatcher<F: FnMut(ReplyEvent)> {
    emit: F,
    every: Duration,
    held: String,
    /// Whether `held` is note text rather than reply text.
    held_note: bool,
    sent_at: Option<Instant>,
}

impl<F: FnMut(ReplyEvent)> TokenBatcher<F> {
    pub fn new(every: Duration, emit: F) -> Self {
        Self {
            emit,
            every,
            held: String::new(),
            held_note: false,
            sent_at: None,
        }
    }

    pub fn push(&mut self, event: ReplyEvent) {
        let (text, note) = match event {
            ReplyEvent::Token { text } => (text, false),
            ReplyEvent::Note { text } => (text, true),
            other => {
                self.flush();
                return (self.emit)(other);
            }
        };
        if note != self.held_note {
            self.flush();
            self.held_note = note;
            // The reply's first word after the notes (or notes after a reply) goes at once too.
            self.sent_at = None;
        }
        self.held.push_str(&text);
        // The first text goes at once: the time to the first word is what people feel.
        if self.sent_at.is_none_or(|at| at.elapsed() >= self.every) {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.held.is_empty() {
            let text = std::mem::take(&mut self.held);
            (self.emit)(if self.held_note {
                ReplyEvent::Note { text }
            } else {
                ReplyEvent::Token { text }
            });
            self.sent_at = Some(Instant::now());
        }
    }
}

impl<F: FnMut(ReplyEvent)> Drop for TokenBatcher<F> {
    fn drop(&mut self) {
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_core::reply::{Progress, Stage};

    fn tokens(events: &[ReplyEvent]) -> Vec<String> {
        events
            .iter()
            .map(|e| match e {
                ReplyEvent::Token { text } => text.clone(),
                ReplyEvent::Note { text } => format!("note:{text}"),
                ReplyEvent::Progress(_) => "<progress>".to_string(),
                _ => "<other>".to_string(),
            })
            .collect()
    }

    #[test]
    fn batcher_sends_the_first_token_at_once_and_joins_the_rest_until_the_interval() {
        let mut seen = Vec::new();
        {
            let mut batcher = TokenBatcher::new(Duration::from_secs(3600), |e| seen.push(e));
            for t in ["Hel", "lo", ", ", "world"] {
                batcher.push(ReplyEvent::Token { text: t.into() });
            }
        }
        assert_eq!(tokens(&seen), ["Hel", "lo, world"]);
    }

    #[test]
    fn batcher_sends_held_tokens_before_any_other_event() {
        let mut seen = Vec::new();
        {
            let mut batcher = TokenBatcher::new(Duration::from_secs(3600), |e| seen.push(e));
            batcher.push(ReplyEvent::Token { text: "a".into() });
            batcher.push(ReplyEvent::Token { text: "b".into() });
            batcher.push(ReplyEvent::Progress(Progress {
                stage: Stage::Reading,
                step: 1,
                steps: 2,
            }));
            batcher.push(ReplyEvent::Token { text: "c".into() });
        }
        assert_eq!(tokens(&seen), ["a", "b", "<progress>", "c"]);
    }

    #[test]
    fn batcher_with_no_interval_sends_every_token() {
        let mut seen = Vec::new();
        {
            let mut batcher = TokenBatcher::new(Duration::ZERO, |e| seen.push(e));
            for t in ["x", "y", "z"] {
                batcher.push(ReplyEvent::Token { text: t.into() });
            }
        }
        assert_eq!(tokens(&seen), ["x", "y", "z"]);
    }

    #[test]
    fn batcher_keeps_notes_and_reply_text_apart() {
        let mut seen = Vec::new();
        {
            let mut batcher = TokenBatcher::new(Duration::from_secs(3600), |e| seen.push(e));
            for t in ["n1", "n2"] {
                batcher.push(ReplyEvent::Note { text: t.into() });
            }
            for t in ["a", "b"] {
                batcher.push(ReplyEvent::Token { text: t.into() });
            }
        }
        assert_eq!(tokens(&seen), ["note:n1", "note:n2", "a", "b"]);
    }
}
