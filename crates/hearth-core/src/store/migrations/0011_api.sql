-- The local API's clients: each has a name and a token, kept only as its SHA-256 (the token
-- itself is shown once, when it is made).
CREATE TABLE api_tokens (
    name TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- Which API client asked, for requests that came through the local API.
ALTER TABLE usage_records ADD COLUMN client TEXT;
