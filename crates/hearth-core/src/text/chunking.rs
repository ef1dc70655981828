//! Splitting a long text into chunks that each fit a token budget, counted with the model's own
//! tokenizer. Chunks are contiguous slices of the text (together they are the whole text) and
//! end at the largest boundary that works: paragraphs, else sentences, else words, else
//! characters (only for a "word" longer than the budget, such as a pasted blob).

use std::future::Future;

use unicode_segmentation::UnicodeSegmentation;

/// Counts tokens the way the model will see them (the engine counts with its tokenizer).
pub trait TokenCounter {
    type Error;
    fn count(&self, text: &str) -> impl Future<Output = Result<usize, Self::Error>> + Send;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'a> {
    pub text: &'a str,
    pub tokens: usize,
}

/// Below this, a budget cannot hold a sentence of instructions worth of text.
pub const MIN_BUDGET: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Paragraph,
    Sentence,
    Word,
    Character,
}

/// Splits `text` into chunks of at most `budget` tokens (at least `MIN_BUDGET`).
pub async fn split<'a, C: TokenCounter + Sync>(
    text: &'a str,
    budget: usize,
    counter: &C,
) -> Result<Vec<Chunk<'a>>, C::Error> {
    let budget = budget.max(MIN_BUDGET);
    let mut units = Vec::new();
    collect_units(text, Level::Paragraph, budget, counter, &mut units).await?;
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < units.len() {
        let mut end = start;
        let mut sum = 0;
        while end < units.len() && (end == start || sum + units[end].tokens <= budget) {
            sum += units[end].tokens;
            end += 1;
        }
        // Counts of pieces do not always add up to the count of their join (a merge across a
        // boundary); check the join and give back units until it fits. One unit always fits.
        loop {
            let joined = join(text, &units[start..end]);
            let tokens = if end - start == 1 {
                units[start].tokens
            } else {
                counter.count(joined).await?
            };
            if tokens <= budget {
                chunks.push(Chunk {
                    text: joined,
                    tokens,
                });
                break;
            }
            end -= 1;
        }
        start = end;
    }
    Ok(chunks)
}

/// The slice of `text` that `units` (contiguous slices of it) cover.
fn join<'a>(text: &'a str, units: &[Chunk<'a>]) -> &'a str {
    let (Some(first), Some(last)) = (units.first(), units.last()) else {
        return "";
    };
    let start = offset(text, first.text);
    let end = offset(text, last.text) + last.text.len();
    &text[start..end]
}

fn offset(text: &str, part: &str) -> usize {
    part.as_ptr() as usize - text.as_ptr() as usize
}

/// Pieces of `text` at `level`, each counted; pieces over budget are split at the next level.
/// Boxed because it recurses through the levels.
fn collect_units<'a, 'f, C: TokenCounter + Sync>(
    text: &'a str,
    level: Level,
    budget: usize,
    counter: &'f C,
    out: &'f mut Vec<Chunk<'a>>,
) -> std::pin::Pin<Box<dyn Future<Output = Result<(), C::Error>> + Send + 'f>>
where
    'a: 'f,
{
    Box::pin(async move {
        for piece in pieces(text, level, budget) {
            let tokens = counter.count(piece).await?;
            if tokens <= budget || level == Level::Character && piece.chars().count() == 1 {
                out.push(Chunk {
                    text: piece,
                    tokens,
                });
            } else {
                let next = match level {
                    Level::Paragraph => Level::Sentence,
                    Level::Sentence => Level::Word,
                    Level::Word | Level::Character => Level::Character,
                };
                // A character-level piece over budget is halved until it fits.
                let next_budget = if level == Level::Character {
                    piece.chars().count().div_ceil(2) * 4
                } else {
                    budget
                };
                collect_units(piece, next, next_budget.min(budget), counter, out).await?;
            }
        }
        Ok(())
    })
}

/// `text` cut at `level` boundaries; the pieces together are `text`.
fn pieces(text: &str, level: Level, budget: usize) -> Vec<&str> {
    match level {
        Level::Paragraph => paragraphs(text),
        Level::Sentence => text.split_sentence_bounds().collect(),
        Level::Word => text.split_word_bounds().collect(),
        // A character is at most 4 tokens (byte fallback), so this many always fit.
        Level::Character => {
            let per_piece = (budget / 4).max(1);
            let mut out = Vec::new();
            let mut start = 0;
            for (count, (index, _)) in text.grapheme_indices(true).enumerate() {
                if count > 0 && count % per_piece == 0 {
                    out.push(&text[start..index]);
                    start = index;
                }
            }
            out.push(&text[start..]);
            out.retain(|p| !p.is_empty());
            out
        }
    }
}

/// Paragraphs with the blank lines that follow them.
fn paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut position = 0;
    let mut previous_blank = false;
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        if !blank && previous_blank && position > start {
            out.push(&text[start..position]);
            start = position;
        }
        previous_blank = blank;
        position += line.len();
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A stand-in tokenizer for properties of the algorithm: one token per word and per
    /// punctuation mark, so counts add up only roughly, like a real tokenizer's.
    struct Words;

    impl TokenCounter for Words {
        type Error = std::convert::Infallible;
        fn count(&self, text: &str) -> impl Future<Output = Result<usize, Self::Error>> + Send {
            let n = text
                .split_word_bounds()
                .filter(|w| !w.trim().is_empty())
                .count();
            std::future::ready(Ok(n))
        }
    }

    fn run<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    fn ends_at(text: &str, chunks: &[Chunk], boundaries: &[&str]) -> bool {
        let ends: Vec<usize> = boundaries
            .iter()
            .scan(0, |at, b| {
                *at += b.len();
                Some(*at)
            })
            .collect();
        chunks
            .iter()
            .all(|c| ends.contains(&(offset(text, c.text) + c.text.len())))
    }

    fn sentence() -> impl Strategy<Value = String> {
        (
            prop::collection::vec("[a-zé]{1,12}", 1..15),
            prop::sample::select(vec![".", "!", "?"]),
        )
            .prop_map(|(words, end)| {
                let mut s = words.join(" ");
                if let Some(first) = s.get(..1) {
                    s = first.to_uppercase() + &s[1..];
                }
                s + end
            })
    }

    fn document() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::collection::vec(sentence(), 1..8), 0..12).prop_map(|ps| {
            ps.iter()
                .map(|p| p.join(" "))
                .collect::<Vec<_>>()
                .join("\n\n")
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn chunks_cover_the_text_and_keep_to_the_budget(text in document(), budget in 16usize..200) {
            let chunks = run(split(&text, budget, &Words)).unwrap();
            let joined: String = chunks.iter().map(|c| c.text).collect();
            prop_assert_eq!(&joined, &text);
            for chunk in &chunks {
                prop_assert!(chunk.tokens <= budget);
                prop_assert_eq!(run(Words.count(chunk.text)).unwrap(), chunk.tokens);
            }
        }

        #[test]
        fn chunks_end_at_paragraphs_when_paragraphs_fit(text in document(), budget in 120usize..400) {
            let paragraphs = paragraphs(&text);
            let fits = paragraphs.iter().all(|p| run(Words.count(p)).unwrap() <= budget);
            prop_assume!(fits);
            let chunks = run(split(&text, budget, &Words)).unwrap();
            prop_assert!(ends_at(&text, &chunks, &paragraphs));
        }

        #[test]
        fn chunks_end_at_sentences_when_sentences_fit(text in document(), budget in 16usize..60) {
            let sentences: Vec<&str> = text.split_sentence_bounds().collect();
            let fits = sentences.iter().all(|s| run(Words.count(s)).unwrap() <= budget);
            prop_assume!(fits);
            let chunks = run(split(&text, budget, &Words)).unwrap();
            prop_assert!(ends_at(&text, &chunks, &sentences));
        }

        #[test]
        fn any_text_at_all_is_covered_within_budget(text in "\\PC{0,400}", budget in 16usize..40) {
            let chunks = run(split(&text, budget, &Words)).unwrap();
            let joined: String = chunks.iter().map(|c| c.text).collect();
            prop_assert_eq!(&joined, &text);
            prop_assert!(chunks.iter().all(|c| c.tokens <= budget));
        }
    }

    #[test]
    fn a_word_longer_than_the_budget_is_cut_into_characters() {
        let blob = "x".repeat(500);
        struct Chars;
        impl TokenCounter for Chars {
            type Error = std::convert::Infallible;
            fn count(&self, text: &str) -> impl Future<Output = Result<usize, Self::Error>> + Send {
                std::future::ready(Ok(text.chars().count()))
            }
        }
        let chunks = run(split(&blob, 64, &Chars)).unwrap();
        assert!(chunks.iter().all(|c| c.tokens <= 64));
        assert_eq!(chunks.iter().map(|c| c.text).collect::<String>(), blob);
    }

    #[test]
    fn blank_lines_stay_with_the_paragraph_before_them() {
        assert_eq!(paragraphs("a\nb\n\n\nc\n"), vec!["a\nb\n\n\n", "c\n"]);
        assert_eq!(paragraphs("\n\na"), vec!["\n\n", "a"]);
        assert!(paragraphs("").is_empty());
    }
}
