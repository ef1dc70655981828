-- Search over every conversation: FTS5 indexes of message texts and conversation titles,
-- kept up to date by triggers (so every way a message or title is written or deleted, a
-- conversation's delete cascading to its messages included, updates the index).
CREATE VIRTUAL TABLE messages_index USING fts5(
    content,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_indexed AFTER INSERT ON messages BEGIN
    INSERT INTO messages_index(rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER messages_unindexed AFTER DELETE ON messages BEGIN
    INSERT INTO messages_index(messages_index, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_reindexed AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_index(messages_index, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_index(rowid, content) VALUES (new.id, new.content);
END;
INSERT INTO messages_index(messages_index) VALUES ('rebuild');

CREATE VIRTUAL TABLE conversations_index USING fts5(
    title,
    content = 'conversations',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER conversations_indexed AFTER INSERT ON conversations BEGIN
    INSERT INTO conversations_index(rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER conversations_unindexed AFTER DELETE ON conversations BEGIN
    INSERT INTO conversations_index(conversations_index, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER conversations_reindexed AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO conversations_index(conversations_index, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO conversations_index(rowid, title) VALUES (new.id, new.title);
END;
INSERT INTO conversations_index(conversations_index) VALUES ('rebuild');
