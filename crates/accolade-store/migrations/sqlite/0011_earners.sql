-- Earners: claim tokens (hashes only) of the badge emails, the awards each account owns with
-- their visibility, an account's extra email addresses (verified by an emailed link), the
-- collections of a backpack, and portfolio handles. Same tables and names on both backends.

-- A bulk issue writes 100,000 of these in one go: one B-tree (no rowid, no second index)
-- keeps that cheap. Tokens are found by their hash; finding an award's tokens scans.
CREATE TABLE claim_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    award_id   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    used_by    TEXT
) WITHOUT ROWID;

-- One owner per award: the first claim wins.
CREATE TABLE backpack (
    award_id   TEXT PRIMARY KEY NOT NULL REFERENCES awards (id),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private')),
    claimed_at INTEGER NOT NULL
);
CREATE INDEX backpack_user ON backpack (user_id, claimed_at);

CREATE TABLE earner_emails (
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    token_hash       TEXT,
    token_expires_at INTEGER,
    verified_at      INTEGER,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (user_id, email)
);
-- An address is verified for one account at most.
CREATE UNIQUE INDEX earner_emails_verified_uq ON earner_emails (email) WHERE verified_at IS NOT NULL;
CREATE UNIQUE INDEX earner_emails_token_uq ON earner_emails (token_hash);

CREATE TABLE collections (
    id         TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private')),
    position   INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX collections_user ON collections (user_id, position);

CREATE TABLE collection_items (
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    award_id      TEXT NOT NULL,
    position      INTEGER NOT NULL,
    PRIMARY KEY (collection_id, award_id)
);

CREATE TABLE handles (
    user_id    TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    handle     TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX handles_handle_uq ON handles (handle);
