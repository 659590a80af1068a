-- 0003 (PostgreSQL): the audit trail is append-only. No row is ever updated; purge notes are never deleted.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'UPDATE' OR OLD.action = 'audit_purged' THEN RAISE EXCEPTION 'audit_log is append-only'; END IF; RETURN OLD; END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
