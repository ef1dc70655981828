-- A conversation started by a job (summarize, translate, ...) records the job and its options
-- as JSON; chats leave it NULL.
ALTER TABLE conversations ADD COLUMN job TEXT;
