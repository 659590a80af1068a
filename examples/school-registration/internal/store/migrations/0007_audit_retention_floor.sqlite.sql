-- 0007 (SQLite): the database judges a purge by its own clock ('now', UTC) and the minimum
-- retention (365 days, store.MinAuditRetention), so that a writer of the file can no longer write
-- a purge note dated in the future and delete the whole trail:
--   - a record younger than 365 days is never deleted, whatever note covers it (also a note
--     forged before this migration);
--   - a purge note may not be dated more than an hour ahead, and its cutoff must lie at least
--     365 days back (and, as before, not after the note itself).
-- Times are compared as dates (julianday of the first 19 characters, 'YYYY-MM-DD HH:MM:SS' in
-- UTC, as the store writes them), not as strings; a value that is no date counts as refused.
DROP TRIGGER audit_log_delete_only_purged;
CREATE TRIGGER audit_log_delete_only_purged BEFORE DELETE ON audit_log WHEN OLD.action = 'audit_purged' OR COALESCE(julianday(substr(OLD.at, 1, 19)) < julianday('now', '-365 days'), 0) = 0 OR NOT EXISTS (SELECT 1 FROM audit_log p WHERE p.action = 'audit_purged' AND julianday(substr(p.purge_before, 1, 19)) > julianday(substr(OLD.at, 1, 19))) BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: only records older than a purge note and than the minimum retention (365 days) are deleted, and purge notes are kept'); END;
DROP TRIGGER audit_log_purge_note_past;
CREATE TRIGGER audit_log_purge_note_past BEFORE INSERT ON audit_log WHEN NEW.action = 'audit_purged' AND (COALESCE(julianday(substr(NEW.purge_before, 1, 19)) <= julianday(substr(NEW.at, 1, 19)), 0) = 0 OR COALESCE(julianday(substr(NEW.at, 1, 19)) <= julianday('now', '+1 hour'), 0) = 0 OR COALESCE(julianday(substr(NEW.purge_before, 1, 19)) <= julianday('now', '-365 days'), 0) = 0) BEGIN SELECT RAISE(ABORT, 'audit_log: a purge note is dated by the database clock and covers only records older than itself and than the minimum retention (365 days)'); END;
