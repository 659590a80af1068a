-- 0007 (PostgreSQL): the database judges a purge by its own clock and the minimum retention
-- (365 days, store.MinAuditRetention), so that a role with INSERT and DELETE on audit_log can no
-- longer write a purge note dated in the future and delete the whole trail:
--   - a record younger than 365 days by the database's clock is never deleted, whatever note
--     covers it (also a note forged before this migration);
--   - a purge note may not be dated more than an hour after the database's clock, and its cutoff
--     must lie at least 365 days before that clock (and, as before, not after the note itself).
-- audit_log_purge is the purge itself (the note, then the deletion), SECURITY DEFINER: a
-- deployment whose app role has no DELETE on audit_log at all purges through it (see
-- deploy/postgres-app-role.sql). It runs with the search path of the schema it was created in.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'UPDATE' OR OLD.action = 'audit_purged' OR OLD.at >= (now() AT TIME ZONE 'UTC') - interval '365 days' OR NOT EXISTS (SELECT 1 FROM audit_log p WHERE p.action = 'audit_purged' AND p.purge_before > OLD.at) THEN RAISE EXCEPTION 'audit_log is append-only: only records older than a purge note and than the minimum retention (365 days) are deleted, and purge notes are kept'; END IF; RETURN OLD; END $$;
CREATE OR REPLACE FUNCTION audit_log_purge_note_past() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.action = 'audit_purged' AND (NEW.purge_before IS NULL OR NEW.purge_before > NEW.at OR NEW.at > (now() AT TIME ZONE 'UTC') + interval '1 hour' OR NEW.purge_before > (now() AT TIME ZONE 'UTC') - interval '365 days') THEN RAISE EXCEPTION 'audit_log: a purge note is dated by the database clock and covers only records older than itself and than the minimum retention (365 days)'; END IF; RETURN NEW; END $$;
CREATE FUNCTION audit_log_purge(note_id TEXT, note_at TIMESTAMP, cutoff TIMESTAMP, note_reason TEXT) RETURNS BIGINT LANGUAGE plpgsql SECURITY DEFINER AS $$ DECLARE n BIGINT; BEGIN INSERT INTO audit_log (id, at, action, actor, reason, purge_before) VALUES (note_id, note_at, 'audit_purged', 'system', note_reason, cutoff); DELETE FROM audit_log WHERE at < cutoff AND action <> 'audit_purged'; GET DIAGNOSTICS n = ROW_COUNT; RETURN n; END $$;
REVOKE ALL ON FUNCTION audit_log_purge(TEXT, TIMESTAMP, TIMESTAMP, TEXT) FROM PUBLIC;
DO $$ BEGIN EXECUTE format('ALTER FUNCTION audit_log_purge(TEXT, TIMESTAMP, TIMESTAMP, TEXT) SET search_path = %I, pg_temp', current_schema()); END $$;
