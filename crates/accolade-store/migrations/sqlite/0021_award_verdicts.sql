-- What verifying an award's stored credential found that does not change with time: its
-- signature, signing key, issuer and form (the validity period and status are checked at
-- each view). Bound to the exact credential bytes by their SHA-256: a credential that differs
-- from the one checked is verified again. Written after issue, off the issue path.
CREATE TABLE award_verdicts (
    award_id          TEXT PRIMARY KEY NOT NULL REFERENCES awards (id) ON DELETE CASCADE,
    credential_sha256 TEXT NOT NULL,
    checked_at        INTEGER NOT NULL,
    checks            TEXT NOT NULL
);
