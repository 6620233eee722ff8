-- Accolade schema, PostgreSQL flavour. Keep in step with ../sqlite/0001_initial.sql: the same
-- tables, columns and index names, so that one SQL text serves both backends.
-- Ids are hyphenated lower-case UUID text; instants are BIGINT microseconds since the Unix
-- epoch (UTC), so ORDER BY on them is chronological.

CREATE TABLE orgs (
    id             TEXT PRIMARY KEY,
    slug           TEXT NOT NULL,
    name           TEXT NOT NULL,
    url            TEXT NOT NULL,
    email          TEXT,
    description    TEXT,
    image_id       TEXT, -- foreign key added below, once images exists
    created_at     BIGINT NOT NULL,
    -- Bumped whenever an award's status changes; signed status lists are cached under it.
    status_version BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX orgs_slug_uq ON orgs (slug);
CREATE INDEX orgs_name ON orgs (name);

CREATE TABLE images (
    id           TEXT PRIMARY KEY,
    org_id       TEXT REFERENCES orgs (id),
    content_type TEXT NOT NULL,
    bytes        BYTEA NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX images_org ON images (org_id);
ALTER TABLE orgs ADD CONSTRAINT orgs_image_fk FOREIGN KEY (image_id) REFERENCES images (id);

CREATE TABLE signing_keys (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES orgs (id),
    public_multibase TEXT NOT NULL,
    sealed_secret    BYTEA NOT NULL,
    created_at       BIGINT NOT NULL,
    retired_at       BIGINT,
    -- Target of the awards (org_id, key_id) foreign key: a key signs only its own org's awards.
    UNIQUE (org_id, id)
);
CREATE INDEX signing_keys_org_created ON signing_keys (org_id, created_at);

CREATE TABLE achievements (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES orgs (id),
    name               TEXT NOT NULL,
    description        TEXT NOT NULL,
    criteria_narrative TEXT,
    criteria_url       TEXT,
    achievement_type   TEXT NOT NULL,
    image_id           TEXT REFERENCES images (id),
    alignments         TEXT NOT NULL DEFAULT '[]', -- JSON array of AlignmentSpec
    credits            DOUBLE PRECISION,
    tags               TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    expiry_kind        TEXT NOT NULL CHECK (expiry_kind IN ('never', 'fixed_date', 'months_after_issue')),
    expiry_at          BIGINT,
    expiry_months      BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX achievements_org_name ON achievements (org_id, name);

CREATE TABLE awards (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES orgs (id),
    achievement_id    TEXT NOT NULL,
    recipient_email   TEXT NOT NULL,
    recipient_name    TEXT,
    issued_at         BIGINT NOT NULL,
    valid_until       BIGINT,
    status            TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
    status_reason     TEXT,
    status_changed_at BIGINT,
    status_index      BIGINT NOT NULL CHECK (status_index >= 0 AND status_index <= 4294967295),
    key_id            TEXT NOT NULL,
    credential        TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    FOREIGN KEY (org_id, achievement_id) REFERENCES achievements (org_id, id),
    FOREIGN KEY (org_id, key_id) REFERENCES signing_keys (org_id, id)
);
CREATE UNIQUE INDEX awards_org_status_index_uq ON awards (org_id, status_index);
CREATE INDEX awards_org_created ON awards (org_id, created_at);
CREATE INDEX awards_org_status ON awards (org_id, status);
CREATE INDEX awards_achievement ON awards (achievement_id);
CREATE INDEX awards_key ON awards (key_id);
CREATE INDEX awards_recipient ON awards (recipient_email);
