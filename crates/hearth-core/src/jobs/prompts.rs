//! Every job's prompt, in one place. Small instruct models follow short, concrete instructions
//! best: one task, the text clearly set apart, and the expected shape of the answer stated last.
//! Each prompt becomes chat turns, which the engine renders with the model's own chat template.

use crate::engine::{Role, Turn};

use super::{RewriteMode, SummaryStyle};

const SYSTEM: &str =
    "You are a careful assistant. Follow the instruction exactly and answer with the result only.";

fn turns(instruction: String, text: &str) -> Vec<Turn> {
    vec![
        Turn::new(Role::System, SYSTEM),
        Turn::new(Role::User, format!("{instruction}\n\nText:\n{text}")),
    ]
}

fn in_language(language: Option<&str>) -> String {
    language
        .map(|l| format!(" Write it in {l}."))
        .unwrap_or_default()
}

pub fn summarize(style: SummaryStyle, language: Option<&str>, text: &str) -> Vec<Turn> {
    let shape = match style {
        SummaryStyle::Sentence => "Summarize the text in one sentence.",
        SummaryStyle::Paragraph => "Summarize the text in a short paragraph of 2 to 4 sentences.",
        SummaryStyle::Bullets => "List the key points of the text as 3 to 6 short bullet points, each starting with \"- \".",
        SummaryStyle::Actions => "List the action items in the text (who does what, and by when if stated) as bullet points starting with \"- \". If there are none, say \"No action items.\"",
    };
    turns(format!("{shape}{}", in_language(language)), text)
}

/// The map step of a long summary: notes on one part, to be combined later.
pub fn summarize_part(language: Option<&str>, text: &str) -> Vec<Turn> {
    turns(
        format!(
            "This is one part of a longer text. Write its main points as a few short bullet points starting with \"- \".{}",
            in_language(language)
        ),
        text,
    )
}

pub fn translate(from: Option<&str>, to: &str, text: &str) -> Vec<Turn> {
    let source = from.map(|f| format!(" from {f}")).unwrap_or_default();
    turns(
        format!("Translate the text{source} into {to}. Keep anything between backticks exactly as it is. Answer with the translation only."),
        text,
    )
}

pub fn rewrite(mode: RewriteMode, text: &str) -> Vec<Turn> {
    let instruction = match mode {
        RewriteMode::Grammar => "Correct the spelling, grammar and punctuation of the text. Keep its meaning, wording and language.",
        RewriteMode::Shorter => "Rewrite the text to be about half as long, keeping the important facts and its language.",
        RewriteMode::Formal => "Rewrite the text in a formal, professional tone. Keep its meaning and language.",
        RewriteMode::Friendly => "Rewrite the text in a warm, friendly tone. Keep its meaning and language.",
    };
    turns(
        format!("{instruction} Keep anything between backticks exactly as it is. Answer with the rewritten text only."),
        text,
    )
}

pub fn sentiment(text: &str) -> Vec<Turn> {
    turns(
        "Is the sentiment of the text positive, neutral or negative? Answer in JSON with the label and your confidence from 0 to 100.".to_string(),
        text,
    )
}

pub fn categorize(labels: &[String], text: &str) -> Vec<Turn> {
    turns(
        format!(
            "Which one of these categories fits the text best: {}? Answer in JSON with the label and your confidence from 0 to 100.",
            labels.join(", ")
        ),
        text,
    )
}

pub fn extract(text: &str) -> Vec<Turn> {
    turns(
        "Extract the named entities from the text: people, organizations, places, dates and amounts (money, quantities). Copy each one exactly as written in the text. Answer in JSON like this example: {\"people\":[\"Ann Lee\"],\"organizations\":[\"Acme Inc\"],\"places\":[\"Paris\"],\"dates\":[\"2 May 2023\"],\"amounts\":[\"$300\"]}. Use an empty list when there are none.".to_string(),
        text,
    )
}

/// Tokens a prompt adds around the text, with room to spare; chunk budgets subtract it.
pub const OVERHEAD_TOKENS: usize = 160;
