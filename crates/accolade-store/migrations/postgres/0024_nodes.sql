-- What several servers of one instance (nodes behind a load balancer, on one database) must
-- share beyond the data itself. Keep in step with ../sqlite/0024_nodes.sql.

-- A file uploaded for a bulk issue, kept between the upload and the column-mapping step. In
-- the database rather than on the receiving server's disk, so that the next request, on
-- whichever node, finds it. Deleted after its dry run, or a day later.
CREATE TABLE staged_uploads (
    token      TEXT PRIMARY KEY NOT NULL,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    file_name  TEXT NOT NULL,
    content    BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX staged_uploads_created ON staged_uploads (created_at);

-- A known value sealed under the instance's master key by the first process that opened the
-- database with one. Every later process unseals it: one started with another master key
-- (which could neither sign with the stored keys nor seal keys the others can use) refuses
-- to start. The master key itself never enters the database.
CREATE TABLE master_key_check (
    id         INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    sealed     BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
