//! Cutting markdown into the parts a model may rewrite (prose) and the parts it must never see
//! or touch (code blocks, list and heading markers, table pipes, blank lines), so translation
//! keeps the structure and keeps code byte-for-byte.

/// A slice of the input: either kept as it is, or prose for the model. Concatenating the
/// parts' texts gives back the input exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    Keep(&'a str),
    Prose(&'a str),
}

impl<'a> Part<'a> {
    pub fn text(&self) -> &'a str {
        match self {
            Part::Keep(t) | Part::Prose(t) => t,
        }
    }
}

pub fn parts<'a>(text: &'a str) -> Vec<Part<'a>> {
    let mut out = Vec::new();
    let mut lines = text.split_inclusive('\n').peekable();
    // A paragraph's lines go to the model together, so its sentences keep their context.
    let mut paragraph: Option<(usize, usize)> = None;
    let mut position = 0;
    let flush = |paragraph: &mut Option<(usize, usize)>, out: &mut Vec<Part<'a>>| {
        if let Some((start, end)) = paragraph.take() {
            prose_line(&text[start..end], out);
        }
    };
    while let Some(line) = lines.next() {
        let start = position;
        position += line.len();
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(fence) = fence(line) {
            flush(&mut paragraph, &mut out);
            // Everything up to and including the closing fence (or the end) stays as it is.
            let mut end = position;
            for inner in lines.by_ref() {
                end += inner.len();
                if closes(inner, fence) {
                    break;
                }
            }
            position = end;
            out.push(Part::Keep(&text[start..end]));
        } else if trimmed.trim().is_empty()
            || (indent >= 4 && paragraph.is_none())
            || is_table_rule(trimmed)
            || trimmed.starts_with('<')
        {
            flush(&mut paragraph, &mut out);
            out.push(Part::Keep(line));
        } else if trimmed.starts_with('|') {
            flush(&mut paragraph, &mut out);
            table_row(line, &mut out);
        } else if let Some(marker) = block_marker(trimmed) {
            flush(&mut paragraph, &mut out);
            let (prefix, rest) = line.split_at(indent + marker);
            out.push(Part::Keep(prefix));
            prose_line(rest, &mut out);
        } else {
            match &mut paragraph {
                Some((_, end)) => *end = position,
                None => paragraph = Some((start, position)),
            }
        }
    }
    flush(&mut paragraph, &mut out);
    out.retain(|part| !part.text().is_empty());
    out
}

/// The fence character and length when `line` opens a fenced code block.
fn fence(line: &str) -> Option<(char, usize)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let c = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = trimmed.chars().take_while(|x| *x == c).count();
    (n >= 3).then_some((c, n))
}

fn closes(line: &str, (c, n): (char, usize)) -> bool {
    let trimmed = line.trim();
    trimmed.len() >= n && trimmed.chars().all(|x| x == c)
}

fn is_table_rule(trimmed: &str) -> bool {
    let t = trimmed.trim();
    t.contains('-') && t.contains('|') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// Length of a heading, list or quote marker (with its following space) at the start of a line.
fn block_marker(trimmed: &str) -> Option<usize> {
    let bytes = trimmed.as_bytes();
    let hashes = bytes.iter().take_while(|b| **b == b'#').count();
    if (1..=6).contains(&hashes) && bytes.get(hashes) == Some(&b' ') {
        return Some(hashes + 1);
    }
    if matches!(bytes.first(), Some(b'-' | b'*' | b'+' | b'>')) && bytes.get(1) == Some(&b' ') {
        let checkbox = ["[ ] ", "[x] ", "[X] "]
            .iter()
            .find(|b| trimmed[2..].starts_with(*b))
            .map_or(0, |b| b.len());
        return Some(2 + checkbox);
    }
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if (1..=9).contains(&digits)
        && matches!(bytes.get(digits), Some(b'.' | b')'))
        && bytes.get(digits + 1) == Some(&b' ')
    {
        return Some(digits + 2);
    }
    None
}

/// Each cell of a table row is prose; the pipes and padding stay.
fn table_row<'a>(line: &'a str, out: &mut Vec<Part<'a>>) {
    let mut rest = line;
    while let Some(pipe) = rest.find('|') {
        prose_line(&rest[..pipe], out);
        out.push(Part::Keep(&rest[pipe..pipe + 1]));
        rest = &rest[pipe + 1..];
    }
    prose_line(rest, out);
}

/// Prose with its surrounding whitespace kept outside, so the model's reply cannot change the
/// layout. Text with no letter at all (numbers, punctuation) is kept as it is.
fn prose_line<'a>(text: &'a str, out: &mut Vec<Part<'a>>) {
    let core = text.trim();
    if core.is_empty() || !core.chars().any(char::is_alphabetic) {
        out.push(Part::Keep(text));
        return;
    }
    let start = text.len() - text.trim_start().len();
    let end = start + core.len();
    out.push(Part::Keep(&text[..start]));
    out.push(Part::Prose(&text[start..end]));
    out.push(Part::Keep(&text[end..]));
}

/// Inline code spans (`like this`) in a prose slice, with their backticks.
pub fn inline_code(prose: &str) -> Vec<&str> {
    let mut spans = Vec::new();
    let mut rest = prose;
    let mut base = 0;
    while let Some(open) = rest.find('`') {
        let ticks = rest[open..].chars().take_while(|c| *c == '`').count();
        let after = open + ticks;
        let marker = &rest[open..after];
        match rest[after..].find(marker) {
            Some(close) => {
                let end = after + close + ticks;
                spans.push(&prose[base + open..base + end]);
                base += end;
                rest = &rest[end..];
            }
            None => break,
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn prose(text: &str) -> Vec<&str> {
        parts(text)
            .into_iter()
            .filter_map(|p| match p {
                Part::Prose(t) => Some(t),
                Part::Keep(_) => None,
            })
            .collect()
    }

    #[test]
    fn code_blocks_markers_and_pipes_are_kept_out_of_the_prose() {
        let text = "# Setup guide\n\nRun the tool\nevery day.\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n\n- first item\n2. second item\n> quoted text\n\n| Name | Role |\n|------|------|\n| Ann  | lead |\n\n    indented code\n";
        assert_eq!(
            prose(text),
            vec![
                "Setup guide",
                "Run the tool\nevery day.",
                "first item",
                "second item",
                "quoted text",
                "Name",
                "Role",
                "Ann",
                "lead"
            ]
        );
        assert!(parts(text).contains(&Part::Keep(
            "```rust\nfn main() { println!(\"hi\"); }\n```\n"
        )));
        assert!(parts(text).contains(&Part::Keep("    indented code\n")));
    }

    #[test]
    fn an_unclosed_fence_keeps_the_rest_of_the_text() {
        let text = "Intro line.\n~~~\ncode\nmore code";
        assert_eq!(prose(text), vec!["Intro line."]);
    }

    #[test]
    fn inline_code_spans_are_found_with_their_backticks() {
        assert_eq!(
            inline_code("Call `run()` or ``a ` b`` now, not `this"),
            vec!["`run()`", "``a ` b``"]
        );
        assert!(inline_code("no code").is_empty());
    }

    proptest! {
        #[test]
        fn parts_always_add_up_to_the_input(text in "(\\PC|\n|`|#|\\||-|>| ){0,300}") {
            let joined: String = parts(&text).iter().map(Part::text).collect();
            prop_assert_eq!(joined, text);
        }
    }
}
