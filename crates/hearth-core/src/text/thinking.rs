//! Models that think aloud (Qwen3) write their reasoning in `<think>...</think>` before the
//! answer. The reasoning is not the answer: it is kept out of history and job results.

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

/// `text` as (its reasoning, if any, and the answer without it). A block that was never
/// closed (a reply stopped while thinking) is all reasoning.
pub fn split(text: &str) -> (Option<String>, String) {
    if !text.contains(OPEN) {
        return (None, text.to_string());
    }
    let mut thinking = Vec::new();
    let mut answer = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        answer.push_str(&rest[..start]);
        let inside = &rest[start + OPEN.len()..];
        match inside.find(CLOSE) {
            Some(end) => {
                thinking.push(inside[..end].trim());
                rest = &inside[end + CLOSE.len()..];
            }
            None => {
                thinking.push(inside.trim());
                rest = "";
            }
        }
    }
    answer.push_str(rest);
    let thinking = thinking
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>();
    let thinking = (!thinking.is_empty()).then(|| thinking.join("\n\n"));
    (thinking, answer.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn the_reasoning_is_taken_out_of_the_answer() {
        assert_eq!(
            split("<think>\nThe user greets me.\n</think>\n\nHello!"),
            (
                Some("The user greets me.".to_string()),
                "Hello!".to_string()
            )
        );
        assert_eq!(
            split("<think>a</think>One<think>b</think> two"),
            (Some("a\n\nb".to_string()), "One two".to_string())
        );
        assert_eq!(split("<think></think>\n\nHi"), (None, "Hi".to_string()));
    }

    #[test]
    fn a_reply_stopped_while_thinking_has_no_answer_and_plain_text_is_untouched() {
        assert_eq!(
            split("<think>Let me see"),
            (Some("Let me see".to_string()), String::new())
        );
        assert_eq!(
            split("  Plain reply\n"),
            (None, "  Plain reply\n".to_string())
        );
        assert_eq!(
            split("Use </think> literally"),
            (None, "Use </think> literally".to_string())
        );
    }
}
