-- How long each reply took, as its usage record has it. Replies kept before were not timed:
-- the time to the first token plus the tokens at the reply's speed, as 0009 estimated them.
ALTER TABLE messages ADD COLUMN duration_ms INTEGER;

UPDATE messages SET duration_ms = CAST(coalesce(time_to_first_token_ms, 0)
        + coalesce(1000.0 * completion_tokens / nullif(tokens_per_second, 0), 0) AS INTEGER)
    WHERE prompt_tokens IS NOT NULL;
