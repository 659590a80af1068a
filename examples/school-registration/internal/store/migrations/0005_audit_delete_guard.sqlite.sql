-- 0005 (SQLite): a record is deleted only when a purge note, written first in the purge's
-- transaction, covers it (it is older than the note's purge_before); purge notes are never
-- deleted; a purge note cannot cover the future (purge_before after its own time).
DROP TRIGGER audit_log_keep_purge_notes;
CREATE TRIGGER audit_log_delete_only_purged BEFORE DELETE ON audit_log WHEN OLD.action = 'audit_purged' OR NOT EXISTS (SELECT 1 FROM audit_log p WHERE p.action = 'audit_purged' AND p.purge_before > OLD.at) BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: only records older than a purge note are deleted, and purge notes are kept'); END;
CREATE TRIGGER audit_log_purge_note_past BEFORE INSERT ON audit_log WHEN NEW.action = 'audit_purged' AND (NEW.purge_before IS NULL OR NEW.purge_before > NEW.at) BEGIN SELECT RAISE(ABORT, 'audit_log: a purge note covers only records older than itself'); END;
