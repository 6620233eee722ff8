-- The awards list at any size: pages read by key instead of by offset, a recipient search
-- through an index, and each organization's number of awards kept as it changes (issuing
-- checks its status list's fill against it instead of counting). Keep in step with
-- ../sqlite/0026_award_list.sql: the same index and table names.

-- A page is read after (or before) the last row shown, in (created_at, id) order. With the
-- id in the index, a page is one range of it, also where a bulk issue gave thousands of
-- awards the same created_at (without it, each page sorted all of them).
DROP INDEX awards_org_created;
CREATE INDEX awards_org_created_id ON awards (org_id, created_at, id);
DROP INDEX awards_org_achievement_created;
CREATE INDEX awards_org_achievement_created_id
    ON awards (org_id, achievement_id, created_at, id);

-- The recipient search finds a part of the email or the name, in any case: trigrams of both
-- in one index (the search checks each column again, so no match spans the two). pg_trgm
-- ships with PostgreSQL (contrib) and is a trusted extension, so the database's owner may
-- create it; where it cannot be created, the search still works without the index (it then
-- reads the organization's awards) and the migration says so.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX awards_recipient_trgm ON awards
        USING gin (lower(recipient_email || ' ' || coalesce(recipient_name, '')) gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'no trigram index for the awards list''s recipient search: %', SQLERRM;
END
$$;

-- Each organization's number of awards, changed by the statements that insert or delete
-- awards, in their transaction (every path: single issue, bulk COPY, multi-row inserts).
-- One row change per statement, from its transition table, not one per award: a bulk chunk
-- of 2,000 awards adds 2,000 at once.
CREATE TABLE award_counts (
    org_id TEXT PRIMARY KEY REFERENCES orgs (id),
    total  BIGINT NOT NULL
);
INSERT INTO award_counts (org_id, total) SELECT org_id, COUNT(*) FROM awards GROUP BY org_id;

CREATE FUNCTION award_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO award_counts (org_id, total)
    SELECT org_id, COUNT(*) FROM added GROUP BY org_id ORDER BY org_id
    ON CONFLICT (org_id) DO UPDATE SET total = award_counts.total + EXCLUDED.total;
    RETURN NULL;
END
$$;
CREATE TRIGGER award_counts_insert AFTER INSERT ON awards
REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION award_counts_added();

CREATE FUNCTION award_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE award_counts c SET total = c.total - r.n
    FROM (SELECT org_id, COUNT(*) AS n FROM removed GROUP BY org_id) r
    WHERE c.org_id = r.org_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER award_counts_delete AFTER DELETE ON awards
REFERENCING OLD TABLE AS removed
FOR EACH STATEMENT EXECUTE FUNCTION award_counts_removed();
