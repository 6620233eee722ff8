-- Webhooks (Standard Webhooks): endpoints per organization, one delivery per event and
-- endpoint, and every attempt of each delivery. SQLite flavour; keep in step with
-- ../postgres/0029_webhooks.sql: the same tables, columns and index names.

CREATE TABLE webhook_endpoints (
    id                   TEXT PRIMARY KEY NOT NULL,
    org_id               TEXT NOT NULL REFERENCES orgs (id),
    url                  TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    -- JSON array of event types; empty array: every event.
    events               TEXT NOT NULL DEFAULT '[]',
    enabled              INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    disabled_reason      TEXT,
    -- whsec_… secrets: the current one, and the one it replaced, still signed with until
    -- previous_expires_at (rotation).
    secret               TEXT NOT NULL,
    previous_secret      TEXT,
    previous_expires_at  INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id, created_at);

-- One event for one endpoint. msg_id is the webhook-id header: the same on every attempt,
-- and for every endpoint the event went to. dedupe_key keeps an event sent once per endpoint
-- when it may be detected twice (expiry). The delivery is the queue: pending rows are due at
-- next_attempt_at; a sender leases one by moving next_attempt_at past its lease, under
-- lease_token.
CREATE TABLE webhook_deliveries (
    id                     TEXT PRIMARY KEY NOT NULL,
    endpoint_id            TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    org_id                 TEXT NOT NULL,
    msg_id                 TEXT NOT NULL,
    event_type             TEXT NOT NULL,
    payload                TEXT NOT NULL,
    dedupe_key             TEXT,
    state                  TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts               INTEGER NOT NULL DEFAULT 0,
    next_attempt_at        INTEGER,
    lease_token            TEXT,
    last_attempt_at        INTEGER,
    last_status            INTEGER,
    last_error             TEXT,
    last_request_headers   TEXT,
    last_response_headers  TEXT,
    last_response_body     TEXT,
    last_duration_ms       INTEGER,
    created_at             INTEGER NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_dedupe_uq ON webhook_deliveries (endpoint_id, dedupe_key);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);

-- Every attempt, with what was sent and an excerpt of what came back.
CREATE TABLE webhook_attempts (
    delivery_id       TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt           INTEGER NOT NULL,
    at                INTEGER NOT NULL,
    status            INTEGER,
    error             TEXT,
    duration_ms       INTEGER NOT NULL,
    request_headers   TEXT NOT NULL,
    response_headers  TEXT,
    response_body     TEXT,
    PRIMARY KEY (delivery_id, attempt)
);
