-- The issuer's insight dashboard reads these roll-ups, never the raw tables, so a page over a
-- year of a thousand badges reads a few thousand rows. Once a day is over, what happened on
-- it is counted per organization, badge (achievement) and day: awards issued, claimed into a
-- backpack, made public by their earner ("accepted"), shares, views, verifications,
-- downloads, LinkedIn adds, embed impressions, and how many awards were shared or viewed for
-- the first time. `achievement_id` '' holds the whole organization's counts.
-- insights_totals holds each badge's running totals (everything up to and including `day`, on
-- the days it had anything), so its totals over any range are the difference of two rows;
-- insights_channels holds the shares per channel.
-- insights_state.through: days before this one (days since 1970-01-01, UTC) are rolled up.
-- Keep in step with ../postgres/0019_insights.sql (SQLite keeps these tables in key order,
-- WITHOUT ROWID, so a badge's days are read together).
CREATE TABLE insights_days (
    org_id         TEXT NOT NULL,
    achievement_id TEXT NOT NULL,
    day            INTEGER NOT NULL,
    issued         INTEGER NOT NULL,
    claimed        INTEGER NOT NULL,
    accepted       INTEGER NOT NULL,
    shares         INTEGER NOT NULL,
    views          INTEGER NOT NULL,
    verifications  INTEGER NOT NULL,
    downloads      INTEGER NOT NULL,
    linkedin_adds  INTEGER NOT NULL,
    embeds         INTEGER NOT NULL,
    shared_awards  INTEGER NOT NULL,
    viewed_awards  INTEGER NOT NULL,
    PRIMARY KEY (org_id, achievement_id, day)
) WITHOUT ROWID;
CREATE TABLE insights_totals (
    org_id         TEXT NOT NULL,
    achievement_id TEXT NOT NULL,
    day            INTEGER NOT NULL,
    issued         INTEGER NOT NULL,
    claimed        INTEGER NOT NULL,
    accepted       INTEGER NOT NULL,
    shares         INTEGER NOT NULL,
    views          INTEGER NOT NULL,
    verifications  INTEGER NOT NULL,
    downloads      INTEGER NOT NULL,
    linkedin_adds  INTEGER NOT NULL,
    embeds         INTEGER NOT NULL,
    shared_awards  INTEGER NOT NULL,
    viewed_awards  INTEGER NOT NULL,
    PRIMARY KEY (org_id, achievement_id, day)
) WITHOUT ROWID;
CREATE TABLE insights_channels (
    org_id         TEXT NOT NULL,
    achievement_id TEXT NOT NULL,
    day            INTEGER NOT NULL,
    channel        TEXT NOT NULL,
    shares         INTEGER NOT NULL,
    PRIMARY KEY (org_id, achievement_id, day, channel)
) WITHOUT ROWID;
CREATE TABLE insights_state (
    id      INTEGER PRIMARY KEY NOT NULL,
    through INTEGER NOT NULL
);
INSERT INTO insights_state (id, through) VALUES (1, 0);
-- The roll-up finds what happened on the days it counts by day and time.
CREATE INDEX analytics_daily_day ON analytics_daily (day);
CREATE INDEX awards_issued ON awards (issued_at);
CREATE INDEX backpack_claimed ON backpack (claimed_at);
