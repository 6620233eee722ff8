-- Idempotency keys of API requests that create (the Idempotency-Key header): one row per
-- API key and idempotency key, holding the request's fingerprint (method, path, SHA-256 of
-- the body) and, once the first request has finished, its answer to replay. Rows are kept
-- 24 hours. Keep in step with ../sqlite/0028_idempotency.sql.

CREATE TABLE idempotency_keys (
    api_key_id  TEXT NOT NULL REFERENCES api_keys (id),
    idem_key    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    -- NULL while the first request is in flight (then status is 0, headers and body empty).
    completed_at BIGINT,
    status      BIGINT NOT NULL,
    -- JSON array of [name, value] pairs.
    headers     TEXT NOT NULL,
    body        BYTEA NOT NULL,
    PRIMARY KEY (api_key_id, idem_key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
