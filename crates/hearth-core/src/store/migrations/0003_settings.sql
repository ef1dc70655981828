-- The user's settings (shortcut, popup style, translation language, ...), one JSON document per
-- key so that a setting added later falls back to its default in an older row.
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
