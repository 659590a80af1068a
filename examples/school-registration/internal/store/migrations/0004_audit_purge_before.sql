-- 0004: a purge note records its cutoff (purge_before): the records older than it that the
-- purge deleted. 0005 lets the database delete a record only when such a note covers it.
ALTER TABLE audit_log ADD COLUMN purge_before TIMESTAMP;

CREATE INDEX audit_log_purge_notes ON audit_log (purge_before) WHERE action = 'audit_purged';
