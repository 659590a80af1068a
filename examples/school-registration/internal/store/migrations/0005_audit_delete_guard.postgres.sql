-- 0005 (PostgreSQL): a record is deleted only when a purge note, written first in the purge's
-- transaction, covers it (it is older than the note's purge_before); purge notes are never
-- deleted; a purge note cannot cover the future (purge_before after its own time); TRUNCATE
-- (which skips row triggers) is refused.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'UPDATE' OR OLD.action = 'audit_purged' OR NOT EXISTS (SELECT 1 FROM audit_log p WHERE p.action = 'audit_purged' AND p.purge_before > OLD.at) THEN RAISE EXCEPTION 'audit_log is append-only: only records older than a purge note are deleted, and purge notes are kept'; END IF; RETURN OLD; END $$;
CREATE FUNCTION audit_log_purge_note_past() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.action = 'audit_purged' AND (NEW.purge_before IS NULL OR NEW.purge_before > NEW.at) THEN RAISE EXCEPTION 'audit_log: a purge note covers only records older than itself'; END IF; RETURN NEW; END $$;
CREATE TRIGGER audit_log_purge_note_past BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_purge_note_past();
CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only: TRUNCATE is refused'; END $$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();
