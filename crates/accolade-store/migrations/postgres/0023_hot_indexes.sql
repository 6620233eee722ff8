-- Indexes for hot reads that had none, found by the plan story
-- (crates/accolade-store/tests/story/plans.rs, which runs EXPLAIN on every hot statement).
-- Keep in step with ../sqlite/0023_hot_indexes.sql: the same index names.

-- An award's emails (the award page): without it, a scan of every message ever queued.
CREATE INDEX outbox_award ON outbox (award_id);
-- The nightly analytics roll-up takes the events of finished days: a range on the time.
-- Events arrive in time order, so the index grows at its right edge.
CREATE INDEX analytics_events_at ON analytics_events (at);
-- (org_id, status) is the leading part of awards_org_status_valid, which serves every query
-- it did: one index fewer to write per award issued.
DROP INDEX awards_org_status;
-- The bulk issue asks, for each row it reads, whether the achievement was already awarded to
-- the row's email: with an index on the achievement alone, PostgreSQL's plan (made while the
-- table was small) walked every award of the achievement for each row, so an import of
-- 100,000 rows to one badge slowed down quadratically (40 s of a 78 s run). Both columns
-- make it one lookup; the achievement alone is the new index's leading column.
DROP INDEX awards_achievement;
CREATE INDEX awards_achievement_recipient ON awards (achievement_id, recipient_email);

-- Signed credentials and email bodies are kilobytes of text that PostgreSQL compresses when
-- a row passes 2 KB: lz4 compresses several times faster than the default pglz, which a bulk
-- issue of 100,000 awards (and their emails) felt. Servers built without lz4 keep pglz.
DO $$
BEGIN
    ALTER TABLE awards ALTER COLUMN credential SET COMPRESSION lz4;
    ALTER TABLE outbox ALTER COLUMN body_text SET COMPRESSION lz4,
                       ALTER COLUMN body_html SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;
