-- The awards list at any size: pages read by key instead of by offset, a recipient search
-- through an index, and each organization's number of awards kept as it changes (issuing
-- checks its status list's fill against it instead of counting). Keep in step with
-- ../postgres/0026_award_list.sql: the same index and table names.

-- A page is read after (or before) the last row shown, in (created_at, id) order. With the
-- id in the index, a page is one range of it, also where a bulk issue gave thousands of
-- awards the same created_at (without it, each page sorted all of them).
DROP INDEX awards_org_created;
CREATE INDEX awards_org_created_id ON awards (org_id, created_at, id);
DROP INDEX awards_org_achievement_created;
CREATE INDEX awards_org_achievement_created_id
    ON awards (org_id, achievement_id, created_at, id);

-- The recipient search finds a part of the email or the name, in any case: an FTS5 table of
-- trigrams of both (a phrase of three characters or more is a substring match there), kept
-- by a trigger on every insert, whatever path inserts. It holds the award's id, not the
-- award's rowid, which VACUUM may renumber. Awards are not deleted or renamed (a correction
-- is a new award); a row left by one that is would only be joined to nothing.
CREATE VIRTUAL TABLE awards_recipient_search USING fts5 (
    award_id UNINDEXED,
    email,
    name,
    tokenize = 'trigram'
);
INSERT INTO awards_recipient_search (award_id, email, name)
SELECT id, recipient_email, COALESCE(recipient_name, '') FROM awards;
CREATE TRIGGER awards_recipient_search_insert AFTER INSERT ON awards
BEGIN
    INSERT INTO awards_recipient_search (award_id, email, name)
    VALUES (NEW.id, NEW.recipient_email, COALESCE(NEW.recipient_name, ''));
END;

-- Each organization's number of awards, changed in the transaction that inserts or deletes
-- awards, whatever path does.
CREATE TABLE award_counts (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES orgs (id),
    total  INTEGER NOT NULL
);
INSERT INTO award_counts (org_id, total) SELECT org_id, COUNT(*) FROM awards GROUP BY org_id;
CREATE TRIGGER award_counts_insert AFTER INSERT ON awards
BEGIN
    INSERT INTO award_counts (org_id, total) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET total = total + 1;
END;
CREATE TRIGGER award_counts_delete AFTER DELETE ON awards
BEGIN
    UPDATE award_counts SET total = total - 1 WHERE org_id = OLD.org_id;
END;
