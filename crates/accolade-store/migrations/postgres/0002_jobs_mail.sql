-- Background jobs and the mail outbox, PostgreSQL flavour. Keep in step with
-- ../sqlite/0002_jobs_mail.sql: the same tables, columns and index names.

-- Work to do later, leased by one worker at a time (lease_owner until leased_until) and
-- retried with backoff until max_attempts. A job whose worker dies is queued again when its
-- lease expires.
CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL, -- JSON
    -- Enqueuing the same key twice gives one job (NULL: no key; NULLs never collide).
    idempotency_key TEXT,
    state           TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    run_at          BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts    BIGINT NOT NULL CHECK (max_attempts >= 1),
    lease_owner     TEXT,
    leased_until    BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX jobs_idempotency_key_uq ON jobs (idempotency_key);
CREATE INDEX jobs_state_run_at ON jobs (state, run_at);
CREATE INDEX jobs_state_leased_until ON jobs (state, leased_until);

-- Every email Accolade writes, kept whether or not it could be sent (admins read it here
-- when no SMTP server is configured or delivery failed).
CREATE TABLE outbox (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    award_id    TEXT REFERENCES awards (id),
    template    TEXT NOT NULL, -- which message: badge_issued, revocation, …
    to_address  TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    body_html   TEXT NOT NULL,
    -- queued: waiting to be sent (or retried); sent; unsent: no SMTP server configured;
    -- failed: delivery given up.
    state       TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'unsent', 'failed')),
    attempts    BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error  TEXT,
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT
);
CREATE INDEX outbox_org_created ON outbox (org_id, created_at);
CREATE INDEX outbox_state_created ON outbox (state, created_at);
CREATE INDEX outbox_award ON outbox (award_id);
