-- Analytics: one row per event on a credential (view, verification, share click, download,
-- LinkedIn add, embed impression). `client` is a salted hash of who asked; raw addresses
-- are never stored. Totals are counted per award and, through awards, per achievement.
CREATE TABLE analytics_events (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    award_id TEXT NOT NULL,
    kind     TEXT NOT NULL,
    channel  TEXT NOT NULL DEFAULT '',
    client   TEXT NOT NULL,
    at       BIGINT NOT NULL
);
CREATE INDEX analytics_events_award ON analytics_events (award_id, kind, channel);

-- The day's salt for client hashes; older days' salts are deleted, so hashes cannot be
-- linked across days or reversed by trying addresses.
CREATE TABLE analytics_salts (
    day  TEXT PRIMARY KEY NOT NULL,
    salt BYTEA NOT NULL
);

-- Sharing settings of an organization: LinkedIn's numeric company id, which LinkedIn's
-- add-to-profile form prefers to a free-text organization name.
CREATE TABLE org_share_settings (
    org_id          TEXT PRIMARY KEY NOT NULL REFERENCES orgs (id),
    linkedin_org_id TEXT
);
