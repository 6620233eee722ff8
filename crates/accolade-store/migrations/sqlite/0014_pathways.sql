-- Pathways: an organization's routes toward a goal. The requirement tree (all of, N of,
-- credits at least X, over the organization's achievements) is JSON text with a format
-- number, {"format": 1, "root": …}; `version` counts edits, for concurrent-edit checks.
-- The target achievement, when set, must be one of the same organization's. Same table
-- and names on both backends.

CREATE TABLE pathways (
    id          TEXT PRIMARY KEY NOT NULL,
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    target_id   TEXT,
    requirement TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    FOREIGN KEY (org_id, target_id) REFERENCES achievements (org_id, id)
);
CREATE INDEX pathways_org_name ON pathways (org_id, name);
