-- API keys: an organization's programs call /api/v1 with a bearer token
-- `acc_<prefix>_<secret>`. The prefix (8 characters) names the key where people see it and
-- finds its row; the secret (32 random bytes, base64url) is kept only as its SHA-256, which
-- is enough for a secret of that entropy. Revoked and expired keys stay listed. Keep in
-- step with ../sqlite/0027_api_keys.sql.

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    secret_hash  BYTEA NOT NULL,
    -- Space-separated: read, issue, revoke, admin.
    scopes       TEXT NOT NULL,
    -- How the audit log names who made it (a member, or the command line).
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    expires_at   BIGINT,
    revoked_at   BIGINT
);
CREATE UNIQUE INDEX api_keys_prefix_uq ON api_keys (prefix);
CREATE INDEX api_keys_org_created ON api_keys (org_id, created_at);
