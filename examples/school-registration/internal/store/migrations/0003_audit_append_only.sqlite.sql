-- 0003 (SQLite): the audit trail is append-only. No row is ever updated; purge notes are never deleted.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_keep_purge_notes BEFORE DELETE ON audit_log WHEN OLD.action = 'audit_purged' BEGIN SELECT RAISE(ABORT, 'audit_log purge notes are kept'); END;
