-- Revocation is final, and a published status-list bit never moves: the schema refuses to
-- take an award out of 'revoked', to move it to another position or organization, or to
-- delete a revoked award, whatever statement tries. (The store's status changes are
-- compare-and-set statements that never try; this holds for everything else.)
-- Keep in step with ../sqlite/0016_revocation_final.sql.
CREATE FUNCTION awards_revocation_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'revoked' THEN
            RAISE EXCEPTION 'a revoked award is never deleted';
        END IF;
        RETURN OLD;
    END IF;
    IF (OLD.status = 'revoked' AND NEW.status <> 'revoked')
       OR NEW.status_index <> OLD.status_index
       OR NEW.org_id <> OLD.org_id THEN
        RAISE EXCEPTION 'revocation is final and an award keeps its status-list position';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER awards_revocation_final
BEFORE UPDATE OR DELETE ON awards
FOR EACH ROW EXECUTE FUNCTION awards_revocation_final();
