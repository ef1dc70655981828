CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    model TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
    content TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    time_to_first_token_ms INTEGER,
    tokens_per_second REAL,
    stopped INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
CREATE INDEX conversations_by_update ON conversations (updated_at DESC);
