-- The audit log: append-only, one row per action, newest read first.
CREATE TABLE audit_events (
    id            TEXT PRIMARY KEY NOT NULL,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    actor_user_id TEXT,
    actor_label   TEXT NOT NULL,
    action        TEXT NOT NULL,
    target        TEXT NOT NULL,
    detail        TEXT NOT NULL,
    at            INTEGER NOT NULL
);
CREATE INDEX audit_events_org_at ON audit_events (org_id, at);
