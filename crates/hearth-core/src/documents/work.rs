//! Jobs on a stored document (summarize, translate): the job runs on the document's text into
//! a conversation named after it, and the document is attached so the chat can go on about it.

use tokio_util::sync::CancellationToken;

use crate::engine::Engine;
use crate::jobs::{self, Job, JobError, JobRequest};
use crate::reply::ReplyEvent;
use crate::store::{Message, Store};

pub async fn run_job(
    store: &Store,
    engine: &Engine,
    document_id: i64,
    job: Job,
    cancel: &CancellationToken,
    mut on_event: impl FnMut(ReplyEvent) + Send,
) -> Result<Message, JobError> {
    let document = store.document_info(document_id).await?;
    let text = store.document_text(document_id).await?;
    let request = JobRequest {
        job,
        text: &text,
        chunk_tokens: None,
        document: Some(&document.name),
    };
    let mut conversation = None;
    let result = jobs::run(store, engine, request, cancel, |event| {
        if let ReplyEvent::Started {
            conversation: c, ..
        } = &event
        {
            conversation = Some(c.id);
        }
        on_event(event)
    })
    .await;
    // Attached also when the job failed part-way, so the conversation still says what it was about.
    if let Some(id) = conversation {
        store.attach_documents(id, &[document_id]).await?;
    }
    result
}
