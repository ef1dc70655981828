-- One row per request the model answered: chat, each job, the popup, documents; stopped ones
-- too. It holds no text and no link to a conversation, so it outlives deleting one.
CREATE TABLE usage_records (
    id INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    time_to_first_token_ms INTEGER,
    tokens_per_second REAL,
    duration_ms INTEGER NOT NULL,
    stopped INTEGER NOT NULL
);
CREATE INDEX usage_records_by_time ON usage_records (started_at);

-- The model that wrote each reply; replies from before knew only their conversation's.
ALTER TABLE messages ADD COLUMN model TEXT;
UPDATE messages SET model = (SELECT model FROM conversations WHERE id = messages.conversation_id)
    WHERE role = 'assistant';

-- Replies kept before usage was counted, so the view starts with the history there is. Their
-- duration was not stored: the time to the first token plus the tokens at the reply's speed.
INSERT INTO usage_records (started_at, source, model, prompt_tokens, completion_tokens,
    time_to_first_token_ms, tokens_per_second, duration_ms, stopped)
SELECT m.created_at - d.ms,
    CASE WHEN EXISTS (SELECT 1 FROM conversation_documents WHERE conversation_id = c.id)
        THEN 'document' ELSE coalesce(json_extract(c.job, '$.kind'), 'chat') END,
    m.model,
    m.prompt_tokens, coalesce(m.completion_tokens, 0), m.time_to_first_token_ms,
    m.tokens_per_second, d.ms, m.stopped
FROM messages m
JOIN conversations c ON c.id = m.conversation_id
JOIN (SELECT id, CAST(coalesce(time_to_first_token_ms, 0)
        + coalesce(1000.0 * completion_tokens / nullif(tokens_per_second, 0), 0) AS INTEGER) AS ms
      FROM messages) d ON d.id = m.id
WHERE m.role = 'assistant' AND m.prompt_tokens IS NOT NULL;
