-- Personas: named, reusable instructions (a system prompt) with their own sampling. A few come
-- with Hearth; the person edits or deletes them like their own.
CREATE TABLE personas (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    instructions TEXT NOT NULL,
    temperature REAL NOT NULL,
    max_tokens INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO personas (name, instructions, temperature, max_tokens, created_at) VALUES
    ('Assistant',
     'You are Hearth, a helpful assistant that runs privately on this computer. Answer clearly and truthfully.',
     0.7, 512, 0),
    ('Concise',
     'Answer in as few words as the question allows: one or two sentences, no preamble, no lists unless asked.',
     0.3, 160, 0),
    ('Translator',
     'Translate what the user writes into English, or into the language they name. Reply with the translation only.',
     0.2, 512, 0),
    ('Proofreader',
     'Correct the spelling, grammar and punctuation of the text the user writes. Reply with the corrected text only, keeping its meaning and tone.',
     0.2, 512, 0);

-- A conversation's persona (its sampling, and its instructions), and instructions of the
-- conversation's own that take the place of the persona's.
ALTER TABLE conversations ADD COLUMN persona_id INTEGER REFERENCES personas(id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN instructions TEXT;
