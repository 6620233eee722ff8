-- Mail that belongs to no organization (password resets) has no org_id: the outbox's
-- org_id becomes nullable. SQLite cannot drop a NOT NULL constraint in place, so the table is
-- rebuilt (nothing references it). Keep in step with ../postgres/0009_bulk_web.sql.
CREATE TABLE outbox_rebuilt (
    id          TEXT PRIMARY KEY NOT NULL,
    org_id      TEXT REFERENCES orgs (id),
    award_id    TEXT REFERENCES awards (id),
    template    TEXT NOT NULL,
    to_address  TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    body_html   TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'unsent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER
);
INSERT INTO outbox_rebuilt (id, org_id, award_id, template, to_address, subject, body_text,
    body_html, state, attempts, last_error, created_at, sent_at)
SELECT id, org_id, award_id, template, to_address, subject, body_text, body_html, state,
    attempts, last_error, created_at, sent_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
-- The indexes the outbox's queries use: an organization's messages newest first, and every
-- message newest first. (Those on award_id and on state served no query and cost a bulk
-- issue of 100,000 awards seconds of random index writes.)
CREATE INDEX outbox_org_created ON outbox (org_id, created_at);
CREATE INDEX outbox_created ON outbox (created_at);

-- An organization's imports, newest first (the bulk-issue page).
CREATE INDEX imports_org_created ON imports (org_id, created_at);
