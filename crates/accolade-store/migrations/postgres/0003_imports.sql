-- Bulk issuing from CSV files. Keep in step with ../sqlite/0003_imports.sql.
-- An import is one uploaded file for one achievement; its rows are stored once, validated,
-- then issued in leased, idempotent chunks (a chunk's awards and the rows' `issued` marks
-- commit in one transaction), so a crash loses nothing and a resume doubles nothing.

CREATE TABLE imports (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs (id),
    achievement_id TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    -- SHA-256 (hex) of the file's bytes: the same file with the same mapping resumes the
    -- unfinished import rather than starting another.
    source_sha256  TEXT NOT NULL,
    mapping        TEXT NOT NULL, -- JSON: {"email": column, "name": column|null, "issued_at": column|null}
    state          TEXT NOT NULL CHECK (state IN ('ingesting', 'draft', 'running', 'done')),
    total_rows     BIGINT NOT NULL DEFAULT 0,
    issued_rows    BIGINT NOT NULL DEFAULT 0,
    skipped_rows   BIGINT NOT NULL DEFAULT 0,
    error_rows     BIGINT NOT NULL DEFAULT 0,
    -- The worker holding the import, and until when; a commit checks it (fencing).
    lease_owner    TEXT,
    lease_until    BIGINT,
    created_at     BIGINT NOT NULL,
    finished_at    BIGINT,
    FOREIGN KEY (org_id, achievement_id) REFERENCES achievements (org_id, id)
);
CREATE INDEX imports_source ON imports (achievement_id, source_sha256);
CREATE INDEX imports_state ON imports (state);

CREATE TABLE import_rows (
    import_id      TEXT NOT NULL REFERENCES imports (id),
    row_number     BIGINT NOT NULL, -- the spreadsheet row: the header is row 1
    achievement_id TEXT NOT NULL,    -- copied from the import, for the natural key below
    email          TEXT,             -- normalized when valid, as given (cut short) otherwise
    name           TEXT,
    issued_at      BIGINT,
    state          TEXT NOT NULL CHECK (state IN ('pending', 'issued', 'skipped', 'error')),
    error          TEXT,
    -- Drawn when the row is stored: the id its award gets. An award is inserted under it at
    -- most once (the awards primary key), so no retry or resume can issue a row twice.
    award_id       TEXT,
    mail_queued_at BIGINT,
    PRIMARY KEY (import_id, row_number)
);
CREATE INDEX import_rows_state ON import_rows (import_id, state, row_number);
-- The natural key of bulk issuing: one award per achievement and email across all imports.
CREATE UNIQUE INDEX import_rows_issued_uq ON import_rows (achievement_id, email) WHERE state = 'issued';
