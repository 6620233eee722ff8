-- Claim tokens are looked up by award (listing and replacing an award's links); PostgreSQL
-- has had this index since 0011, SQLite lacked it.
CREATE INDEX IF NOT EXISTS claim_tokens_award ON claim_tokens (award_id);
