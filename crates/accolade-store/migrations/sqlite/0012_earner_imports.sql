-- Badges an earner imported from elsewhere (an uploaded baked image, pasted JSON or JWT, or a
-- URL), each kept with its verification report, including those that did not verify. Same
-- table and names on both backends.

CREATE TABLE earner_imports (
    id           TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- 'file', 'text' or 'url'
    source       TEXT NOT NULL CHECK (source IN ('file', 'text', 'url')),
    source_url   TEXT,
    -- What was given, as given (the baked image, the text), at most a few MiB.
    original     BLOB NOT NULL,
    -- json, jwt, png, svg or unknown
    input_format TEXT NOT NULL,
    -- ob3_data_integrity, ob3_jwt, ob2_hosted, ob2_signed or unknown
    kind         TEXT NOT NULL,
    -- valid, invalid or unverified
    verdict      TEXT NOT NULL,
    summary      TEXT NOT NULL,
    badge_name   TEXT,
    issuer_name  TEXT,
    -- The verifier's report as JSON, the checked credential included.
    report       TEXT NOT NULL,
    imported_at  INTEGER NOT NULL
);
CREATE INDEX earner_imports_user ON earner_imports (user_id, imported_at);
