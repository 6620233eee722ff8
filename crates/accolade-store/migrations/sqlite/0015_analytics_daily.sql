-- Analytics by day. Once a day is over, its events are counted per award, day, kind and
-- channel, with the number of distinct visitors (their hashes are only comparable within
-- a day: each day has its own salt), and the raw rows are deleted. The events table so
-- holds about one day of rows, and totals add both tables.
-- Keep in step with ../postgres/0015_analytics_daily.sql.
CREATE TABLE analytics_daily (
    award_id TEXT NOT NULL,
    -- Days since 1970-01-01, UTC.
    day      INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    channel  TEXT NOT NULL,
    events   INTEGER NOT NULL,
    visitors INTEGER NOT NULL,
    PRIMARY KEY (award_id, day, kind, channel)
);
