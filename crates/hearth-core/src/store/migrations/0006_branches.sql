-- Messages form a tree: editing a question or regenerating a reply adds a new version beside
-- the old one (same parent), and each conversation remembers the last message of the branch it
-- shows. Existing conversations become one branch, each message after the one before it.
ALTER TABLE messages ADD COLUMN parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE;
UPDATE messages SET parent_id = (
    SELECT MAX(p.id) FROM messages p
    WHERE p.conversation_id = messages.conversation_id AND p.id < messages.id
);
CREATE INDEX messages_by_parent ON messages (parent_id);

ALTER TABLE conversations ADD COLUMN shown_id INTEGER REFERENCES messages(id) ON DELETE SET NULL;
UPDATE conversations SET shown_id = (
    SELECT MAX(id) FROM messages WHERE conversation_id = conversations.id
);
