-- Managing awards: links between an award and its corrected re-issue or its renewal, the
-- indexes the awards list filters on, expiry reminders sent (one row per award and offset,
-- so that a reminder goes out once), and each organization's reminder offsets.
-- Keep in step with ../postgres/0008_award_management.sql.

ALTER TABLE awards ADD COLUMN replaced_by TEXT;
ALTER TABLE awards ADD COLUMN replaces TEXT;
ALTER TABLE awards ADD COLUMN renewed_by TEXT;
ALTER TABLE awards ADD COLUMN renewal_of TEXT;

CREATE INDEX awards_org_achievement_created ON awards (org_id, achievement_id, created_at);
CREATE INDEX awards_org_issued ON awards (org_id, issued_at);
CREATE INDEX awards_org_status_valid ON awards (org_id, status, valid_until);

-- The status history of one award is read from the audit log by target.
CREATE INDEX audit_events_org_target ON audit_events (org_id, target, at);

CREATE TABLE expiry_reminders (
    award_id    TEXT NOT NULL REFERENCES awards (id),
    offset_days INTEGER NOT NULL CHECK (offset_days > 0),
    sent_at     INTEGER NOT NULL,
    PRIMARY KEY (award_id, offset_days)
);

CREATE TABLE reminder_settings (
    org_id     TEXT PRIMARY KEY NOT NULL REFERENCES orgs (id),
    -- Days before expiry, comma-separated, largest first (e.g. "30,7"); empty: no reminders.
    offsets    TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
