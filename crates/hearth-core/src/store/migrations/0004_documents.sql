-- Documents: the extracted text of each file (stored once per content hash), cut into chunks
-- with their pages, indexed with FTS5 for retrieval. The index follows the chunks through
-- triggers, so deleting a document (its chunks cascade) empties its index entries too.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    kind TEXT NOT NULL,
    pages INTEGER,
    text TEXT NOT NULL,
    added_at INTEGER NOT NULL
);

CREATE TABLE document_chunks (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    page INTEGER,
    text TEXT NOT NULL
);
CREATE INDEX document_chunks_by_document ON document_chunks(document_id, position);

CREATE VIRTUAL TABLE document_chunks_index USING fts5(
    text,
    content = 'document_chunks',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER document_chunks_indexed AFTER INSERT ON document_chunks BEGIN
    INSERT INTO document_chunks_index(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER document_chunks_unindexed AFTER DELETE ON document_chunks BEGIN
    INSERT INTO document_chunks_index(document_chunks_index, rowid, text)
        VALUES ('delete', old.id, old.text);
END;

-- The documents a conversation is about.
CREATE TABLE conversation_documents (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (conversation_id, document_id)
);

-- The passages an answer was drawn from, best first.
CREATE TABLE message_sources (
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    chunk_id INTEGER NOT NULL REFERENCES document_chunks(id) ON DELETE CASCADE,
    rank INTEGER NOT NULL,
    PRIMARY KEY (message_id, chunk_id)
);
