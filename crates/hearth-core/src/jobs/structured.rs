//! Jobs that answer in JSON: sentiment, categories, entities. The engine's constrained decoding
//! (a JSON schema) makes every answer parse; long texts are read chunk by chunk and the answers
//! combined.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::runner::Runner;
use super::{prompts, JobError};
use crate::reply::Stage;

const SENTIMENTS: [&str; 3] = ["positive", "neutral", "negative"];

/// Classifying needs a sample, not every chunk of a book: the first chunks decide.
const MAX_CLASSIFY_CHUNKS: usize = 4;

/// The most entities of one kind per chunk; also keeps a looping model's answer bounded.
const MAX_ENTITIES: usize = 6;
const MAX_ENTITY_CHARS: usize = 48;

/// Compact JSON: whitespace between items costs tokens and invites a small model to ramble.
fn compact() -> serde_json::Value {
    json!({ "whitespace_flexible": false, "item_separator": ",", "key_separator": ":" })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub label: String,
    /// 0 to 100, as the model rates itself.
    pub confidence: u8,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Entities {
    pub people: Vec<String>,
    pub organizations: Vec<String>,
    pub places: Vec<String>,
    pub dates: Vec<String>,
    pub amounts: Vec<String>,
}

pub fn classification_schema(labels: &[&str]) -> serde_json::Value {
    json!({
        "type": "object",
        "properties": {
            "label": { "type": "string", "enum": labels },
            "confidence": { "type": "integer", "minimum": 0, "maximum": 100 }
        },
        "required": ["label", "confidence"],
        "additionalProperties": false,
        "x-guidance": compact()
    })
}

pub fn entities_schema() -> serde_json::Value {
    let list = json!({
        "type": "array",
        "items": { "type": "string", "minLength": 1, "maxLength": MAX_ENTITY_CHARS },
        "maxItems": MAX_ENTITIES
    });
    json!({
        "type": "object",
        "properties": {
            "people": list, "organizations": list, "places": list, "dates": list, "amounts": list
        },
        "required": ["people", "organizations", "places", "dates", "amounts"],
        "additionalProperties": false,
        "x-guidance": compact()
    })
}

/// Reply limits: a label and a number; five short lists.
const CLASSIFY_TOKENS: usize = 48;
const EXTRACT_TOKENS: usize = 1024;

pub async fn classify(
    runner: &mut Runner<'_>,
    text: &str,
    labels: &[String],
    budget: usize,
) -> Result<(), JobError> {
    let names: Vec<&str> = if labels.is_empty() {
        SENTIMENTS.to_vec()
    } else {
        labels.iter().map(String::as_str).collect()
    };
    let chunks = runner.split(text, budget).await?;
    let chunks = &chunks[..chunks.len().min(MAX_CLASSIFY_CHUNKS)];
    // Each label's confidence summed over the chunks; the highest wins.
    let mut scores = vec![0u32; names.len()];
    for (i, chunk) in chunks.iter().enumerate() {
        runner.progress(Stage::Classifying, i + 1, chunks.len());
        let turns = if labels.is_empty() {
            prompts::sentiment(chunk.text)
        } else {
            prompts::categorize(labels, chunk.text)
        };
        let answer = runner
            .ask_json(&turns, classification_schema(&names), CLASSIFY_TOKENS)
            .await?;
        if runner.stopped() {
            return Ok(());
        }
        let found: Classification = parse(&answer)?;
        if let Some(at) = names.iter().position(|n| *n == found.label) {
            scores[at] += u32::from(found.confidence.min(100)).max(1);
        }
    }
    let Some((best, score)) = scores.iter().enumerate().max_by_key(|(_, s)| **s) else {
        return Ok(());
    };
    let result = Classification {
        label: names[best].to_string(),
        confidence: u8::try_from(*score / chunks.len().max(1) as u32)
            .unwrap_or(100)
            .min(100),
    };
    runner.emit(&to_json(&result)?);
    Ok(())
}

pub async fn extract(runner: &mut Runner<'_>, text: &str, budget: usize) -> Result<(), JobError> {
    let chunks = runner.split(text, budget).await?;
    let mut all = Entities::default();
    for (i, chunk) in chunks.iter().enumerate() {
        runner.progress(Stage::Extracting, i + 1, chunks.len());
        let answer = runner
            .ask_json(
                &prompts::extract(chunk.text),
                entities_schema(),
                EXTRACT_TOKENS,
            )
            .await?;
        if runner.stopped() {
            return Ok(());
        }
        let found: Entities = parse(&answer)?;
        // Small models also "extract" words that are not in the text; keep only what is.
        let source = chunk.text.to_lowercase();
        for (into, from) in [
            (&mut all.people, found.people),
            (&mut all.organizations, found.organizations),
            (&mut all.places, found.places),
            (&mut all.dates, found.dates),
            (&mut all.amounts, found.amounts),
        ] {
            for item in from {
                let item = item.trim().to_string();
                let in_text = source.contains(&item.to_lowercase());
                if !item.is_empty() && in_text && !into.contains(&item) {
                    into.push(item);
                }
            }
        }
    }
    if !runner.stopped() {
        runner.emit(&to_json(&all)?);
    }
    Ok(())
}

fn parse<T: for<'de> Deserialize<'de>>(answer: &str) -> Result<T, JobError> {
    serde_json::from_str(answer.trim()).map_err(JobError::BadJson)
}

fn to_json(value: &impl Serialize) -> Result<String, JobError> {
    serde_json::to_string_pretty(value).map_err(JobError::Serialize)
}
