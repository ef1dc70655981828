//! The quick jobs end to end in the core: the real model, its own tokenizer, a real SQLite file.

mod common;

use std::time::{Duration, Instant};

use common::pinned::assert_pinned;
use common::{engine, temp_store, RUNTIME};
use hearth_core::engine::Role;
use hearth_core::jobs::{self, Classification, Entities, Job, JobError, JobRequest, SummaryStyle};
use hearth_core::reply::{Progress, ReplyEvent, Stage};
use hearth_core::store::{Asker, Message, Store};
use hearth_core::text::chunking::{self, TokenCounter};
use tokio_util::sync::CancellationToken;

const MEETING: &str = include_str!("texts/meeting.txt");
const GUIDE: &str = include_str!("texts/guide.md");

struct Run {
    result: Result<Message, JobError>,
    events: Vec<ReplyEvent>,
}

impl Run {
    fn streamed(&self) -> String {
        self.events
            .iter()
            .filter_map(|e| match e {
                ReplyEvent::Token { text } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    fn progress(&self) -> Vec<Progress> {
        self.events
            .iter()
            .filter_map(|e| match e {
                ReplyEvent::Progress(p) => Some(*p),
                _ => None,
            })
            .collect()
    }

    fn reply(&self) -> &Message {
        self.result.as_ref().expect("the job finishes")
    }
}

async fn run_job(store: &Store, job: Job, text: &str, chunk_tokens: Option<usize>) -> Run {
    run_cancellable(store, job, text, chunk_tokens, &CancellationToken::new()).await
}

async fn run_cancellable(
    store: &Store,
    job: Job,
    text: &str,
    chunk_tokens: Option<usize>,
    cancel: &CancellationToken,
) -> Run {
    let mut events = Vec::new();
    let request = JobRequest {
        job,
        text,
        chunk_tokens,
        document: None,
    };
    let result = jobs::run(store, engine().await, request, cancel, |e| events.push(e)).await;
    Run { result, events }
}

fn summarize(style: SummaryStyle) -> Job {
    Job::Summarize {
        style,
        language: None,
    }
}

#[test]
fn a_summary_streams_and_is_kept_as_a_conversation_with_its_job() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let run = run_job(&store, summarize(SummaryStyle::Bullets), MEETING, None).await;
        let reply = run.reply();
        assert_pinned("jobs-summary-bullets", &reply.content);
        assert_eq!(run.streamed(), reply.content);
        assert_eq!(reply.role, Role::Assistant);

        let conversation = store.conversation(reply.conversation_id).await.unwrap();
        assert!(conversation.title.starts_with("Summary: "));
        let job = conversation.job.expect("the job is recorded").0;
        assert_eq!(job["kind"], "summarize");
        assert_eq!(job["style"], "bullets");
        assert_eq!(job["detected"], "English");
        let messages = store.messages(conversation.id).await.unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].content, MEETING.trim());
    });
}

#[test]
fn a_long_text_is_map_reduced_with_progress() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        // A small chunk size makes the 300-word text "long": several chunks, then notes.
        let run = run_job(
            &store,
            summarize(SummaryStyle::Sentence),
            MEETING,
            Some(120),
        )
        .await;
        assert_pinned("jobs-long-summary-sentence", &run.reply().content);
        let progress = run.progress();
        let reading: Vec<_> = progress
            .iter()
            .filter(|p| p.stage == Stage::Reading)
            .collect();
        assert!(reading.len() >= 3, "progress: {progress:?}");
        assert!(reading
            .iter()
            .enumerate()
            .all(|(i, p)| p.step == i + 1 && p.steps == reading.len()));
        assert_eq!(progress.last().map(|p| p.stage), Some(Stage::Writing));

        // The parts' notes stream as they are written, before the summary's first word, and
        // are not part of the reply.
        let first = |wanted: fn(&ReplyEvent) -> bool| run.events.iter().position(wanted);
        let first_note = first(|e| matches!(e, ReplyEvent::Note { .. })).expect("notes");
        let first_token = first(|e| matches!(e, ReplyEvent::Token { .. })).expect("a summary");
        assert!(first_note < first_token);
        let notes: String = run
            .events
            .iter()
            .filter_map(|e| match e {
                ReplyEvent::Note { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(notes.trim().len() > 20, "notes: {notes:?}");
        assert_eq!(run.reply().content, run.streamed());
    });
}

#[test]
fn cancelling_a_long_job_stops_it_at_once_and_keeps_it() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let long = MEETING.repeat(40);
        let cancel = CancellationToken::new();
        let stopper = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(4)).await;
            stopper.cancel();
        });
        let started = Instant::now();
        let run = run_cancellable(
            &store,
            summarize(SummaryStyle::Paragraph),
            &long,
            Some(200),
            &cancel,
        )
        .await;
        let took = started.elapsed();
        let reply = run.reply();
        assert!(reply.stopped());
        assert!(took < Duration::from_secs(60), "stopping took {took:?}");
        assert!(run.progress().iter().any(|p| p.stage == Stage::Reading));
        let messages = store.messages(reply.conversation_id).await.unwrap();
        assert_eq!(messages.len(), 2);
    });
}

#[test]
fn chunks_keep_to_the_budget_in_the_models_own_tokens() {
    RUNTIME.block_on(async {
        let engine = engine().await;
        let text = format!("{MEETING}\n\n{GUIDE}");
        for budget in [32, 100, 300] {
            let chunks = chunking::split(&text, budget, engine).await.unwrap();
            assert!(chunks.len() > 1);
            assert_eq!(chunks.iter().map(|c| c.text).collect::<String>(), text);
            for chunk in chunks {
                let counted = engine.count(chunk.text).await.unwrap();
                assert_eq!(counted, chunk.tokens);
                assert!(counted <= budget, "{counted} > {budget}");
            }
        }
    });
}

/// The fenced code blocks of `text`, fences included.
fn code_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match current.as_mut() {
            Some(block) => {
                block.push_str(line);
                block.push('\n');
                if line.starts_with("```") {
                    blocks.extend(current.take());
                }
            }
            None if line.starts_with("```") => current = Some(format!("{line}\n")),
            None => {}
        }
    }
    blocks
}

#[test]
fn a_translation_keeps_code_and_structure() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let job = Job::Translate {
            to: "fr".into(),
            from: None,
        };
        let run = run_job(&store, job, GUIDE, None).await;
        let out = &run.reply().content;
        assert_eq!(run.streamed(), *out);
        let original = code_blocks(GUIDE);
        assert_eq!(original.len(), 2);
        assert_eq!(code_blocks(out), original, "translation:\n{out}");
        assert!(out.contains("`backup-tool --check`"));
        assert!(out.starts_with("# "));
        assert!(out.contains("\n1. ") && out.contains("\n3. "));
        assert!(out.contains("|---------|---------|"));
        assert!(out.contains("\n> "));
        let job = store
            .conversation(run.reply().conversation_id)
            .await
            .unwrap()
            .job
            .unwrap()
            .0;
        assert_eq!(job["to"], "French");
        assert_eq!(job["from"], "English");
    });
}

#[test]
fn rewrite_fixes_grammar() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let job = Job::Rewrite {
            mode: jobs::RewriteMode::Grammar,
        };
        let run = run_job(
            &store,
            job,
            "i has went to the store yesterday and buyed three apple.",
            None,
        )
        .await;
        assert_pinned("jobs-rewrite-grammar", &run.reply().content);
    });
}

const SAMPLES: [&str; 8] = [
    "I love this phone, the battery lasts for days and the screen is gorgeous.",
    "The delivery was late, the box was crushed and nobody answers the phone.",
    "The train leaves at 9:15 from platform 4.",
    "Maria Lopez joined Acme Corp in Berlin on 3 March 2024 for a salary of 60,000 euros.",
    "Terrible service. Never again.",
    "Le film était magnifique, je le recommande à tout le monde.",
    "Quarterly revenue at Globex rose 12% to $4.1 million, CEO John Smith said in Paris on Monday.",
    "ok",
];

#[test]
fn sentiment_and_categories_always_parse_against_their_schema() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        for text in SAMPLES {
            let run = run_job(&store, Job::Classify { labels: vec![] }, text, None).await;
            let found: Classification = serde_json::from_str(&run.reply().content)
                .unwrap_or_else(|e| panic!("{e}: {}", run.reply().content));
            assert!(["positive", "neutral", "negative"].contains(&found.label.as_str()));
            assert!(found.confidence <= 100);
        }
        let labels: Vec<String> = ["travel", "shopping", "business"]
            .map(String::from)
            .to_vec();
        for text in SAMPLES {
            let job = Job::Classify {
                labels: labels.clone(),
            };
            let run = run_job(&store, job, text, None).await;
            let found: Classification = serde_json::from_str(&run.reply().content).unwrap();
            assert!(labels.contains(&found.label));
        }
    });
}

#[test]
fn entities_always_parse_against_their_schema() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        for text in SAMPLES.iter().copied().chain([MEETING]) {
            let run = run_job(&store, Job::Extract, text, None).await;
            let found: Entities = serde_json::from_str(&run.reply().content)
                .unwrap_or_else(|e| panic!("{e}: {}", run.reply().content));
            let all = [
                &found.people,
                &found.organizations,
                &found.places,
                &found.dates,
                &found.amounts,
            ];
            assert!(all
                .iter()
                .all(|list| list.iter().all(|e| !e.trim().is_empty())));
        }
    });
}

#[test]
fn bad_input_gets_a_reason_and_stores_nothing() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let garbage: String = (0u8..=255).cycle().take(10_000).map(char::from).collect();
        let huge = "word ".repeat(11 * 1024 * 1024 / 5);
        let bad_inputs: [(Job, &str); 5] = [
            (summarize(SummaryStyle::Bullets), ""),
            (summarize(SummaryStyle::Bullets), " \n\t\n "),
            (summarize(SummaryStyle::Bullets), &garbage),
            (summarize(SummaryStyle::Bullets), &huge),
            (
                Job::Translate {
                    to: "xx".into(),
                    from: None,
                },
                MEETING,
            ),
        ];
        let mut refusals = Vec::new();
        for (job, text) in bad_inputs {
            let run = run_job(&store, job, text, None).await;
            refusals.push(run.result.expect_err("refused"));
        }
        assert!(
            matches!(
                refusals.as_slice(),
                [
                    JobError::EmptyInput,
                    JobError::EmptyInput,
                    JobError::Binary,
                    JobError::TooLarge { limit_mb: 8, .. },
                    JobError::UnknownLanguage(code),
                ] if code == "xx"
            ),
            "{refusals:?}"
        );
        let one_label = Job::Classify {
            labels: vec!["only".into()],
        };
        assert!(run_job(&store, one_label, MEETING, None)
            .await
            .result
            .is_err());
        assert!(store.list_conversations().await.unwrap().is_empty());
    });
}

#[test]
fn a_text_in_a_language_the_detector_does_not_know_is_still_summarized() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let text = "Mi ne scias kial la vetero estas tiel bela hodiaŭ, sed mi ĝojas.";
        let run = run_job(&store, summarize(SummaryStyle::Sentence), text, None).await;
        assert_pinned("jobs-esperanto-summary", &run.reply().content);
    });
}

#[test]
fn a_quick_job_stores_nothing_until_it_is_kept() {
    RUNTIME.block_on(async {
        let (_dir, store) = temp_store().await;
        let engine = engine().await;
        let request = JobRequest {
            job: summarize(SummaryStyle::Sentence),
            text: MEETING,
            chunk_tokens: None,
            document: None,
        };
        let mut tokens = String::new();
        let quick = jobs::run_quick(
            Some(&store),
            engine,
            request,
            &CancellationToken::new(),
            |e| {
                if let ReplyEvent::Token { text } = e {
                    tokens.push_str(&text);
                }
            },
        )
        .await
        .expect("the quick job runs");
        assert_pinned("jobs-quick-summary-sentence", &quick.completion.text);
        assert_eq!(tokens, quick.completion.text);
        assert!(store.list_conversations().await.expect("list").is_empty());
        // Kept nowhere, but counted.
        let usage = store.usage_records(None).await.expect("usage");
        assert_eq!(usage.len(), 1);
        assert_eq!(usage[0].source, Asker::Popup);
        assert_eq!(usage[0].model, engine.info().name);
        assert_eq!(
            usage[0].measurements.completion_tokens,
            quick.completion.measurements.completion_tokens
        );
        assert_eq!(
            usage[0].measurements.prompt_tokens,
            quick.completion.measurements.prompt_tokens
        );

        let kept = jobs::keep(&store, engine, &quick).await.expect("kept");
        assert!(kept.title.starts_with("Summary: "), "{}", kept.title);
        let messages = store.messages(kept.id).await.expect("messages");
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].content, MEETING.trim());
        assert_eq!(messages[1].content, quick.completion.text);
    });
}

#[test]
fn a_quick_job_refuses_a_text_too_long_for_the_popup() {
    RUNTIME.block_on(async {
        let big = "word ".repeat(1024 * 1024);
        let request = JobRequest {
            job: summarize(SummaryStyle::Sentence),
            text: &big,
            chunk_tokens: None,
            document: None,
        };
        let result = jobs::run_quick(
            None,
            engine().await,
            request,
            &CancellationToken::new(),
            |_| {},
        )
        .await;
        let error = result.expect_err("5 MB is refused").to_string();
        assert!(error.contains("5120 KB"), "{error}");
    });
}
