-- Kept in step with SQLite's 0017, which adds the index PostgreSQL has had since 0011.
CREATE INDEX IF NOT EXISTS claim_tokens_award ON claim_tokens (award_id);
