-- Sign-ups waiting for their address to be confirmed: the account is created when the
-- emailed link (its token stored only as a hash) is followed, once, before it expires.
CREATE TABLE pending_signups (
    token_hash    TEXT PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    next_path     TEXT,
    expires_at    INTEGER NOT NULL
);
CREATE INDEX pending_signups_expires ON pending_signups (expires_at);
