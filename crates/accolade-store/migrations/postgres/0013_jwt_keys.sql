-- The keys that sign credentials as VC-JWTs (ES256, P-256), one current key per
-- organization, made the first time one is needed. The private scalar is sealed with the
-- master key, as the Ed25519 signing keys are. Retired keys stay, so every token they signed
-- keeps verifying against the published key.

CREATE TABLE jwt_keys (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    alg           TEXT NOT NULL CHECK (alg IN ('ES256')),
    -- The public key as a JWK without kid/alg/use: {"kty":"EC","crv":"P-256","x":…,"y":…}
    public_jwk    TEXT NOT NULL,
    sealed_secret BYTEA NOT NULL,
    created_at    BIGINT NOT NULL,
    retired_at    BIGINT
);
-- At most one current key per organization: concurrent first uses insert one key, not two.
CREATE UNIQUE INDEX jwt_keys_current_uq ON jwt_keys (org_id) WHERE retired_at IS NULL;
CREATE INDEX jwt_keys_org_created ON jwt_keys (org_id, created_at);
