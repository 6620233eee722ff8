-- Mail that belongs to no organization (password resets) has no org_id. Keep in step with
-- ../sqlite/0009_bulk_web.sql.
ALTER TABLE outbox ALTER COLUMN org_id DROP NOT NULL;

-- The indexes the outbox's queries use: an organization's messages newest first, and every
-- message newest first. (Those on award_id and on state served no query and cost a bulk
-- issue of 100,000 awards seconds of random index writes.)
DROP INDEX outbox_award;
DROP INDEX outbox_state_created;
CREATE INDEX outbox_created ON outbox (created_at);

-- An organization's imports, newest first (the bulk-issue page).
CREATE INDEX imports_org_created ON imports (org_id, created_at);
