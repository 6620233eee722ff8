-- Revocation is final, and a published status-list bit never moves: the schema refuses to
-- take an award out of 'revoked', to move it to another position or organization, or to
-- delete a revoked award, whatever statement tries. (The store's status changes are
-- compare-and-set statements that never try; this holds for everything else.)
-- Keep in step with ../postgres/0016_revocation_final.sql.
CREATE TRIGGER awards_revocation_final
BEFORE UPDATE OF status, status_index, org_id ON awards
WHEN (OLD.status = 'revoked' AND NEW.status <> 'revoked')
  OR NEW.status_index <> OLD.status_index
  OR NEW.org_id <> OLD.org_id
BEGIN
    SELECT RAISE(ABORT, 'revocation is final and an award keeps its status-list position');
END;

CREATE TRIGGER awards_revoked_kept
BEFORE DELETE ON awards
WHEN OLD.status = 'revoked'
BEGIN
    SELECT RAISE(ABORT, 'a revoked award is never deleted');
END;
