//! Stop sequences over a streamed reply: text is passed on as soon as it can no longer be the
//! start of a stop sequence, and nothing from the first stop sequence on is passed at all.

pub struct StopWatch {
    stops: Vec<String>,
    held: String,
    stopped: bool,
}

impl StopWatch {
    pub fn new(stops: Vec<String>) -> Self {
        Self {
            stops: stops.into_iter().filter(|s| !s.is_empty()).collect(),
            held: String::new(),
            stopped: false,
        }
    }

    /// Whether a stop sequence has been seen.
    pub fn stopped(&self) -> bool {
        self.stopped
    }

    /// Takes the next piece of the reply; returns what can be shown now.
    pub fn push(&mut self, text: &str) -> String {
        if self.stopped {
            return String::new();
        }
        self.held.push_str(text);
        if let Some(at) = self
            .stops
            .iter()
            .filter_map(|s| self.held.find(s.as_str()))
            .min()
        {
            self.stopped = true;
            self.held.truncate(at);
            return std::mem::take(&mut self.held);
        }
        // Keep back the longest end of the text that a stop sequence starts with.
        let keep = self
            .stops
            .iter()
            .map(|s| longest_overlap(&self.held, s))
            .max()
            .unwrap_or(0);
        let ready = self.held.len() - keep;
        self.held.drain(..ready).collect()
    }

    /// What is still held back once the reply has ended.
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.held)
    }
}

/// The length of the longest end of `text` that `stop` begins with (shorter than `stop`).
fn longest_overlap(text: &str, stop: &str) -> usize {
    (1..stop.len().min(text.len() + 1))
        .rev()
        .find(|&n| stop.is_char_boundary(n) && text.ends_with(&stop[..n]))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(stops: &[&str], pieces: &[&str]) -> (String, bool) {
        let mut watch = StopWatch::new(stops.iter().map(|s| s.to_string()).collect());
        let mut shown: String = pieces.iter().map(|p| watch.push(p)).collect();
        if !watch.stopped() {
            shown.push_str(&watch.finish());
        }
        (shown, watch.stopped())
    }

    #[test]
    fn text_before_a_stop_sequence_split_over_pieces_is_kept_and_the_rest_dropped() {
        assert_eq!(
            run(&["END"], &["one two E", "N", "D three"]),
            ("one two ".to_string(), true)
        );
    }

    #[test]
    fn a_partial_match_that_does_not_complete_is_shown() {
        assert_eq!(
            run(&["END"], &["one EN", "ough"]),
            ("one ENough".to_string(), false)
        );
    }

    #[test]
    fn the_earliest_of_several_stop_sequences_wins() {
        assert_eq!(
            run(&["\n\n", "b"], &["a b c\n\nd"]),
            ("a ".to_string(), true)
        );
    }

    #[test]
    fn without_stop_sequences_everything_passes_at_once() {
        let mut watch = StopWatch::new(vec![]);
        assert_eq!(watch.push("héllo"), "héllo");
    }
}
