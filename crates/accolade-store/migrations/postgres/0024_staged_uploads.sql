-- A file uploaded for a bulk issue, kept between the upload and the column-mapping step. In
-- the database rather than on the receiving server's disk, so that with several servers
-- behind a load balancer the next request (on any of them) finds it. Deleted after its dry
-- run, or a day later. Keep in step with ../sqlite/0024_staged_uploads.sql.
CREATE TABLE staged_uploads (
    token      TEXT PRIMARY KEY NOT NULL,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    file_name  TEXT NOT NULL,
    content    BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX staged_uploads_created ON staged_uploads (created_at);
